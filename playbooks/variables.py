"""What a playbook knows about its customer: template variables and the facts entry conditions test."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from playbooks.model import PlaybookTemplate, StageCondition
from store.models import Contact, Customer, Ticket

SPONSOR_ROLE = re.compile(
    r"\b(sponsor|exec|executive|chief|c[eotfi]o|cxo|vp|vice president|president|head of|director|founder|owner)\b",
    re.IGNORECASE,
)


def date_text(value: date | None) -> str | None:
    return f"{value:%B} {value.day}, {value.year}" if value else None


def money(value: float | None) -> str | None:
    return f"${value:,.0f}" if value is not None else None


async def customer_facts(session: AsyncSession, customer: Customer, today: date) -> dict[str, Any]:
    """Everything about the customer a template or a condition may use (None when unknown)."""
    contacts = list(
        (
            await session.execute(
                select(Contact)
                .where(Contact.customer_id == customer.id, Contact.status == "active")
                .order_by(Contact.created_at.desc(), Contact.id.desc())
            )
        ).scalars()
    )
    champion = next((c for c in contacts if c.is_champion), None)
    sponsor = next(
        (c for c in contacts if c.role and SPONSOR_ROLE.search(c.role) and not c.is_champion), None
    )
    sponsor = sponsor or next((c for c in contacts if c.role and SPONSOR_ROLE.search(c.role)), None)
    open_tickets = (
        await session.execute(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.customer_id == customer.id, Ticket.status.notin_(["closed", "resolved", "solved"]))
        )
    ).scalar_one()
    last_login: datetime | None = customer.last_login_at
    return {
        "customer_id": customer.id,
        "customer_name": customer.name,
        "customer_domain": customer.domain,
        "customer_channel": customer.slack_channel,
        "arr": money(customer.arr),
        "arr_value": customer.arr,
        "health_score": customer.health_score,
        "segment": customer.segment,
        "tier": customer.tier,
        "renewal_date": customer.renewal_date.isoformat() if customer.renewal_date else None,
        "renewal_date_text": date_text(customer.renewal_date),
        "days_to_renewal": (customer.renewal_date - today).days if customer.renewal_date else None,
        "days_since_login": (today - last_login.date()).days if last_login else None,
        "open_tickets": open_tickets,
        "champion_name": champion.name if champion else None,
        "champion_email": champion.email if champion else None,
        "exec_sponsor_name": sponsor.name if sponsor else None,
        "exec_sponsor_email": sponsor.email if sponsor else None,
        "csm": customer.csm_slack_id,
        "csm_mention": f"<@{customer.csm_slack_id}>" if customer.csm_slack_id else "the CSM",
    }


def template_variables(
    template: PlaybookTemplate,
    facts: dict[str, Any],
    given: dict[str, Any],
    *,
    workspace: dict[str, str] | None = None,
    anchor: date,
    today: date,
    started_by: str | None,
) -> dict[str, Any]:
    values = dict(facts)
    values.update(
        playbook_name=template.name,
        anchor_date=anchor.isoformat(),
        anchor_date_text=date_text(anchor),
        today=today.isoformat(),
        started_by=started_by,
    )
    workspace = workspace or {}
    for variable in template.variables:
        found = given.get(variable.name)
        values[variable.name] = found if found is not None else workspace.get(variable.name, variable.default)
    return values


def condition_holds(condition: StageCondition, facts: dict[str, Any]) -> tuple[bool, str]:
    """Whether an entry condition holds, and a sentence saying why (for the timeline)."""
    key = {"arr": "arr_value", "renewal_in_days": "days_to_renewal"}.get(condition.field, condition.field)
    actual = facts.get(key)
    if actual is None:
        return False, f"{condition.field} is unknown, so '{condition.describe()}' does not hold"
    expected = condition.value
    if isinstance(actual, (int, float)) and not isinstance(expected, (int, float)):
        try:
            expected = float(expected)
        except ValueError:
            return False, f"'{condition.describe()}' compares a number with text"
    if isinstance(actual, str):
        actual, expected = actual.lower(), str(expected).lower()
    ops = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    try:
        held = bool(ops[condition.op](actual, expected))
    except TypeError:
        return False, f"'{condition.describe()}' cannot compare {actual!r}"
    verb = "holds" if held else "does not hold"
    return held, f"{condition.describe()} {verb} ({condition.field} is {facts.get(key)})"
