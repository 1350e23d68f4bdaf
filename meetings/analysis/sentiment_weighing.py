"""Each speaker's stance over the whole call: the last step of the offline sentiment.

`sentiment.analyze_sentiment` averages each speaker's sentences as VADER (tuned for customer calls)
scores them. A speaker's stance is more than that mean: a customer who thanks the CSM warmly in every
other sentence but says the rival is cheaper, the outage cost them a weekend and the board is asking
questions is negative to a hand labeler, and a polite mean reads them neutral. So for every speaker,
figures of the whole call (`FEATURES`: the lexicon's mean and extremes, how many sentences lean past a
third either way, how strongly and how often the signal classifier hears a risk or good news in their
words, which signals the sentence rules found for them, their share of the talk, whether they are the
vendor's side, the call's other speakers) go to gradient-boosted regression trees trained on the hand
labels (negative -1, neutral 0, positive +1). Their output is put on the lexicon's scale so that
`sentiment.polarity` reads it with the same thresholds: above `POSITIVE_AT` is positive, below
`NEGATIVE_AT` negative.

The trees are trained by `bench/sentiment_weighing.py` on out-of-fold figures (each author group's
calls read by a signal classifier that never saw them) and ship as `sentiment_trees.json`; nothing is
trained at run time. A call of under `MIN_SENTENCES` sentences keeps the lexicon's scores: the trees
never saw one so short.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from statistics import fmean

from meetings.analysis.models import CATEGORY_TYPE, SentimentResult, Signal
from meetings.analysis.sentiment import NEGATIVE_BELOW, POSITIVE_ABOVE, compound, sentence_score
from meetings.analysis.signal_model import content_words, posterior
from meetings.analysis.text import Sentence
from meetings.analysis.trees import GradientTrees

TREES_FILE = Path(__file__).with_name("sentiment_trees.json")
# Where the trees' output (about -1 .. +1) turns negative and positive; chosen out of fold by
# bench/sentiment_weighing.py.
NEGATIVE_AT = -0.45
POSITIVE_AT = 0.45
MIN_SENTENCES = 20
_MIN_WORDS = 3  # the classifier's leaning counts for sentences of this many content words or more
BAD_NEWS = frozenset(c for c, kind in CATEGORY_TYPE.items() if kind == "risk") | {"complaint"}
GOOD_NEWS = frozenset(c for c, kind in CATEGORY_TYPE.items() if kind == "opportunity") | {"praise"}
FEATURES = (
    "score",
    "vendor",
    "sentences",
    "share",
    "mean_vader",
    "min_vader",
    "max_vader",
    "over_third",
    "under_third",
    "mean_scored",
    "min_scored",
    "bad_max",
    "bad_mean",
    "bad_over_half",
    "good_max",
    "good_mean",
    "good_over_half",
    "bad_found",
    "good_found",
    "feature_request",
    "complaint",
    "praise",
    "questions",
    "exclamations",
    "call_overall",
    "call_customer_min",
    "call_customer_mean",
    "call_bad_found",
    "relative",
)


class Trees(GradientTrees):
    EXPECTED = FEATURES
    WHERE = "sentiment_weighing.FEATURES"


@cache
def trees(path: Path = TREES_FILE) -> Trees:
    return Trees.load(path)


def evidence(
    lexicon: SentimentResult,
    sentences: list[Sentence],
    vendor: set[str] | frozenset[str],
    signals: list[Signal],
) -> dict[str, list[float]]:
    """The `FEATURES` of every speaker who said something, given the lexicon's scores and the sentence
    rules' `signals`."""
    spoken = [s for s in sentences if s.speaker is not None]
    words = sum(len(s.text.split()) for s in spoken) or 1
    found: dict[str, set[str]] = {}
    for signal in signals:
        found.setdefault(signal.speaker or "", set()).add(signal.category)
    customers = [score for who, score in lexicon.speakers.items() if who not in vendor]
    customer_mean = fmean(customers) if customers else 0.0
    bad_in_call = sum(1 for s in signals if s.category in BAD_NEWS)
    out = {}
    for speaker in lexicon.speakers:
        theirs = [s for s in spoken if s.speaker == speaker]
        if not theirs:
            continue
        vader = [compound(s.text) for s in theirs]
        scored = [sentence_score(s.text)[0] for s in theirs]
        leaning = [dict(posterior(s.text)) if content_words(s.text) >= _MIN_WORDS else {} for s in theirs]
        bad = [sum(lean.get(c, 0.0) for c in BAD_NEWS) for lean in leaning]
        good = [sum(lean.get(c, 0.0) for c in GOOD_NEWS) for lean in leaning]
        cats = found.get(speaker, set())
        score = lexicon.speakers[speaker]
        figures = {
            "score": score,
            "vendor": float(speaker in vendor),
            "sentences": float(len(theirs)),
            "share": sum(len(s.text.split()) for s in theirs) / words,
            "mean_vader": fmean(vader),
            "min_vader": min(vader),
            "max_vader": max(vader),
            "over_third": fmean(v > 1 / 3 for v in vader),
            "under_third": fmean(v < -1 / 3 for v in vader),
            "mean_scored": fmean(scored),
            "min_scored": min(scored),
            "bad_max": max(bad),
            "bad_mean": fmean(bad),
            "bad_over_half": float(sum(b > 0.5 for b in bad)),
            "good_max": max(good),
            "good_mean": fmean(good),
            "good_over_half": float(sum(g > 0.5 for g in good)),
            "bad_found": float(len(cats & BAD_NEWS)),
            "good_found": float(len(cats & GOOD_NEWS)),
            "feature_request": float("feature_request" in cats),
            "complaint": float("complaint" in cats),
            "praise": float("praise" in cats),
            "questions": fmean(s.is_question for s in theirs),
            "exclamations": float(sum(s.text.count("!") for s in theirs)),
            "call_overall": lexicon.overall,
            "call_customer_min": min(customers, default=0.0),
            "call_customer_mean": customer_mean,
            "call_bad_found": float(bad_in_call),
            "relative": score - customer_mean,
        }
        out[speaker] = [float(figures[name]) for name in FEATURES]
    return out


def on_scale(raw: float) -> float:
    """The trees' output on the lexicon's scale: piecewise linear through (-1, -1), (NEGATIVE_AT,
    NEGATIVE_BELOW), (POSITIVE_AT, POSITIVE_ABOVE) and (1, 1), so a score reads positive exactly when the
    output is above POSITIVE_AT and negative exactly when it is below NEGATIVE_AT."""
    x = max(-1.0, min(1.0, raw))
    if x < NEGATIVE_AT:
        return -1.0 + (x + 1.0) * (NEGATIVE_BELOW + 1.0) / (NEGATIVE_AT + 1.0)
    if x <= POSITIVE_AT:
        return NEGATIVE_BELOW + (x - NEGATIVE_AT) * (POSITIVE_ABOVE - NEGATIVE_BELOW) / (
            POSITIVE_AT - NEGATIVE_AT
        )
    return POSITIVE_ABOVE + (x - POSITIVE_AT) * (1.0 - POSITIVE_ABOVE) / (1.0 - POSITIVE_AT)


def weigh_sentiment(
    lexicon: SentimentResult,
    sentences: list[Sentence],
    vendor: set[str] | frozenset[str],
    signals: list[Signal],
) -> SentimentResult:
    """Every speaker's score as the trees weigh the whole call; the call's overall tone as the lexicon
    reads it. `signals` are the sentence rules' (`signals.detect_signals`), as the trees were trained."""
    if sum(1 for s in sentences if s.speaker is not None) < MIN_SENTENCES:
        return lexicon
    model = trees()
    weighed = dict(lexicon.speakers)
    for speaker, vector in evidence(lexicon, sentences, vendor, signals).items():
        weighed[speaker] = round(on_scale(model.raw(vector)), 3)
    return SentimentResult(overall=lexicon.overall, speakers=weighed)
