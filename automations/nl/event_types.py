"""The 13 trigger types, one detector each: the words of the 'when' clause -> (type, params)."""

from __future__ import annotations

from typing import Any

from automations.nl.events import (
    BOUND_WORDS,
    SLOT,
    Clause,
    _bound,
    _duration,
    _has,
    _take,
    _take_words,
)
from automations.nl.tokens import Sentence


def _negative_sentiment(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"sentiment", "negative", "unhappy", "upset", "frustrated", "angry"})
    if k is None:
        return None
    params: dict[str, Any] = {}
    _take(s, k)
    bound = _bound(s, c, BOUND_WORDS, start=k)
    if bound and bound[1] < 0:
        params["threshold"] = bound[1]
        s.take(bound[2], bound[3], SLOT)
    _take_words(
        s,
        c,
        {"negative", "sentiment", "meeting", "call", "ends", "ended", "with", "on", "drops", "is", "was"},
    )
    _take_words(s, c, {"meetings", "calls", "zoom"})
    return "negative_sentiment", params


def _payment_overdue(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"invoice", "invoices", "payment", "payments", "bill"})
    late = _has(s, c, {"overdue", "late", "unpaid", "outstanding", "misses", "missed", "miss"})
    if late is None and (due := _has(s, c, {"due"})) is not None and s.low(due - 1) == "past":
        late = due
    if k is None or late is None:
        return None
    dur = _duration(s, c.start, c.end)
    days = 1
    if dur:
        days = dur[0]
        s.take(dur[1], dur[2], SLOT)
    _take(s, k, late)
    _take_words(s, c, {"by", "on", "becomes", "is", "past", "due", "more", "than", "over", "at", "least"})
    return "payment_overdue", {"days": days}


MILESTONES = frozenset({"kickoff", "kick-off", "go-live", "launch", "signature", "onboarding-complete"})


def _milestone(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"milestone"})
    reach = _has(s, c, {"reaches", "hits", "reach", "hit"})
    named = _has(s, c, MILESTONES)
    if k is None and reach is not None and named is not None:
        _take(s, reach, named)
        _take_words(s, c, {"contract", "the", "its"})
        return "contract_milestone", {"milestone": s.low(named).replace("kick-off", "kickoff")}
    if k is None:
        if (g := _has(s, c, {"goes"})) is not None and s.low(g + 1) == "live":
            s.take(g, g + 2, SLOT)
            return "contract_milestone", {"milestone": "go-live"}
        return None
    _take(s, k)
    j = k - 1
    words: list[str] = []
    while j > c.start and s.free(j) and s.low(j) not in ("the", "a", "an", "its", "their"):
        words.insert(0, s.low(j))
        j -= 1
    if not words and s.kind(k + 1) in ("word", "quote"):
        words = [str(s.toks[k + 1].value or s.low(k + 1))]
        s.take(k + 1, k + 2, SLOT)
    else:
        s.take(j + 1, k, SLOT)
    if not words:
        return None
    _take_words(s, c, {"contract", "hits", "reaches", "the"})
    return "contract_milestone", {"milestone": "-".join(" ".join(words).split())}


def _champion(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"champion", "champions"})
    gone = _has(s, c, {"leaves", "left", "leave", "departs", "quits", "leaving", "exits", "gone"})
    if k is None or gone is None:
        return None
    _take(s, k, gone)
    _take_words(s, c, {"the", "company", "our", "their"})
    return "champion_left", {}


def _nps(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"nps", "detractor", "promoter", "passive", "survey", "detractors", "promoters"})
    if k is None:
        return None
    params: dict[str, Any] = {}
    word = s.low(k)
    if word.startswith("detractor"):
        params["max_score"] = 6
    elif word.startswith("promoter"):
        params["min_score"] = 9
    elif word == "passive":
        params.update(min_score=7, max_score=8)
    _take(s, k)
    for j in range(c.start, c.end):
        if s.kind(j) == "range" and s.free(j):
            lo, hi = s.toks[j].value
            if lo > 0:
                params["min_score"] = lo
            params["max_score"] = hi
            s.take(j, j + 1, SLOT)
            _take_words(s, c, {"score", "response", "survey", "submits", "submitted", "gives", "on", "comes",
                               "responds", "of", "nps", "a", "with", "between"})  # fmt: skip
            return "nps_submitted", params
    nps_words = {**BOUND_WORDS, "of": "=="}
    bound = _bound(s, c, nps_words, start=k) or _bound(
        s, Clause(c.start, k), nps_words, start=max(c.start, k - 5)
    )
    if bound:
        op, value, b0, b1 = bound
        value = int(value)
        if op == "<":
            params["max_score"] = value - 1
        elif op == "<=":
            params["max_score"] = value
        elif op == ">":
            params["min_score"] = value + 1
        elif op == ">=":
            params["min_score"] = value
        else:
            params.update(min_score=value, max_score=value)
        s.take(b0, b1, SLOT)
    _take_words(
        s,
        c,
        {
            "score",
            "response",
            "survey",
            "submits",
            "submitted",
            "gives",
            "on",
            "comes",
            "responds",
            "of",
            "nps",
            "a",
        },
    )
    return "nps_submitted", params


def _no_login(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"logged", "login", "logins", "logging", "log", "inactive"})
    if k is None:
        return None
    neg = _has(s, c, {"hasn't", "haven't", "not", "no", "without", "stopped", "inactive", "hasnt", "havent"})
    if neg is None:
        return None
    dur = _duration(s, c.start, c.end)
    days = 14
    if dur:
        days = dur[0]
        s.take(dur[1], dur[2], SLOT)
    _take(s, k, neg)
    _take_words(s, c, {"in", "for", "has", "have", "goes", "any", "logged", "login", "logins", "been"})
    return "no_login", {"days": days}


def _usage(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"usage", "activity"})
    if k is None:
        return None
    up = _has(s, c, {"spikes", "spike", "jumps", "increases", "grows", "rises", "surges", "up", "increase"})
    down = _has(
        s, c, {"drops", "drop", "falls", "declines", "decreases", "dips", "down", "plummets", "decline"}
    )
    if up is None and down is None:
        return None
    kind = "usage_spike" if up is not None and (down is None or up < down) else "usage_drop"
    _take(s, k, up if kind == "usage_spike" else down)
    percent = 30
    for j in range(c.start, c.end):
        if s.kind(j) == "percent" and s.free(j):
            percent = abs(int(s.toks[j].value))
            s.take(j, j + 1, SLOT)
            break
    for seq in (("more", "than"), ("or", "more"), ("week", "over", "week"), ("at", "least")):
        for j in range(c.start, c.end):
            if s.seq(j, *seq) is not None:
                s.take(j, j + len(seq), SLOT)
    _take_words(s, c, {"by", "goes", "wow", "weekly"})
    return kind, {"percent": percent}


def _health(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"health", "health_score"})
    if k is None:
        return None
    verb = _has(
        s, c, {"drops", "drop", "falls", "fall", "goes", "dips", "declines", "decreases", "dropped", "slips"}
    )
    if verb is None:
        # "if health score < 50": a state, read as the moment it is crossed, when nothing else happens here
        others = _has(s, c, {"ticket", "tickets", "renewal", "meeting", "call", "escalated", "nps", "usage",
                             "champion", "invoice", "payment"})  # fmt: skip
        bound = _bound(s, c, {"below": "<", "under": "<", "less than": "<", "lower than": "<"}, start=k)
        if others is not None or bound is None or bound[0] != "<" or bound[2] > k + 3:
            return None
        _take(s, k)
        if s.low(k + 1) in ("score", "scores"):
            s.take(k + 1, k + 2, SLOT)
        s.take(bound[2], bound[3], SLOT)
        _take_words(s, c, {"is", "gets", "becomes"})
        return "health_score_drop", {"below": int(bound[1])}
    _take(s, k, verb)
    if s.low(k + 1) in ("score", "scores"):
        s.take(k + 1, k + 2, SLOT)
    bound = _bound(s, c, {"below": "<", "under": "<", "less than": "<", "lower than": "<"}, start=k)
    if bound and bound[0] == "<":
        s.take(bound[2], bound[3], SLOT)
        return "health_score_drop", {"below": int(bound[1])}
    for j in range(c.start, c.end):
        if s.kind(j) == "number" and s.free(j) and s.low(j + 1) in ("points", "point", "pts", "pt"):
            drop = int(s.toks[j].value)
            s.take(j, j + 2, SLOT)
            break
        if s.kind(j) == "number" and s.free(j) and s.low(j - 1) == "by":
            drop = int(s.toks[j].value)
            s.take(j, j + 1, SLOT)
            break
    else:
        drop = 15
    within = 30
    dur = _duration(s, c.start, c.end)
    if dur:
        within = dur[0]
        s.take(dur[1], dur[2], SLOT)
    _take_words(s, c, {"by", "within", "in", "over", "the", "last", "past", "more", "than"})
    return "health_score_drop", {"drop": drop, "within_days": within}


PRIORITIES = frozenset(
    {"urgent", "high", "low", "medium", "normal", "critical", "p1", "p2", "p3", "p4", "sev1", "sev2"}
)


def _ticket(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = None
    for j in range(c.start, c.end):
        if (
            s.free(j)
            and s.low(j) in ("ticket", "tickets", "escalation", "escalations", "case")
            and s.low(j - 1) != "open"
        ):
            k = j
            break
    if k is None:
        return None
    esc = _has(s, c, {"escalated", "escalates", "escalation", "escalate", "escalations"})
    params: dict[str, Any] = {}
    for j in range(c.start, c.end):
        low = s.low(j)
        base = low.split("-")[0]
        marked = s.low(j - 1) in ("marked", "flagged", "tagged", "priority")
        if (
            s.free(j)
            and base in PRIORITIES
            and (s.low(j + 1) in ("priority", "ticket", "tickets") or "-" in low or marked)
        ):
            if marked:
                s.take(j - 1, j, SLOT)
            params["priority"] = base
            s.take(j, j + 1, SLOT)
            if s.low(j + 1) == "priority":
                s.take(j + 1, j + 2, SLOT)
            break
    _take(s, k, esc)
    if esc is not None:
        _take_words(s, c, {"gets", "is", "comes", "escalated", "for", "in"})
        return "ticket_escalated", params
    new = _has(
        s,
        c,
        {
            "created",
            "opened",
            "new",
            "filed",
            "submitted",
            "raised",
            "opens",
            "files",
            "logged",
            "comes",
            "logs",
            "raises",
            "submits",
        },
    )
    if new is None:
        return None
    _take(s, new)
    _take_words(s, c, {"is", "gets", "comes", "in", "created", "opened", "new"})
    return "ticket_created", params


def _renewal(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"renewal", "renewals", "renews", "renew"})
    if k is None:
        return None
    dur = _duration(s, c.start, c.end)
    days = 90
    if dur:
        days = dur[0]
        s.take(dur[1], dur[2], SLOT)
    elif _has(s, c, {"approaching", "approaches", "coming", "upcoming"}) is None:
        return None
    _take(s, k)
    _take_words(
        s,
        c,
        {
            "away",
            "out",
            "before",
            "from",
            "until",
            "left",
            "is",
            "approaching",
            "coming",
            "up",
            "date",
            "each",
            "every",
            "any",
        },
    )
    return "renewal_approaching", {"days": days}


def _meeting(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"meeting", "meetings", "call", "calls", "qbr", "qbrs", "zoom", "sync"})
    if k is None:
        return None
    marker = s.low(c.start)
    ended = _has(s, c, {"ends", "ended", "finishes", "over", "wraps"})
    if marker not in ("after", "every", "each", "any") and ended is None:
        return None
    _take(s, k, ended)
    _take_words(
        s, c, {"meeting", "call", "zoom", "customer", "every", "each", "has", "a", "up", "is", "with"}
    )
    return "meeting_ended", {}


DETECTORS = (
    _negative_sentiment,
    _payment_overdue,
    _milestone,
    _champion,
    _nps,
    _no_login,
    _usage,
    _health,
    _ticket,
    _renewal,
    _meeting,
)
