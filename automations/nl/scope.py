"""Scope: which customers. Filters on the fields of CONTRACTS §5 and a named customer."""

from __future__ import annotations

from typing import Any

from automations.nl.compare import _comparison, _op_at, _suffix_op, _value_at
from automations.nl.compare import filter_ as _f
from automations.nl.lexicon import CUSTOMER_NOUNS, SEGMENTS, TIER_WORDS
from automations.nl.names import _customer
from automations.nl.scope_fields import _login, _renewal, _usage
from automations.nl.tokens import Sentence

SLOT = "scope"
SECOND_FIELD_NOUNS = frozenset(
    {"open", "tickets", "ticket", "day", "days", "week", "weeks", "month", "months", "nps", "arr", "health",
     "usage", "login", "logins", "percent", "%", "points"}
)  # fmt: skip

FIELD_WORDS = {
    "health": "health_score",
    "health_score": "health_score",
    "healthscore": "health_score",
    "arr": "arr",
    "revenue": "arr",
    "nps": "nps",
    "open_tickets": "open_tickets",
    "days_since_login": "days_since_login",
    "renewal_in_days": "renewal_in_days",
    "usage_change_pct": "usage_change_pct",
    "segment": "segment",
    "tier": "tier",
    "owner": "owner",
}


class ScopeError(ValueError):
    pass


def extract(s: Sentence, customer_names: list[str] | None = None) -> tuple[list[dict[str, Any]], str | None]:
    filters: list[dict[str, Any]] = []
    n = len(s)
    k = 0
    while k < n:
        if not s.free(k):
            k += 1
            continue
        found = _filter_at(s, k)
        if found:
            new, end = found
            filters.extend(new)
            s.take(k, end, SLOT)
            k = end
        else:
            k += 1
    customer = _customer(s, customer_names)
    unique: list[dict[str, Any]] = []
    for f in filters:
        if f not in unique:
            unique.append(f)
    return unique, customer


def _filter_at(s: Sentence, k: int) -> tuple[list[dict[str, Any]], int] | None:  # noqa: C901
    low = s.low(k)
    # "my customers", "my enterprise accounts", "my book"
    if low == "my":
        j = k + 1
        while j < len(s) and j < k + 4 and s.low(j) not in CUSTOMER_NOUNS:
            j += 1
        if s.low(j) in CUSTOMER_NOUNS:
            return [_f("owner", "==", "me")], k + 1
        return None
    if s.seq(k, "?not", "owned", "by", "me") is not None:
        end = s.seq(k, "?not", "owned", "by", "me")
        return [_f("owner", "!=" if low == "not" else "==", "me")], end  # type: ignore[return-value]
    if s.seq(k, "i", "own") is not None:
        return [_f("owner", "==", "me")], k + 2
    if low == "not" and (s.low(k + 1) in ("at-risk", "atrisk") or s.seq(k + 1, "at", "risk") is not None):
        return [_f("health_score", ">=", 70)], k + (2 if s.low(k + 1) != "at" else 3)
    if low in ("at-risk", "atrisk") or s.seq(k, "at", "risk") is not None:
        return [_f("health_score", "<", 70)], k + (1 if low != "at" else 2)
    if low in ("unhealthy",):
        return [_f("health_score", "<", 70)], k + 1
    if low in ("detractors", "detractor"):
        return [_f("nps", "<=", 6)], k + 1
    if low in ("promoters", "promoter"):
        return [_f("nps", ">=", 9)], k + 1
    # segment
    negate = low == "not" and s.low(k + 1) == "in"
    j = k + 2 if negate else k
    if s.seq(j, "in|the", "?the") is not None and not negate:
        pass
    jj = j
    if s.low(jj) == "in":
        jj += 1
    if s.low(jj) == "the":
        jj += 1
    if s.low(jj) == "mid" and s.low(jj + 1) == "market" and s.free(jj):
        return [_f("segment", "!=" if negate else "==", "mid-market")], jj + 2
    if s.low(jj) in SEGMENTS and s.free(jj):
        end = jj + 1
        if s.low(end) == "segment":
            end += 1
        elif jj != k and not negate and s.low(end) not in CUSTOMER_NOUNS:
            return None
        if negate or jj == k or s.low(end - 1) == "segment" or s.low(end) in CUSTOMER_NOUNS:
            return [_f("segment", "!=" if negate else "==", SEGMENTS[s.low(jj)])], end
    if (
        low == "segment"
        and (c := _comparison(s, k + 1)) is None
        and s.free(k + 1)
        and s.kind(k + 1) == "word"
    ):
        return [_f("segment", "==", s.low(k + 1))], k + 2
    # tier
    if low in ("tier", "segment") and s.seq(k + 1, "is|=|==|of|!=|not") is not None and s.free(k + 2):
        negate_word = s.low(k + 1) in ("!=", "not")
        if s.kind(k + 2) in ("number", "word"):
            value = s.toks[k + 2].value if s.kind(k + 2) == "number" else s.low(k + 2)
            return [_f(low, "!=" if negate_word else "==", str(SEGMENTS.get(str(value), value)))], k + 3
    if low == "tier" and s.kind(k + 1) in ("number", "word") and s.free(k + 1):
        value = s.toks[k + 1].value if s.kind(k + 1) == "number" else s.low(k + 1)
        return [_f("tier", "==", str(value))], k + 2
    if low.startswith("tier-") and low[5:].isalnum():
        return [_f("tier", "==", low[5:])], k + 1
    if low in TIER_WORDS and s.low(k + 1) == "tier":
        return [_f("tier", "==", low)], k + 2
    if low in TIER_WORDS and s.low(k + 1) in CUSTOMER_NOUNS:  # "strategic accounts", "gold customers"
        return [_f("tier", "==", low)], k + 1
    # open tickets
    if s.kind(k) == "number" and s.low(k + 1) == "open" and s.low(k + 2) in ("tickets", "ticket"):
        op, value, end = _suffix_op(s, k + 1, "==", s.toks[k].value)
        end = k + 3
        if s.low(end) == "or" and s.low(end + 1) in ("more", "fewer", "less"):
            op = ">=" if s.low(end + 1) == "more" else "<="
            end += 2
        return [_f("open_tickets", op, s.toks[k].value)], end
    if s.kind(k) == "number" and s.seq(k + 1, "or", "more|fewer|less", "open", "tickets|ticket"):
        return [_f("open_tickets", ">=" if s.low(k + 2) == "more" else "<=", s.toks[k].value)], k + 5
    if (op := _op_at(s, k)) and s.kind(op[1]) == "number" and s.seq(op[1] + 1, "open", "tickets|ticket"):
        return [_f("open_tickets", op[0], s.toks[op[1]].value)], op[1] + 3
    if s.seq(k, "no", "open", "tickets|ticket") is not None:
        return [_f("open_tickets", "==", 0)], k + 3
    if s.seq(k, "open", "tickets|ticket") is not None:
        c = _comparison(s, k + 2)
        if c:
            return [_f("open_tickets", c[0], c[1])], c[2]
        return [_f("open_tickets", ">", 0)], k + 2
    # renewals
    renewal = _renewal(s, k)
    if renewal:
        return renewal
    login = _login(s, k)
    if login:
        return login
    usage = _usage(s, k)
    if usage:
        return usage
    # "<field> [score] <comparison>", "<field> between A and B"
    field = FIELD_WORDS.get(low)
    if low == "net" and s.seq(k, "net", "promoter", "score"):
        field, k = "nps", k + 2
    if field and field not in ("segment", "tier", "owner"):
        j = k + 1
        while s.low(j) in ("score", "scores", "is", "of", "was") and s.free(j):
            if s.low(j) in ("is", "of") and (_value_at(s, j + 1) or _op_at(s, j + 1)):
                break
            j += 1
        if s.low(j) == "between" and _value_at(s, j + 1) and s.low(j + 2) == "and" and _value_at(s, j + 3):
            return [_f(field, ">=", s.toks[j + 1].value), _f(field, "<=", s.toks[j + 3].value)], j + 4
        c = _comparison(s, j)
        if c:
            found, end = [_f(field, c[0], c[1])], c[2]
            # "health above 70 but below 90", "ARR over $50k and under $200k"
            more = _comparison(s, end + 1) if s.low(end) in ("but", "and") and _op_at(s, end + 1) else None
            # ... unless the number belongs to the next field: "below 70 and more than 2 open tickets"
            if more and s.low(more[2]) not in SECOND_FIELD_NOUNS:
                found.append(_f(field, more[0], more[1]))
                end = more[2]
            return found, end
    # "ARR of at least $1M" where the value comes first: "worth more than $1M"
    if low == "worth":
        c = _comparison(s, k + 1)
        if c:
            return [_f("arr", c[0], c[1])], c[2]
    return None
