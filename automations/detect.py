"""Does a DM read like an automation ("every Monday ...", "when ... then ...")? For the DM router."""

from __future__ import annotations

from automations.nl.actions import ALL_VERBS
from automations.nl.parser import ParseRefused, parse_offline
from automations.nl.tokens import Sentence

QUESTION_WORDS = frozenset(
    {"what", "who", "how", "why", "which", "where", "is", "are", "does", "do", "did", "can"}
)


def looks_like_automation(text: str) -> bool:
    """True when the sentence parses as an automation, or says when (a schedule or an event) and
    gives an order, so the preview can explain what is missing. Questions go to the assistant."""
    text = text.strip()
    if not text:
        return False
    words = Sentence.of(text)
    if text.endswith("?") or (len(words) and words.low(0) in QUESTION_WORDS):
        return False
    try:
        parse_offline(text)
        return True
    except ParseRefused as exc:
        understood = " ".join(exc.understood).lower()
        has_verb = any(words.low(k) in ALL_VERBS for k in range(len(words)))
        repeating = any(w in understood for w in ("every", "each", "daily", "weekly", "monthly", "quarterly"))
        said_when = repeating or any(w in understood for w in ("when", "after", "tomorrow", " at ", "if "))
        return bool(exc.understood) and (repeating or (has_verb and said_when))
