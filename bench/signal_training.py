"""Training sentences for the signal classifier taken from labeled calls, and what they are worth.

    python bench/signal_training.py            # rebuild the file, then measure
    python bench/signal_training.py --check    # measure only

Call labels say which signals a speaker gave, not in which sentence. For each labeled (category,
speaker) of the tuning set and held-out sets 1-14, the sentence of that speaker which the classifier
(trained on the other example files) scores highest for the category is taken as an example of it,
and written to meetings/analysis/signal_examples_calls.yml. The customer's other sentences are not
used as `none`: some carry a signal the labels count once only (measured: that costs recall).

Measured on held-out sets 15-18, which are not used: signal precision/recall/F1 with the call
examples, beside the classifier without them in the same run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import meetings.analysis.signal_model as model  # noqa: E402
import meetings.analysis.signals as signals  # noqa: E402
from bench.meeting_accuracy import TUNING, Scores, evaluate  # noqa: E402
from meetings.analysis.text import sentences_of, vendor_side  # noqa: E402
from meetings.transcript import parse_transcript  # noqa: E402

CALLS_FILE = model.EXAMPLES_DIR / "signal_examples_calls.yml"
SOURCES = [TUNING] + [TUNING / f"heldout{n}" for n in ("", *range(2, 15))]
TESTS = [TUNING / f"heldout{n}" for n in range(15, 19)]
HEADER = (
    "# Training sentences taken from labeled calls (tuning set, held-out sets 1-14) by\n"
    "# bench/signal_training.py: for each labeled (category, speaker), that speaker's sentence the\n"
    "# classifier scored highest for the category. Generated; rebuild rather than edit.\n"
)


def call_examples(base: model.SignalClassifier) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for directory in SOURCES:
        for name, label in yaml.safe_load((directory / "labels.yml").read_text()).items():
            transcript = parse_transcript((directory / name).read_text(), filename=name)
            vendor = vendor_side(transcript)
            said = [
                s
                for s in sentences_of(transcript)
                if s.speaker not in vendor
                and not s.is_question
                and model.content_words(s.text) >= model.MIN_WORDS
            ]
            for gold in label["signals"]:
                theirs = [s for s in said if s.speaker == gold["speaker"]]
                if theirs:
                    best = max(theirs, key=lambda s: dict(base.posterior(s.text)).get(gold["category"], 0.0))
                    found.setdefault(gold["category"], []).append(best.text)
    return {category: sorted(set(texts)) for category, texts in sorted(found.items())}


def measure(classifier: model.SignalClassifier) -> Scores:
    model.classifier = lambda *args, **kwargs: classifier  # the analyser reads it through the module
    model.classify.cache_clear()
    signals._signal_categories.cache_clear()
    total = Scores()
    for directory in TESTS:
        total = total + evaluate(directory)
    return total


def main() -> None:
    without = model.SignalClassifier(model.load_examples(exclude=frozenset({CALLS_FILE.name})))
    if "--check" not in sys.argv:
        examples = call_examples(without)
        CALLS_FILE.write_text(
            HEADER + yaml.safe_dump(examples, sort_keys=False, allow_unicode=True, width=1000)
        )
        print(f"wrote {CALLS_FILE.relative_to(ROOT)}: {sum(map(len, examples.values()))} sentences")
    with_calls = model.SignalClassifier(model.load_examples())
    for title, classifier in (("without call examples", without), ("with call examples", with_calls)):
        p, r, f = measure(classifier).signals
        print(f"held-out 15-18, {title:<22} signals P {p:.2f} R {r:.2f} F1 {f:.2f}")


if __name__ == "__main__":
    main()
