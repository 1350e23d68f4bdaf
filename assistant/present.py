"""How the offline assistant words things: money, ages, date windows, customer rows, snapshot cards."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from assistant.reply import SnapshotCard


def money(amount: float | None) -> str:
    if amount is None:
        return "ARR not set"
    return f"${amount / 1000:,.0f}k ARR" if amount >= 1000 else f"${amount:,.0f} ARR"


def days_until_period_end(period: str, today: date) -> int:
    """Days from today to the end of "this/next week|month|quarter|year"."""
    nxt = period.startswith("next_")
    unit = period.removeprefix("next_")
    if unit == "week":
        end = today + timedelta(days=6 - today.weekday() + (7 if nxt else 0))
    elif unit == "year":
        end = date(today.year + (1 if nxt else 0), 12, 31)
    else:
        months = 3 if unit == "quarter" else 1
        first_month = ((today.month - 1) // months) * months + 1 if unit == "quarter" else today.month
        last = first_month + months - 1 + (months if nxt else 0)
        year = today.year + (last - 1) // 12
        last = (last - 1) % 12 + 1
        end = date(year, last, calendar.monthrange(year, last)[1])
    return (end - today).days


def ago(days: int) -> str:
    return "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"


def row_detail(c: dict[str, Any], lead: str = "health") -> str:
    parts = []
    health = f"health {c['health_score']}" if c.get("health_score") is not None else "no health score"
    renewal = None
    if c.get("renewal_in_days") is not None:
        days = c["renewal_in_days"]
        renewal = (
            f"renews in {days} day{'s' if days != 1 else ''} ({c['renewal_date']})"
            if days >= 0
            else "renewal overdue"
        )
    parts = [renewal, health] if lead == "renewal" else [health, renewal]
    parts.append(money(c.get("arr")))
    if lead == "login":
        seen = c.get("days_since_login")
        parts.insert(0, "never logged in" if seen is None else f"last login {ago(seen)}")
    return ", ".join(p for p in parts if p)


def snapshot_card(snap: dict[str, Any]) -> SnapshotCard:
    trend = snap.get("health_trend") or {}
    nps = snap.get("latest_nps") or {}
    return SnapshotCard(
        customer_id=snap["id"],
        name=snap["name"],
        health_score=snap.get("health_score"),
        health_band=snap.get("health_band"),
        trend_change=trend.get("change"),
        trend_direction=trend.get("direction"),
        arr=snap.get("arr"),
        renewal_date=snap.get("renewal_date"),
        renewal_in_days=snap.get("renewal_in_days"),
        days_since_login=snap.get("days_since_login"),
        open_tickets=snap.get("open_tickets") or 0,
        escalated_tickets=snap.get("escalated_tickets") or 0,
        champions=[
            f"{c['name']}" + (" (left)" if c.get("status") == "left" else "")
            for c in snap.get("champions") or []
        ],
        latest_nps=nps.get("score"),
        active_playbooks=[p.get("name") or p.get("slug") for p in snap.get("active_playbooks") or []],
        open_tasks=snap.get("open_tasks") or 0,
        recent_signals=[s.get("summary", "") for s in (snap.get("recent_signals") or [])[:5]],
    )


def snapshot_sentence(card: SnapshotCard) -> str:
    band = (card.health_band or "unscored").replace("_", " ")
    parts = [f"*{card.name}* is {band}"]
    if card.health_score is not None:
        trend = f", {card.trend_change:+d} in 30 days" if card.trend_change else ""
        parts[0] += f" (health {card.health_score}{trend})"
    if card.renewal_in_days is not None:
        parts.append(
            f"renews in {card.renewal_in_days} days"
            if card.renewal_in_days >= 0
            else "its renewal date has passed"
        )
    parts.append(money(card.arr))
    if card.open_tickets:
        parts.append(
            f"{card.open_tickets} open ticket{'s' if card.open_tickets != 1 else ''}"
            + (f" ({card.escalated_tickets} escalated)" if card.escalated_tickets else "")
        )
    if card.days_since_login is not None:
        parts.append(f"last login {ago(card.days_since_login)}")
    return ", ".join(parts) + "."


def ticket_line(t: dict[str, Any], with_customer: bool = True) -> str:
    age = t["opened_days_ago"]
    flag = " :rotating_light: *escalated*" if t["escalated"] else ""
    who = f" — {t['customer']}" if with_customer else ""
    return (
        f"`{t['id']}` {t['subject'] or 'no subject'} ({t['priority'] or 'normal'}){who}, "
        f"opened {ago(age)}{flag}"
    )


def _first_sentence(text: str | None, limit: int = 180) -> str:
    if not text:
        return "no summary"
    cut = text.split(". ")[0].strip()
    return cut if len(cut) <= limit else cut[: limit - 1] + "…"


def meeting_line(m: dict[str, Any]) -> str:
    head = f"{m['date']} · {m['customer'] or 'no customer'} · {m['topic'] or 'meeting'}: {_first_sentence(m['summary'])}"
    signals = [
        f"{sig.get('type', '?')}/{sig.get('category', '?')}"
        + (f" “{_first_sentence(sig.get('quote'), 80)}”" if sig.get("quote") else "")
        for sig in m["signals"][:3]
    ]
    if signals:
        head += ". Signals: " + "; ".join(signals)
    if m["action_items"]:
        n = len(m["action_items"])
        head += f" ({n} action item{'s' if n != 1 else ''})"
    return head


def approval_line(a: dict[str, Any]) -> str:
    preview = a.get("preview") or {}
    detail = ", ".join(
        f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in preview.items()
        if k in ("to", "subject", "channel", "title", "customer") and v
    )
    reason = f" ({preview['reason']})" if preview.get("reason") else ""
    return f"#{a['id']} `{a['tool']}`" + (f": {detail}" if detail else "") + reason
