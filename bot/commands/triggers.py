"""`/csm triggers`: the trigger rules with enable/disable buttons."""

from __future__ import annotations

from bot.blocks.triggers import rules_blocks
from bot.commands import CommandContext, subcommand
from triggers.rules import list_rules


@subcommand(
    "triggers", usage="triggers", example="triggers", summary="trigger rules, with enable/disable buttons"
)
async def triggers_command(ctx: CommandContext) -> None:
    rules = await list_rules(ctx.services.db)
    on = sum(1 for r in rules if r.enabled)
    await ctx.reply(f"{len(rules)} trigger rules, {on} on", rules_blocks(rules))
