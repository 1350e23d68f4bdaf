"""Event triggers: the 'when ...' clause -> one of the 13 trigger types of CONTRACTS §5 with its params."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automations.nl.tokens import Sentence

SLOT = "trigger"
MARKERS = frozenset({"when", "whenever", "if", "after", "once", "anytime"})
ACTION_VERBS = frozenset(
    """send post email e-mail dm message ping notify alert tell warn let share give draft write compose create
    add make log record update recalculate recompute refresh rescore run start kick launch trigger begin
    remind take summarize generate then""".split()
)
UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30}
GLUE = frozenset(
    """a an the customer customers account accounts client clients any someone somebody we us our they their
    has have had is are gets get got goes go comes come becomes become in its it by of there gives give
    hits hit reaches reach submits submit sends leaves happens""".split()
)


@dataclass
class Clause:
    start: int  # the marker (or the first token of a marker-less trigger)
    end: int  # exclusive


def find_clause(s: Sentence) -> Clause | None:
    n = len(s)
    for i in range(n):
        low = s.low(i)
        start = None
        if low in MARKERS and s.free(i):
            if low == "once" and s.low(i + 1) == "a" and s.low(i + 2) in ("day", "week", "month", "year"):
                continue
            if low == "if" and i > 0 and s.low(i - 1) not in (",", "."):
                pass
            start = i
        elif low in ("every", "each", "any") and s.low(i + 1) == "time" and s.free(i):
            start = i
        elif low == "as" and s.seq(i, "as", "soon", "as") is not None:
            start = i
        if start is None:
            continue
        j = start + 1
        while j < n:
            lw = s.low(j)
            if lw in (",", ";", "."):
                break
            if lw in ACTION_VERBS and j > start + 2 and s.low(j - 1) not in ("to", "a", "an", "the", "will"):
                if not (lw == "log" and s.low(j + 1) == "in"):
                    break
            j += 1
        return Clause(start, j)
    return None


def _number_after(s: Sentence, i: int, end: int, kinds: tuple[str, ...] = ("number",)) -> int | None:
    for k in range(i, end):
        if s.kind(k) in kinds and s.free(k):
            return k
    return None


def _duration(s: Sentence, i: int, end: int) -> tuple[int, int, int] | None:
    """The first 'N days|weeks|months' in [i, end): (days, start, end)."""
    for k in range(i, end):
        if s.free(k) and s.low(k + 1) in UNIT_DAYS and k + 1 < end:
            if s.kind(k) == "number":
                return int(s.toks[k].value) * UNIT_DAYS[s.low(k + 1)], k, k + 2
            if s.low(k) in ("a", "an"):
                return UNIT_DAYS[s.low(k + 1)], k, k + 2
    return None


def _has(s: Sentence, c: Clause, words: set[str] | frozenset[str]) -> int | None:
    for k in range(c.start, c.end):
        if s.free(k) and s.low(k) in words:
            return k
    return None


def _take(s: Sentence, *idx: int | None) -> None:
    for k in idx:
        if k is not None:
            s.take(k, k + 1, SLOT)


def _take_words(s: Sentence, c: Clause, words: set[str] | frozenset[str]) -> None:
    for k in range(c.start, c.end):
        if s.free(k) and s.low(k) in words:
            s.take(k, k + 1, SLOT)


def _bound(
    s: Sentence, c: Clause, op_words: dict[str, str], start: int | None = None
) -> tuple[str, float, int, int] | None:
    """'below 50', 'under -0.5', '< 40', '6 or less': (op, value, start, end) in the clause."""
    for k in range(start if start is not None else c.start, c.end):
        if not s.free(k):
            continue
        low = s.low(k)
        op = op_words.get(low) or (s.toks[k].value if s.kind(k) == "op" else None)
        j = k + 1
        if low in ("less", "more", "greater", "lower", "fewer") and s.low(k + 1) == "than":
            op, j = op_words.get(low + " than"), k + 2
        if op and s.kind(j) in ("number", "percent"):
            if s.low(j + 1) == "or" and s.low(j + 2) in ("less", "lower", "below", "fewer", "under"):
                return "<=", s.toks[j].value, k, j + 3
            if s.low(j + 1) == "or" and s.low(j + 2) in ("more", "higher", "above", "greater", "over"):
                return ">=", s.toks[j].value, k, j + 3
            if s.low(j + 1) == "or" and s.kind(j + 2) == "number":
                return ">=", min(s.toks[j].value, s.toks[j + 2].value), k, j + 3
            return op, s.toks[j].value, k, j + 1
        if (
            s.kind(k) == "number"
            and s.low(k + 1) == "or"
            and s.low(k + 2) in ("less", "lower", "below", "fewer")
        ):
            return "<=", s.toks[k].value, k, k + 3
        if (
            s.kind(k) == "number"
            and s.low(k + 1) == "or"
            and s.low(k + 2) in ("more", "higher", "above", "greater")
        ):
            return ">=", s.toks[k].value, k, k + 3
        if s.kind(k) == "number" and s.low(k + 1) == "or" and s.kind(k + 2) == "number":
            return ">=", min(s.toks[k].value, s.toks[k + 2].value), k, k + 3
    return None


BOUND_WORDS = {
    "below": "<",
    "under": "<",
    "less than": "<",
    "lower than": "<",
    "above": ">",
    "over": ">",
    "more than": ">",
    "greater than": ">",
}


def extract(s: Sentence, c: Clause) -> dict[str, Any] | None:
    for detector in (
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
    ):
        found = detector(s, c)
        if found:
            _take(s, c.start)
            if s.low(c.start) in ("every", "each", "any"):
                s.take(c.start, c.start + 2, SLOT)
            if s.low(c.start) == "as":
                s.take(c.start, c.start + 3, SLOT)
            _take_words(s, c, GLUE)
            return {"kind": "trigger", "type": found[0], "params": found[1]}
    return None


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
    late = _has(s, c, {"overdue", "late", "unpaid", "outstanding"})
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
    _take_words(s, c, {"by", "on", "becomes", "is", "past", "due"})
    return "payment_overdue", {"days": days}


def _milestone(s: Sentence, c: Clause) -> tuple[str, dict[str, Any]] | None:
    k = _has(s, c, {"milestone"})
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
        return None
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
        if (
            s.free(j)
            and base in PRIORITIES
            and (s.low(j + 1) in ("priority", "ticket", "tickets") or "-" in low)
        ):
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
        {"created", "opened", "new", "filed", "submitted", "raised", "opens", "files", "logged", "comes"},
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
        s, c, {"away", "out", "before", "from", "until", "left", "is", "approaching", "coming", "up", "date"}
    )
    return "renewal_approaching", {"days": days}


def find_before_renewal(s: Sentence) -> Clause | None:
    """'90 days before renewal' with no marker word."""
    for k in range(len(s)):
        if (
            s.kind(k) == "number"
            and s.low(k + 1) in UNIT_DAYS
            and s.low(k + 2) in ("before", "until", "ahead")
        ):
            end = k + 3
            if s.low(end) in ("the", "a", "their", "its"):
                end += 1
            if s.low(end) in ("renewal", "renewals", "renewal_date"):
                return Clause(k, end + 1)
    return None


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
