"""Whether a customer raised a signal over the whole call: the last step of the offline signals.

`signals.detect_signals` reads one sentence at a time (the patterns, the cue rules, the classifier), as
the live bot must. After the call there is more to go on: how strongly and how often each of the
speaker's sentences leans to a category, alone and read with the sentence before it, whether a pattern
named it, which other signals the speaker gave, how much of the customer's talk is theirs. For every
customer speaker and every category, those figures (`evidence`) go to gradient-boosted trees that say
how likely the labels are to hold that (category, speaker); pairs above `KEEP_ABOVE` are the call's
signals. A pair the sentence rules found
keeps its quote; one they did not takes the speaker's sentence the classifier leans to most. Two things
the trees do not judge: a yes to the vendor's ask ("Would you be a reference?" "Happy to.") stands, as
no sentence of its own carries it; and a call with fewer than `MIN_SENTENCES` customer sentences keeps
the sentence rules' signals, as the trees never saw one so short.

The trees are trained by `bench/signal_weighing.py` on out-of-fold evidence: each author group's calls
read with a classifier that had never seen them, so the trees learn how far to trust the classifier on
new calls, not on the calls it was trained on. They ship as `signal_trees.json` and are evaluated here
in plain Python; nothing is trained at run time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from meetings.analysis.models import CATEGORY_TYPE, Signal
from meetings.analysis.signal_model import content_words, posterior
from meetings.analysis.signals import categories_in, signal_categories, signal_in
from meetings.analysis.text import Sentence
from meetings.analysis.trees import GradientTrees

TREES_FILE = Path(__file__).with_name("signal_trees.json")
CATEGORIES = sorted(CATEGORY_TYPE)
# The likelihood above which a (category, speaker) is a signal. Left out by author group (63 groups in 12
# folds, bench/signal_weighing.py): signal F1 0.779 from the sentence rules alone; 0.820 at 0.30, 0.824 at
# 0.35, 0.827 at 0.40, 0.829 at 0.45, 0.828 at 0.50: the plateau's first step, which keeps more recall.
# Over the first 57 groups: without the two context features 0.819 at 0.40 (0.827 with them); with the
# speaker's VADER scores, the vendor's questions and the same category found for a colleague as well,
# 0.828 (not kept). Over 138 groups (sets to 282): 0.787 from the sentence rules, 0.843 at 0.35, 0.844 at 0.40,
# 0.846 at 0.45, 0.844 at 0.50: the plateau still; over 150 (to 306), 0.785, 0.846 at 0.35, 0.847 from 0.40 to 0.50.
KEEP_ABOVE = 0.40
# The customer sentences a call needs for the trees to weigh it: the shortest call they were trained on
# had 23 (the median 59); on a few lines their evidence is out of range.
MIN_SENTENCES = 20
_MIN_WORDS = 3  # the classifier's leaning counts for sentences of this many content words or more
# A block per category, zero but in the row's own category's block (where "bias" is 1), so the trees can
# judge each category's evidence on its own; then the same figures for every row, and which other
# categories the rules found for the speaker.
_PER_CATEGORY = ("bias", "found", "log_p1", "log_p2", "over_half", "patterns", "raised", "question")
_COMMON = (
    "found",
    "log_p1",
    "log_p2",
    "over_half",
    "over_fifth",
    "patterns",
    "raised",
    "share",
    "speakers",
    "sentences",
    "question",
    "context_p1",
    "context_over_half",
)
FEATURES = (
    *(f"{c}:{name}" for c in CATEGORIES for name in _PER_CATEGORY),
    *_COMMON,
    *(f"also:{c}" for c in CATEGORIES),
    "also",
)


@dataclass
class Evidence:
    """One (category, speaker) of a call: its feature vector (`FEATURES`), whether the sentence rules
    found it and whether only as a yes to the vendor's ask (no sentence of the speaker raises it), and
    the speaker's sentence the classifier leans to most for the category."""

    speaker: str
    category: str
    found: bool
    asked: bool
    vector: list[float]
    best: Sentence


def evidence(signals: list[Signal], sentences: list[Sentence], vendor: set[str]) -> list[Evidence]:
    """The evidence of every (category, customer speaker) of the call, given the sentence rules'
    `signals`. `sentences` is the whole call, as `sentences_of` gives it (each at its own index)."""
    said = [s for s in sentences if s.speaker is not None and s.speaker not in vendor]
    speakers = sorted({s.speaker for s in said if s.speaker is not None})
    found = {(s.category, s.speaker) for s in signals}
    out = []
    for speaker in speakers:
        theirs = [s for s in said if s.speaker == speaker]
        leaning = [dict(posterior(s.text)) if content_words(s.text) >= _MIN_WORDS else {} for s in theirs]
        # Read with the sentence before it, whoever said it: "How are the new sites going?" "We've
        # signed two more." leans to expansion where the answer alone does not.
        in_context = [dict(posterior(_with_before(s, sentences))) for s in theirs]
        named = [{c for c, _ in categories_in(s.text)} for s in theirs]
        raised = [set(signal_categories(s.text)) for s in theirs]
        also_found = {c for c, who in found if who == speaker}
        for position, category in enumerate(CATEGORIES):
            beliefs = sorted((lean.get(category, 0.0) for lean in leaning), reverse=True) + [0.0, 0.0]
            best = max(range(len(theirs)), key=lambda i: leaning[i].get(category, 0.0))
            others = also_found - {category}
            own = {
                "bias": 1.0,
                "found": float((category, speaker) in found),
                "log_p1": math.log(beliefs[0] + 1e-6),
                "log_p2": math.log(beliefs[1] + 1e-6),
                "over_half": float(sum(b > 0.5 for b in beliefs)),
                "over_fifth": float(sum(b > 0.2 for b in beliefs)),
                "patterns": float(sum(category in n for n in named)),
                "raised": float(sum(category in r for r in raised)),
                "share": len(theirs) / len(said),
                "speakers": float(len(speakers)),
                "sentences": float(len(theirs)),
                "question": float(theirs[best].is_question),
                "context_p1": max(lean.get(category, 0.0) for lean in in_context),
                "context_over_half": float(sum(lean.get(category, 0.0) > 0.5 for lean in in_context)),
            }
            vector = [0.0] * len(FEATURES)
            at = position * len(_PER_CATEGORY)
            vector[at : at + len(_PER_CATEGORY)] = [own[name] for name in _PER_CATEGORY]
            at = len(CATEGORIES) * len(_PER_CATEGORY)
            vector[at : at + len(_COMMON)] = [own[name] for name in _COMMON]
            at += len(_COMMON)
            vector[at : at + len(CATEGORIES)] = [float(c in others) for c in CATEGORIES]
            vector[-1] = float(len(others))
            found_here = bool(own["found"])
            out.append(
                Evidence(
                    speaker, category, found_here, found_here and not own["raised"], vector, theirs[best]
                )
            )
    return out


def _with_before(sentence: Sentence, sentences: list[Sentence]) -> str:
    before = sentences[sentence.index - 1].text if sentence.index else ""
    return f"{before} {sentence.text}"


class Trees(GradientTrees):
    EXPECTED = FEATURES
    WHERE = "signal_weighing.FEATURES"


@cache
def trees(path: Path = TREES_FILE) -> Trees:
    return Trees.load(path)


def weigh(signals: list[Signal], sentences: list[Sentence], vendor: set[str]) -> list[Signal]:
    """The call's signals: every (category, customer speaker) the trees find likely, in the order said."""
    if sum(1 for s in sentences if s.speaker is not None and s.speaker not in vendor) < MIN_SENTENCES:
        return signals
    model = trees()
    rank = {(s.category, s.speaker): i for i, s in enumerate(signals)}
    kept: list[tuple[str, int, Signal]] = []
    for e in evidence(signals, sentences, vendor):
        if not (e.asked or model.likelihood(e.vector) > KEEP_ABOVE):
            continue
        at = rank.get((e.category, e.speaker))
        signal = signals[at] if at is not None else signal_in(e.category, e.best)
        kept.append((signal.timestamp, len(signals) if at is None else at, signal))
    # In the order said; where they share a time, the sentence rules' own order, then the added.
    return [signal for *_, signal in sorted(kept, key=lambda k: k[:2])]
