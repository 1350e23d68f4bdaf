"""Tokens of an automation sentence, with the bookkeeping of which tokens a slot has consumed.

Every extractor marks the tokens it understood; whatever is left that is not filler is what the
parser did not understand, and the reply names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from automations.nl.lexicon import NUMBER_WORDS

_TOKEN_RE = re.compile(
    r"""
    (?P<quote>"[^"]+"|“[^”]+”)
    | (?P<channel>\#[A-Za-z0-9][A-Za-z0-9_.\-]*)
    | (?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)
    | (?P<time>\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)(?![a-z])|\d{1,2}:\d{2}|(?<=at\ )\d{1,2}\.\d{2}(?!\d))
    | (?P<money>\$\s?\d[\d,]*(?:\.\d+)?\s*(?:k|mm|m|b|million|thousand)?(?![a-z])
        |\d[\d,]*(?:\.\d+)?\s?(?:k|mm|m|million|thousand)(?![a-z]))
    | (?P<percent>[-−]?\d+(?:\.\d+)?\s*(?:%|percent(?![a-z])))
    | (?P<range>\d{1,3}\s?[-–]\s?\d{1,3}(?![\d:/%]))
    | (?P<ordinal>\d{1,2}(?:st|nd|rd|th)(?![a-z]))
    | (?P<number>[-−]?\d+(?:\.\d+)?\+?)
    | (?P<op><=|>=|==|!=|=<|=>|<|>|=)
    | (?P<word>[A-Za-z][A-Za-z0-9_]*(?:['’][A-Za-z]+|['’](?=\s|$|[,.]))?(?:[-/][A-Za-z0-9_]+)*)
    | (?P<punct>[,.;:!?()])
    """,
    re.VERBOSE | re.IGNORECASE,
)

_MONEY_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "b": 1e9}


@dataclass
class Token:
    i: int
    kind: str  # word quote channel date time money percent ordinal number op punct
    text: str
    low: str
    start: int
    end: int
    value: Any = None
    plus: bool = False  # "15+"


def _money(text: str) -> float:
    m = re.match(r"\$?\s?([\d,]+(?:\.\d+)?)\s*([a-z]*)", text.lower())
    assert m is not None
    number = float(m.group(1).replace(",", ""))
    return number * _MONEY_SCALE.get(m.group(2), 1)


def _time(text: str) -> tuple[int, int] | None:
    m = re.match(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap])?", text.lower())
    assert m is not None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m.group(3) == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "word"
        raw = m.group(0)
        low = raw.lower().replace("’", "'").replace("−", "-")
        value: Any = None
        plus = False
        if kind == "word":
            if low.endswith("'s"):
                low = low[:-2]
            elif low.endswith("'"):
                low = low[:-1]
            if low in NUMBER_WORDS:
                kind, value = "number", NUMBER_WORDS[low]
        elif kind == "quote":
            value = raw[1:-1].strip()
        elif kind == "money":
            value = _money(low)
        elif kind == "percent":
            value = float(re.sub(r"[%a-z\s]", "", low))
        elif kind == "range":
            lo, hi = re.split(r"\s?[-–]\s?", low)
            value = (int(lo), int(hi))
        elif kind == "ordinal":
            value = int(low[:-2])
        elif kind == "number":
            plus = low.endswith("+")
            value = float(low.rstrip("+"))
        elif kind == "time":
            value = _time(low)
        elif kind == "op":
            value = {"=<": "<=", "=>": ">=", "=": "=="}.get(low, low)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        tokens.append(Token(len(tokens), kind, raw, low, m.start(), m.end(), value, plus))
    return tokens


@dataclass
class Sentence:
    """The tokens and who consumed each one."""

    text: str
    toks: list[Token] = field(default_factory=list)
    owner: list[str | None] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> Sentence:
        toks = tokenize(text)
        return cls(text, toks, [None] * len(toks))

    def __len__(self) -> int:
        return len(self.toks)

    def low(self, i: int) -> str:
        return self.toks[i].low if 0 <= i < len(self.toks) else ""

    def kind(self, i: int) -> str:
        return self.toks[i].kind if 0 <= i < len(self.toks) else ""

    def free(self, i: int) -> bool:
        return 0 <= i < len(self.toks) and self.owner[i] is None

    def take(self, i: int, j: int, slot: str) -> None:
        for k in range(i, j):
            if self.owner[k] is None:
                self.owner[k] = slot

    def is_word(self, i: int, words: frozenset[str] | set[str] | str) -> bool:
        if isinstance(words, str):
            words = frozenset(words.split("|"))
        return self.free(i) and self.low(i) in words

    def seq(self, i: int, *parts: str) -> int | None:
        """Match parts from token i: "a|b" alternatives, "?x" optional, "#NUM" "#TIME" kinds.

        Returns the index after the match, or None."""
        j = i
        for part in parts:
            optional = part.startswith("?")
            alts = part.lstrip("?").split("|")
            ok = False
            if self.free(j):
                low, kind = self.low(j), self.kind(j)
                for alt in alts:
                    if alt.startswith("#"):
                        if kind == alt[1:].lower():
                            ok = True
                    elif low == alt:
                        ok = True
            if ok:
                j += 1
            elif not optional:
                return None
        return j

    def span(self, i: int, j: int) -> str:
        if i >= j:
            return ""
        return self.text[self.toks[i].start : self.toks[j - 1].end]

    def slot_spans(self, slot_prefix: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for k, owner in enumerate(self.owner):
            if owner and owner.startswith(slot_prefix):
                if spans and spans[-1][1] == k:
                    spans[-1] = (spans[-1][0], k + 1)
                else:
                    spans.append((k, k + 1))
        return spans
