"""Reads no tool exposes: open tickets, analysed meetings and pending approvals, as answer lines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import case, func, select

from store.base import utcnow
from store.models import Approval, Customer, MeetingAnalysis, Ticket

MAX_LINES = 15
PRIORITY_ORDER = {"urgent": 0, "p1": 0, "critical": 0, "high": 1, "p2": 1, "normal": 2, "medium": 2, "low": 3}


async def owned_ids(session: Any, user_id: str) -> list[int] | None:
    """The ids of the user's customers, or None when they own none (then the whole workspace counts)."""
    ids = (await session.scalars(select(Customer.id).where(Customer.csm_slack_id == user_id))).all()
    return list(ids) or None


async def owned_ids_of(db: Any, user_id: str) -> list[int] | None:
    async with db.session() as s:
        return await owned_ids(s, user_id)


async def ticket_lines(
    db: Any, customer_id: int | None, user_id: str, escalated_only: bool = False
) -> tuple[list[str], int]:
    now = utcnow()
    async with db.session() as s:
        stmt = (
            select(Ticket, Customer.name)
            .join(Customer, Customer.id == Ticket.customer_id)
            .where(func.lower(Ticket.status).notin_(("closed", "solved", "resolved")))
        )
        if escalated_only:
            stmt = stmt.where(Ticket.escalated.is_(True))
        if customer_id is not None:
            stmt = stmt.where(Ticket.customer_id == customer_id)
        else:
            mine = await owned_ids(s, user_id)
            if mine is not None:
                stmt = stmt.where(Ticket.customer_id.in_(mine))
        stmt = stmt.order_by(case((Ticket.escalated.is_(True), 0), else_=1), Ticket.opened_at)
        rows = (await s.execute(stmt)).all()
    rows = sorted(
        rows, key=lambda r: (not r[0].escalated, PRIORITY_ORDER.get((r[0].priority or "").lower(), 2))
    )
    lines = []
    for ticket, name in rows[:MAX_LINES]:
        age = (now - ticket.opened_at).days
        flag = " :rotating_light: *escalated*" if ticket.escalated else ""
        who = "" if customer_id is not None else f" — {name}"
        lines.append(
            f"`{ticket.external_id}` {ticket.subject or 'no subject'} ({ticket.priority or 'normal'}){who}, "
            f"opened {age} day{'s' if age != 1 else ''} ago{flag}"
        )
    return lines, len(rows)


def _first_sentence(text: str | None, limit: int = 180) -> str:
    if not text:
        return "no summary"
    cut = text.split(". ")[0].strip()
    return cut if len(cut) <= limit else cut[: limit - 1] + "…"


async def meeting_lines(db: Any, customer_id: int | None, days: int) -> list[str]:
    since = utcnow() - timedelta(days=days)
    async with db.session() as s:
        stmt = (
            select(MeetingAnalysis, Customer.name)
            .outerjoin(Customer, Customer.id == MeetingAnalysis.customer_id)
            .where(MeetingAnalysis.analyzed_at >= since)
            .order_by(MeetingAnalysis.analyzed_at.desc())
            .limit(MAX_LINES)
        )
        if customer_id is not None:
            stmt = stmt.where(MeetingAnalysis.customer_id == customer_id)
        rows = (await s.execute(stmt)).all()
    lines = []
    for meeting, name in rows:
        when = (meeting.started_at or meeting.analyzed_at).strftime("%b %d")
        head = f"{when} · {name or 'no customer'} · {meeting.topic or 'meeting'}: {_first_sentence(meeting.summary)}"
        signals = [
            f"{sig.get('type', '?')}/{sig.get('category', '?')}"
            + (f" “{_first_sentence(sig.get('quote'), 80)}”" if sig.get("quote") else "")
            for sig in (meeting.customer_signals or [])[:3]
        ]
        if signals:
            head += " Signals: " + "; ".join(signals)
        open_items = len(meeting.action_items or [])
        if open_items:
            head += f" ({open_items} action item{'s' if open_items != 1 else ''})"
        lines.append(head)
    return lines


def approval_lines(approvals: list[Approval]) -> list[str]:
    """One line per pending approval: its id, tool and what it would do."""
    out = []
    for a in approvals[:MAX_LINES]:
        preview = a.preview or {}
        detail = ", ".join(
            f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in preview.items()
            if k in ("to", "subject", "channel", "title", "customer") and v
        )
        reason = f" ({preview['reason']})" if preview.get("reason") else ""
        out.append(f"#{a.id} `{a.tool_name}`" + (f": {detail}" if detail else "") + reason)
    return out
