"""`/csm customer NAME`: the account snapshot."""

from __future__ import annotations

from typing import Any

from bot.blocks.customer import not_found_text, snapshot_blocks
from bot.commands import CommandContext, subcommand
from bot.services import Services
from store.customers import resolve_customer, snapshot, suggest_customers
from store.models import Customer


async def customer_card(services: Services, customer: Customer) -> tuple[str, list[Any]]:
    async with services.db.session() as session:
        snap = await snapshot(session, customer)
    extra: list[Any] = []
    for section_builder in services.snapshot_sections:
        extra.extend(await section_builder(services, customer.id))
    score = f"{snap.health_score}" if snap.health_score is not None else "unscored"
    return f"{snap.name}: health {score}, ARR {snap.arr or 0:,.0f}", snapshot_blocks(snap, extra)


async def find_customer(services: Services, query: str) -> tuple[Customer | None, list[str]]:
    async with services.db.session() as session:
        customer = await resolve_customer(session, query)
        if customer is not None:
            return customer, []
        return None, await suggest_customers(session, query)


@subcommand("customer", usage="customer NAME", example="customer Acme Corp", summary="account snapshot")
async def customer_command(ctx: CommandContext) -> None:
    query = " ".join(ctx.args).strip()
    if not query:
        await ctx.reply("Which customer? Try `/csm customer Acme Corp`.")
        return
    customer, suggestions = await find_customer(ctx.services, query)
    if customer is None:
        await ctx.reply(not_found_text(query, suggestions))
        return
    text, blocks = await customer_card(ctx.services, customer)
    await ctx.reply(text, blocks)
