"""Button and modal handlers, one module per area, listed in `ACTION_MODULES`."""

from __future__ import annotations

import importlib

from slack_bolt.async_app import AsyncApp

from bot.services import Services

ACTION_MODULES = [
    "bot.actions.customer",
    "bot.actions.approvals",
    "bot.actions.skills",
    "bot.actions.triggers",
    "bot.actions.playbooks",
    "bot.actions.assistant",
    "bot.actions.automations",
    "bot.actions.meetings",
    "bot.actions.tools",
]


def register(app: AsyncApp, services: Services) -> None:
    for module in ACTION_MODULES:
        importlib.import_module(module).register(app, services)
