"""Read-only tools the assistant needs and no other room provides: open tickets, analysed meetings,
portfolio usage changes and health drops, pending approvals. Registered into the registry (when no room has registered the same name), so
Claude and the offline router both reach them through `registry.invoke`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import func, select

from store.base import utcnow
from store.models import Customer, HealthScore, MeetingAnalysis, Ticket, UsageMetric
from tools.base import Tool, ToolInput, ToolRun, tool
from tools.customers import resolve_customer

TOOLS: list[Tool] = []
PRIORITY_ORDER = {"urgent": 0, "p1": 0, "critical": 0, "high": 1, "p2": 1, "normal": 2, "medium": 2, "low": 3}
CLOSED = ("closed", "solved", "resolved")


async def owned_ids(session: Any, user_id: str) -> list[int] | None:
    """The ids of the user's customers, or None when they own none (then the whole workspace counts)."""
    ids = (await session.scalars(select(Customer.id).where(Customer.csm_slack_id == user_id))).all()
    return list(ids) or None


async def owned_ids_of(db: Any, user_id: str) -> list[int] | None:
    async with db.session() as s:
        return await owned_ids(s, user_id)


class TicketsInput(ToolInput):
    customer: str | None = Field(None, description="Only this customer's tickets (name, domain or id)")
    escalated_only: bool = Field(False, description="Only escalated tickets")
    mine: bool = Field(
        True, description="Without a customer: only the caller's customers (when they own any)"
    )
    limit: int = Field(25, ge=1, le=200)


@tool(
    "tickets.list",
    description="Open support tickets, escalated and urgent first: subject, priority, customer, age.",
    category="customers",
    into=TOOLS,
)
async def list_tickets(inp: TicketsInput, run: ToolRun) -> dict[str, Any]:
    now = utcnow()
    async with run.db.session() as s:
        stmt = (
            select(Ticket, Customer.name)
            .join(Customer, Customer.id == Ticket.customer_id)
            .where(func.lower(Ticket.status).notin_(CLOSED))
        )
        if inp.escalated_only:
            stmt = stmt.where(Ticket.escalated.is_(True))
        if inp.customer:
            customer = await resolve_customer(s, inp.customer, run.ctx)
            stmt = stmt.where(Ticket.customer_id == customer.id)
        elif inp.mine:
            mine = await owned_ids(s, run.ctx.user_id)
            if mine is not None:
                stmt = stmt.where(Ticket.customer_id.in_(mine))
        rows = (await s.execute(stmt)).all()
    rows.sort(
        key=lambda r: (
            not r[0].escalated,
            PRIORITY_ORDER.get((r[0].priority or "").lower(), 2),
            r[0].opened_at,
        )
    )
    tickets = [
        {
            "id": t.external_id,
            "customer": name,
            "customer_id": t.customer_id,
            "subject": t.subject,
            "priority": t.priority,
            "status": t.status,
            "escalated": t.escalated,
            "opened_days_ago": (now - t.opened_at).days,
        }
        for t, name in rows[: inp.limit]
    ]
    return {"count": len(rows), "tickets": tickets}


class MeetingsInput(ToolInput):
    customer: str | None = Field(None, description="Only this customer's meetings (name, domain or id)")
    days: int = Field(30, ge=1, le=365, description="How far back to look")
    limit: int = Field(15, ge=1, le=100)


@tool(
    "meetings.list_analyses",
    description="Analysed customer meetings, newest first: summary, signals (risk, opportunity, feedback), "
    "action items and sentiment.",
    category="intelligence",
    into=TOOLS,
)
async def list_meetings(inp: MeetingsInput, run: ToolRun) -> dict[str, Any]:
    since = utcnow() - timedelta(days=inp.days)
    async with run.db.session() as s:
        stmt = (
            select(MeetingAnalysis, Customer.name)
            .outerjoin(Customer, Customer.id == MeetingAnalysis.customer_id)
            .where(MeetingAnalysis.analyzed_at >= since)
            .order_by(MeetingAnalysis.analyzed_at.desc())
            .limit(inp.limit)
        )
        if inp.customer:
            customer = await resolve_customer(s, inp.customer, run.ctx)
            stmt = stmt.where(MeetingAnalysis.customer_id == customer.id)
        rows = (await s.execute(stmt)).all()
    meetings = [
        {
            "id": m.id,
            "customer": name,
            "topic": m.topic,
            "date": (m.started_at or m.analyzed_at).date().isoformat(),
            "summary": m.summary,
            "overall_sentiment": m.overall_sentiment,
            "signals": m.customer_signals or [],
            "action_items": m.action_items or [],
        }
        for m, name in rows
    ]
    return {"days": inp.days, "count": len(meetings), "meetings": meetings}


class UsageChangesInput(ToolInput):
    direction: Literal["down", "up", "any"] = Field("down", description="Drops, spikes, or both")
    min_change_pct: float = Field(30, ge=0, description="Only changes of at least this many percent")
    mine: bool = Field(True, description="Only the caller's customers (when they own any)")
    limit: int = Field(25, ge=1, le=200)


@tool(
    "analytics.usage_changes",
    description="Customers whose usage changed most this week against last week (per metric, in percent).",
    category="intelligence",
    into=TOOLS,
)
async def usage_changes(inp: UsageChangesInput, run: ToolRun) -> dict[str, Any]:
    now = utcnow()
    week, fortnight = now - timedelta(days=7), now - timedelta(days=14)
    async with run.db.session() as s:
        stmt = (
            select(
                UsageMetric.customer_id,
                Customer.name,
                UsageMetric.metric,
                UsageMetric.value,
                UsageMetric.occurred_at,
            )
            .join(Customer, Customer.id == UsageMetric.customer_id)
            .where(UsageMetric.occurred_at >= fortnight, UsageMetric.occurred_at < now)
        )
        mine = await owned_ids(s, run.ctx.user_id) if inp.mine else None
        if mine is not None:
            stmt = stmt.where(UsageMetric.customer_id.in_(mine))
        rows = (await s.execute(stmt)).all()
    sums: dict[tuple[int, str, str], list[float]] = {}
    for customer_id, name, metric, value, at in rows:
        pair = sums.setdefault((customer_id, name, metric), [0.0, 0.0])
        pair[0 if at >= week else 1] += value
    best: dict[int, dict[str, Any]] = {}
    for (customer_id, name, metric), (this_week, last_week) in sums.items():
        if last_week <= 0:
            continue
        change = round((this_week - last_week) / last_week * 100, 1)
        wanted = {"down": change <= -inp.min_change_pct, "up": change >= inp.min_change_pct}
        if not (wanted.get(inp.direction) if inp.direction != "any" else abs(change) >= inp.min_change_pct):
            continue
        if customer_id not in best or abs(change) > abs(best[customer_id]["change_pct"]):
            best[customer_id] = {
                "customer_id": customer_id, "customer": name, "metric": metric,
                "this_week": this_week, "last_week": last_week, "change_pct": change,
            }  # fmt: skip
    found = sorted(best.values(), key=lambda c: -abs(c["change_pct"]))
    return {"count": len(found), "customers": found[: inp.limit]}


class HealthDropsInput(ToolInput):
    within_days: int = Field(30, ge=1, le=365, description="The window the drop happened in")
    min_drop: int = Field(10, ge=1, le=100, description="Only drops of at least this many points")
    mine: bool = Field(True, description="Only the caller's customers (when they own any)")
    limit: int = Field(25, ge=1, le=200)


@tool(
    "health.list_drops",
    description="Customers whose health score fell the most within a window: from its peak to now, in points.",
    category="intelligence",
    into=TOOLS,
)
async def list_health_drops(inp: HealthDropsInput, run: ToolRun) -> dict[str, Any]:
    since = utcnow() - timedelta(days=inp.within_days)
    async with run.db.session() as s:
        stmt = (
            select(HealthScore.customer_id, Customer.name, HealthScore.score)
            .join(Customer, Customer.id == HealthScore.customer_id)
            .where(HealthScore.recorded_at >= since)
            .order_by(HealthScore.customer_id, HealthScore.recorded_at)
        )
        mine = await owned_ids(s, run.ctx.user_id) if inp.mine else None
        if mine is not None:
            stmt = stmt.where(HealthScore.customer_id.in_(mine))
        rows = (await s.execute(stmt)).all()
    series: dict[tuple[int, str], list[int]] = {}
    for customer_id, name, score in rows:
        series.setdefault((customer_id, name), []).append(score)
    found = []
    for (customer_id, name), scores in series.items():
        drop = max(scores) - scores[-1]
        if drop >= inp.min_drop:
            found.append(
                {
                    "customer_id": customer_id,
                    "customer": name,
                    "peak": max(scores),
                    "now": scores[-1],
                    "drop": drop,
                }
            )
    found.sort(key=lambda c: -c["drop"])
    return {"within_days": inp.within_days, "count": len(found), "customers": found[: inp.limit]}


class ApprovalsInput(ToolInput):
    limit: int = Field(25, ge=1, le=100)


def approval_tools(registry: Any) -> list[Tool]:
    """`approvals.list_pending`: the approvals the caller may decide (the registry's own list)."""
    tools: list[Tool] = []

    @tool(
        "approvals.list_pending",
        description="Approvals waiting for the caller's decision: what would run, for whom, and why it asks.",
        category="automation",
        into=tools,
    )
    async def list_pending(inp: ApprovalsInput, run: ToolRun) -> dict[str, Any]:
        pending = await registry.approvals.list_pending(run.ctx.user_id, limit=inp.limit)
        return {
            "count": len(pending),
            "approvals": [
                {
                    "id": a.id,
                    "tool": a.tool_name,
                    "preview": a.preview or {},
                    "requested_by": a.requester,
                    "created_at": a.created_at.isoformat(),
                    "expires_at": a.expires_at.isoformat(),
                }
                for a in pending
            ],
        }

    return tools


def register_lookup_tools(registry: Any) -> None:
    """Add the tools above unless a room already provides a tool of the same name."""
    for t in [*TOOLS, *approval_tools(registry)]:
        if registry.get(t.name) is None:
            registry.register(t)
