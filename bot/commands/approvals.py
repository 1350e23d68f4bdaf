"""`/csm approvals`: what is waiting for your decision."""

from __future__ import annotations

from typing import Any

from bot.blocks.approvals import approval_blocks
from bot.blocks.common import divider, header, section
from bot.commands import CommandContext, subcommand
from bot.services import Services


async def pending_blocks(services: Services, user_id: str, limit: int = 10) -> list[Any]:
    pending = await services.registry.approvals.list_pending(user_id)
    if not pending:
        return []
    blocks: list[Any] = [header(f"Pending approvals ({len(pending)})")]
    for i, approval in enumerate(pending[:limit]):
        if i:
            blocks.append(divider())
        blocks.extend(approval_blocks(approval)[1:])
    if len(pending) > limit:
        blocks.append(section(f"_…and {len(pending) - limit} more._"))
    return blocks


@subcommand("approvals", usage="approvals", example="approvals", summary="what is waiting for your decision")
async def approvals_command(ctx: CommandContext) -> None:
    blocks = await pending_blocks(ctx.services, ctx.user_id)
    if not blocks:
        await ctx.reply("Nothing is waiting for your approval.")
        return
    await ctx.reply("Pending approvals", blocks)


async def home_section(services: Services, user_id: str) -> list[Any]:
    return await pending_blocks(services, user_id, limit=5)
