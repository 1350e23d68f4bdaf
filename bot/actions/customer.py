"""The "View customer" button."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks.common import to_dicts
from bot.commands.customer import customer_card
from bot.services import Services
from store.models import Customer


def register(app: AsyncApp, services: Services) -> None:
    @app.action("customer_view")
    async def view_customer(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        await ack()
        user = body["user"]["id"]
        customer_id = int(body["actions"][0]["value"])

        async def show() -> None:
            async with services.db.session() as session:
                customer = await session.get(Customer, customer_id)
            if customer is None:
                await client.chat_postMessage(channel=user, text="That customer no longer exists.")
                return
            text, blocks = await customer_card(services, customer)
            if body.get("response_url"):
                await respond(
                    text=text, blocks=to_dicts(blocks), response_type="ephemeral", replace_original=False
                )
            else:
                await client.chat_postMessage(channel=user, text=text, blocks=to_dicts(blocks))

        services.tasks.spawn(show(), what="showing the customer")
