"""`/csm meetings [CUSTOMER]` and `/csm meeting ID` (CONTRACTS §3)."""

from __future__ import annotations

from bot.blocks.customer import not_found_text
from bot.blocks.meetings import analysis_blocks, meeting_list_blocks
from bot.commands import CommandContext, subcommand
from bot.commands.customer import find_customer


@subcommand(
    "meetings",
    usage="meetings [CUSTOMER]",
    example="meetings Acme Corp",
    summary="recent analysed meetings",
)
async def meetings_command(ctx: CommandContext) -> None:
    service = ctx.services.meetings
    if service is None:
        await ctx.reply("Meeting analysis is not running in this app.")
        return
    query = " ".join(ctx.args).strip()
    if query:
        customer, suggestions = await find_customer(ctx.services, query)
        if customer is None:
            await ctx.reply(not_found_text(query, suggestions))
            return
        recent = await service.recent(customer.id, limit=10)
        title = f"Meetings with {customer.name}"
    else:
        recent = await service.recent(limit=10)
        title = "Recent meetings"
    text = f"{title}: {len(recent)} analysed" if recent else f"{title}: none analysed yet."
    await ctx.reply(text, meeting_list_blocks(recent, title))


@subcommand("meeting", usage="meeting ID", example="meeting 12", summary="one meeting's analysis")
async def meeting_command(ctx: CommandContext) -> None:
    service = ctx.services.meetings
    if service is None:
        await ctx.reply("Meeting analysis is not running in this app.")
        return
    raw = ctx.args[0].lstrip("#") if ctx.args else ""
    if not raw.isdigit():
        await ctx.reply("Which meeting? Give its number, e.g. `/csm meeting 12` (see `/csm meetings`).")
        return
    stored = await service.get(int(raw))
    if stored is None:
        await ctx.reply(f"There is no analysed meeting #{raw}. `/csm meetings` lists the recent ones.")
        return
    await ctx.reply(f"Meeting #{stored.id}: {stored.facts.topic or 'meeting'}", analysis_blocks(stored))
