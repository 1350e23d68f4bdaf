"""Filters on renewals, logins and usage, which are said in many ways."""

from __future__ import annotations

from typing import Any

from automations.nl.compare import _comparison, _op_at
from automations.nl.compare import filter_ as _f
from automations.nl.tokens import Sentence


def _days(s: Sentence, j: int) -> tuple[int, int] | None:
    if s.kind(j) == "number" and s.low(j + 1) in ("day", "days", "week", "weeks", "month", "months"):
        unit = s.low(j + 1)
        mult = 7 if unit.startswith("week") else 30 if unit.startswith("month") else 1
        return int(s.toks[j].value) * mult, j + 2
    return None


def _renewal(s: Sentence, k: int) -> tuple[list[dict[str, Any]], int] | None:
    low = s.low(k)
    j: int | None = None
    if low in ("renewing", "renew", "renews", "renewals"):
        j = k + 1
        if s.low(j) == "due":
            j += 1
    elif low == "renewal" or (low == "up" and s.seq(k, "up", "for", "renewal")):
        j = k + 1 if low == "renewal" else k + 3
        if s.low(j) in ("is", "date"):
            j += 1
    elif low == "whose" and s.low(k + 1) == "renewal":
        j = k + 2
        if s.low(j) == "is":
            j += 1
    if j is None:
        return None
    op = "<="
    if s.low(j) in ("in", "within") or (s.low(j) in ("for", "over") and s.low(j + 1) == "the"):
        j += 1
    elif s.low(j) != "the":
        if not (_op_at(s, j) and _days(s, _op_at(s, j)[1])):  # type: ignore[index]
            return None
    if s.seq(j, "the", "next") is not None:
        j += 2
    o = _op_at(s, j)
    if o and o[0] in ("<", "<=", ">", ">="):
        op, j = o
    d = _days(s, j)
    if not d:
        return None
    end = d[1]
    if s.low(end) == "or" and s.low(end + 1) in ("less", "fewer", "sooner"):
        op, end = "<=", end + 2
    return [_f("renewal_in_days", op, d[0])], end


def _login(s: Sentence, k: int) -> tuple[list[dict[str, Any]], int] | None:
    j = s.seq(k, "?have|has", "haven't|hasn't|havent|hasnt|not", "logged", "in", "for|in")
    if j is None:
        j = s.seq(k, "no", "logins|login", "for|in")
    if j is None:
        j = s.seq(k, "inactive", "for")
    if j is not None:
        op = ">="
        o = _op_at(s, j)
        if o and o[0] in (">", ">="):
            op, j = o
        d = _days(s, j)
        if d:
            end = d[1]
            if s.low(end) == "or" and s.low(end + 1) == "more":
                end += 2
            if s.toks[j].plus:
                op = ">="
            return [_f("days_since_login", op, d[0])], end
        return None
    j = s.seq(k, "?whose", "last", "login", "was|is")
    if j is not None:
        o = _op_at(s, j)
        if o:
            d = _days(s, o[1])
            if d:
                end = d[1] + (1 if s.low(d[1]) == "ago" else 0)
                return [_f("days_since_login", o[0], d[0])], end
    j = s.seq(k, "days", "since", "?last", "login")
    if j is not None:
        c = _comparison(s, j)
        if c:
            return [_f("days_since_login", c[0], c[1])], c[2]
    return None


USAGE_DOWN = {"dropped", "down", "declined", "fell", "decreased", "dropping", "drop", "falling", "fallen"}
USAGE_UP = {"up", "grew", "increased", "rose", "grown", "growing", "jumped"}


def _usage(s: Sentence, k: int) -> tuple[list[dict[str, Any]], int] | None:
    if s.low(k) != "usage":
        return None
    j = k + 1
    if s.low(j) in ("change", "changed"):
        c = _comparison(s, j + 1)
        if c:
            return [_f("usage_change_pct", c[0], c[1])], c[2]
        return None
    if s.low(j) in ("is", "has"):
        j += 1
    direction = 0
    if s.low(j) in USAGE_DOWN:
        direction = -1
    elif s.low(j) in USAGE_UP:
        direction = 1
    if not direction:
        return None
    j += 1
    if s.low(j) == "by":
        j += 1
    op = ">="
    o = _op_at(s, j)
    if o and o[0] in (">", ">=") and s.kind(o[1]) == "percent":
        op, j = o
    if s.kind(j) != "percent":
        return None
    value = abs(s.toks[j].value)
    end = j + 1
    if s.low(end) == "or" and s.low(end + 1) in ("more", "greater"):
        op, end = ">=", end + 2
    if direction < 0:
        return [_f("usage_change_pct", {">": "<", ">=": "<="}[op], -value)], end
    return [_f("usage_change_pct", op, value)], end
