"""Customer read models: find a customer by what people type, the account snapshot, the portfolio."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Contact, Customer, HealthScore, Login, Ticket

HEALTHY, AT_RISK, CRITICAL = "healthy", "at risk", "critical"


def band_for(score: int | None) -> str | None:
    """Health bands: healthy 70–100, at risk 40–69, critical 0–39."""
    if score is None:
        return None
    if score >= 70:
        return HEALTHY
    if score >= 40:
        return AT_RISK
    return CRITICAL


async def resolve_customer(session: AsyncSession, ref: str) -> Customer | None:
    """A customer by external id, domain or exact name (case-insensitive)."""
    ref = ref.strip()
    if not ref:
        return None
    low = ref.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    stmt = select(Customer).where(
        or_(Customer.external_id == ref, func.lower(Customer.domain) == low, func.lower(Customer.name) == low)
    )
    rows = (await session.execute(stmt.order_by(Customer.id))).scalars().all()
    # Prefer the most specific match: external id, then domain, then name.
    for pick in (lambda c: c.external_id == ref, lambda c: (c.domain or "").lower() == low):
        for c in rows:
            if pick(c):
                return c
    return rows[0] if rows else None


@dataclass
class CustomerMatch:
    """What a loose reference names: one customer, several (`several`: their names), or none."""

    customer: Customer | None
    several: list[str] = field(default_factory=list)


async def match_customer(session: AsyncSession, ref: str | int) -> CustomerMatch:
    """The customer a person means: a numeric id, an external id, a domain or an exact name, else the
    one customer whose name or domain contains the words ("Acme" for Acme Corp)."""
    text = str(ref).strip().lstrip("#@")
    if text.isdigit() and (found := await session.get(Customer, int(text))) is not None:
        return CustomerMatch(found)
    if (found := await resolve_customer(session, text)) is not None:
        return CustomerMatch(found)
    if not text:
        return CustomerMatch(None)
    rows = (
        await session.scalars(
            select(Customer).where(or_(Customer.name.ilike(f"%{text}%"), Customer.domain.ilike(f"%{text}%")))
        )
    ).all()
    if len(rows) == 1:
        return CustomerMatch(rows[0])
    return CustomerMatch(None, sorted(c.name for c in rows))


async def suggest_customers(session: AsyncSession, text: str, limit: int = 3) -> list[str]:
    """The names closest to `text`, best first (substring matches rank first)."""
    names = (await session.execute(select(Customer.name))).scalars().all()
    if not names or not text.strip():
        return []
    low = text.lower().strip()
    prefix = [n for n in names if n.lower().startswith(low)]
    scored = process.extract(text, names, scorer=fuzz.WRatio, limit=limit + len(prefix))
    out: list[str] = []
    for name in prefix + [m[0] for m in scored if m[1] >= 60]:
        if name not in out:
            out.append(name)
    return out[:limit]


@dataclass
class TicketLine:
    external_id: str
    subject: str | None
    priority: str | None
    escalated: bool


@dataclass
class CustomerSnapshot:
    id: int
    name: str
    domain: str | None
    arr: float | None
    renewal_date: date | None
    days_to_renewal: int | None
    health_score: int | None
    health_band: str | None
    health_source: str | None
    health_trend: int | None  # change over the last 30 days, in points
    last_login_at: datetime | None
    days_since_login: int | None
    open_tickets: list[TicketLine] = field(default_factory=list)
    segment: str | None = None
    tier: str | None = None
    csm_slack_id: str | None = None
    slack_channel: str | None = None


async def snapshot(
    session: AsyncSession, customer: Customer, now: datetime | None = None
) -> CustomerSnapshot:
    now = now or datetime.now(UTC)
    month_ago = now - timedelta(days=30)
    old_score = (
        await session.execute(
            select(HealthScore.score)
            .where(HealthScore.customer_id == customer.id, HealthScore.recorded_at <= month_ago)
            .order_by(HealthScore.recorded_at.desc())
            .limit(1)
        )
    ).scalar()
    if old_score is None:
        old_score = (
            await session.execute(
                select(HealthScore.score)
                .where(HealthScore.customer_id == customer.id, HealthScore.recorded_at >= month_ago)
                .order_by(HealthScore.recorded_at.asc())
                .limit(1)
            )
        ).scalar()
    trend = (
        customer.health_score - old_score
        if customer.health_score is not None and old_score is not None
        else None
    )
    last_login = customer.last_login_at
    if last_login is None:
        last_login = (
            await session.execute(select(func.max(Login.occurred_at)).where(Login.customer_id == customer.id))
        ).scalar()
    tickets = (
        (
            await session.execute(
                select(Ticket)
                .where(
                    Ticket.customer_id == customer.id, Ticket.status.notin_(["closed", "solved", "resolved"])
                )
                .order_by(Ticket.escalated.desc(), Ticket.opened_at.desc())
            )
        )
        .scalars()
        .all()
    )
    return CustomerSnapshot(
        id=customer.id,
        name=customer.name,
        domain=customer.domain,
        arr=customer.arr,
        renewal_date=customer.renewal_date,
        days_to_renewal=(customer.renewal_date - now.date()).days if customer.renewal_date else None,
        health_score=customer.health_score,
        health_band=customer.health_band or band_for(customer.health_score),
        health_source=customer.health_source,
        health_trend=trend,
        last_login_at=last_login,
        days_since_login=(now - last_login).days if last_login else None,
        open_tickets=[TicketLine(t.external_id, t.subject, t.priority, t.escalated) for t in tickets],
        segment=customer.segment,
        tier=customer.tier,
        csm_slack_id=customer.csm_slack_id,
        slack_channel=customer.slack_channel,
    )


@dataclass
class Portfolio:
    total: int
    by_band: dict[str, int]
    at_risk: list[Customer]


async def portfolio(session: AsyncSession, owner: str | None = None, limit: int = 5) -> Portfolio:
    """Counts by health band and the customers most at risk (lowest score, then nearest renewal)."""
    base = select(Customer).where(Customer.status == "active")
    if owner:
        base = base.where(Customer.csm_slack_id == owner)
    customers = (await session.execute(base)).scalars().all()
    by_band = {HEALTHY: 0, AT_RISK: 0, CRITICAL: 0, "unscored": 0}
    for c in customers:
        by_band[band_for(c.health_score) or "unscored"] += 1
    scored = [c for c in customers if c.health_score is not None and c.health_score < 70]
    scored.sort(key=lambda c: (c.health_score, c.renewal_date or date.max))
    return Portfolio(total=len(customers), by_band=by_band, at_risk=scored[:limit])


async def customer_choices(session: AsyncSession, limit: int = 100) -> list[tuple[int, str]]:
    """(id, name) of customers by name, for pickers."""
    rows = (
        await session.execute(select(Customer.id, Customer.name).order_by(Customer.name).limit(limit))
    ).all()
    return [(cid, name) for cid, name in rows]


async def email_contacts(
    session: AsyncSession, customer_ids: list[int], *, champions_only: bool = False
) -> dict[int, Contact]:
    """Whom to email at each customer: the active champion with an email (the most recently added
    when several are marked), else, unless `champions_only`, the first active contact with one."""
    if not customer_ids:
        return {}
    query = select(Contact).where(
        Contact.customer_id.in_(customer_ids), Contact.status == "active", Contact.email.is_not(None)
    )
    if champions_only:
        query = query.where(Contact.is_champion.is_(True))
    rows = (await session.scalars(query)).all()
    chosen: dict[int, Contact] = {}
    for c in sorted(
        rows, key=lambda c: (not c.is_champion, -_created(c) if c.is_champion else _created(c), c.id)
    ):
        chosen.setdefault(c.customer_id, c)
    return chosen


def _created(contact: Contact) -> float:
    return contact.created_at.timestamp() if contact.created_at else 0.0


async def contact_emails(session: AsyncSession, customer_id: int, limit: int = 10) -> list[str]:
    """The customer's active contacts' emails, the champion first."""
    rows = (
        await session.execute(
            select(Contact.email)
            .where(Contact.customer_id == customer_id, Contact.email.is_not(None), Contact.status != "left")
            .order_by(Contact.is_champion.desc(), Contact.id)
        )
    ).scalars()
    return list(dict.fromkeys(rows))[:limit]
