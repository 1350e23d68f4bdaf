"""Event listeners (messages, mentions), one module per area, listed in `EVENT_MODULES`."""

from __future__ import annotations

import importlib

from slack_bolt.async_app import AsyncApp

from bot.services import Services

EVENT_MODULES: list[str] = ["bot.events.assistant"]


def register(app: AsyncApp, services: Services) -> None:
    for module in EVENT_MODULES:
        importlib.import_module(module).register(app, services)
