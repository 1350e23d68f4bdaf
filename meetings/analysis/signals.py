"""Customer signals (CONTRACTS §6): risk, opportunity and feedback, each with the speaker's words.

The patterns are data (`signals.yml`). A signal is the customer's voice: sentences spoken by the
vendor's side of the call are skipped, and so are questions ("any issues I should know about?"),
except feature requests, which customers often ask as questions. One signal per (category,
speaker): the first time they said it, with its timestamp.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, field_validator

from meetings.analysis.models import CATEGORY_TYPE, Signal
from meetings.analysis.text import Sentence

SIGNALS_FILE = Path(__file__).with_name("signals.yml")
_HYPOTHETICAL = re.compile(r"\b(?:if|would|could|might|unless)\b", re.I)
_NEGATION = re.compile(r"\b(?:no|not|never|nothing|without|hardly|zero)\b|n't\b", re.I)


class CategoryPatterns(BaseModel):
    negatable: bool = True
    patterns: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)
        return patterns


class SentimentRule(BaseModel):
    min_compound: float | None = None
    max_compound: float | None = None
    requires: str

    @field_validator("requires")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        re.compile(pattern)
        return pattern


class SignalLexicon(BaseModel):
    competitors: list[str] = []
    sentiment_rules: dict[str, SentimentRule] = {}
    categories: dict[str, CategoryPatterns]

    @field_validator("categories")
    @classmethod
    def _known(cls, categories: dict[str, CategoryPatterns]) -> dict[str, CategoryPatterns]:
        unknown = set(categories) - set(CATEGORY_TYPE)
        if unknown:
            raise ValueError(f"unknown signal categories: {', '.join(sorted(unknown))}")
        return categories


class _Compiled:
    def __init__(self, lexicon: SignalLexicon) -> None:
        self.rules: list[tuple[str, bool, re.Pattern[str]]] = []
        for category, spec in lexicon.categories.items():
            joined = "|".join(f"(?:{p})" for p in spec.patterns)
            if category == "competitor" and lexicon.competitors:
                names = "|".join(re.escape(n) for n in lexicon.competitors)
                joined += rf"|\b(?:{names})\b"
            self.rules.append((category, spec.negatable, re.compile(joined, re.I)))
        self.sentiment_rules = [
            (category, rule.min_compound, rule.max_compound, re.compile(rule.requires, re.I))
            for category, rule in lexicon.sentiment_rules.items()
        ]


@lru_cache(maxsize=4)
def load_lexicon(path: Path = SIGNALS_FILE) -> _Compiled:
    return _Compiled(SignalLexicon.model_validate(yaml.safe_load(path.read_text())))


def _negated(text: str, start: int) -> bool:
    before = text[:start].split()[-3:]
    return bool(_NEGATION.search(" ".join(before)))


def categories_in(sentence: str, lexicon: _Compiled | None = None) -> list[tuple[str, int]]:
    """(category, match position) for each category whose patterns match `sentence`."""
    if lexicon is None or lexicon is load_lexicon():
        return list(_categories_default(sentence))
    return _categories(sentence, lexicon)


@lru_cache(maxsize=32768)
def _categories_default(sentence: str) -> tuple[tuple[str, int], ...]:
    return tuple(_categories(sentence, load_lexicon()))


def _categories(sentence: str, lexicon: _Compiled) -> list[tuple[str, int]]:
    is_question = sentence.rstrip().endswith("?")
    found = []
    for category, negatable, pattern in lexicon.rules:
        if is_question and category != "feature_request":
            continue
        for match in pattern.finditer(sentence):
            if negatable and _negated(sentence, match.start()):
                continue
            found.append((category, match.start()))
            break
    return found


def _quote(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def signal_categories(sentence: str) -> list[str]:
    """Categories a customer's sentence carries: the patterns, then the sentiment rules."""
    found = [category for category, _ in categories_in(sentence)]
    if sentence.rstrip().endswith("?") or _HYPOTHETICAL.search(sentence) or _NEGATION.search(sentence):
        # "...who could join if this goes well" praises nothing yet; "no complaints" is not praise
        return found
    lexicon = load_lexicon()
    if not lexicon.sentiment_rules:
        return found
    from meetings.analysis.sentiment import analyzer  # here: sentiment imports this module

    compound = None
    for category, low, high, requires in lexicon.sentiment_rules:
        if category in found or not requires.search(sentence):
            continue
        if compound is None:
            compound = analyzer().polarity_scores(sentence)["compound"]
        if (low is None or compound >= low) and (high is None or compound <= high):
            found.append(category)
    return found


def detect_signals(sentences: list[Sentence], vendor: set[str]) -> list[Signal]:
    seen: set[tuple[str, str | None]] = set()
    signals: list[Signal] = []
    for sentence in sentences:
        if sentence.speaker in vendor:
            continue
        for category in signal_categories(sentence.text):
            key = (category, sentence.speaker)
            if key in seen:
                continue
            seen.add(key)
            signals.append(
                Signal(
                    type=CATEGORY_TYPE[category],
                    category=category,
                    speaker=sentence.speaker,
                    quote=_quote(sentence.text),
                    timestamp=sentence.timestamp,
                )
            )
    return signals
