"""The task screen (`meetings/analysis/task_model.py`): build its counts, then measure it.

    python bench/task_training.py            # rebuild meetings/analysis/task_counts.json, then measure
    python bench/task_training.py --check    # measure only

The candidates are what the action-item rules find, unscreened, in every labeled call (the tuning set,
the held-out sets, the training and actions-only calls); a candidate is kept when it matches a hand
label by the accuracy bench's rule (same owner, text similar), dropped otherwise.

Measured by leaving one author out: each author's calls screened by a model counted from everyone
else's, pooled, at several thresholds, beside the unscreened candidates in the same run (the threshold
in task_model.KEEP_ABOVE was chosen here). The shipped model has seen every labeled call, so
bench/meeting_accuracy.py's figures are in-sample for it; blind calls are the honest measure.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.meeting_accuracy import ACTIONS_ONLY, TRAINING, labeled_calls, match_pairs  # noqa: E402
from bench.signal_training import AUTHORS  # noqa: E402
from meetings.analysis import task_model  # noqa: E402
from meetings.analysis.actions import extract_action_items  # noqa: E402
from meetings.analysis.text import sentences_of  # noqa: E402

THRESHOLDS = (-3.0, -2.5, -2.0, -1.75, -1.5, -1.25, -1.0, -0.75, -0.5, 0.0)


def author_groups() -> dict[str, list[Path]]:
    """Every labeled call's directory, by author: the evaluation authors, then one per training and
    actions-only set."""
    groups = {name: list(dirs) for name, dirs in AUTHORS.items()}
    for root in (TRAINING, ACTIONS_ONLY):
        for labels in sorted(root.glob("*/labels.yml")):
            groups[f"{root.name}/{labels.parent.name}"] = [labels.parent]
    return groups


def candidates(directories: list[Path]) -> tuple[list[tuple[bool, set[str]]], int]:
    """(kept?, features) of every unscreened candidate in the calls, and how many labels none matched."""
    found, missed = [], 0
    for _, label, transcript in labeled_calls(directories):
        items = extract_action_items(
            sentences_of(transcript), transcript.speakers, label["meeting_date"], screen=False
        )
        pairs, left = match_pairs(items, label["action_items"])
        missed += len(left)
        found += [(g is not None, task_model.features(i.text, i.due is not None)) for i, g in pairs]
    return found, missed


def count(examples: list[tuple[bool, set[str]]]) -> tuple[int, int, dict[str, list[int]]]:
    """(kept candidates, dropped candidates, {feature: [kept with it, dropped with it]})."""
    kept = dropped = 0
    by_feature = {True: Counter(), False: Counter()}
    for is_kept, feats in examples:
        kept += is_kept
        dropped += not is_kept
        by_feature[is_kept].update(feats)
    names = set(by_feature[True]) | set(by_feature[False])
    return kept, dropped, {f: [by_feature[True][f], by_feature[False][f]] for f in sorted(names)}


def task_counts(examples: list[tuple[bool, set[str]]] | None = None) -> dict:
    if examples is None:
        examples = [e for dirs in author_groups().values() for e in candidates(dirs)[0]]
    kept, dropped, features = count(examples)
    return {
        "candidates": {"kept": kept, "dropped": dropped},
        "features": {f: c for f, c in features.items() if sum(c) >= task_model.MIN_COUNT},
    }


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    groups = author_groups()
    by_group = {name: candidates(dirs) for name, dirs in groups.items()}
    if "--check" not in sys.argv:
        counts = task_counts([e for found, _ in by_group.values() for e in found])
        task_model.COUNTS_FILE.write_text(json.dumps(counts, indent=0, sort_keys=True) + "\n")
        print(f"wrote {task_model.COUNTS_FILE.name}: {len(counts['features'])} features")
    totals = {"kept": 0, "dropped": 0, "missed": 0}
    screened = {t: [0, 0, 0] for t in THRESHOLDS}  # tp, fp, fn
    for name, (found, missed) in by_group.items():
        others = [e for other, (f, _) in by_group.items() if other != name for e in f]
        kept, dropped, features = count(others)
        model = task_model.weights(kept, dropped, features)
        totals["missed"] += missed
        for is_kept, feats in found:
            totals["kept" if is_kept else "dropped"] += 1
            score = task_model.logodds(feats, model)
            for t in THRESHOLDS:
                tally = screened[t]
                if score > t:
                    tally[0 if is_kept else 1] += 1
                elif is_kept:
                    tally[2] += 1
        for t in THRESHOLDS:
            screened[t][2] += missed
    tp, fp, fn = totals["kept"], totals["dropped"], totals["missed"]
    print(f"{len(groups)} author groups, {tp + fp} candidates ({tp} match a label), {fn} labels unmatched")
    print(
        f"unscreened (baseline):            action F1 {_f1(tp, fp, fn):.4f}  P {tp / (tp + fp):.3f}  R {tp / (tp + fn):.3f}"
    )
    for t, (tp, fp, fn) in screened.items():
        mark = "  <- KEEP_ABOVE" if t == task_model.KEEP_ABOVE else ""
        print(
            f"screened above {t:+.2f}, author left out: action F1 {_f1(tp, fp, fn):.4f}  "
            f"P {tp / (tp + fp):.3f}  R {tp / (tp + fn):.3f}{mark}"
        )


if __name__ == "__main__":
    main()
