"""Slot extraction for the offline router: customers (fuzzy), days and periods, playbooks, recipients.

`extract(text, customers)` returns the slots it found and the text's tokens with each recognised
customer replaced by `<customer>`, each email by `<email>` and each number by `<num>`, so that the
classifier learns "how is <customer> doing" once instead of once per customer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel
from rapidfuzz import fuzz

CUSTOMER = "<customer>"
EMAIL = "<email>"
NUM = "<num>"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WORD_RE = re.compile(r"\{customer\}|\{email\}|[a-z0-9]+")


class SlotWords(BaseModel):
    playbooks: dict[str, list[str]]
    company_suffixes: list[str]
    champion_words: list[str]
    number_words: dict[str, int]
    unit_days: dict[str, int]
    periods: dict[str, str]
    common_words: list[str]


@cache
def slot_words() -> SlotWords:
    data = yaml.safe_load((Path(__file__).with_name("slot_words.yaml")).read_text())
    return SlotWords.model_validate(data)


class Slots(BaseModel):
    customer: str | None = None
    customer_id: int | None = None
    customer_candidates: list[str] = []  # when a name fits several customers
    days: int | None = None
    period: str | None = None  # week | month | quarter | year, or next_week, next_month, next_quarter
    below: int | None = None  # "health under 50"
    playbook: str | None = None
    recipient: str | None = None  # an email, "champion", or a first name


@dataclass(frozen=True)
class KnownCustomer:
    id: int | None
    name: str
    domain: str | None = None


@dataclass
class CustomerMatcher:
    """Finds customers in text by fuzzy match on their names, short names and domains."""

    customers: list[KnownCustomer]
    vocabulary: frozenset[str] = frozenset()
    aliases: dict[str, list[KnownCustomer]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        words = slot_words()
        suffixes = set(words.company_suffixes)
        never_short = set(words.common_words) | self.vocabulary
        for customer in self.customers:
            tokens = WORD_RE.findall(customer.name.lower())
            names = {" ".join(tokens)}
            core = [t for t in tokens if t not in suffixes]
            if core and core != tokens:
                names.add(" ".join(core))
            if len(tokens) > 1 and len(tokens[0]) >= 4 and tokens[0] not in never_short:
                names.add(tokens[0])
            if customer.domain:
                stem = customer.domain.lower().split(".")[0]
                if len(stem) >= 4 and stem not in never_short:
                    names.add(stem)
            for alias in names:
                if alias:
                    bucket = self.aliases.setdefault(alias, [])
                    if customer not in bucket:
                        bucket.append(customer)

    def find(self, tokens: list[str]) -> tuple[list[KnownCustomer], tuple[int, int] | None]:
        """The best-matching customers and the token span they cover."""
        best: tuple[float, int, int, str] | None = None
        for size in range(min(4, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                window_tokens = tokens[start : start + size]
                if any(t.startswith("<") or t.startswith("{") for t in window_tokens):
                    continue
                window = " ".join(window_tokens)
                for alias in self.aliases:
                    score = self._score(window, alias, size)
                    if score and (best is None or (score, size) > (best[0], best[2] - best[1])):
                        best = (score, start, start + size, alias)
        if best is None:
            return [], None
        return self.aliases[best[3]], (best[1], best[2])

    def _score(self, window: str, alias: str, size: int) -> float:
        if window == alias:
            return 100.0
        # A word the router knows ("start", "health") is never a misspelt customer.
        if size == 1 and window in self.vocabulary:
            return 0.0
        if len(alias) < 5 or len(window) < 4:
            return 0.0
        cutoff = 88.0 if len(alias) < 8 else 85.0
        score = fuzz.ratio(window, alias)
        return score if score >= cutoff else 0.0


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return slot_words().number_words.get(token)


def _durations(tokens: list[str], slots: Slots) -> None:
    words = slot_words()
    for i, token in enumerate(tokens):
        unit = words.unit_days.get(token)
        if i > 0 and tokens[i - 1] in ("this", "next", "end", "current") and token in words.periods:
            period = words.periods[token]
            slots.period = f"next_{period}" if tokens[i - 1] == "next" else period
            continue
        if unit is None or i == 0:
            continue
        n = _number(tokens[i - 1])
        if n is not None and slots.days is None:
            # "next 2 weeks" = 14 days; "a month" = 30.
            slots.days = n * unit
    for i, token in enumerate(tokens[:-1]):
        if token in ("under", "below", "than") and tokens[i + 1].isdigit():
            slots.below = int(tokens[i + 1])
    if slots.days is None:
        for i, token in enumerate(tokens[:-1]):
            if token in ("in", "within", "next") and tokens[i + 1].isdigit() and slots.below is None:
                slots.days = int(tokens[i + 1])


def _playbook(text: str, tokens: list[str]) -> str | None:
    words = slot_words()
    for slug in words.playbooks:
        if slug in text:
            return slug
    joined = " ".join(tokens)
    for slug, synonyms in words.playbooks.items():
        for word in synonyms:
            if " " in word or "-" in word:
                if word.replace("-", " ") in joined:
                    return slug
            elif any(t == word or (len(t) >= 5 and fuzz.ratio(t, word) >= 85) for t in tokens):
                return slug
    return None


def _recipient(text: str, tokens: list[str]) -> str | None:
    email = EMAIL_RE.search(text)
    if email:
        return email.group(0)
    joined = " ".join(tokens)
    for word in slot_words().champion_words:
        if re.search(rf"\b{re.escape(word)}\b", joined):
            return "champion"
    for i in range(len(tokens) - 2):
        if (
            tokens[i] in ("to", "email", "ping")
            and tokens[i + 2] in ("at", "from")
            and tokens[i + 3 :][:1] == [CUSTOMER]
        ):
            name = tokens[i + 1]
            if name.isalpha() and name not in ("the", "them", "someone", "team"):
                return name
    return None


def tokenize(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    text = EMAIL_RE.sub(" {email} ", text)
    return WORD_RE.findall(text)


def extract(text: str, matcher: CustomerMatcher | None = None) -> tuple[Slots, list[str]]:
    """The slots in `text` and its tokens with customers, emails and numbers as placeholders."""
    slots = Slots()
    tokens = tokenize(text)
    if matcher is not None:
        found, span = matcher.find(tokens)
        if span is not None:
            if len(found) == 1:
                slots.customer, slots.customer_id = found[0].name, found[0].id
            else:
                slots.customer_candidates = [c.name for c in found]
            tokens = tokens[: span[0]] + [CUSTOMER] + tokens[span[1] :]
    tokens = [CUSTOMER if t == "{customer}" else EMAIL if t == "{email}" else t for t in tokens]
    _durations(tokens, slots)
    lowered = text.lower()
    slots.playbook = _playbook(lowered, tokens)
    slots.recipient = _recipient(lowered, tokens)
    tokens = [NUM if t.isdigit() else t for t in tokens]
    return slots, tokens
