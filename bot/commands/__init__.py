"""`/csm` and its subcommands (CONTRACTS §3), dispatched by a table.

Each area adds a module that calls `subcommand(...)` for its entries; the module is listed in
`COMMAND_MODULES`. Handlers run after the ack, as background tasks whose failures are reported.
"""

from __future__ import annotations

import importlib
import logging
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from slack_bolt.async_app import AsyncApp

from bot.blocks.common import to_dicts
from bot.services import Services

log = logging.getLogger(__name__)

COMMAND_MODULES = [
    "bot.commands.help",
    "bot.commands.customer",
    "bot.commands.approvals",
    "bot.commands.skills",
    "bot.commands.triggers",
    "bot.commands.playbooks",
    "bot.commands.automations",
    "bot.commands.meetings",
    "bot.commands.tools",
]


@dataclass
class CommandContext:
    services: Services
    user_id: str
    team_id: str
    channel_id: str
    text: str
    args: list[str]
    trigger_id: str | None
    respond: Callable[..., Awaitable[Any]]
    client: Any

    async def reply(self, text: str, blocks: list[Any] | None = None, *, public: bool = False) -> None:
        """An ephemeral answer to the user who typed the command (or in the channel, if public)."""
        kwargs: dict[str, Any] = {"text": text, "response_type": "in_channel" if public else "ephemeral"}
        if blocks:
            kwargs["blocks"] = to_dicts(blocks)
        await self.respond(**kwargs)


Handler = Callable[[CommandContext], Awaitable[None]]


@dataclass
class Subcommand:
    name: str
    usage: str
    example: str
    summary: str
    handler: Handler | None  # None: answered in the ack by the dispatcher itself (help)
    aliases: list[str] = field(default_factory=list)


SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(name: str, *, usage: str, example: str, summary: str, aliases: list[str] | None = None):
    def decorate(handler: Handler) -> Handler:
        entry = Subcommand(name, usage, example, summary, handler, aliases or [])
        for key in [name, *entry.aliases]:
            SUBCOMMANDS[key] = entry
        return handler

    return decorate


def split_args(text: str) -> list[str]:
    """Words of the command; quoted values keep their spaces. Unbalanced quotes fall back to spaces."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def nearest(name: str) -> str | None:
    names = sorted({s.name for s in SUBCOMMANDS.values()})
    match = process.extractOne(name, names, score_cutoff=60)
    return match[0] if match else None


def register(app: AsyncApp, services: Services) -> None:
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    from bot.commands.help import help_blocks

    @app.command("/csm")
    async def csm(ack: Any, body: dict[str, Any], respond: Any, client: Any) -> None:
        text = (body.get("text") or "").strip()
        args = split_args(text)
        name = args[0].lower() if args else "help"
        entry = SUBCOMMANDS.get(name)
        if entry is None or entry.name == "help":
            prefix = None
            if entry is None:
                guess = nearest(name)
                prefix = f"I don't know `/csm {name}`." + (f" Did you mean `/csm {guess}`?" if guess else "")
            text_out, blocks = help_blocks(prefix)
            await ack(text=text_out, blocks=to_dicts(blocks))
            return
        await ack()
        ctx = CommandContext(
            services=services,
            user_id=body.get("user_id", ""),
            team_id=body.get("team_id", ""),
            channel_id=body.get("channel_id", ""),
            text=text,
            args=args[1:],
            trigger_id=body.get("trigger_id"),
            respond=respond,
            client=client,
        )

        async def tell(message: str) -> None:
            await respond(text=message, response_type="ephemeral")

        assert entry.handler is not None
        services.tasks.spawn(entry.handler(ctx), what=f"`/csm {entry.name}`", notify=tell)
