"""Finding the customer a CSM means (store.customers.match_customer), as the playbook engine's error."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from playbooks.errors import UnknownCustomer
from store.customers import match_customer, suggest_customers
from store.models import Customer


async def resolve_customer(session: AsyncSession, customer: int | str) -> Customer:
    match = await match_customer(session, customer)
    if match.customer is not None:
        return match.customer
    text = str(customer).strip().lstrip("#@")
    raise UnknownCustomer(text, match.several[:5] or await suggest_customers(session, text))
