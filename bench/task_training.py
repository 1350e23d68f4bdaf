"""The task screen (`meetings/analysis/task_model.py`): build its counts and its trees, then measure it.

    python bench/task_training.py            # rebuild task_counts.json and task_trees.json, then measure
    python bench/task_training.py --check    # measure only

The candidates are what the action-item rules find, unscreened, in every labeled call (the tuning set,
the held-out sets, the training and actions-only calls); a candidate is kept when it matches a hand
label by the accuracy bench's rule (same owner, text similar), dropped otherwise.

The naive Bayes counts are counted over every candidate. The trees learn on every candidate's evidence
in its call, with the naive Bayes' log-odds out of fold: each author group's candidates weighed by the
counts of every other group.

Measured by leaving one author out, nested: each author's calls screened by counts and trees that never
saw them (the trees' own training rows weighed by counts without their group either), pooled, at
several thresholds; beside, in the same run, the unscreened candidates and the naive Bayes alone at
`task_model.NAIVE_KEEP_ABOVE` (the screen until 2026-11-26). The thresholds in task_model were chosen
here. The shipped screen has seen every labeled call, so bench/meeting_accuracy.py's figures are
in-sample for it; blind calls are the honest measure.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gradient_trees import PARAMS, export, save  # noqa: E402
from bench.meeting_accuracy import ACTIONS_ONLY, TRAINING, labeled_calls, match_pairs  # noqa: E402
from bench.signal_training import AUTHORS  # noqa: E402
from meetings.analysis import task_model  # noqa: E402
from meetings.analysis.actions import extract_action_items  # noqa: E402
from meetings.analysis.text import sentences_of  # noqa: E402

THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def author_groups() -> dict[str, list[Path]]:
    """Every labeled call's directory, by author: the evaluation authors, then one per training and
    actions-only set."""
    groups = {name: list(dirs) for name, dirs in AUTHORS.items()}
    for root in (TRAINING, ACTIONS_ONLY):
        for labels in sorted(root.glob("*/labels.yml")):
            groups[f"{root.name}/{labels.parent.name}"] = [labels.parent]
    return groups


@dataclass
class Call:
    """One labeled call's unscreened candidates: each kept or not, its naive Bayes features, and its
    evidence for the trees (the log-odds column left at 0, filled per model)."""

    kept: list[bool]
    naive: list[set[str]]
    evidence: list[list[float]]


def calls_of(directories: list[Path]) -> tuple[list[Call], int]:
    """The candidates of every labeled call in `directories`, and how many labels none matched."""
    calls, missed = [], 0
    for _, label, transcript in labeled_calls(directories):
        sentences = sentences_of(transcript)
        items = extract_action_items(sentences, transcript.speakers, label["meeting_date"], screen=False)
        pairs, left = match_pairs(items, label["action_items"])
        missed += len(left)
        calls.append(
            Call(
                kept=[g is not None for _, g in pairs],
                naive=[task_model.features(i.text, i.due is not None) for i in items],
                evidence=task_model.evidence(
                    items, sentences, label["meeting_date"], logodds_of=lambda _: 0.0
                ),
            )
        )
    return calls, missed


def examples_of(calls: list[Call]) -> list[tuple[bool, set[str]]]:
    """(kept?, naive Bayes features) of every candidate in the calls."""
    return [(k, f) for call in calls for k, f in zip(call.kept, call.naive, strict=True)]


def candidates(directories: list[Path]) -> tuple[list[tuple[bool, set[str]]], int]:
    """(kept?, naive Bayes features) of every unscreened candidate in the calls, and how many labels none
    matched."""
    calls, missed = calls_of(directories)
    return examples_of(calls), missed


Tally = tuple[int, int, Counter, Counter]  # kept, dropped, features among the kept, among the dropped


def tally(examples: list[tuple[bool, set[str]]]) -> Tally:
    kept, dropped = Counter(), Counter()
    for is_kept, feats in examples:
        (kept if is_kept else dropped).update(feats)
    k = sum(1 for is_kept, _ in examples if is_kept)
    return k, len(examples) - k, kept, dropped


def count(examples: list[tuple[bool, set[str]]]) -> tuple[int, int, dict[str, list[int]]]:
    """(kept candidates, dropped candidates, {feature: [kept with it, dropped with it]})."""
    k, d, kept, dropped = tally(examples)
    return k, d, {f: [kept[f], dropped[f]] for f in sorted(set(kept) | set(dropped))}


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


def logodds_without(call: Call, total: Tally, *left_out: Tally) -> list[float]:
    """The naive Bayes' log-odds of the call's candidates, counted from `total` less the `left_out` groups
    (only the features the call has are worked out)."""
    needed = set().union(*call.naive) if call.naive else set()
    kept = total[0] - sum(t[0] for t in left_out)
    dropped = total[1] - sum(t[1] for t in left_out)
    counts = {
        f: [total[2][f] - sum(t[2][f] for t in left_out), total[3][f] - sum(t[3][f] for t in left_out)]
        for f in needed
    }
    model = task_model.weights(kept, dropped, counts)
    return [task_model.logodds(f, model) for f in call.naive]


def rows(call: Call, logodds: list[float]) -> list[list[float]]:
    return [[lo, *x[1:]] for lo, x in zip(logodds, call.evidence, strict=True)]


def fit(vectors: list[list[float]], gold: list[bool]):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**PARAMS).fit(vectors, gold)


def training_rows(by_group: dict[str, list[Call]], tallies: dict[str, Tally], total: Tally, without=None):
    """Every candidate's evidence (but `without`'s), its log-odds out of fold, and whether it is kept."""
    vectors, gold = [], []
    for group, calls in by_group.items():
        if group == without:
            continue
        left_out = (tallies[group],) + ((tallies[without],) if without else ())
        for call in calls:
            vectors += rows(call, logodds_without(call, total, *left_out))
            gold += call.kept
    return vectors, gold


def main() -> None:
    groups = author_groups()
    found = {name: calls_of(dirs) for name, dirs in groups.items()}
    by_group = {name: calls for name, (calls, _) in found.items()}
    tallies = {name: tally(examples_of(calls)) for name, calls in by_group.items()}
    total = tuple(sum((t[i] for t in tallies.values()), start=0 if i < 2 else Counter()) for i in range(4))
    if "--check" not in sys.argv:
        counts = task_counts([e for calls in by_group.values() for e in examples_of(calls)])
        task_model.COUNTS_FILE.write_text(json.dumps(counts, indent=0, sort_keys=True) + "\n")
        print(f"wrote {task_model.COUNTS_FILE.name}: {len(counts['features'])} features")
        vectors, gold = training_rows(by_group, tallies, total)
        save(fit(vectors, gold), task_model.Trees, task_model.TREES_FILE, len(vectors), "candidates")
    missed = sum(m for _, m in found.values())
    unscreened = [0, 0]  # kept, dropped
    naive = [0, 0, 0]  # tp, fp, fn
    screened = {t: [0, 0, 0] for t in THRESHOLDS}
    for name, calls in by_group.items():
        vectors, gold = training_rows(by_group, tallies, total, without=name)
        model = export(fit(vectors, gold), task_model.Trees)
        for call in calls:
            logodds = logodds_without(call, total, tallies[name])
            for is_kept, lo, x in zip(call.kept, logodds, rows(call, logodds), strict=True):
                unscreened[0 if is_kept else 1] += 1
                _count(naive, lo > task_model.NAIVE_KEEP_ABOVE, is_kept)
                likelihood = model.likelihood(x)
                for t in THRESHOLDS:
                    _count(screened[t], likelihood > t, is_kept)
    tp, fp = unscreened
    naive[2] += missed
    for tally_ in screened.values():
        tally_[2] += missed
    print(
        f"{len(groups)} author groups, {tp + fp} candidates ({tp} match a label), {missed} labels unmatched"
    )
    _report("unscreened (baseline)", tp, fp, missed)
    _report(f"naive Bayes alone above {task_model.NAIVE_KEEP_ABOVE:+.2f}", *naive)
    for t, (tp, fp, fn) in screened.items():
        mark = "  <- KEEP_ABOVE" if t == task_model.KEEP_ABOVE else ""
        _report(f"trees above {t:.2f}", tp, fp, fn, mark)


def _count(tally_: list[int], keep: bool, is_kept: bool) -> None:
    if keep:
        tally_[0 if is_kept else 1] += 1
    elif is_kept:
        tally_[2] += 1


def _report(title: str, tp: int, fp: int, fn: int, mark: str = "") -> None:
    print(
        f"{title + ', author left out:':<48} action F1 {_f1(tp, fp, fn):.4f}  "
        f"P {tp / (tp + fp):.3f}  R {tp / (tp + fn):.3f}{mark}"
    )


if __name__ == "__main__":
    main()
