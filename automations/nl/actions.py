"""Actions: 'send me a summary', 'draft a re-engagement email', 'create a task to X due in 3 days' ...

Each action starts at a verb and runs to the next action verb; what the object of the verb is
decides the action type. Objects that describe customers ("of customers with health below 70")
are left for the scope extractor.
"""

from __future__ import annotations

import re
from typing import Any

from automations.nl.lexicon import CUSTOMER_NOUNS, PLAYBOOK_KEYWORDS
from automations.nl.tokens import Sentence

SLOT = "action"
SEND_VERBS = frozenset(
    {"send", "post", "email", "e-mail", "dm", "message", "share", "give", "get", "deliver"}
)
ALERT_VERBS = frozenset({"alert", "notify", "ping", "tell", "warn", "let"})
DRAFT_VERBS = frozenset({"draft", "write", "compose"})
CREATE_VERBS = frozenset({"create", "add", "make", "open", "generate", "take", "produce"})
RUN_VERBS = frozenset({"run", "start", "kick", "launch", "trigger", "begin", "kickoff", "execute"})
UPDATE_VERBS = frozenset({"update", "recalculate", "recompute", "refresh", "rescore", "recalc"})
LOG_VERBS = frozenset({"log", "record"})
ALL_VERBS = (
    SEND_VERBS
    | ALERT_VERBS
    | DRAFT_VERBS
    | CREATE_VERBS
    | RUN_VERBS
    | UPDATE_VERBS
    | LOG_VERBS
    | {
        "remind",
        "summarize",
    }
)
SUMMARY_NOUNS = frozenset(
    {"summary", "digest", "report", "list", "rundown", "recap", "overview", "roundup", "update", "snapshot"}
)
EMAIL_NOUNS = frozenset({"email", "e-mail", "emails", "note", "mail"})
TEMPLATE_NOUNS = frozenset(
    {
        "follow-up",
        "followup",
        "re-engagement",
        "check-in",
        "thank-you",
        "welcome",
        "apology",
        "congratulations",
    }
)
DROP_MODIFIERS = frozenset(
    {"quick", "short", "brief", "friendly", "personal", "personalized", "nice", "new", "an", "a"}
)
ME_WORDS = frozenset({"me", "myself"})
CSM_WORDS = frozenset({"csm", "owner", "manager", "am", "cs", "rep", "account", "the", "them", "owners"})


class ActionError(ValueError):
    pass


def _segment_end(s: Sentence, i: int, stop: int) -> int:
    """The next action verb after i (joined by 'and' or ','), or stop."""
    j = i + 1
    while j < stop:
        if s.low(j) in ALL_VERBS and s.free(j) and s.low(j - 1) in ("and", ",", "then", "also", "&"):
            if not (s.low(j) == "update" and s.low(j - 2) in SUMMARY_NOUNS):
                return j
        j += 1
    return stop


def extract(
    s: Sentence, regions: list[tuple[int, int]], playbooks: list[str] | None = None
) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    for r0, r1 in regions:
        i = r0
        while i < r1:
            if s.free(i) and s.low(i) in ALL_VERBS and not _is_noun_use(s, i):
                end = _segment_end(s, i, r1)
                action = _parse(s, i, end, actions, playbooks)
                if action:
                    actions.append(action)
                i = end
            else:
                i += 1
    if not actions:  # "Every Monday 9am: summary of my book to #team"
        for r0, r1 in regions:
            k = _find(s, r0, r1, SUMMARY_NOUNS)
            if k is not None and s.low(k) != "update":
                _take(s, k)
                actions.append(_summary(s, k, r1, _channel(s, k, r1), None))
                break
    return actions


def _is_noun_use(s: Sentence, i: int) -> bool:
    return s.low(i - 1) in ("a", "an", "the", "slack") or (
        s.low(i) == "update" and s.low(i - 1) in ("health",)
    )


def _find(s: Sentence, i: int, end: int, words: frozenset[str] | set[str]) -> int | None:
    for k in range(i, end):
        if s.free(k) and s.low(k) in words:
            return k
    return None


def _channel(s: Sentence, i: int, end: int) -> int | None:
    for k in range(i, end):
        if s.free(k) and s.kind(k) == "channel":
            return k
    return None


def _take(s: Sentence, *idx: int | None) -> None:
    for k in idx:
        if k is not None:
            s.take(k, k + 1, SLOT)


def _take_near(s: Sentence, i: int, end: int, words: set[str] | frozenset[str]) -> None:
    for k in range(i, end):
        if s.free(k) and s.low(k) in words:
            _take(s, k)


def _parse(  # noqa: C901
    s: Sentence, i: int, end: int, previous: list[dict[str, Any]], playbooks: list[str] | None = None
) -> dict[str, Any] | None:
    verb = s.low(i)
    _take(s, i)
    if verb == "kick" and s.low(i + 1) == "off":
        _take(s, i + 1)
    if verb == "let" and (k := _find(s, i, end, {"know"})) is not None:
        _take(s, k)

    playbook = _find(s, i, end, {"playbook", "play"})
    skill = _find(s, i, end, {"skill"})
    if verb in RUN_VERBS | {"kick"} or playbook is not None or skill is not None:
        if playbook is not None:
            return _playbook(s, i + 1, playbook, playbooks)
        if skill is not None:
            return _skill(s, i + 1, skill)
        return None
    if verb in UPDATE_VERBS:
        k = _find(s, i, end, {"health", "health_score"})
        if k is None:
            return None
        _take(s, k)
        _take_near(s, k, min(k + 2, end), {"score", "scores"})
        return {"type": "update_health_score", "params": {}}
    if verb in LOG_VERBS:
        k = _find(s, i, end, {"activity", "it", "this", "note", "touchpoint", "timeline"})
        if k is None:
            return None
        _take(s, k)
        _take_near(s, k, end, {"timeline", "activity"})
        return {"type": "log_activity", "params": {}}
    if verb == "remind":
        return _task(s, i + 1, end, after_to=True)
    notes = _find(s, i, end, {"notes", "minutes"})
    if verb == "summarize" or (notes is not None and verb in CREATE_VERBS | DRAFT_VERBS | {"take"}):
        _take(s, notes)
        _take_near(s, i, end, {"meeting", "call", "up"})
        return {"type": "create_meeting_notes", "params": {}}
    task = _find(s, i, end, {"task", "todo", "to-do", "reminder"})
    if verb in CREATE_VERBS and task is not None:
        return _task(s, task + 1, end, before=(i + 1, task))
    if verb in CREATE_VERBS and (k := _find(s, i, end, {"activity"})) is not None:
        _take(s, k)
        return {"type": "log_activity", "params": {}}

    channel = _channel(s, i, end)
    to_me = _find(s, i + 1, min(i + 3, end), ME_WORDS)
    summary = _find(s, i, end, SUMMARY_NOUNS)
    email = _find(s, i, end, EMAIL_NOUNS)
    template_word = _find(s, i, end, TEMPLATE_NOUNS)
    customers = _find(s, i, end, CUSTOMER_NOUNS)
    pronoun = _find(s, i + 1, min(i + 2, end), {"it", "this"})
    if verb in DRAFT_VERBS and (
        email is not None or template_word is not None or _find(s, i, end, {"draft"})
    ):
        return _email("draft_email", s, i + 1, email, template_word)
    if verb in SEND_VERBS | ALERT_VERBS:
        alert = _find(s, i, end, {"alert", "notification", "heads-up"})
        if summary is not None or (pronoun is not None and _last_summary(previous)):
            _take(s, summary, pronoun)
            return _summary(s, i, end, channel, to_me)
        if email is not None and verb in SEND_VERBS or (template_word is not None and verb == "send"):
            return _email("send_email", s, i + 1, email, template_word)
        if customers is not None and (verb in SEND_VERBS or s.low(customers - 1) == "with"):
            return _summary(s, i, end, channel, to_me)
        if channel is not None:
            _take(s, channel, alert)
            _take_near(s, i, channel, {"in", "to", "into", "on", "an", "a", "message", "slack"})
            return {"type": "send_slack", "params": {"channel": s.toks[channel].text}}
        if verb in ALERT_VERBS or alert is not None or (verb in ("dm", "message") and to_me is not None):
            _take(s, alert, to_me)
            _take_near(s, i, end, CSM_WORDS | {"slack", "know", "about"})
            return {"type": "alert_csm", "params": {}}
    return None


def _last_summary(previous: list[dict[str, Any]]) -> bool:
    return bool(previous) and previous[-1]["type"] == "send_summary"


def _summary(s: Sentence, i: int, end: int, channel: int | None, to_me: int | None) -> dict[str, Any]:
    to = "me"
    if channel is not None:
        to = s.toks[channel].text
        _take(s, channel)
        if s.low(channel - 1) in ("to", "in", "into", "on") and s.free(channel - 1):
            _take(s, channel - 1)
    _take(s, to_me)
    _take_near(s, i, min(i + 4, end), {"a", "an", "the", "weekly", "daily", "monthly", "quick", "slack"})
    return {"type": "send_summary", "params": {"to": to}}


def _email(kind: str, s: Sentence, i: int, email: int | None, template_word: int | None) -> dict[str, Any]:
    stop = email if email is not None else (template_word + 1 if template_word is not None else i)
    words: list[str] = []
    k = i
    while k < stop:
        low = s.low(k)
        if s.free(k) and low not in DROP_MODIFIERS and low not in ("the", "them", "me", "us", "out"):
            words.append(low)
        if s.free(k):
            _take(s, k)
        k += 1
    _take(s, email)
    params: dict[str, Any] = {}
    if words:
        slug = "-".join(w for word in words for w in re.split(r"[\s_]+", word))
        params["template"] = {"followup": "follow-up", "thank-you": "thank-you"}.get(slug, slug)
    return {"type": kind, "params": params}


def _due(s: Sentence, k: int, end: int) -> tuple[int, int, int] | None:
    """'due in 3 days', 'in 3 days', 'within 2 days', 'due tomorrow' at k: (days, start, end)."""
    j = k + 1 if s.low(k) == "due" else k
    if s.low(j) == "tomorrow":
        return 1, k, j + 1
    if s.low(j) == "today":
        return 0, k, j + 1
    if (
        s.low(j) in ("in", "within")
        and s.kind(j + 1) == "number"
        and s.low(j + 2) in ("day", "days", "week", "weeks")
    ):
        mult = 7 if s.low(j + 2).startswith("week") else 1
        return int(s.toks[j + 1].value) * mult, k, j + 3
    return None


def _task(
    s: Sentence, i: int, end: int, after_to: bool = False, before: tuple[int, int] | None = None
) -> dict[str, Any] | None:
    if after_to:
        _take_near(s, i, min(i + 1, end), ME_WORDS)
    if before:
        s.take(before[0], before[1], SLOT) if before[1] == before[0] + 1 and s.low(before[0]) in (
            "a",
            "an",
        ) else None
        _take(s, i - 1)
    k = i
    while k < end and (not s.free(k) or s.low(k) in ("to", ":", "called", "titled", "named", "that", "me")):
        _take(s, k)
        k += 1
    title_start = k
    due: tuple[int, int, int] | None = None
    while k < end and s.free(k):
        due = _due(s, k, end)
        if due:
            break
        if s.low(k) in ("and", ",") and k + 1 < end and s.low(k + 1) in ALL_VERBS:
            break
        k += 1
    title = s.span(title_start, k).strip(" ,.")
    if s.kind(title_start) == "quote" and k == title_start + 1:
        title = s.toks[title_start].value
    s.take(title_start, k, SLOT)
    if not title and before:
        words = [s.toks[j].text for j in range(*before) if s.low(j) not in ("a", "an", "the", "new")]
        title = " ".join(words)
        s.take(before[0], before[1] + 1, SLOT)
    if not title:
        return None
    params: dict[str, Any] = {"title": title}
    if due:
        params["due_in_days"] = due[0]
        s.take(due[1], due[2], SLOT)
    return {"type": "create_task", "params": params}


def _playbook(s: Sentence, i: int, k: int, known: list[str] | None = None) -> dict[str, Any] | None:
    words = [s.low(j) for j in range(i, k) if s.free(j) and s.low(j) not in ("the", "a", "an", "our", "my")]
    s.take(i, k + 1, SLOT)
    if not words:
        return {"type": "run_playbook", "params": {}}  # refused with "which playbook"
    slug = "-".join(words)
    if known and slug in known:  # a workspace playbook named exactly
        return {"type": "run_playbook", "params": {"playbook": slug}}
    for word in words:
        if word in PLAYBOOK_KEYWORDS:
            slug = PLAYBOOK_KEYWORDS[word]
            break
    return {"type": "run_playbook", "params": {"playbook": slug}}


def _skill(s: Sentence, i: int, k: int) -> dict[str, Any] | None:
    words: list[str] = []
    for j in range(i, k):
        if s.free(j) and s.low(j) not in ("the", "a", "an", "our", "my"):
            words.append(str(s.toks[j].value) if s.kind(j) == "quote" else s.low(j))
    s.take(i, k + 1, SLOT)
    if not words:
        return {"type": "run_skill", "params": {}}  # refused with "which skill"
    return {"type": "run_skill", "params": {"skill": "-".join(" ".join(words).lower().split())}}
