"""Skills on the Slack surface beyond `/csm skill`: App Home and customer snapshot sections."""

from __future__ import annotations

from typing import Any

from bot.blocks.skills import runs_blocks
from bot.services import Services


async def home_section(services: Services, user_id: str) -> list[Any]:
    if services.skills is None:
        return []
    return runs_blocks(await services.skills.recent_runs(user_id=user_id), title="Your recent skill runs")


async def snapshot_section(services: Services, customer_id: int) -> list[Any]:
    if services.skills is None:
        return []
    reports = await services.skills.recent_runs(customer_id=customer_id, limit=3)
    return runs_blocks(reports, title="Recent skill runs", with_customer=False)


def install(services: Services) -> None:
    """Add the skills sections to the App Home and the customer snapshot (once)."""
    if home_section not in services.home_sections:
        services.home_sections.append(home_section)
    if snapshot_section not in services.snapshot_sections:
        services.snapshot_sections.append(snapshot_section)
