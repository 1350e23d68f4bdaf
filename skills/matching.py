"""Which skill a sentence asks for (best pattern wins), and which customer `{customer}` names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from skills.model import Skill
from skills.patterns import CompiledPattern, compile_pattern

CUSTOMER_SLOTS = ("customer", "account", "company", "client")


@dataclass(frozen=True)
class SkillMatch:
    skill: Skill
    pattern: str
    slots: dict[str, str]
    score: int  # literal characters matched: the more specific pattern wins


@lru_cache(maxsize=2048)
def _compiled(pattern: str) -> CompiledPattern:
    return compile_pattern(pattern)


def match_skill(text: str, skills: Iterable[Skill]) -> SkillMatch | None:
    """The skill whose trigger phrase matches `text`; the most specific pattern wins."""
    best: SkillMatch | None = None
    for skill in skills:
        for pattern in skill.trigger.patterns:
            compiled = _compiled(pattern.text)
            found = compiled.regex.match(text.strip())
            if not found:
                continue
            slots = {k: v.strip().strip("\"'\u201c\u201d").strip() for k, v in found.groupdict().items()}
            if any(not v for v in slots.values()):
                continue
            candidate = SkillMatch(skill, pattern.text, slots, compiled.literal_chars)
            if best is None or candidate.score > best.score:
                best = candidate
    return best


def customer_slot(slots: dict[str, str]) -> str | None:
    for name in CUSTOMER_SLOTS:
        if slots.get(name):
            return name
    return None


# -- customers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerRef:
    id: int
    name: str
    domain: str | None = None
    external_id: str | None = None


@dataclass
class CustomerResolution:
    status: Literal["found", "ambiguous", "not_found"]
    customer: CustomerRef | None = None
    candidates: list[CustomerRef] = field(default_factory=list)

    def question(self, query: str) -> str:
        if self.status == "ambiguous":
            names = ", ".join(c.name for c in self.candidates)
            return f'Which customer do you mean by "{query}"? It could be: {names}.'
        if self.status == "not_found":
            return f'I do not know a customer called "{query}". `/csm customer NAME` shows an account.'
        return ""


FOUND_SCORE = 80  # a fuzzy match this good, clearly ahead of the next, is the customer
CLOSE_SCORE = 65  # candidates worth asking about
CLEAR_LEAD = 8


def _clean(text: str) -> str:
    text = text.strip().lower()
    text = re.sub(r"^(?:the|our)\s+", "", text)
    text = re.sub(r"^(?:https?://)?(?:www\.)?", "", text).rstrip("/")
    return re.sub(r"[\s'\"\u201c\u201d.,!?]+$", "", text)


def _similarity(query: str, text: str) -> float:
    """WRatio finds "umbrella" in "Umbrella Health"; plain ratio prefers "Acme Corp" to "Acme Labs"
    for "acme corporation"."""
    if not text:
        return 0.0
    return 0.7 * fuzz.WRatio(query, text) + 0.3 * fuzz.ratio(query, text)


def resolve_customer(query: str, customers: Sequence[CustomerRef]) -> CustomerResolution:
    """Exact id, domain or name first; else a fuzzy match that is good and clearly ahead."""
    q = _clean(query)
    if not q:
        return CustomerResolution("not_found")
    exact = [
        c
        for c in customers
        if q in (c.name.lower(), (c.domain or "").lower(), (c.external_id or "").lower(), str(c.id))
    ]
    if len(exact) == 1:
        return CustomerResolution("found", exact[0])
    if len(exact) > 1:
        return CustomerResolution("ambiguous", candidates=exact[:5])
    scored: dict[int, float] = {}
    by_id = {c.id: c for c in customers}
    for customer in customers:
        score = max(_similarity(q, customer.name.lower()), _similarity(q, (customer.domain or "").lower()))
        if score >= CLOSE_SCORE:
            scored[customer.id] = score
    ranked = sorted(scored.items(), key=lambda item: (-item[1], by_id[item[0]].name))
    if not ranked:
        return CustomerResolution("not_found")
    top_id, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if top >= FOUND_SCORE and top - runner_up >= CLEAR_LEAD:
        return CustomerResolution("found", by_id[top_id])
    close = [by_id[key] for key, score in ranked if score >= top - 2 * CLEAR_LEAD][:5]
    return CustomerResolution("ambiguous", candidates=close)
