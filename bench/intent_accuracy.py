"""Accuracy of the offline intent router on the labeled set, beside a majority-class baseline.

    python bench/intent_accuracy.py [--errors]

The labeled set (tests/data/intents_labeled.jsonl, written before the training examples) and a fresh
set (tests/data/intents_fresh.jsonl, written after development and evaluated once) are distinct from
the training examples (assistant/intent_examples.yaml); customers are matched against
tests/data/intents_customers.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.intents import IntentRouter, IntentSpec, load_specs  # noqa: E402
from assistant.slots import KnownCustomer  # noqa: E402

DATA = ROOT / "tests" / "data"


def load_labeled(name: str = "intents_labeled.jsonl") -> list[dict]:
    lines = (DATA / name).read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_customers() -> list[KnownCustomer]:
    names = json.loads((DATA / "intents_customers.json").read_text())
    return [KnownCustomer(id=i, name=name) for i, name in enumerate(names, start=1)]


def evaluate(router: IntentRouter | None = None, name: str = "intents_labeled.jsonl") -> dict:
    router = router or IntentRouter()
    matcher = router.matcher(load_customers())
    rows = load_labeled(name)
    errors, slot_checked, slot_right = [], 0, 0
    per_intent: dict[str, Counter] = {}
    started = time.perf_counter()
    for row in rows:
        match = router.classify(row["text"], matcher)
        tally = per_intent.setdefault(row["intent"], Counter())
        tally["n"] += 1
        if match.intent == row["intent"]:
            tally["right"] += 1
        else:
            errors.append((row["text"], row["intent"], match.intent, match.ranking))
        for name, expected in row.get("slots", {}).items():
            slot_checked += 1
            got = getattr(match.slots, name)
            if got == expected:
                slot_right += 1
            else:
                errors.append((row["text"], f"slot {name}={expected!r}", f"{got!r}", []))
    elapsed = time.perf_counter() - started
    labels = Counter(row["intent"] for row in rows)
    majority, majority_n = labels.most_common(1)[0]
    right = sum(t["right"] for t in per_intent.values())
    return {
        "n": len(rows),
        "accuracy": right / len(rows),
        "baseline_label": majority,
        "baseline_accuracy": majority_n / len(rows),
        "slot_accuracy": slot_right / slot_checked if slot_checked else 1.0,
        "slots_checked": slot_checked,
        "per_intent": {k: v["right"] / v["n"] for k, v in sorted(per_intent.items())},
        "ms_per_message": 1000 * elapsed / len(rows),
        "errors": errors,
    }


def cross_validate(folds: int = 5, seed: int = 0) -> float:
    """Accuracy of k-fold cross-validation on the training examples (how the settings were chosen)."""
    specs = load_specs()
    items = [(name, text) for name, spec in specs.items() for text in spec.examples]
    random.Random(seed).shuffle(items)
    right = 0
    for fold in range(folds):
        held_out = set(items[fold::folds])
        train = {
            name: IntentSpec(
                title=spec.title,
                example=spec.example,
                examples=[t for t in spec.examples if (name, t) not in held_out],
            )
            for name, spec in specs.items()
        }
        router = IntentRouter(train)
        right += sum(router.classify(text).intent == name for name, text in held_out)
    return right / len(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="list every misclassified message")
    args = parser.parse_args()
    result = evaluate()
    print(f"labeled utterances:        {result['n']}")
    print(f"intent accuracy:           {result['accuracy']:.1%}")
    print(
        f"majority-class baseline:   {result['baseline_accuracy']:.1%} (always '{result['baseline_label']}')"
    )
    print(
        f"slot accuracy:             {result['slot_accuracy']:.1%} of {result['slots_checked']} labeled slots"
    )
    print(
        f"5-fold CV on training set: {cross_validate():.1%} of {sum(len(s.examples) for s in load_specs().values())} examples"
    )
    print(f"time per message:          {result['ms_per_message']:.2f} ms")
    print("per intent:  " + ", ".join(f"{k} {v:.0%}" for k, v in result["per_intent"].items()))
    fresh = evaluate(name="intents_fresh.jsonl")
    print(
        f"fresh set (written after development, {fresh['n']} utterances): {fresh['accuracy']:.1%}, "
        f"majority baseline {fresh['baseline_accuracy']:.1%}"
    )
    if args.errors:
        for text, expected, got, ranking in result["errors"] + fresh["errors"]:
            print(f"  {text!r}: expected {expected}, got {got} {ranking}")


if __name__ == "__main__":
    main()
