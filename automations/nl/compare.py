"""Comparisons in words: 'below 70', 'at least $1M', '6 or lower', '>= 3'."""

from __future__ import annotations

from typing import Any

from automations.nl.tokens import Sentence

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


def filter_(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}
