"""The account snapshot card (`/csm customer NAME`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.common import BAND_EMOJI, actions, button, context, header, money, section
from store.customers import CustomerSnapshot


def _trend(points: int | None) -> str:
    if points is None:
        return "no trend yet"
    if points == 0:
        return "flat over 30 days"
    arrow = ":arrow_up:" if points > 0 else ":arrow_down:"
    return f"{arrow} {points:+d} over 30 days"


def _ago(when: datetime | None, days: int | None) -> str:
    if when is None or days is None:
        return "never"
    if days == 0:
        return "today"
    return f"{days} day{'s' if days != 1 else ''} ago ({when:%b %d})"


def snapshot_blocks(snap: CustomerSnapshot, extra: list[Any] | None = None) -> list[Any]:
    band = snap.health_band or "unscored"
    score = f"{snap.health_score}/100" if snap.health_score is not None else "—"
    renewal = "—"
    if snap.renewal_date:
        when = f"in {snap.days_to_renewal} days" if (snap.days_to_renewal or 0) >= 0 else "overdue"
        renewal = f"{snap.renewal_date:%b %d, %Y} ({when})"
    escalated = sum(1 for t in snap.open_tickets if t.escalated)
    tickets = f"{len(snap.open_tickets)} open" + (
        f", {escalated} escalated :rotating_light:" if escalated else ""
    )
    blocks: list[Any] = [
        header(f"{snap.name}"),
        section(
            f"{BAND_EMOJI.get(band, ':white_circle:')} *Health {score}* ({band}), {_trend(snap.health_trend)}",
            fields=[
                f"*ARR*\n{money(snap.arr)}",
                f"*Renewal*\n{renewal}",
                f"*Last login*\n{_ago(snap.last_login_at, snap.days_since_login)}",
                f"*Open tickets*\n{tickets}",
            ],
        ),
    ]
    if snap.open_tickets:
        lines = [
            f"• `{t.external_id}` {t.subject or 'no subject'} ({t.priority or 'normal'}){' — *escalated*' if t.escalated else ''}"
            for t in snap.open_tickets[:5]
        ]
        blocks.append(section("*Tickets*\n" + "\n".join(lines)))
    blocks.extend(extra or [])
    meta = [p for p in (snap.segment, snap.tier, snap.domain) if p]
    owner = f"CSM <@{snap.csm_slack_id}>" if snap.csm_slack_id else "no CSM assigned"
    blocks.append(context(" · ".join(meta + [owner])))
    return blocks


def not_found_text(query: str, suggestions: list[str]) -> str:
    if suggestions:
        return f"No customer matches '{query}'. Did you mean {' or '.join(suggestions[:3])}?"
    return f"No customer matches '{query}'. Try `/csm customer` with the name, domain or external id."


def view_button(customer_id: int, name: str) -> Any:
    return button(f"View {name}"[:75], "customer_view", str(customer_id))


def customer_list_actions(customers: list[tuple[int, str]]) -> Any:
    return actions(*[view_button(cid, name) for cid, name in customers[:5]])
