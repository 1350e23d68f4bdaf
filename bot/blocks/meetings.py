"""Block Kit for meeting analyses: the posted analysis, the list, the App Home signals section."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Option, StaticSelectElement
from slack_sdk.models.blocks.basic_components import PlainTextObject

from bot.blocks.common import actions, button, context, divider, header, section, sections, split_text

SIGNAL_EMOJI = {
    "risk": ":warning:",
    "opportunity": ":chart_with_upwards_trend:",
    "feedback": ":speech_balloon:",
}
MAX_ACTION_BUTTONS = 10
MAX_SIGNALS = 8


def sentiment_label(score: float) -> str:
    if score >= 0.3:
        return f":large_green_circle: positive ({score:+.2f})"
    if score > 0.05:
        return f":large_green_circle: leaning positive ({score:+.2f})"
    if score >= -0.05:
        return f":white_circle: neutral ({score:+.2f})"
    if score > -0.3:
        return f":large_yellow_circle: leaning negative ({score:+.2f})"
    return f":red_circle: negative ({score:+.2f})"


def _minutes(seconds: int) -> str:
    return f"{max(1, round(seconds / 60))} min"


def _title(stored: Any) -> str:
    facts = stored.facts
    who = stored.customer.name if stored.customer else "Unmatched meeting"
    topic = facts.topic or "Meeting"
    return (
        f"{topic} · {who}" if stored.customer and stored.customer.name.lower() not in topic.lower() else topic
    )


def analysis_blocks(stored: Any, *, customer_choices: list[tuple[int, str]] | None = None) -> list[Any]:
    """The analysis as posted: summary, sentiment, signals, action items with "Create task", and
    "Draft follow-up". With `customer_choices` (an unmatched meeting in the host's DM), a picker."""
    result = stored.result
    blocks: list[Any] = [header(f":memo: {_title(stored)}")]
    when = f"{stored.facts.started_at:%b %d, %Y} · " if stored.facts.started_at else ""
    blocks.append(
        context(f"{when}{_minutes(result.meeting.duration_seconds)} · {', '.join(result.meeting.speakers)}")
    )
    if customer_choices is not None:
        blocks.append(
            section(
                ":question: This meeting matches no customer (no participant's email domain, no customer "
                "name in the topic). Pick its customer and I'll post it to their channel.",
                accessory=customer_picker(stored.id, customer_choices),
            )
        )
    blocks += sections(f"*Summary*\n{result.summary}")
    speakers = "  ".join(f"{name}: {score:+.2f}" for name, score in result.sentiment.speakers.items())
    blocks.append(section(f"*Sentiment* {sentiment_label(result.sentiment.overall)}\n{speakers}"))
    if result.signals:
        lines = [
            f"{SIGNAL_EMOJI[s.type]} *{s.category.replace('_', ' ')}* ({s.type}) · {s.speaker or 'someone'} "
            f"at {s.timestamp}\n> {s.quote}"
            for s in result.signals[:MAX_SIGNALS]
        ]
        more = len(result.signals) - MAX_SIGNALS
        text = "*Signals*\n" + "\n".join(lines) + (f"\n_{more} more_" if more > 0 else "")
        blocks += [section(part) for part in split_text(text)]
    else:
        blocks.append(section("*Signals*\nNone detected."))
    blocks.append(divider())
    if result.action_items:
        blocks.append(section(f"*Action items* ({len(result.action_items)})"))
        for index, item in enumerate(result.action_items[:MAX_ACTION_BUTTONS]):
            due = f" · due {item.due:%a %b} {item.due.day}" if item.due else ""
            blocks.append(
                section(
                    f"• *{item.owner or 'Unassigned'}*: {item.text}{due}",
                    accessory=button("Create task", "meeting_create_task", f"{stored.id}:{index}"),
                )
            )
        if len(result.action_items) > MAX_ACTION_BUTTONS:
            blocks.append(
                context(f"{len(result.action_items) - MAX_ACTION_BUTTONS} more in `/csm meeting {stored.id}`")
            )
    else:
        blocks.append(section("*Action items*\nNone."))
    blocks.append(
        actions(
            button("Draft follow-up", "meeting_draft_followup", str(stored.id), style="primary"),
            button("Show follow-up text", "meeting_show_followup", str(stored.id)),
        )
    )
    blocks.append(context(f"Meeting analysis #{stored.id} · `/csm meeting {stored.id}`"))
    return blocks


def customer_picker(analysis_id: int, choices: list[tuple[int, str]]) -> StaticSelectElement:
    return StaticSelectElement(
        action_id="meeting_pick_customer",
        placeholder=PlainTextObject(text="Pick the customer"),
        options=[
            Option(text=PlainTextObject(text=name[:75]), value=f"{analysis_id}:{cid}")
            for cid, name in choices[:100]
        ],
    )


def meeting_line(stored: Any) -> str:
    r = stored.result
    moment = stored.facts.started_at or stored.analyzed_at
    when = f"{moment:%b %d}" if moment else ""
    risks = sum(1 for s in r.signals if s.type == "risk")
    who = stored.customer.name if stored.customer else "no customer"
    return (
        f"*#{stored.id}* {stored.facts.topic or 'Meeting'} · {who} · {when} · "
        f"{len(r.action_items)} action item{'s' if len(r.action_items) != 1 else ''}, "
        f"{len(r.signals)} signal{'s' if len(r.signals) != 1 else ''}"
        + (f" ({risks} risk{'s' if risks != 1 else ''})" if risks else "")
        + f" · {sentiment_label(r.sentiment.overall)}"
    )


def meeting_list_blocks(meetings: list[Any], title: str) -> list[Any]:
    if not meetings:
        return [section(f"*{title}*\nNo analysed meetings yet.")]
    blocks: list[Any] = [header(title)]
    for stored in meetings:
        blocks.append(section(meeting_line(stored), accessory=button("Open", "meeting_view", str(stored.id))))
    return blocks


def signals_home_blocks(meetings: list[Any], limit: int = 8) -> list[Any]:
    """App Home: recent meeting signals, risks first."""
    rows = []
    for stored in meetings:
        for s in stored.result.signals:
            rows.append((s.type != "risk", -(stored.id), stored, s))
    rows.sort(key=lambda r: (r[0], r[1]))
    blocks: list[Any] = [header(":studio_microphone: Recent meeting signals")]
    if not rows:
        blocks.append(context("No signals from analysed meetings yet."))
        return blocks
    for _, _, stored, s in rows[:limit]:
        who = stored.customer.name if stored.customer else "unmatched meeting"
        blocks.append(
            section(
                f"{SIGNAL_EMOJI[s.type]} *{who}* · {s.category.replace('_', ' ')} · {s.speaker or 'someone'}\n> {s.quote}",
                accessory=button("Open", "meeting_view", str(stored.id)),
            )
        )
    return blocks
