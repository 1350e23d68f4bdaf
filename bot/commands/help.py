"""`/csm help`: the subcommands with one example each."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import context, header, section
from bot.commands import SUBCOMMANDS, Subcommand


def help_blocks(prefix: str | None = None) -> tuple[str, list[Any]]:
    entries = []
    seen = set()
    for entry in SUBCOMMANDS.values():
        if entry.name in seen:
            continue
        seen.add(entry.name)
        entries.append(entry)
    lines = [f"`/csm {e.usage}`: {e.summary}\n      e.g. `/csm {e.example}`" for e in entries]
    blocks: list[Any] = []
    if prefix:
        blocks.append(section(prefix))
    blocks.append(header("csm-agent commands"))
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    blocks.append(context("You can also DM me in plain language, e.g. _how is Acme Corp doing?_"))
    text = (prefix + "\n" if prefix else "") + "\n".join(f"/csm {e.usage}: {e.summary}" for e in entries)
    return text, blocks


# Listed like the others; the dispatcher answers it in the ack, so it has no handler.
SUBCOMMANDS["help"] = Subcommand("help", "help", "help", "this list", None)
