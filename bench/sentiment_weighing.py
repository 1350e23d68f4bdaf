"""Train the trees that weigh each speaker's sentiment (meetings/analysis/sentiment_weighing.py), and
measure them.

    pip install -e '.[train]'                         # scikit-learn, for this builder only
    python bench/sentiment_weighing.py                # collect the figures, measure, write sentiment_trees.json
    python bench/sentiment_weighing.py --check        # measure only
    python bench/sentiment_weighing.py --save F       # also keep the collected figures in F (JSON)
    python bench/sentiment_weighing.py --load F       # measure / train from figures kept before

Every labeled speaker of the held-out author groups and the training authors, read out of fold as
`bench/signal_weighing.py` reads them (each group's calls with the signal classifier that never saw
them), and of the actions-only authors, whose calls no classifier was trained on; the tuning author (A)
wrote with the analyser and is left out. The figures are `sentiment_weighing.FEATURES`; the target is
the hand label (negative -1, neutral 0, positive +1).

Measured by author group: the groups are dealt into 12 folds; for each, trees trained on the other
folds score its speakers, and the share read right is printed at several pairs of thresholds beside the
lexicon alone (sentiment.polarity on analyze_sentiment's scores), in the same run. The runtime
thresholds (`NEGATIVE_AT`, `POSITIVE_AT`) were chosen from these figures. Takes about 6 minutes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import meetings.analysis.sentiment_weighing as weighing  # noqa: E402
from bench.gradient_trees import PARAMS, export, save  # noqa: E402
from bench.meeting_accuracy import ACTIONS_ONLY, labeled_calls  # noqa: E402
from bench.signal_training import out_of_fold_reading  # noqa: E402
from meetings.analysis.sentiment import analyze_sentiment, polarity  # noqa: E402
from meetings.analysis.signals import detect_signals  # noqa: E402
from meetings.analysis.text import sentences_of, vendor_side  # noqa: E402

FOLDS = 12
POSITIVE = (0.35, 0.4, 0.45, 0.5, 0.55)
NEGATIVE = (-0.35, -0.4, -0.45, -0.5, -0.55)
TARGET = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


def collect(group: str, directories: list[Path], rows: list[dict]) -> None:
    """The figures of every labeled speaker in `directories`' calls, with the classifier in use."""
    for name, label, transcript in labeled_calls(directories):
        sentences = sentences_of(transcript)
        vendor = vendor_side(transcript)
        lexicon = analyze_sentiment(sentences, transcript.speakers, vendor)
        figures = weighing.evidence(lexicon, sentences, vendor, detect_signals(sentences, vendor))
        for speaker, stance in label["sentiment"].items():
            if speaker in figures:
                rows.append(
                    {
                        "group": group,
                        "call": name,
                        "vector": figures[speaker],
                        "lexicon": polarity(lexicon.speakers[speaker]),
                        "gold": stance,
                    }
                )


def out_of_fold() -> list[dict]:
    rows: list[dict] = []
    for group, directories in out_of_fold_reading():
        collect(group, directories, rows)
        print(f"  {group}: {len(rows)} speakers", file=sys.stderr, flush=True)
    for labels in sorted(ACTIONS_ONLY.glob("*/labels.yml")):
        collect(f"actions_only:{labels.parent.name}", [labels.parent], rows)
    print(f"  actions-only: {len(rows)} speakers", file=sys.stderr, flush=True)
    return rows


def fit(rows: list[dict]):
    from sklearn.ensemble import HistGradientBoostingRegressor

    trees = HistGradientBoostingRegressor(**PARAMS)
    trees.fit([r["vector"] for r in rows], [TARGET[r["gold"]] for r in rows])
    return trees


def _stance(raw: float, negative: float, positive: float) -> str:
    return "positive" if raw > positive else "negative" if raw < negative else "neutral"


def measure(rows: list[dict]) -> None:
    groups = sorted({r["group"] for r in rows})
    folds = [groups[i::FOLDS] for i in range(FOLDS)]
    raw: list[tuple[dict, float]] = []
    for fold in folds:
        train = [r for r in rows if r["group"] not in fold]
        test = [r for r in rows if r["group"] in fold]
        exported = export(fit(train), weighing.Trees)
        raw += [(r, exported.raw(r["vector"])) for r in test]
    where = f"{len(rows)} speakers of {len(groups)} author groups in {FOLDS} folds"
    right = sum(r["lexicon"] == r["gold"] for r in rows)
    print(f"{where}, the lexicon alone: {right / len(rows):.3f} right")
    for negative in NEGATIVE:
        figures = []
        for positive in POSITIVE:
            right = sum(_stance(p, negative, positive) == r["gold"] for r, p in raw)
            mark = "*" if (negative, positive) == (weighing.NEGATIVE_AT, weighing.POSITIVE_AT) else " "
            figures.append(f"{positive:+.2f} {right / len(rows):.3f}{mark}")
        print(f"  weighed, negative below {negative:+.2f}, positive above: " + "  ".join(figures))
    for side, vendor in (("customers", 0.0), ("vendor's side", 1.0)):
        mine = [(r, p) for r, p in raw if r["vector"][weighing.FEATURES.index("vendor")] == vendor]
        lexicon = sum(r["lexicon"] == r["gold"] for r, _ in mine) / len(mine)
        weighed = sum(
            _stance(p, weighing.NEGATIVE_AT, weighing.POSITIVE_AT) == r["gold"] for r, p in mine
        ) / len(mine)
        print(
            f"  {side} ({len(mine)}): the lexicon {lexicon:.3f}, weighed at the thresholds in use {weighed:.3f}"
        )


def main() -> None:
    args = sys.argv[1:]
    if "--load" in args:
        rows = json.loads(Path(args[args.index("--load") + 1]).read_text())
    else:
        rows = out_of_fold()
        if "--save" in args:
            Path(args[args.index("--save") + 1]).write_text(json.dumps(rows))
    measure(rows)
    if "--check" not in args:
        save(fit(rows), weighing.Trees, weighing.TREES_FILE, len(rows), "speakers")


if __name__ == "__main__":
    main()
