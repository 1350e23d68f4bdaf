"""Playbooks on the Slack surface: the App Home and snapshot sections, and the progress poster."""

from __future__ import annotations

import logging
from typing import Any

from bot.blocks.playbooks import home_blocks, progress_text, snapshot_blocks
from bot.services import Services
from playbooks.runner import PlaybookProgress, ProgressCallback
from tools.model import ToolContext

log = logging.getLogger(__name__)


async def home_section(services: Services, user_id: str) -> list[Any]:
    if services.playbooks is None:
        return []
    views = (
        await services.playbooks.list_executions(owner=user_id) or await services.playbooks.list_executions()
    )
    return home_blocks(views)


async def snapshot_section(services: Services, customer_id: int) -> list[Any]:
    if services.playbooks is None:
        return []
    return snapshot_blocks(await services.playbooks.list_executions(customer_id))


def progress_poster(services: Services) -> ProgressCallback:
    """Post each progress line in the customer's channel, threaded under the playbook's first post."""

    async def post(event: PlaybookProgress) -> str | None:
        if not event.channel or services.registry is None:
            return None
        text = progress_text(event)
        if event.thread_ts is None and event.kind != "started":
            text = f"*{event.playbook_name}* for *{event.customer_name}* (#{event.execution_id}): {text}"
        data: dict[str, Any] = {"channel": event.channel, "text": text}
        if event.thread_ts:
            data["thread_ts"] = event.thread_ts
        ctx = ToolContext(
            user_id="system",
            customer_id=event.customer_id,
            customer_name=event.customer_name,
            caller_kind="playbook",
            caller_ref=f"playbook_execution:{event.execution_id}",
        )
        result = await services.registry.invoke("slack.send_message", data, ctx)
        if not result.success:
            log.warning("playbook #%s progress not posted: %s", event.execution_id, result.error)
            return None
        found = result.data if isinstance(result.data, dict) else {}
        return found.get("ts") or found.get("thread_ts")

    return post


def install(services: Services, executor: Any) -> None:
    """Make the engine reachable from Slack: `/csm playbook`, buttons, App Home and snapshot sections."""
    services.playbooks = executor
    if home_section not in services.home_sections:
        services.home_sections.append(home_section)
    if snapshot_section not in services.snapshot_sections:
        services.snapshot_sections.append(snapshot_section)
