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
from meetings.analysis.signal_model import classify, implausible
from meetings.analysis.text import YES, Sentence

SIGNALS_FILE = Path(__file__).with_name("signals.yml")
# Signals customers often say as questions: "Could it export to Excel?", "What would that add-on cost us?".
ASKED = frozenset({"feature_request", "upsell"})
_HYPOTHETICAL = re.compile(r"\b(?:if|would|could|might|unless)\b", re.I)
_NEGATION = re.compile(r"\b(?:no|not|never|nothing|none|nobody|no one|without|hardly|zero)\b|n't\b", re.I)
# An opportunity the customer turns down in the same breath ("I'd love to, but legal has a blanket no").
_DECLINED = re.compile(
    r"\bbut\b[^.?!]*?(?:\b(?:no|not|never|can't|cannot|won't|isn't|aren't|doesn't|don't|unable)\b|n't\b)",
    re.I,
)


class CategoryPatterns(BaseModel):
    negatable: bool = True
    patterns: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)
        return patterns


class CueRule(BaseModel):
    category: str
    requires: str
    also: str | None = None
    min_compound: float | None = None
    max_compound: float | None = None
    plain: bool = False  # true: also in questions and hypotheticals

    @field_validator("requires", "also")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            re.compile(pattern)
        return pattern

    @field_validator("category")
    @classmethod
    def _known(cls, category: str) -> str:
        if category not in CATEGORY_TYPE:
            raise ValueError(f"unknown signal category {category}")
        return category


class SignalLexicon(BaseModel):
    competitors: list[str] = []
    cue_rules: list[CueRule] = []
    accepted_asks: list[str] = []
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
        self.cue_rules = [
            (
                rule,
                re.compile(rule.requires, re.I),
                re.compile(rule.also, re.I) if rule.also else None,
            )
            for rule in lexicon.cue_rules
        ]
        self.accepted_asks = set(lexicon.accepted_asks)


@lru_cache(maxsize=4)
def load_lexicon(path: Path = SIGNALS_FILE) -> _Compiled:
    return _Compiled(SignalLexicon.model_validate(yaml.safe_load(path.read_text())))


# An unlikely condition ("If the queue ever got that slow again, …") imagines; "If we did decide to
# switch, …" still says switching is on the table.
_LEADING_CONDITION = re.compile(
    r"^(?:and |but |so |well,? )?(?:if|in case) [^,;—]*\b(?:ever|were to|hypothetically)\b[^,;—]*[,;—]", re.I
)
# A wish ("What I'd love is…") is a feature request, not praise, whatever its warm words.
_WISH = re.compile(r"\b(?:I|we)(?:'d| would) (?:really |honestly |also )?(?:love|like)\b|\bwish\b", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:—–]|\s-\s|\bbut\b", re.I)


def _negated(text: str, start: int) -> bool:
    """A negation within five words before `start`, in the same clause ("not going to lie, but it's
    been really good" is not negated)."""
    clause = _CLAUSE_BREAK.split(text[:start])[-1]
    return bool(_NEGATION.search(" ".join(clause.split()[-5:])))


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
    condition = _LEADING_CONDITION.match(sentence)
    found = []
    for category, negatable, pattern in lexicon.rules:
        if is_question and category not in ASKED:
            continue
        for match in pattern.finditer(sentence):
            if negatable and _negated(sentence, match.start()):
                continue
            if condition and match.start() < condition.end() and category != "feature_request":
                continue  # inside the unlikely condition: imagined, not said
            found.append((category, match.start()))
            break
    return found


def _quote(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def signal_in(category: str, sentence: Sentence) -> Signal:
    """The signal of `category` that `sentence` gives: its speaker, its words (cut at 300 characters)
    and its time."""
    return Signal(
        type=CATEGORY_TYPE[category],
        category=category,
        speaker=sentence.speaker,
        quote=_quote(sentence.text),
        timestamp=sentence.timestamp,
    )


def signal_categories(sentence: str) -> list[str]:
    """Categories a customer's sentence carries: the patterns, the cue rules, then the classifier."""
    return list(_signal_categories(sentence))


@lru_cache(maxsize=32768)
def _signal_categories(sentence: str) -> tuple[str, ...]:
    found = [category for category, _ in categories_in(sentence)]
    lexicon = load_lexicon()
    guarded = sentence.rstrip().endswith("?") or bool(_HYPOTHETICAL.search(sentence))
    compound = None
    for rule, requires, also in lexicon.cue_rules:
        if rule.category in found or (guarded and not rule.plain):
            continue
        cue = requires.search(sentence)
        if not cue or (also is not None and not also.search(sentence)):
            continue
        if _negated(sentence, cue.start()):
            continue
        if rule.min_compound is not None or rule.max_compound is not None:
            if compound is None:
                from meetings.analysis.sentiment import analyzer  # here: sentiment imports this module

                compound = analyzer().polarity_scores(sentence)["compound"]
            if rule.min_compound is not None and compound < rule.min_compound:
                continue
            if rule.max_compound is not None and compound > rule.max_compound:
                continue
        found.append(rule.category)
    learned = classify(sentence)
    # Patterns and cue rules match words; the classifier knows the sentences they are said in.
    found = [c for c in found if c == learned or not implausible(sentence, c)]
    if learned and learned not in found and not (sentence.rstrip().endswith("?") and learned not in ASKED):
        found.append(learned)
    if _DECLINED.search(sentence):
        found = [c for c in found if CATEGORY_TYPE[c] != "opportunity"]
    if "praise" in found and "feature_request" in found and _WISH.search(sentence):
        found.remove("praise")
    return tuple(found)


# An answer may open with a sound or a hedge before its yes: "Hmm. Yeah, I reckon we'd be up for that",
# "Ah, mate. Public speaking. Look, yeah, alright.", "In principle, yes."
ANSWER_SENTENCES = 3
_ACCEPTS = re.compile(
    r"^(?:(?:hmm+|ah|oh|look|well|okay|ok|right|so|in principle|i think|i reckon|honestly)[,.…]*\s+)*"
    rf"(?:{YES}|happy to|glad to|i'd be (?:happy|glad)|(?:i am|i'm|we are|we're) happy to|alright|"
    r"(?:i|we)(?:'ll| will) do it|in principle,? yes|"
    r"i'd love to|we'd love to|count (?:me|us) in|(?:i'd|i would|we'd|we would) be up for|"
    r"(?:i'm|we're) up for|(?:oh,? )?yes please|go for it|why not|that would (?:help|be great)|that'd (?:help|be great))\b",
    re.I,
)


def asked_categories(question: str) -> set[str]:
    """What the vendor asks the customer for ("Would you be a reference?"): the categories a yes takes up."""
    return set(signal_categories(question.rstrip("?") + ".")) & load_lexicon().accepted_asks


def accepts(answer: str) -> bool:
    """An answer that takes up what was asked ("Absolutely, I'd be happy to.")."""
    return bool(_ACCEPTS.match(answer))


def detect_signals(sentences: list[Sentence], vendor: set[str]) -> list[Signal]:
    seen: set[tuple[str, str | None]] = set()
    signals: list[Signal] = []
    asked: tuple[int, set[str]] | None = None  # (turn, categories) the vendor just asked for
    answered = 0

    def add(category: str, sentence: Sentence) -> None:
        key = (category, sentence.speaker)
        if key in seen:
            return
        seen.add(key)
        signals.append(signal_in(category, sentence))

    for i, sentence in enumerate(sentences):
        if sentence.speaker in vendor:
            if sentence.is_question:
                wanted = asked_categories(sentence.text)
                if wanted:
                    asked = (sentence.turn_index, wanted)
            continue
        first_of_turn = i == 0 or sentences[i - 1].turn_index != sentence.turn_index
        answered = 0 if first_of_turn else answered + 1  # sentences of this turn before this one
        if asked and sentence.turn_index == asked[0] + 1 and answered < ANSWER_SENTENCES:
            if accepts(sentence.text):
                for category in sorted(asked[1]):
                    add(category, sentence)
                asked = None
        elif first_of_turn:
            asked = None
        for category in signal_categories(sentence.text):
            add(category, sentence)
    return signals
