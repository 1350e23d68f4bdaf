"""Accuracy of the offline meeting analyser on the hand-labeled transcripts.

    python bench/meeting_accuracy.py

Prints, for the tuning set (tests/data/meetings) and the held-out set written after tuning
(tests/data/meetings/heldout), action-item precision/recall/F1, due-date accuracy on the matched
items, signal precision/recall/F1 and speaker-sentiment accuracy, beside a naive baseline measured in
the same run (every "I'll"/"will" sentence an action item owned by its speaker; a signal wherever a
category's pattern matches, whoever speaks; raw VADER with its stock ±0.05 thresholds).

Matching: an action item matches a label with the same owner whose text is similar
(rapidfuzz token_set_ratio ≥ 60 on the words, punctuation and case left out: "send the deck, today"
matches "send the deck"), one to one; a signal matches on (type, category, speaker).
"""

from __future__ import annotations

import re
import sys
from dataclasses import astuple, dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from meetings.analysis import OfflineAnalyzer  # noqa: E402
from meetings.analysis.models import CATEGORY_TYPE, ActionItem  # noqa: E402
from meetings.analysis.signals import categories_in  # noqa: E402
from meetings.analysis.text import sentences_of  # noqa: E402
from meetings.transcript import parse_transcript  # noqa: E402

TUNING = ROOT / "tests" / "data" / "meetings"
# Held-out set n lives in heldout<n>/ (set 1 in heldout/). Each was run blind once before anything was
# changed for it; docs/meetings.md has those first runs. Sets 1-4 and 7-14 have been tuned on since
# ("seen"); set 6 was still blind at the signal classifier's first run; sets 15-186 (separate authors,
# two sets each) were run blind once, at the start, the middle or the end of a round, and only their signal
# sentences (through bench/signal_training.py), their action candidates (through bench/task_training.py,
# the task screen) and a few action rules came after; the signal and sentiment weighings
# (bench/signal_weighing.py, bench/sentiment_weighing.py) have seen them out of fold, the classifier and
# the task screen in sample. Sets 157-168, blind at the end of a round, were read once more by the task
# screen's trees before they joined the training data. Sets 169-186, blind after the round that followed,
# joined it the round after that (the classifier's call examples, the task screen, both weighings), as
# did sets 187-210 (blind the round after, run with 3bf3895) the round after that. Sets 211-234 were
# written blind during that round and run once with its final analysis (cd356fd); their action errors were
# read after, and some verb and clause rules came from them (9a930ff). Sets 235-258 were written blind
# after that and run once with 9a930ff. Both batches then joined the training data (6ab1772), and sets
# 259-282, written blind meanwhile, were run once with it; they joined the training data with a few generic
# rules (949dc1f), and sets 283-306, written blind at that round's start, were run once with it; they joined
# the training data the round after, and sets 307-330, written blind at its start, were run once with that.
SEEN = frozenset({1, 2, 3, 4, *range(7, 15)})


def heldout(n: int) -> Path:
    return TUNING / ("heldout" if n == 1 else f"heldout{n}")


def heldout_numbers() -> list[int]:
    """The held-out sets on disk, in order."""
    found = (p.name.removeprefix("heldout") for p in TUNING.glob("heldout*/labels.yml") for p in [p.parent])
    return sorted(int(n) if n else 1 for n in found)


TRAINING = TUNING / "training"  # quoted calls by more authors; their signals train the classifier
# Quoted calls by eight more authors whose signals are not training data (adding them moved the
# classifier's leave-one-author-out figure by -0.001 and undid two behaviour cases): their first runs
# measured the analyser; the bench reports their action figures.
ACTIONS_ONLY = TUNING / "actions_only"
TEXT_MATCH = 60


@dataclass
class Scores:
    transcripts: int = 0
    action_tp: int = 0
    action_fp: int = 0
    action_fn: int = 0
    due_ok: int = 0
    signal_tp: int = 0
    signal_fp: int = 0
    signal_fn: int = 0
    sentiment_ok: int = 0
    sentiment_n: int = 0

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def actions(self) -> tuple[float, float, float]:
        return self._prf(self.action_tp, self.action_fp, self.action_fn)

    @property
    def signals(self) -> tuple[float, float, float]:
        return self._prf(self.signal_tp, self.signal_fp, self.signal_fn)

    def __add__(self, other: Scores) -> Scores:
        return Scores(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def due_accuracy(self) -> float:
        return self.due_ok / self.action_tp if self.action_tp else 0.0

    @property
    def sentiment_accuracy(self) -> float:
        return self.sentiment_ok / self.sentiment_n if self.sentiment_n else 0.0


def match_pairs(
    predicted: list[ActionItem], labels: list[dict]
) -> tuple[list[tuple[ActionItem, dict | None]], list[dict]]:
    """Each predicted item with the label it matches (None if none), one to one; and the labels left."""
    pairs = []
    gold = list(labels)
    for item in predicted:
        best, best_score = None, 0.0
        for g in gold:
            if g["owner"] != item.owner:
                continue
            # Until 2026-11-26 the words kept their punctuation ("slot," did not match "slot"): figures
            # before then are about 0.01 lower for the same items (docs/meetings.md).
            score = fuzz.token_set_ratio(g["text"], item.text, processor=utils.default_process)
            if score > best_score:
                best, best_score = g, score
        if best is not None and best_score >= TEXT_MATCH:
            gold.remove(best)
            pairs.append((item, best))
        else:
            pairs.append((item, None))
    return pairs, gold


def match_actions(predicted: list[ActionItem], labels: list[dict], scores: Scores) -> list[str]:
    notes = []
    pairs, missed = match_pairs(predicted, labels)
    for item, label in pairs:
        if label is not None:
            scores.action_tp += 1
            scores.due_ok += label["due"] == item.due
            if label["due"] != item.due:
                notes.append(f"due   {item.owner}: {item.text} -> {item.due} (label {label['due']})")
        else:
            scores.action_fp += 1
            notes.append(f"extra {item.owner}: {item.text} ({item.due})")
    for g in missed:
        scores.action_fn += 1
        notes.append(f"miss  {g['owner']}: {g['text']} ({g['due']})")
    return notes


def labeled_calls(directories: list[Path]):
    """(file name, its labels, the parsed transcript) of every call labeled in `directories`."""
    for directory in directories:
        for name, label in yaml.safe_load((directory / "labels.yml").read_text()).items():
            yield name, label, parse_transcript((directory / name).read_text(), filename=name)


def _polarity(score: float, pos: float, neg: float) -> str:
    return "positive" if score > pos else "negative" if score < neg else "neutral"


def evaluate(
    directory: Path,
    *,
    baseline: bool = False,
    verbose: bool = False,
    weigh_signals: bool = True,
    weigh_sentiment: bool = True,
) -> Scores:
    """Scores of the offline analyser (or the naive baseline) on `directory`'s labeled calls;
    `weigh_signals=False` leaves out the whole call's weighing of the signals (the builders measure
    the sentence rules and their training data with it off), `weigh_sentiment=False` that of the
    speakers' sentiment."""
    from meetings.analysis.sentiment import NEGATIVE_BELOW, POSITIVE_ABOVE

    scores = Scores()
    analyzer = OfflineAnalyzer(weigh_signals=weigh_signals, weigh_sentiment=weigh_sentiment)
    for name, label, transcript in labeled_calls([directory]):
        scores.transcripts += 1
        if baseline:
            actions, signals, sentiment, pos, neg = _baseline(transcript, label["meeting_date"])
        else:
            result = analyzer.analyze_now(transcript, meeting_date=label["meeting_date"])
            actions = result.action_items
            signals = {(s.type, s.category, s.speaker) for s in result.signals}
            sentiment, pos, neg = result.sentiment.speakers, POSITIVE_ABOVE, NEGATIVE_BELOW
        notes = match_actions(actions, label["action_items"], scores)
        gold = {(g["type"], g["category"], g["speaker"]) for g in label["signals"]}
        scores.signal_tp += len(gold & signals)
        scores.signal_fp += len(signals - gold)
        scores.signal_fn += len(gold - signals)
        notes += [f"extra signal {s}" for s in signals - gold] + [f"miss  signal {s}" for s in gold - signals]
        for speaker, expected in label["sentiment"].items():
            got = _polarity(sentiment.get(speaker, 0.0), pos, neg)
            scores.sentiment_n += 1
            scores.sentiment_ok += got == expected
            if got != expected:
                notes.append(
                    f"sentiment {speaker}: {got} ({sentiment.get(speaker, 0.0):+.2f}), label {expected}"
                )
        if verbose and notes:
            print(f"  {name}:")
            for note in notes:
                print(f"    {note}")
    return scores


def _baseline(transcript, meeting_date):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from meetings.analysis.dates import find_due

    vader = SentimentIntensityAnalyzer()
    actions, signals, totals = [], set(), {}
    for s in sentences_of(transcript):
        match = re.search(r"\b(?:I'll|I will|we'll|we will)\s+(.+)", s.text, re.I)
        if match:
            due = find_due(match.group(1), meeting_date)
            actions.append(ActionItem(owner=s.speaker, text=match.group(1), due=due.due if due else None))
        for category, _ in categories_in(s.text):
            signals.add((CATEGORY_TYPE[category], category, s.speaker))
        totals.setdefault(s.speaker, []).append(vader.polarity_scores(s.text)["compound"])
    sentiment = {k: sum(v) / len(v) for k, v in totals.items()}
    return actions, signals, sentiment, 0.05, -0.05


def report(title: str, scores: Scores) -> None:
    ap, ar, af = scores.actions
    sp, sr, sf = scores.signals
    print(
        f"{title:<28} {scores.transcripts:>3} calls | actions P {ap:.2f} R {ar:.2f} F1 {af:.2f} | "
        f"due {scores.due_accuracy:.2f} | signals P {sp:.2f} R {sr:.2f} F1 {sf:.2f} | "
        f"sentiment {scores.sentiment_accuracy:.2f} ({scores.sentiment_ok}/{scores.sentiment_n})"
    )


def main() -> None:
    verbose = "-v" in sys.argv
    sets = [("tuning set", TUNING)] + [
        (f"held-out {n}{' (seen)' if n in SEEN else ' (blind)' if n == 6 else ''}", heldout(n))
        for n in heldout_numbers()
    ]
    pooled, pooled_baseline = Scores(), Scores()
    for title, directory in sets:
        if not (directory / "labels.yml").exists():
            print(f"{title}: no labels at {directory}")
            continue
        if verbose:
            print(f"{title} errors:")
        scores, baseline = evaluate(directory, verbose=verbose), evaluate(directory, baseline=True)
        report(f"{title}: offline analyser", scores)
        report(f"{title}: naive baseline", baseline)
        if directory != TUNING:
            pooled, pooled_baseline = pooled + scores, pooled_baseline + baseline
    report("all held-out sets: offline analyser", pooled)
    report("all held-out sets: naive baseline", pooled_baseline)
    # The training calls: their action items were never tuned on before their first run (docs); their
    # signals and sentiment are training data, so only the action figures say anything.
    for title, root in (("training calls (actions only)", TRAINING), ("actions-only calls", ACTIONS_ONLY)):
        scores, baseline = Scores(), Scores()
        for directory in sorted(p.parent for p in root.glob("*/labels.yml")):
            scores = scores + evaluate(directory, verbose=verbose)
            baseline = baseline + evaluate(directory, baseline=True)
        report(title, scores)
        report(f"{title.split(' (')[0]}: naive baseline", baseline)


if __name__ == "__main__":
    main()
