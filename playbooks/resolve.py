"""Finding the customer a CSM means: id, external id, domain or exact name, else the nearest names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from playbooks.errors import UnknownCustomer
from store.customers import resolve_customer as find_customer
from store.customers import suggest_customers
from store.models import Customer


async def resolve_customer(session: AsyncSession, customer: int | str) -> Customer:
    if isinstance(customer, int) or customer.strip().isdigit():
        found = await session.get(Customer, int(customer))
        if found is not None:
            return found
    text = str(customer).strip().lstrip("#@")
    found = await find_customer(session, text)
    if found is not None:
        return found
    # A unique prefix ("Acme" for "Acme Corp") is what the CSM meant.
    names = list((await session.execute(select(Customer.name))).scalars())
    prefixed = [n for n in names if text and n.lower().startswith(text.lower())]
    if len(prefixed) == 1:
        return (await session.execute(select(Customer).where(Customer.name == prefixed[0]))).scalars().first()  # type: ignore[return-value]
    raise UnknownCustomer(text, await suggest_customers(session, text))
