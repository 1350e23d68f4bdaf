"""The extractive summary and the follow-up email draft."""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date

from meetings.analysis.models import ActionItem, FollowUpEmail, Signal, Topic
from meetings.analysis.text import Sentence, content_words, first_name

_FILLER = re.compile(
    r"^(?:hi|hello|thanks|thank you|welcome|great|perfect|sure|okay|ok|good|sounds good)\b", re.I
)


def _human_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def summarize(
    sentences: list[Sentence],
    speakers: list[str],
    duration_seconds: int,
    signals: list[Signal],
    action_items: list[ActionItem],
    topics: list[Topic],
) -> str:
    """A lead line (who, how long, what about) and the call's most central sentences, in order.

    A sentence scores by how many of the call's frequent words it carries (normalised by length),
    plus a bonus when it carries a signal; questions, pleasantries and very short sentences do not
    make the cut.
    """
    freq: Counter[str] = Counter()
    for s in sentences:
        freq.update(set(content_words(s.text)))
    signal_quotes = {sig.quote for sig in signals}
    scored: list[tuple[float, Sentence]] = []
    for s in sentences:
        words = content_words(s.text)
        if len(s.text.split()) < 6 or s.is_question or _FILLER.match(s.text) and len(words) < 4:
            continue
        score = sum(math.log1p(freq[w]) for w in set(words)) / math.sqrt(len(words) + 1)
        if s.text in signal_quotes or any(
            q.rstrip("…") and s.text.startswith(q.rstrip("…")) for q in signal_quotes
        ):
            score += 1.5
        scored.append((score, s))
    k = max(2, min(6, len(sentences) // 12 + 2))
    picked = sorted(sorted(scored, key=lambda p: -p[0])[:k], key=lambda p: p[1].index)
    about = "; ".join(t.title for t in topics[:3]) if topics else ""
    lead = f"{_human_list(speakers)} met for {_minutes(duration_seconds)}"
    lead += f" about {about}." if about else "."
    extra = []
    if action_items:
        extra.append(f"{len(action_items)} action item{'s' if len(action_items) != 1 else ''}")
    if signals:
        extra.append(f"{len(signals)} signal{'s' if len(signals) != 1 else ''}")
    if extra:
        lead += f" {_human_list(extra).capitalize()}."
    lines = [lead] + [f"• {s.speaker or 'Unknown speaker'}: {s.text}" for _, s in picked]
    return "\n".join(lines)


def follow_up_email(
    *,
    speakers: list[str],
    author: str | None,
    action_items: list[ActionItem],
    topics: list[Topic],
    meeting_date: date,
    subject_hint: str | None = None,
) -> FollowUpEmail:
    """A recap email from the author (the CSM) to everyone else on the call, naming each action item."""
    recipients = [first_name(s) for s in speakers if s != author] or ["all"]
    subject_topic = subject_hint or (topics[0].title if topics else "our call")
    subject = f"Follow-up: {subject_topic} ({meeting_date:%b} {meeting_date.day})"
    greeting = f"Hi {_human_list(recipients)},"
    body = [greeting, "", f"Thank you for your time on {meeting_date:%A}. A quick recap of what we covered:"]
    body += [f"- {t.title}" for t in topics] or ["- our discussion"]
    if action_items:
        body += ["", "Next steps:"]
        for item in action_items:
            who = item.owner or "Owner to be confirmed"
            when = f" (by {item.due:%a %b} {item.due.day})" if item.due else ""
            body.append(f"- {who}: {item.text}{when}")
    else:
        body += ["", "There were no open action items; I'll keep you posted on anything new."]
    body += ["", "Let me know if I missed anything.", "", "Best,", first_name(author) if author else ""]
    return FollowUpEmail(subject=subject, body="\n".join(body).rstrip() + "\n")
