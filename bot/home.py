"""App Home tab: published on `app_home_opened` and whenever an engine asks for a refresh."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks.home import home_view, portfolio_blocks
from bot.services import Services
from store.customers import portfolio

log = logging.getLogger(__name__)


async def build_home(services: Services, user_id: str) -> dict[str, Any]:
    async with services.db.session() as session:
        mine = await portfolio(session, owner=user_id)
        scope = "yours"
        if mine.total == 0:
            mine, scope = await portfolio(session), "all accounts"
    sections = [portfolio_blocks(mine, scope)]
    for builder in services.home_sections:
        try:
            sections.append(await builder(services, user_id))
        except Exception:
            log.exception("an App Home section failed; publishing the others")
    return home_view(sections)


async def publish_home(services: Services, client: Any, user_id: str) -> None:
    await client.views_publish(user_id=user_id, view=await build_home(services, user_id))


def register(app: AsyncApp, services: Services) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any], client: Any) -> None:
        if event.get("tab", "home") != "home":
            return
        services.tasks.spawn(publish_home(services, client, event["user"]), what="publishing the App Home")
