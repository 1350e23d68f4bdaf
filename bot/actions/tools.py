"""Link buttons of `/csm connect`: Slack sends an action for a URL button too; it only needs an ack."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services import Services


def register(app: AsyncApp, services: Services) -> None:
    @app.action(re.compile(r"^connect_(google|slack)_open$"))
    async def opened(ack: Any) -> None:
        await ack()
