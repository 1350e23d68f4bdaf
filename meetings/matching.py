"""Which customer a meeting belongs to (CONTRACTS §3): the customer whose domain matches a
participant's or invitee's email, else the customer whose name appears in the meeting topic."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Customer


def email_domains(emails: Iterable[str], own_domains: Iterable[str] = ()) -> Counter[str]:
    """Domains of the outside participants, counted (our own people's domains left out)."""
    own = {d.lower().lstrip("@") for d in own_domains}
    counts: Counter[str] = Counter()
    for email in emails:
        if not email or "@" not in email:
            continue
        domain = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
        if domain and not any(domain == o or domain.endswith("." + o) for o in own):
            counts[domain] += 1
    return counts


def _parents(domain: str) -> list[str]:
    """eu.acme.com -> [eu.acme.com, acme.com] (never a bare top-level domain)."""
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


async def match_customer(
    session: AsyncSession,
    *,
    emails: Iterable[str] = (),
    topic: str | None = None,
    own_domains: Iterable[str] = (),
) -> Customer | None:
    domains = email_domains(emails, own_domains)
    if domains:
        wanted: dict[str, int] = {}
        for domain, count in domains.items():
            for candidate in _parents(domain):
                wanted[candidate] = wanted.get(candidate, 0) + count
        rows = (
            (await session.execute(select(Customer).where(func.lower(Customer.domain).in_(list(wanted)))))
            .scalars()
            .all()
        )
        if rows:
            # The customer most of the outside participants come from; the oldest on a tie.
            return max(rows, key=lambda c: (wanted.get((c.domain or "").lower(), 0), -c.id))
    if topic:
        lowered = topic.lower()
        rows = (await session.execute(select(Customer.id, Customer.name))).all()
        hits = [
            (len(name), -cid)
            for cid, name in rows
            if name and re.search(rf"(?<![\w]){re.escape(name.lower())}(?![\w])", lowered)
        ]
        if hits:
            _, neg_id = max(hits)
            return await session.get(Customer, -neg_id)
    return None
