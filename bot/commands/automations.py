"""`/csm automate TEXT` (a preview with Save, Test run, Edit, Cancel) · `/csm automations` (the list)."""

from __future__ import annotations

from typing import Any

from bot.blocks.automations import list_blocks, preview_blocks
from bot.commands import CommandContext, subcommand
from bot.services import Services

NOT_SET_UP = "Automations are not available in this deployment (no automations engine is configured)."
EXAMPLE = "every Monday at 9am, send me a summary of customers with health score below 70"


async def preview_message(services: Services, user_id: str, team_id: str, text: str) -> tuple[str, list[Any]]:
    """The reply to a sentence: the preview, or the sentence saying what was not understood."""
    from automations.nl.parser import ParseRefused

    try:
        preview = await services.automations.preview(text, user_id, team_id=team_id)
    except ParseRefused as exc:
        return str(exc), []
    return preview_blocks(preview)


async def list_message(services: Services, user_id: str) -> tuple[str, list[Any]]:
    engine = services.automations
    rows = await engine.list(user_id)
    last = {}
    for row in rows:
        traces = await engine.traces(row.id, limit=1)
        if traces:
            last[row.id] = traces[0]["status"]
    return list_blocks(rows, last)


@subcommand(
    "automate",
    usage="automate TEXT",
    example=f"automate {EXAMPLE}",
    summary="turns a sentence into an automation (preview first)",
)
async def automate_command(ctx: CommandContext) -> None:
    if ctx.services.automations is None:
        await ctx.reply(NOT_SET_UP)
        return
    text = ctx.text.split(None, 1)[1].strip() if len(ctx.text.split(None, 1)) > 1 else ""
    if not text:
        await ctx.reply(f"Say what to automate, e.g. `/csm automate {EXAMPLE}`")
        return
    reply, blocks = await preview_message(ctx.services, ctx.user_id, ctx.team_id, text)
    await ctx.reply(reply, blocks or None)


@subcommand("automations", usage="automations", example="automations", summary="your automations")
async def automations_command(ctx: CommandContext) -> None:
    if ctx.services.automations is None:
        await ctx.reply(NOT_SET_UP)
        return
    reply, blocks = await list_message(ctx.services, ctx.user_id)
    await ctx.reply(reply, blocks)
