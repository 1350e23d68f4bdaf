"""Scope filters (CONTRACTS §5) compiled to SQL over `customers`, for triggers and automations.

`filter_clauses(filters, now=..., me=...)` gives SQLAlchemy boolean clauses on `Customer`; add them
to any select that has `customers` in its FROM. `select_customer_ids(scope, ...)` is the ready-made
"which customers does this scope cover" query. Every day-based field is turned into a date or
timestamp bound computed here, so no date arithmetic runs in SQL (same SQL on SQLite and PostgreSQL).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, not_, or_, select, true

from store.models import Customer, NpsResponse, Ticket, UsageMetric
from triggers.model import Filter, Scope

CLOSED_TICKET_STATUSES = ("closed", "solved", "resolved")
NUMERIC_FIELDS = {"health_score", "arr", "nps", "open_tickets", "usage_change_pct"}
DAY_FIELDS = {"renewal_in_days", "days_since_login"}
TEXT_FIELDS = {"segment", "tier", "owner"}

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class FilterError(ValueError):
    """A filter that cannot be applied; the message is the sentence to show."""


def latest_nps_score() -> Any:
    """The customer's most recent NPS score (correlated to the outer `customers` row)."""
    return (
        select(NpsResponse.score)
        .where(NpsResponse.customer_id == Customer.id)
        .order_by(NpsResponse.responded_at.desc(), NpsResponse.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def open_ticket_count() -> Any:
    return (
        select(func.count(Ticket.id))
        .where(Ticket.customer_id == Customer.id, Ticket.status.notin_(CLOSED_TICKET_STATUSES))
        .scalar_subquery()
    )


def usage_change_pct(now: datetime) -> Any:
    """Week-over-week change of the customer's summed usage, in percent (NULL without last week's data)."""
    week, fortnight = now - timedelta(days=7), now - timedelta(days=14)
    recent = func.sum(case((UsageMetric.occurred_at > week, UsageMetric.value), else_=0.0))
    previous = func.sum(case((UsageMetric.occurred_at <= week, UsageMetric.value), else_=0.0))
    pct = (recent - previous) * 100.0 / func.nullif(previous, 0.0)
    return (
        select(pct)
        .where(
            UsageMetric.customer_id == Customer.id,
            UsageMetric.occurred_at > fortnight,
            UsageMetric.occurred_at <= now,
        )
        .scalar_subquery()
    )


def _whole_days(f: Filter) -> int:
    v = f.value
    if isinstance(v, bool) or not isinstance(v, int | float) or float(v) != int(v):
        raise FilterError(f"{f.field} needs a whole number of days, not {v!r}")
    return int(v)


def _number(f: Filter) -> float:
    v = f.value
    if isinstance(v, bool) or not isinstance(v, int | float):
        try:
            return float(str(v).replace("$", "").replace(",", ""))
        except ValueError:
            raise FilterError(f"{f.field} needs a number, not {v!r}") from None
    return float(v)


def _days_since_login(op: str, n: int, now: datetime) -> ColumnElement[bool]:
    """days_since_login = whole days since the last login; a customer who never logged in counts as ∞."""
    col = Customer.last_login_at
    at_least = col <= now - timedelta(days=n)  # days >= n
    at_least_next = col <= now - timedelta(days=n + 1)  # days >= n + 1
    never = col.is_(None)
    if op == ">=":
        return or_(never, at_least)
    if op == ">":
        return or_(never, at_least_next)
    if op == "<":
        return and_(col.is_not(None), not_(at_least))
    if op == "<=":
        return and_(col.is_not(None), not_(at_least_next))
    if op == "==":
        return and_(at_least, not_(at_least_next))
    return or_(never, not_(at_least), at_least_next)  # !=


def filter_clause(f: Filter, *, now: datetime, me: str | None = None) -> ColumnElement[bool]:
    """One filter as a boolean clause over `customers`."""
    op = _OPS[f.op]
    if f.field in DAY_FIELDS:
        n = _whole_days(f)
        if f.field == "renewal_in_days":
            return and_(
                Customer.renewal_date.is_not(None), op(Customer.renewal_date, now.date() + timedelta(days=n))
            )
        return _days_since_login(f.op, n, now)
    if f.field in TEXT_FIELDS:
        if f.op not in ("==", "!="):
            raise FilterError(f"{f.field} can only be compared with == or !=")
        if f.value is None:
            raise FilterError(f"{f.field} needs a value")
        value = str(f.value).strip()
        if f.field == "owner":
            if value.lower() == "me":
                if not me:
                    raise FilterError('"owner == me" needs to know who "me" is')
                value = me
            value = value.removeprefix("<@").removesuffix(">").split("|")[0]
            col: Any = Customer.csm_slack_id
            return op(col, value) if f.op == "==" else or_(col.is_(None), col != value)
        col = Customer.segment if f.field == "segment" else Customer.tier
        low = func.lower(col)
        return low == value.lower() if f.op == "==" else or_(col.is_(None), low != value.lower())
    number = _number(f)
    column: Any = {
        "health_score": Customer.health_score,
        "arr": Customer.arr,
        "nps": None,
        "open_tickets": None,
        "usage_change_pct": None,
    }[f.field]
    if f.field == "nps":
        column = latest_nps_score()
    elif f.field == "open_tickets":
        column = open_ticket_count()
    elif f.field == "usage_change_pct":
        column = usage_change_pct(now)
    return op(column, number)


def filter_clauses(
    filters: Sequence[Filter], *, now: datetime, me: str | None = None
) -> list[ColumnElement[bool]]:
    return [filter_clause(f, now=now, me=me) for f in filters]


def customer_match(name: str) -> ColumnElement[bool]:
    """`scope.customer`: the customer's external id, domain or exact name (case-insensitive)."""
    ref = name.strip()
    low = ref.lower()
    return or_(
        Customer.external_id == ref, func.lower(Customer.domain) == low, func.lower(Customer.name) == low
    )


def scope_clauses(scope: Scope, *, now: datetime, me: str | None = None) -> list[ColumnElement[bool]]:
    clauses = filter_clauses(scope.filters, now=now, me=me)
    if scope.customer:
        clauses.append(customer_match(scope.customer))
    return clauses


def select_customer_ids(
    scope: Scope | None = None,
    *,
    now: datetime | None = None,
    me: str | None = None,
    active_only: bool = True,
) -> Select[tuple[int]]:
    """SELECT customers.id for the customers a scope covers (all active customers for an empty scope)."""
    now = now or datetime.now(UTC)
    stmt = select(Customer.id)
    clauses = scope_clauses(scope, now=now, me=me) if scope else []
    if active_only:
        clauses.append(Customer.status == "active")
    return stmt.where(and_(true(), *clauses)) if clauses else stmt


def validate_filters(filters: Sequence[Filter], me: str | None = "me") -> str | None:
    """None when every filter compiles, else the sentence saying what is wrong."""
    try:
        filter_clauses(filters, now=datetime.now(UTC), me=me)
    except FilterError as exc:
        return str(exc)
    return None


__all__ = [
    "FilterError",
    "customer_match",
    "filter_clause",
    "filter_clauses",
    "latest_nps_score",
    "open_ticket_count",
    "scope_clauses",
    "select_customer_ids",
    "usage_change_pct",
    "validate_filters",
]
