"""One set-based SELECT per trigger type: every customer a condition holds for, with its cause.

Each builder returns a SELECT with the columns `customer_id`, `cause` (the dedup key of the firing,
built in SQL so the engine can leave out causes that already fired) and the numbers the alert shows.
Time bounds are computed in Python and bound as parameters, so the SQL is the same on SQLite and
PostgreSQL apart from `day_text`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, func, literal, or_, select, true, union_all

from store.models import (
    Contact,
    ContractMilestone,
    Customer,
    CustomerEvent,
    HealthScore,
    Invoice,
    MeetingAnalysis,
    NpsResponse,
    Ticket,
    UsageMetric,
)
from triggers import model as m
from triggers.filters import CLOSED_TICKET_STATUSES

# Event-like causes (a ticket, an NPS response, a meeting) older than this are not news any more:
# a rule created today does not alert about last quarter's NPS responses.
RECENT_DAYS = 7


@dataclass(frozen=True)
class EvalContext:
    now: datetime
    dialect: str  # "sqlite" | "postgresql"
    customer_id: int | None = None  # event-driven evaluation: only this customer
    usage_table: Any = None  # a sweep's shared weekly usage aggregation (see weekly_usage)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def recent(self) -> datetime:
        return self.now - timedelta(days=RECENT_DAYS)

    def only(self, column: Any) -> Any:
        return column == self.customer_id if self.customer_id is not None else true()


def day_text(column: Any, dialect: str) -> Any:
    """A UTC timestamp column as 'YYYY-MM-DD' text."""
    if dialect == "sqlite":
        return func.substr(column, 1, 10)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")


def text(column: Any) -> Any:
    return cast(column, String)


def iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def health_score_drop(p: m.HealthScoreDropParams, ctx: EvalContext) -> Select[Any]:
    hs = HealthScore
    if p.below is not None:
        # Cause: the last reading at or above the line, so falling below again after a recovery is news.
        last_above = (
            select(func.max(hs.id))
            .where(hs.customer_id == Customer.id, hs.score >= p.below)
            .scalar_subquery()
        )
        return select(
            Customer.id.label("customer_id"),
            (literal(f"health_below:{p.below}:") + text(func.coalesce(last_above, 0))).label("cause"),
            Customer.health_score.label("score"),
            literal(p.below).label("below"),
        ).where(Customer.health_score < p.below, ctx.only(Customer.id))
    since = ctx.now - timedelta(days=p.within_days)
    peak = (
        select(hs.customer_id, func.max(hs.score).label("peak"))
        .where(hs.recorded_at >= since, hs.recorded_at <= ctx.now, ctx.only(hs.customer_id))
        .group_by(hs.customer_id)
        .subquery("peak")
    )
    # Cause: the peak reading the drop is measured from.
    peak_id = (
        select(func.max(hs.id))
        .where(hs.customer_id == Customer.id, hs.recorded_at >= since, hs.score == peak.c.peak)
        .scalar_subquery()
    )
    return (
        select(
            Customer.id.label("customer_id"),
            (literal("health_drop:") + text(peak_id)).label("cause"),
            peak.c.peak.label("peak"),
            Customer.health_score.label("score"),
            literal(p.within_days).label("within_days"),
        )
        .join(peak, peak.c.customer_id == Customer.id)
        .where(Customer.health_score.is_not(None), peak.c.peak - Customer.health_score >= p.drop)
    )


def no_login(p: m.NoLoginParams, ctx: EvalContext) -> Select[Any]:
    # Cause: the day of the last login, so each silence alerts once. Customers we have never seen
    # log in are left out: without a login feed every customer would look silent.
    return select(
        Customer.id.label("customer_id"),
        (literal("no_login:") + day_text(Customer.last_login_at, ctx.dialect)).label("cause"),
        Customer.last_login_at.label("last_login_at"),
    ).where(Customer.last_login_at <= ctx.now - timedelta(days=p.days), ctx.only(Customer.id))


def _tickets(p: m.TicketParams, ctx: EvalContext, *where: Any) -> Select[Any]:
    clauses = [ctx.only(Ticket.customer_id), *where]
    if p.priority:
        clauses.append(func.lower(Ticket.priority) == p.priority.lower())
    return select(
        Ticket.customer_id.label("customer_id"),
        (literal("ticket:") + Ticket.external_id).label("cause"),
        Ticket.external_id.label("ticket_id"),
        Ticket.subject.label("subject"),
        Ticket.priority.label("priority"),
        Ticket.opened_at.label("opened_at"),
    ).where(*clauses)


def ticket_escalated(p: m.TicketParams, ctx: EvalContext) -> Select[Any]:
    return _tickets(p, ctx, Ticket.escalated.is_(True), Ticket.status.notin_(CLOSED_TICKET_STATUSES))


def ticket_created(p: m.TicketParams, ctx: EvalContext) -> Select[Any]:
    return _tickets(p, ctx, Ticket.opened_at >= ctx.recent, Ticket.opened_at <= ctx.now)


def renewal_approaching(p: m.RenewalParams, ctx: EvalContext) -> Select[Any]:
    # The mark is the tightest one the renewal is inside: 45 days out fires the 60-day mark only.
    marks = sorted(p.days)
    mark = case(
        *[(Customer.renewal_date <= ctx.today + timedelta(days=d), d) for d in marks],
        else_=None,
    )
    return select(
        Customer.id.label("customer_id"),
        (literal("renewal:") + text(Customer.renewal_date) + literal(":") + text(mark)).label("cause"),
        Customer.renewal_date.label("renewal_date"),
        mark.label("mark"),
    ).where(
        Customer.renewal_date >= ctx.today,
        Customer.renewal_date <= ctx.today + timedelta(days=marks[-1]),
        ctx.only(Customer.id),
    )


def nps_submitted(p: m.NpsParams, ctx: EvalContext) -> Select[Any]:
    n = NpsResponse
    clauses = [n.responded_at >= ctx.recent, n.responded_at <= ctx.now, ctx.only(n.customer_id)]
    if p.max_score is not None:
        clauses.append(n.score <= p.max_score)
    if p.min_score is not None:
        clauses.append(n.score >= p.min_score)
    return select(
        n.customer_id.label("customer_id"),
        (literal("nps:") + text(n.id)).label("cause"),
        n.score.label("nps"),
        n.comment.label("comment"),
        n.respondent.label("respondent"),
    ).where(*clauses)


def champion_left(p: m.EmptyParams, ctx: EvalContext) -> Select[Any]:
    when = func.coalesce(Contact.left_at, Contact.created_at)
    return select(
        Contact.customer_id.label("customer_id"),
        (literal("champion_left:") + text(Contact.id)).label("cause"),
        Contact.name.label("champion"),
        Contact.email.label("email"),
        Contact.role.label("role"),
    ).where(
        Contact.is_champion.is_(True),
        Contact.status == "left",
        when >= ctx.recent,
        ctx.only(Contact.customer_id),
    )


SHARED_USAGE_TYPES = ("usage_spike", "usage_drop")


def weekly_usage(now: datetime, customer_id: int | None = None) -> Select[Any]:
    """Per customer and metric: the sum of the last 7 days and of the 7 days before (when > 0)."""
    u = UsageMetric
    week, fortnight = now - timedelta(days=7), now - timedelta(days=14)
    this_week = func.sum(case((u.occurred_at > week, u.value), else_=0.0))
    last_week = func.sum(case((u.occurred_at <= week, u.value), else_=0.0))
    where = [u.occurred_at > fortnight, u.occurred_at <= now]
    if customer_id is not None:
        where.append(u.customer_id == customer_id)
    return (
        select(u.customer_id, u.metric, this_week.label("this_week"), last_week.label("last_week"))
        .where(*where)
        .group_by(u.customer_id, u.metric)
        .having(last_week > 0)
    )


def _usage(p: m.UsageParams, ctx: EvalContext, kind: str) -> Select[Any]:
    # Cause: the metric and the ISO week, so one change alerts once a week at most.
    weekly = (
        ctx.usage_table
        if ctx.usage_table is not None
        else weekly_usage(ctx.now, ctx.customer_id).subquery("weekly")
    )
    w = weekly.c
    if kind == "usage_drop":
        change = w.this_week <= w.last_week * (1 - p.percent / 100.0)
    else:
        change = w.this_week >= w.last_week * (1 + p.percent / 100.0)
    return select(
        w.customer_id.label("customer_id"),
        (literal(f"{kind}:") + w.metric + literal(f":{iso_week(ctx.today)}")).label("cause"),
        w.metric.label("metric"),
        w.this_week.label("this_week"),
        w.last_week.label("last_week"),
    ).where(change)


def usage_spike(p: m.UsageParams, ctx: EvalContext) -> Select[Any]:
    return _usage(p, ctx, "usage_spike")


def usage_drop(p: m.UsageParams, ctx: EvalContext) -> Select[Any]:
    return _usage(p, ctx, "usage_drop")


def contract_milestone(p: m.MilestoneParams, ctx: EvalContext) -> Select[Any]:
    cm = ContractMilestone
    clauses = [
        cm.date <= ctx.today + timedelta(days=p.days_before),
        cm.date >= ctx.today - timedelta(days=RECENT_DAYS),
        ctx.only(cm.customer_id),
    ]
    if p.milestone:
        clauses.append(func.lower(cm.milestone) == p.milestone.lower())
    return select(
        cm.customer_id.label("customer_id"),
        (literal("milestone:") + cm.milestone + literal(":") + text(cm.date)).label("cause"),
        cm.milestone.label("milestone"),
        cm.date.label("date"),
    ).where(*clauses)


def meeting_ended(p: m.EmptyParams, ctx: EvalContext) -> Select[Any]:
    ev = CustomerEvent
    meeting_id = func.coalesce(ev.data["meeting_id"].as_string(), text(ev.id))
    from_events = select(
        ev.customer_id.label("customer_id"),
        (literal("meeting:") + meeting_id).label("cause"),
        meeting_id.label("meeting_id"),
        literal(None, String).label("topic"),
    ).where(
        ev.type == "meeting",
        ev.occurred_at >= ctx.recent,
        ev.occurred_at <= ctx.now,
        ctx.only(ev.customer_id),
    )
    ma = MeetingAnalysis
    started = func.coalesce(ma.started_at, ma.analyzed_at)
    from_analyses = select(
        ma.customer_id.label("customer_id"),
        (literal("meeting:") + ma.meeting_id).label("cause"),
        ma.meeting_id.label("meeting_id"),
        ma.topic.label("topic"),
    ).where(ma.customer_id.is_not(None), started >= ctx.recent, started <= ctx.now, ctx.only(ma.customer_id))
    both = union_all(from_events, from_analyses).subquery("meetings")
    return select(
        both.c.customer_id,
        both.c.cause,
        func.max(both.c.meeting_id).label("meeting_id"),
        func.max(both.c.topic).label("topic"),
    ).group_by(both.c.customer_id, both.c.cause)


def negative_sentiment(p: m.SentimentParams, ctx: EvalContext) -> Select[Any]:
    ma = MeetingAnalysis
    return select(
        ma.customer_id.label("customer_id"),
        (literal("meeting_sentiment:") + text(ma.id)).label("cause"),
        ma.overall_sentiment.label("sentiment"),
        ma.topic.label("topic"),
        ma.meeting_id.label("meeting_id"),
    ).where(
        ma.customer_id.is_not(None),
        ma.overall_sentiment <= p.threshold,
        ma.analyzed_at >= ctx.recent,
        ctx.only(ma.customer_id),
    )


def payment_overdue(p: m.PaymentOverdueParams, ctx: EvalContext) -> Select[Any]:
    inv = Invoice
    return select(
        inv.customer_id.label("customer_id"),
        (literal("invoice:") + inv.external_id + literal(f":{p.days}")).label("cause"),
        inv.external_id.label("invoice_id"),
        inv.amount.label("amount"),
        inv.due_date.label("due_date"),
    ).where(
        or_(inv.status == "open", inv.status == "overdue"),
        inv.due_date <= ctx.today - timedelta(days=p.days),
        and_(true(), ctx.only(inv.customer_id)),
    )


BUILDERS: dict[str, Callable[[Any, EvalContext], Select[Any]]] = {
    "health_score_drop": health_score_drop,
    "no_login": no_login,
    "ticket_escalated": ticket_escalated,
    "ticket_created": ticket_created,
    "renewal_approaching": renewal_approaching,
    "nps_submitted": nps_submitted,
    "champion_left": champion_left,
    "usage_spike": usage_spike,
    "usage_drop": usage_drop,
    "contract_milestone": contract_milestone,
    "meeting_ended": meeting_ended,
    "negative_sentiment": negative_sentiment,
    "payment_overdue": payment_overdue,
}
assert set(BUILDERS) == set(m.TRIGGER_TYPES)

# Which trigger types an ingested event (CONTRACTS §2 types) can fire.
EVENT_TRIGGER_TYPES: dict[str, tuple[str, ...]] = {
    "login": ("health_score_drop",),
    "usage": ("usage_spike", "usage_drop", "health_score_drop"),
    "health_score": ("health_score_drop",),
    "ticket": ("ticket_escalated", "ticket_created", "health_score_drop"),
    "nps": ("nps_submitted", "health_score_drop"),
    "stakeholder": ("champion_left", "health_score_drop"),
    "contract": ("contract_milestone", "renewal_approaching"),
    "invoice": ("payment_overdue",),
    "meeting": ("meeting_ended", "negative_sentiment", "health_score_drop"),
}
