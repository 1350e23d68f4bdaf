"""The offline intent router: a multinomial naive Bayes classifier over what CSMs ask.

Trained at start-up (milliseconds) on `intent_examples.yaml`. A message goes through slot
extraction first (customers, numbers and emails become placeholders), then light stemming and a
typo fixer that maps unknown words onto the training vocabulary by edit similarity, then word
features into naive Bayes with Laplace smoothing and uniform priors. A message with no
known word, or whose best intent is not clearly ahead, is `unknown`: the reply says what the
assistant can do, with examples.

Measured by `python bench/intent_accuracy.py` on tests/data/intents_labeled.jsonl.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel
from rapidfuzz import fuzz, process

from assistant.slots import CUSTOMER, EMAIL, NUM, CustomerMatcher, KnownCustomer, Slots, extract, tokenize
from llm.text import stem as shared_stem

UNKNOWN = "unknown"
# Below this posterior the router does not act; it says what it can do instead.
MIN_CONFIDENCE = 0.45
PLACEHOLDERS = {CUSTOMER, EMAIL, NUM}
# Intents that mean nothing without a customer; the share the best other intent must have to take over.
NEEDS_CUSTOMER = frozenset({"snapshot"})
NEEDS_CUSTOMER_FALLBACK = 0.5
# Too common to tell intents apart; dropped before counting. The list, the smoothing and the
# threshold were chosen by 5-fold cross-validation on the training examples (bench/intent_accuracy.py).
STOPWORDS = frozenset("a an the of to and or pls please".split())


class IntentSpec(BaseModel):
    title: str
    example: str
    examples: list[str]


class IntentMatch(BaseModel):
    intent: str
    confidence: float
    slots: Slots
    guess: str | None = None  # the best intent when it was not confident enough to act on
    ranking: list[tuple[str, float]] = []


@cache
def load_specs(path: Path | None = None) -> dict[str, IntentSpec]:
    path = path or Path(__file__).with_name("intent_examples.yaml")
    raw = yaml.safe_load(path.read_text())
    return {name: IntentSpec.model_validate(spec) for name, spec in raw.items()}


def stem(word: str) -> str:
    """The shared light stemmer, leaving slot placeholders alone."""
    return shared_stem(word, PLACEHOLDERS)


@dataclass
class NaiveBayes:
    """Multinomial naive Bayes with add-alpha smoothing and uniform class priors.

    Words never seen in training are not ignored: each counts as one draw of "a new word", whose
    probability per intent is the Good-Turing estimate (the share of that intent's words that
    occur only once in the whole training set). Off-topic examples are full of one-off words, so
    "order lunch for the team" leans to `unknown` on "order" and "lunch" rather than to whatever
    intent "for" and "team" happen to suggest.
    """

    alpha: float = 0.1
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    novel: dict[str, float] = field(default_factory=dict)  # log P(a new word | intent)
    vocabulary: set[str] = field(default_factory=set)

    def fit(self, docs: list[list[str]], labels: list[str]) -> NaiveBayes:
        overall: Counter[str] = Counter()
        for features, label in zip(docs, labels, strict=True):
            self.counts.setdefault(label, Counter()).update(features)
            overall.update(features)
        self.vocabulary = set(overall)
        self.totals = {label: sum(c.values()) for label, c in self.counts.items()}
        size = len(self.vocabulary)
        for label, counts in self.counts.items():
            singletons = sum(n for f, n in counts.items() if overall[f] == 1)
            self.novel[label] = math.log((singletons + self.alpha) / (self.totals[label] + self.alpha * size))
        return self

    def posterior(self, features: list[str]) -> list[tuple[str, float]]:
        size = len(self.vocabulary)
        scores = {}
        for label, counts in self.counts.items():
            denominator = math.log(self.totals[label] + self.alpha * size)
            scores[label] = sum(
                math.log(counts[f] + self.alpha) - denominator if f in self.vocabulary else self.novel[label]
                for f in features
            )
        top = max(scores.values())
        exp = {label: math.exp(score - top) for label, score in scores.items()}
        norm = sum(exp.values())
        return sorted(((label, value / norm) for label, value in exp.items()), key=lambda x: -x[1])


class IntentRouter:
    def __init__(self, specs: dict[str, IntentSpec] | None = None) -> None:
        self.specs = specs or load_specs()
        docs, labels = [], []
        for intent, spec in self.specs.items():
            for example in spec.examples:
                _, tokens = extract(example)
                docs.append(self._stems(tokens))
                labels.append(intent)
        self.words = sorted({w for doc in docs for w in doc if w not in PLACEHOLDERS})
        self.model = NaiveBayes().fit([self._features(d) for d in docs], labels)
        self.surface_vocabulary = frozenset(
            t for spec in self.specs.values() for e in spec.examples for t in tokenize(e)
        )

    # ---- features ----------------------------------------------------------------------------
    @staticmethod
    def _stems(tokens: list[str]) -> list[str]:
        return [stem(t) for t in tokens if t not in STOPWORDS]

    @staticmethod
    def _features(stems: list[str]) -> list[str]:
        # Bigrams were measured too: they did not help on cross-validation with this little data.
        return stems

    def _correct(self, stems: list[str]) -> list[str]:
        """Map a misspelt word onto the nearest training word ("renwal" -> "renewal")."""
        out = []
        known = self.model.vocabulary
        for word in stems:
            if word in known or word in PLACEHOLDERS or len(word) < 4:
                out.append(word)
                continue
            hit = process.extractOne(word, self.words, scorer=fuzz.ratio, score_cutoff=80)
            out.append(hit[0] if hit else word)
        return out

    def matcher(self, customers: list[KnownCustomer]) -> CustomerMatcher:
        return CustomerMatcher(customers, vocabulary=self.surface_vocabulary)

    # ---- classification ------------------------------------------------------------------------
    def classify(self, text: str, matcher: CustomerMatcher | None = None) -> IntentMatch:
        slots, tokens = extract(text, matcher)
        stems = self._correct(self._stems(tokens))
        features = self._features(stems)
        if stems == [CUSTOMER] and slots.customer:
            # Nothing but a customer's name: the CSM wants to look it up.
            return IntentMatch(intent="snapshot", confidence=1.0, slots=slots)
        if not any(f in self.model.vocabulary for f in stems):
            return IntentMatch(intent=UNKNOWN, confidence=1.0, slots=slots)
        ranking = self.model.posterior(features)
        if ranking[0][0] in NEEDS_CUSTOMER and CUSTOMER not in tokens:
            # A snapshot of nobody is not a question anyone asks: "show me customers trending down"
            # is about the portfolio. Condition on the slots: drop the intents that need a customer.
            kept = [(label, p) for label, p in ranking if label not in NEEDS_CUSTOMER]
            total = sum(p for _, p in kept)
            if kept[0][1] >= NEEDS_CUSTOMER_FALLBACK * total:
                ranking = [(label, p / total) for label, p in kept]
        best, confidence = ranking[0]
        rounded = [(label, round(p, 3)) for label, p in ranking[:3]]
        if best != UNKNOWN and confidence < MIN_CONFIDENCE:
            return IntentMatch(
                intent=UNKNOWN, confidence=confidence, slots=slots, guess=best, ranking=rounded
            )
        return IntentMatch(intent=best, confidence=confidence, slots=slots, ranking=rounded)

    def capabilities(self, customer: str = "Acme") -> list[tuple[str, str]]:
        """(title, example) of every intent, for help and for "I'm not sure what you mean"."""
        return [
            (spec.title, spec.example.replace("{customer}", customer))
            for name, spec in self.specs.items()
            if name not in (UNKNOWN, "help")
        ]


@cache
def default_router() -> IntentRouter:
    return IntentRouter()
