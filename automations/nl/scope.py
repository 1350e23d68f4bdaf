"""Scope: which customers. Filters on the fields of CONTRACTS §5 and a named customer."""

from __future__ import annotations

from typing import Any

from automations.nl.lexicon import (
    CUSTOMER_NOUNS,
    DAYS,
    MONTHS,
    SEGMENTS,
    TIER_WORDS,
    TIMEZONE_ABBREVIATIONS,
)
from automations.nl.tokens import Sentence

SLOT = "scope"
LESS = {"below": "<", "under": "<", "<": "<", "beneath": "<"}
MORE = {"above": ">", "over": ">", "exceeds": ">", "exceeding": ">", ">": ">"}
TWO_WORD = {
    ("less", "than"): "<",
    ("lower", "than"): "<",
    ("fewer", "than"): "<",
    ("more", "than"): ">",
    ("greater", "than"): ">",
    ("higher", "than"): ">",
    ("at", "least"): ">=",
    ("at", "most"): "<=",
    ("no", "more"): "<=",
    ("up", "to"): "<=",
}
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
NOT_NAMES = frozenset(
    {
        "arr",
        "nps",
        "csm",
        "qbr",
        "qbrs",
        "i",
        "slack",
        "zoom",
        "ceo",
        "cs",
        "am",
        "pm",
        "eastern",
        "pacific",
        "central",
        "mountain",
        "time",
        "q1",
        "q2",
        "q3",
        "q4",
        "utc",
        "gmt",
        "smb",
        "apac",
        "emea",
        "sla",
        "p1",
    }
)
NAME_STOP = frozenset(
    {
        "when",
        "whenever",
        "if",
        "after",
        "every",
        "each",
        "on",
        "at",
        "send",
        "post",
        "create",
        "draft",
        "alert",
        "start",
        "run",
        "log",
        "remind",
        "tomorrow",
        "once",
        "and",
        "the",
    }
)


class ScopeError(ValueError):
    pass


def _op_at(s: Sentence, k: int) -> tuple[str, int] | None:
    """An operator phrase at k: (op, index after)."""
    low = s.low(k)
    if s.kind(k) == "op":
        return s.toks[k].value, k + 1
    if (low, s.low(k + 1)) in TWO_WORD:
        op = TWO_WORD[(low, s.low(k + 1))]
        j = k + 2
        if low == "no" and s.low(j) == "than":
            j += 1
        return op, j
    if low in LESS:
        return LESS[low], k + 1
    if low in MORE:
        return MORE[low], k + 1
    if low in ("of", "is", "equals", "=", "exactly"):
        return "==", k + 1
    return None


def _value_at(s: Sentence, k: int) -> tuple[float, int] | None:
    if s.kind(k) in ("number", "money", "percent") and s.free(k):
        value = s.toks[k].value
        j = k + 1
        if s.toks[k].plus:
            return value, j
        return value, j
    return None


def _comparison(s: Sentence, k: int) -> tuple[str, float, int] | None:
    """'below 70', '>= 3', '6 or lower', 'of at least $1M', 'between 40 and 70' (first half) at k."""
    j = k
    while s.low(j) in ("is", "was", "of", "score", "scores") and s.free(j) and not _value_at(s, j + 1):
        j += 1
    if s.low(j) in ("is", "of") and _value_at(s, j + 1):
        j += 1
        value = _value_at(s, j)
        assert value
        return _suffix_op(s, value[1], "==", value[0])
    op = _op_at(s, j)
    if op:
        value = _value_at(s, op[1])
        if value:
            return op[0], value[0], value[1]
        return None
    value = _value_at(s, j)
    if value:
        return _suffix_op(s, value[1], "==", value[0])
    return None


def _suffix_op(s: Sentence, j: int, op: str, value: float) -> tuple[str, float, int]:
    if s.toks[j - 1].plus:
        return ">=", value, j
    if s.low(j) == "or" and s.low(j + 1) in ("less", "lower", "below", "fewer", "under"):
        return "<=", value, j + 2
    if s.low(j) == "or" and s.low(j + 1) in ("more", "higher", "above", "greater", "over"):
        return ">=", value, j + 2
    return op, value, j


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


def _f(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


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
    if low == "tier" and s.kind(k + 1) in ("number", "word") and s.free(k + 1):
        value = s.toks[k + 1].value if s.kind(k + 1) == "number" else s.low(k + 1)
        return [_f("tier", "==", str(value))], k + 2
    if low.startswith("tier-") and low[5:].isalnum():
        return [_f("tier", "==", low[5:])], k + 1
    if low in TIER_WORDS and s.low(k + 1) == "tier":
        return [_f("tier", "==", low)], k + 2
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
            return [_f(field, c[0], c[1])], c[2]
    # "ARR of at least $1M" where the value comes first: "worth more than $1M"
    if low == "worth":
        c = _comparison(s, k + 1)
        if c:
            return [_f("arr", c[0], c[1])], c[2]
    return None


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
    if s.low(j) in ("in", "within"):
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
    return [_f("renewal_in_days", op, d[0])], d[1]


def _login(s: Sentence, k: int) -> tuple[list[dict[str, Any]], int] | None:
    j = s.seq(k, "haven't|hasn't|havent|hasnt|not", "logged", "in", "for|in")
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


def _customer(s: Sentence, names: list[str] | None) -> str | None:
    """A capitalised run nobody else understood ('Acme Corp'), or a known customer's name."""
    if names:
        from automations.nl.customers import match_customer

        hit = match_customer(s, names)
        if hit:
            return hit
    n = len(s)
    k = 0
    while k < n:
        tok = s.toks[k]
        if (
            s.free(k)
            and tok.kind == "word"
            and tok.text[0].isupper()
            and _nameish(s, k)
            and s.low(k - 1) != "to"
        ):
            j = k
            while (
                j < n and s.free(j) and s.kind(j) == "word" and s.toks[j].text[0].isupper() and _nameish(s, j)
            ):
                j += 1
                if s.toks[j - 1].text.endswith(("'s", "’s")):
                    break
            s.take(k, j, SLOT)
            return " ".join(s.toks[m].text for m in range(k, j)).removesuffix("'s").removesuffix("’s")
        k += 1
    return None


def _nameish(s: Sentence, k: int) -> bool:
    low = s.low(k)
    if low in NOT_NAMES or low in DAYS or low in MONTHS or low in TIMEZONE_ABBREVIATIONS or low in NAME_STOP:
        return False
    from automations.nl.lexicon import FILLER

    return not (k == 0 and low in FILLER)
