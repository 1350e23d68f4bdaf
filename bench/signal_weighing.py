"""Train the trees that weigh a call's signals (meetings/analysis/signal_weighing.py), and measure them.

    pip install -e '.[train]'                      # scikit-learn, for this builder only
    python bench/signal_weighing.py                # collect the evidence, measure, write signal_trees.json
    python bench/signal_weighing.py --check        # measure only
    python bench/signal_weighing.py --save F       # also keep the collected evidence in F (JSON), each row
                                                   # with its speaker, category and leading sentence
    python bench/signal_weighing.py --load F       # measure / train from evidence kept before

The evidence is out of fold: each held-out author group's calls (B-K, T-Z, AE, AF, AS-...; A wrote with
the analyser) are read with the signal classifier trained without that group's call examples, as
`bench/signal_training.py` measures it, and each training author's calls with the classifier trained
without that author's quoted sentences. So the trees learn how far the sentence rules and the
classifier can be trusted on calls they have not seen.

Measured by author group: the held-out groups are dealt into 12 folds; for each, trees trained on the
other folds and the training authors weigh its calls, and signal precision / recall / F1 are printed at
several thresholds beside the sentence rules alone, in the same run. The runtime threshold
(`KEEP_ABOVE`) was chosen from these figures. Takes about 8 minutes: 2 collecting, the rest fitting
the folds' trees.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import meetings.analysis.signal_weighing as weighing  # noqa: E402
from bench.gradient_trees import PARAMS, export, save  # noqa: E402
from bench.meeting_accuracy import labeled_calls  # noqa: E402
from bench.signal_training import out_of_fold_reading  # noqa: E402
from meetings.analysis.signals import detect_signals  # noqa: E402
from meetings.analysis.text import sentences_of, vendor_side  # noqa: E402

FOLDS = 12
THRESHOLDS = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55)


def collect(group: str, directories: list[Path], rows: list[dict], gold: dict[str, int]) -> None:
    """The evidence of every (category, customer speaker) in `directories`' calls, with the classifier
    in use, each row marked with whether the labels hold it."""
    for name, label, transcript in labeled_calls(directories):
        labeled = {(g["category"], g["speaker"]) for g in label["signals"]}
        gold[group] = gold.get(group, 0) + len(labeled)
        sentences = sentences_of(transcript)
        vendor = vendor_side(transcript)
        found = detect_signals(sentences, vendor)
        for e in weighing.evidence(found, sentences, vendor):
            rows.append(
                {
                    "group": group,
                    "call": name,
                    "vector": e.vector,
                    "found": e.found,
                    "gold": (e.category, e.speaker) in labeled,
                    "speaker": e.speaker,
                    "category": e.category,
                    "best": e.best.text,
                }
            )


def out_of_fold() -> tuple[list[dict], dict[str, int]]:
    rows: list[dict] = []
    gold: dict[str, int] = {}
    for group, directories in out_of_fold_reading():
        collect(group, directories, rows, gold)
        print(f"  {group}: {len(rows)} rows", file=sys.stderr, flush=True)
    return rows, gold


def fit(rows: list[dict]):
    from sklearn.ensemble import HistGradientBoostingClassifier

    trees = HistGradientBoostingClassifier(**PARAMS)
    trees.fit([r["vector"] for r in rows], [r["gold"] for r in rows])
    return trees


def _asked(row: dict) -> bool:
    """Found only as a yes to the vendor's ask: kept whatever the trees say, as at run time."""
    return row["found"] and not row["vector"][weighing.FEATURES.index("raised")]


def _prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} ({tp} found, {fp} wrong, {fn} missed)"


def measure(rows: list[dict], gold: dict[str, int]) -> None:
    held_out = [g for g in gold if not g.startswith("training:")]
    folds = [held_out[i::FOLDS] for i in range(FOLDS)]
    rules = [0, 0, 0]
    weighed = {t: [0, 0, 0] for t in THRESHOLDS}
    for fold in folds:
        train = [r for r in rows if r["group"] not in fold]
        test = [r for r in rows if r["group"] in fold]
        labeled = sum(gold[g] for g in fold)
        exported = export(fit(train), weighing.Trees)
        likelihoods = [exported.likelihood(r["vector"]) for r in test]
        tp = sum(r["found"] and r["gold"] for r in test)
        fp = sum(r["found"] and not r["gold"] for r in test)
        rules = [rules[0] + tp, rules[1] + fp, rules[2] + labeled - tp]
        for t in THRESHOLDS:
            kept = [r for r, p in zip(test, likelihoods, strict=True) if p > t or _asked(r)]
            tp = sum(r["gold"] for r in kept)
            fp = len(kept) - tp
            weighed[t] = [weighed[t][0] + tp, weighed[t][1] + fp, weighed[t][2] + labeled - tp]
    where = f"{len(held_out)} held-out author groups in {FOLDS} folds"
    print(f"{where}, sentence rules alone:        {_prf(*rules)}")
    for t in THRESHOLDS:
        mark = "  <- KEEP_ABOVE" if t == weighing.KEEP_ABOVE else ""
        print(f"{where}, weighed, kept above {t:.2f}: {_prf(*weighed[t])}{mark}")


def main() -> None:
    args = sys.argv[1:]
    if "--load" in args:
        kept = json.loads(Path(args[args.index("--load") + 1]).read_text())
        rows, gold = kept["rows"], kept["gold"]
    else:
        rows, gold = out_of_fold()
        if "--save" in args:
            Path(args[args.index("--save") + 1]).write_text(json.dumps({"rows": rows, "gold": gold}))
    measure(rows, gold)
    if "--check" not in args:
        save(fit(rows), weighing.Trees, weighing.TREES_FILE, len(rows), "rows")


if __name__ == "__main__":
    main()
