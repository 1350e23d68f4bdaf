"""The speaker-side model (`meetings/analysis/side_model.py`): build its counts, then measure it.

    python bench/side_training.py            # rebuild meetings/analysis/side_counts.json, then measure
    python bench/side_training.py --check    # measure only

Trained on the quoted training calls and the actions-only calls (tests/data/meetings/training,
actions_only: sixteen and eight authors who wrote none of the held-out calls). The customer's side is
every sentence of a speaker the labels give a signal; the vendor's, every sentence of a speaker the
marker rules put on the vendor's side and the labels give none.

Measured on the held-out calls (tuning set excluded; their authors are not the training calls'), in one
run: signal F1 and speaker sentiment with the vendor's side found by the marker rules alone, then with
the model; and how each way sorts the speakers the labels give a signal (customers for certain).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import meetings.analysis.offline as offline  # noqa: E402
import meetings.analysis.side_model as side_model  # noqa: E402
from bench.meeting_accuracy import ACTIONS_ONLY, TRAINING, TUNING, Scores, evaluate, labeled_calls  # noqa: E402
from meetings.analysis.signal_model import features  # noqa: E402
from meetings.analysis.text import sentences_by_speaker, vendor_side, vendor_side_by_markers  # noqa: E402

MIN_COUNT = 2  # a feature seen once in all the training sentences says nothing and would bloat the file


def training_directories() -> list[Path]:
    return sorted(p.parent for root in (TRAINING, ACTIONS_ONLY) for p in root.glob("*/labels.yml"))


def side_counts(directories: list[Path] | None = None) -> dict:
    counts = {"vendor": Counter(), "customer": Counter()}
    sentences = Counter()
    for _, label, transcript in labeled_calls(training_directories() if directories is None else directories):
        customers = {s["speaker"] for s in label["signals"]}
        vendor = vendor_side_by_markers(transcript) - customers
        for speaker, said in sentences_by_speaker(transcript).items():
            side = "customer" if speaker in customers else "vendor" if speaker in vendor else None
            if side:
                for sentence in said:
                    counts[side].update(set(features(sentence, products=False)))
                    sentences[side] += 1
    kept = sorted(
        f
        for f in counts["vendor"].keys() | counts["customer"].keys()
        if counts["vendor"][f] + counts["customer"][f] >= MIN_COUNT
    )
    return {
        "sentences": {"vendor": sentences["vendor"], "customer": sentences["customer"]},
        "features": {f: [counts["vendor"][f], counts["customer"][f]] for f in kept},
    }


def dump(counts: dict) -> str:
    """One feature a line, so a rebuild reads as a diff."""
    lines = [f'{{"sentences": {json.dumps(counts["sentences"])},', '"features": {']
    items = list(counts["features"].items())
    lines += [
        f"{json.dumps(f, ensure_ascii=False)}: {json.dumps(c)}{',' if i < len(items) - 1 else ''}"
        for i, (f, c) in enumerate(items)
    ]
    return "\n".join(lines + ["}}", ""])


def heldout_directories() -> list[Path]:
    return sorted(p.parent for p in TUNING.glob("heldout*/labels.yml"))


def measure(title: str, finder) -> None:
    offline.vendor_side = finder  # the analyser reads it through its module
    total = Scores()
    for directory in heldout_directories():
        total = total + evaluate(directory, weigh_signals=False, weigh_sentiment=False)
    wrong = sure = 0
    for directory in heldout_directories():
        for _, label, transcript in labeled_calls([directory]):
            customers = {s["speaker"] for s in label["signals"]}
            wrong += len(customers & set(finder(transcript)))
            sure += len(customers)
    p, r, f = total.signals
    print(
        f"held-out calls, {title:<22} signals P {p:.3f} R {r:.3f} F1 {f:.3f} | sentiment "
        f"{total.sentiment_accuracy:.3f} | customers with a signal put on the vendor's side: {wrong} of {sure}"
    )


def main() -> None:
    if "--check" not in sys.argv:
        counts = side_counts()
        side_model.COUNTS_FILE.write_text(dump(counts))
        side_model._model.cache_clear()
        side_model.sentence_logodds.cache_clear()
        print(
            f"wrote {side_model.COUNTS_FILE.relative_to(ROOT)}: {len(counts['features'])} features from "
            f"{counts['sentences']['vendor']} vendor and {counts['sentences']['customer']} customer sentences"
        )
    measure("marker rules only", lambda transcript, known=None: vendor_side_by_markers(transcript))
    measure("with the side model", vendor_side)
    offline.vendor_side = vendor_side


if __name__ == "__main__":
    main()
