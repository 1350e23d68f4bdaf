"""Block Kit for the assistant's answers: text, a snapshot card, customer lists with buttons."""

from __future__ import annotations

import re
from typing import Any

from assistant.reply import AssistantReply, Bullets, CustomerList, SnapshotCard, Suggestions
from bot.blocks.common import (
    BAND_EMOJI,
    actions,
    button,
    context,
    header,
    money,
    section,
    sections,
    split_text,
)

PLAYBOOK_ACTION = "assistant_start_playbook"
PLAYBOOK_LABELS = {
    "risk-mitigation": "Start risk playbook",
    "renewal-90-day": "Start renewal playbook",
    "expansion-opportunity": "Start expansion playbook",
    "onboarding-30-60-90": "Start onboarding",
    "qbr-preparation": "Prepare QBR",
}
MAX_ROW_BUTTONS = 5
FALLBACK_LIMIT = 3000  # the notification text beside the blocks


BOLD = re.compile(r"\*\*(.+?)\*\*")
LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.M)
BULLET = re.compile(r"^(\s*)[-*]\s+", re.M)


def to_mrkdwn(text: str) -> str:
    """Markdown as Claude tends to write it, in Slack's mrkdwn: **bold**, [text](url), # headings,
    - bullets. Code spans and blocks are the same in both and are left alone."""
    parts = re.split(r"(```.*?```|`[^`]*`)", text, flags=re.S)
    for i in range(0, len(parts), 2):
        part = BULLET.sub(lambda m: f"{m.group(1)}• ", parts[i])
        part = HEADING.sub(lambda m: f"*{m.group(1)}*", part)
        part = BOLD.sub(lambda m: f"*{m.group(1)}*", part)
        parts[i] = LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", part)
    return "".join(parts)


def _band(band: str | None) -> str:
    label = (band or "unscored").replace("_", " ")
    return f"{BAND_EMOJI.get(label, ':white_circle:')} {label}"


def snapshot_card_blocks(card: SnapshotCard) -> list[Any]:
    score = f"{card.health_score}/100" if card.health_score is not None else "—"
    trend = f", {card.trend_change:+d} in 30 days" if card.trend_change else ""
    if card.renewal_date:
        when = f"in {card.renewal_in_days} days" if (card.renewal_in_days or 0) >= 0 else "passed"
        renewal = f"{card.renewal_date} ({when})"
    else:
        renewal = "—"
    seen = card.days_since_login
    login = "never" if seen is None else "today" if seen <= 0 else f"{seen} days ago"
    tickets = f"{card.open_tickets} open" + (
        f", {card.escalated_tickets} escalated" if card.escalated_tickets else ""
    )
    blocks: list[Any] = [
        header(card.name),
        section(
            f"*Health {score}* {_band(card.health_band)}{trend}",
            fields=[
                f"*ARR*\n{money(card.arr)}",
                f"*Renewal*\n{renewal}",
                f"*Last login*\n{login}",
                f"*Open tickets*\n{tickets}",
                f"*Latest NPS*\n{card.latest_nps if card.latest_nps is not None else '—'}",
                f"*Open tasks*\n{card.open_tasks}",
            ],
        ),
    ]
    lines = []
    if card.champions:
        lines.append("*Champion:* " + ", ".join(card.champions))
    if card.active_playbooks:
        lines.append("*Playbooks running:* " + ", ".join(card.active_playbooks))
    if card.recent_signals:
        lines.append("*Recent signals:*\n" + "\n".join(f"• {s}" for s in card.recent_signals))
    if lines:
        blocks.append(section("\n".join(lines)))
    buttons = [button("Full snapshot", "customer_view", str(card.customer_id))]
    if (card.health_score or 100) < 70:
        buttons.append(button("Start risk playbook", PLAYBOOK_ACTION, f"risk-mitigation:{card.customer_id}"))
    elif card.renewal_in_days is not None and 0 <= card.renewal_in_days <= 90:
        buttons.append(
            button("Start renewal playbook", PLAYBOOK_ACTION, f"renewal-90-day:{card.customer_id}")
        )
    blocks.append(actions(*buttons))
    return blocks


def customer_list_blocks(listing: CustomerList) -> list[Any]:
    blocks: list[Any] = [section(f"*{listing.title}*")]
    for row in listing.rows:
        blocks.append(
            section(
                f"*{row.name}* · {row.detail}",
                accessory=button("View", "customer_view", str(row.customer_id)),
            )
        )
    offers = [r for r in listing.rows if r.suggested_playbook][:MAX_ROW_BUTTONS]
    if offers:
        blocks.append(
            actions(
                *[
                    button(
                        f"{PLAYBOOK_LABELS.get(r.suggested_playbook or '', 'Start playbook')}: {r.name}",
                        PLAYBOOK_ACTION,
                        f"{r.suggested_playbook}:{r.customer_id}",
                    )
                    for r in offers
                ]
            )
        )
    if listing.more:
        blocks.append(context(f"{listing.more} more not shown: ask a narrower question to see them."))
    return blocks


def bullets_blocks(item: Bullets) -> list[Any]:
    blocks: list[Any] = sections(f"*{item.title}*\n" + "\n".join(f"• {line}" for line in item.lines))
    if item.more:
        blocks.append(context(f"{item.more} more not shown."))
    return blocks


def suggestions_blocks(item: Suggestions) -> list[Any]:
    lines = [f"• {what}: _{example}_" for what, example in item.examples]
    return sections(f"*{item.title}*\n" + "\n".join(lines))


def reply_blocks(reply: AssistantReply) -> tuple[str, list[Any]]:
    """(notification text, blocks) of an answer; the caller serialises with `to_dicts` (≤ 50 blocks)."""
    blocks: list[Any] = []
    if reply.notice:
        blocks.append(context(reply.notice))
    if reply.text:
        blocks.extend(sections(to_mrkdwn(reply.text) if reply.source == "claude" else reply.text))
    for item in reply.items:
        if isinstance(item, SnapshotCard):
            blocks.extend(snapshot_card_blocks(item))
        elif isinstance(item, CustomerList):
            blocks.extend(customer_list_blocks(item))
        elif isinstance(item, Bullets):
            blocks.extend(bullets_blocks(item))
        elif isinstance(item, Suggestions):
            blocks.extend(suggestions_blocks(item))
    if reply.approval_ids:
        ids = ", ".join(f"#{a}" for a in reply.approval_ids)
        blocks.append(
            context(f":hourglass: Approval {ids} waits for a click on its Approve or Reject button.")
        )
    fallback = split_text(reply.plain_text() or "Done.", FALLBACK_LIMIT)[0]
    return fallback, blocks
