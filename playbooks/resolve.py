"""Finding the customer a CSM means: id, exact name, domain or external id, else the nearest names."""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from playbooks.errors import UnknownCustomer
from store.models import Customer


async def resolve_customer(session: AsyncSession, customer: int | str) -> Customer:
    if isinstance(customer, int) or (isinstance(customer, str) and customer.strip().isdigit()):
        found = await session.get(Customer, int(customer))
        if found is not None:
            return found
    text = str(customer).strip()
    key = text.lower().lstrip("@")
    found = (
        (
            await session.execute(
                select(Customer)
                .where(
                    or_(
                        func.lower(Customer.name) == key,
                        func.lower(Customer.domain) == key,
                        Customer.external_id == text,
                    )
                )
                .order_by(Customer.id)
            )
        )
        .scalars()
        .first()
    )
    if found is not None:
        return found
    names = list((await session.execute(select(Customer.name))).scalars())
    # A unique prefix ("acme" for "Acme Corp") is what the CSM meant.
    prefixed = [n for n in names if n.lower().startswith(key)] if key else []
    if len(prefixed) == 1:
        return (await session.execute(select(Customer).where(Customer.name == prefixed[0]))).scalars().first()  # type: ignore[return-value]
    nearest = [n for n, _, _ in process.extract(text, names, scorer=fuzz.WRatio, limit=3, score_cutoff=60)]
    raise UnknownCustomer(text, nearest)
