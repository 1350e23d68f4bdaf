"""Customer data tools: customers.search, customers.get_snapshot, analytics.get_usage_metrics,
health.get_score, health.get_trend. Read-only, against `store`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import utcnow
from store.customers import band_for, match_customer, suggest_customers
from store.models import (
    Contact,
    Customer,
    HealthScore,
    MeetingAnalysis,
    NpsResponse,
    Playbook,
    PlaybookExecution,
    Task,
    Ticket,
    TriggerFiring,
    UsageMetric,
)
from tools.base import Tool, ToolError, ToolInput, ToolRun, tool
from tools.model import ToolContext

TOOLS: list[Tool] = []

CUSTOMER_FIELD = Field(
    None,
    description="The customer: name, domain, external id or numeric id. Defaults to the customer in context.",
)


async def resolve_customer(session: AsyncSession, ref: str | int | None, ctx: ToolContext) -> Customer:
    """The customer named by `ref` (id, external id, domain or name), else the one in `ctx`."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        if ctx.customer_id is None:
            raise ToolError("Say which customer: give `customer` (a name, domain or external id).")
        found = await session.get(Customer, ctx.customer_id)
        if found is None:
            raise ToolError(f"Customer #{ctx.customer_id} no longer exists.")
        return found
    text = str(ref).strip()
    match = await match_customer(session, text)
    if match.customer is not None:
        return match.customer
    if match.several:
        raise ToolError(
            f"'{text}' matches several customers ({', '.join(match.several[:5])}); say which one."
        )
    near = await suggest_customers(session, text)
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise ToolError(f"No customer matches '{text}'.{hint}")


def _days_until(d: date | None) -> int | None:
    return (d - utcnow().date()).days if d else None


def _days_since(t: datetime | None) -> int | None:
    return (utcnow() - t).days if t else None


def customer_summary(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "domain": c.domain,
        "external_id": c.external_id,
        "arr": c.arr,
        "health_score": c.health_score,
        "health_band": c.health_band or band_for(c.health_score),
        "renewal_date": c.renewal_date.isoformat() if c.renewal_date else None,
        "renewal_in_days": _days_until(c.renewal_date),
        "segment": c.segment,
        "tier": c.tier,
        "csm_slack_id": c.csm_slack_id,
        "slack_channel": c.slack_channel,
        "last_login_at": c.last_login_at.isoformat() if c.last_login_at else None,
        "days_since_login": _days_since(c.last_login_at),
    }


class SearchCustomersInput(ToolInput):
    query: str | None = Field(None, description="Words from the name or domain")
    health_below: int | None = Field(None, ge=0, le=100, description="Only health scores below this")
    health_at_least: int | None = Field(None, ge=0, le=100, description="Only health scores at or above this")
    renewal_within_days: int | None = Field(None, ge=0, description="Only renewals within this many days")
    segment: str | None = None
    tier: str | None = None
    owner: str | None = Field(None, description="'me' or a CSM's Slack user id")
    limit: int = Field(20, ge=1, le=200)


@tool(
    "customers.search",
    description="Find customers by name or domain, health, renewal window, segment, tier or owner.",
    category="customers",
    into=TOOLS,
)
async def search_customers(inp: SearchCustomersInput, run: ToolRun) -> dict[str, Any]:
    stmt = select(Customer).where(Customer.status != "deleted")
    if inp.query:
        for word in inp.query.split():
            stmt = stmt.where(or_(Customer.name.ilike(f"%{word}%"), Customer.domain.ilike(f"%{word}%")))
    if inp.health_below is not None:
        stmt = stmt.where(Customer.health_score < inp.health_below)
    if inp.health_at_least is not None:
        stmt = stmt.where(Customer.health_score >= inp.health_at_least)
    if inp.renewal_within_days is not None:
        today = utcnow().date()
        stmt = stmt.where(
            Customer.renewal_date >= today,
            Customer.renewal_date <= today + timedelta(days=inp.renewal_within_days),
        )
    if inp.segment:
        stmt = stmt.where(func.lower(Customer.segment) == inp.segment.lower())
    if inp.tier:
        stmt = stmt.where(func.lower(Customer.tier) == inp.tier.lower())
    if inp.owner:
        owner = run.ctx.user_id if inp.owner == "me" else inp.owner.strip("<@>")
        stmt = stmt.where(Customer.csm_slack_id == owner)
    stmt = stmt.order_by(Customer.health_score.is_(None), Customer.health_score, Customer.name).limit(
        inp.limit
    )
    async with run.db.session() as s:
        rows = (await s.scalars(stmt)).all()
    return {"count": len(rows), "customers": [customer_summary(c) for c in rows]}


class CustomerInput(ToolInput):
    customer: str | None = CUSTOMER_FIELD


async def _trend(s: AsyncSession, customer_id: int, days: int) -> dict[str, Any]:
    since = utcnow() - timedelta(days=days)
    rows = (
        await s.scalars(
            select(HealthScore)
            .where(HealthScore.customer_id == customer_id, HealthScore.recorded_at >= since)
            .order_by(HealthScore.recorded_at)
        )
    ).all()
    points = [{"at": r.recorded_at.isoformat(), "score": r.score, "band": r.band} for r in rows]
    if len(rows) < 2:
        return {"days": days, "points": points, "change": None, "direction": "unknown", "max_drop": None}
    change = rows[-1].score - rows[0].score
    peak, max_drop = rows[0].score, 0
    for r in rows:
        peak = max(peak, r.score)
        max_drop = max(max_drop, peak - r.score)
    direction = "up" if change >= 5 else "down" if change <= -5 else "flat"
    return {"days": days, "points": points, "change": change, "direction": direction, "max_drop": max_drop}


@tool(
    "customers.get_snapshot",
    description=(
        "An account snapshot: health and trend, ARR, renewal date, last login, open tickets, champion, "
        "latest NPS, active playbooks, open tasks and recent signals."
    ),
    category="customers",
    into=TOOLS,
)
async def get_snapshot(inp: CustomerInput, run: ToolRun) -> dict[str, Any]:
    async with run.db.session() as s:
        c = await resolve_customer(s, inp.customer, run.ctx)
        trend = await _trend(s, c.id, 30)
        tickets = (
            await s.scalars(
                select(Ticket).where(Ticket.customer_id == c.id, Ticket.status.notin_(("closed", "solved")))
            )
        ).all()
        champions = (
            await s.scalars(select(Contact).where(Contact.customer_id == c.id, Contact.is_champion.is_(True)))
        ).all()
        nps = await s.scalar(
            select(NpsResponse)
            .where(NpsResponse.customer_id == c.id)
            .order_by(NpsResponse.responded_at.desc())
        )
        playbooks = (
            await s.execute(
                select(PlaybookExecution, Playbook.name, Playbook.slug)
                .join(Playbook, Playbook.id == PlaybookExecution.playbook_id)
                .where(
                    PlaybookExecution.customer_id == c.id, PlaybookExecution.status.in_(("active", "paused"))
                )
            )
        ).all()
        open_tasks = await s.scalar(
            select(func.count(Task.id)).where(Task.customer_id == c.id, Task.status == "open")
        )
        firings = (
            await s.scalars(
                select(TriggerFiring)
                .where(TriggerFiring.customer_id == c.id)
                .order_by(TriggerFiring.fired_at.desc())
                .limit(5)
            )
        ).all()
        meeting = await s.scalar(
            select(MeetingAnalysis)
            .where(MeetingAnalysis.customer_id == c.id)
            .order_by(MeetingAnalysis.analyzed_at.desc())
        )
    signals = [
        {"at": f.fired_at.isoformat(), "summary": f.summary or f.cause, "source": "trigger"} for f in firings
    ]
    if meeting is not None:
        for sig in (meeting.customer_signals or [])[:5]:
            label = f"{sig.get('type', '')}/{sig.get('category', '')}".strip("/")
            quote = sig.get("quote") or ""
            signals.append(
                {"at": meeting.analyzed_at.isoformat(), "summary": f"{label}: {quote}", "source": "meeting"}
            )
    return {
        **customer_summary(c),
        "health_trend": {k: trend[k] for k in ("days", "change", "direction", "max_drop")},
        "open_tickets": len(tickets),
        "escalated_tickets": sum(1 for t in tickets if t.escalated),
        "champions": [
            {"name": p.name, "email": p.email, "role": p.role, "status": p.status} for p in champions
        ],
        "latest_nps": (
            {"score": nps.score, "comment": nps.comment, "at": nps.responded_at.isoformat()} if nps else None
        ),
        "active_playbooks": [
            {"id": ex.id, "slug": slug, "name": name, "status": ex.status, "stage": ex.current_stage}
            for ex, name, slug in playbooks
        ],
        "open_tasks": open_tasks or 0,
        "recent_signals": signals,
    }


class UsageInput(ToolInput):
    customer: str | None = CUSTOMER_FIELD
    metric: str | None = Field(None, description="One metric (e.g. active_users); all metrics when omitted")
    days: int = Field(28, ge=1, le=365, description="How far back to look")


@tool(
    "analytics.get_usage_metrics",
    description="Usage metrics of a customer: daily series, this week against last week and the change in percent.",
    category="intelligence",
    into=TOOLS,
)
async def get_usage_metrics(inp: UsageInput, run: ToolRun) -> dict[str, Any]:
    now = utcnow()
    since = now - timedelta(days=max(inp.days, 14))
    async with run.db.session() as s:
        c = await resolve_customer(s, inp.customer, run.ctx)
        stmt = select(UsageMetric).where(UsageMetric.customer_id == c.id, UsageMetric.occurred_at >= since)
        if inp.metric:
            stmt = stmt.where(UsageMetric.metric == inp.metric)
        rows = (await s.scalars(stmt.order_by(UsageMetric.occurred_at))).all()
    by_metric: dict[str, list[UsageMetric]] = defaultdict(list)
    for r in rows:
        by_metric[r.metric].append(r)
    metrics = {}
    window_start = now - timedelta(days=inp.days)
    for name, points in sorted(by_metric.items()):
        this_week = sum(p.value for p in points if p.occurred_at >= now - timedelta(days=7))
        last_week = sum(
            p.value for p in points if now - timedelta(days=14) <= p.occurred_at < now - timedelta(days=7)
        )
        change = round((this_week - last_week) / last_week * 100, 1) if last_week else None
        daily: dict[str, float] = defaultdict(float)
        for p in points:
            if p.occurred_at >= window_start:
                daily[p.occurred_at.date().isoformat()] += p.value
        metrics[name] = {
            "this_week": this_week,
            "last_week": last_week,
            "change_pct": change,
            "daily": [{"date": d, "value": v} for d, v in sorted(daily.items())],
        }
    note = None if metrics else f"No usage recorded for {c.name} in the last {inp.days} days."
    return {"customer": c.name, "customer_id": c.id, "days": inp.days, "metrics": metrics, "note": note}


@tool(
    "health.get_score",
    description="The customer's current health score, band, source and contributing factors.",
    category="intelligence",
    into=TOOLS,
)
async def get_score(inp: CustomerInput, run: ToolRun) -> dict[str, Any]:
    async with run.db.session() as s:
        c = await resolve_customer(s, inp.customer, run.ctx)
        latest = await s.scalar(
            select(HealthScore)
            .where(HealthScore.customer_id == c.id)
            .order_by(HealthScore.recorded_at.desc())
        )
    score = latest.score if latest else c.health_score
    return {
        "customer": c.name,
        "customer_id": c.id,
        "score": score,
        "band": (latest.band if latest else None) or c.health_band or band_for(score),
        "source": latest.source if latest else c.health_source,
        "factors": latest.factors if latest else {},
        "recorded_at": latest.recorded_at.isoformat() if latest else None,
    }


class TrendInput(ToolInput):
    customer: str | None = CUSTOMER_FIELD
    days: int = Field(90, ge=1, le=730)


@tool(
    "health.get_trend",
    description="Health score history over a period: the points, the change, the direction and the largest drop.",
    category="intelligence",
    into=TOOLS,
)
async def get_trend(inp: TrendInput, run: ToolRun) -> dict[str, Any]:
    async with run.db.session() as s:
        c = await resolve_customer(s, inp.customer, run.ctx)
        trend = await _trend(s, c.id, inp.days)
    return {"customer": c.name, "customer_id": c.id, **trend}
