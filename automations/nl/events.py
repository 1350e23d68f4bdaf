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
    from automations.nl.event_types import DETECTORS

    for detector in DETECTORS:
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


def find_before_renewal(s: Sentence) -> Clause | None:
    """'90 days before renewal' with no marker word."""
    for k in range(len(s)):
        if (
            s.kind(k) == "number"
            and s.low(k + 1) in UNIT_DAYS
            and s.low(k + 2) in ("before", "until", "ahead")
        ):
            end = k + 3
            if s.low(end) in ("the", "a", "their", "its", "each", "every", "my", "any"):
                end += 1
            if s.low(end) in ("renewal", "renewals", "renewal_date"):
                return Clause(k, end + 1)
    return None
