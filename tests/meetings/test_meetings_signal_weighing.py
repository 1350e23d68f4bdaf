"""The whole call's weighing of the signals: the trees as shipped, their export, and what they change."""

import json
import random

import pytest
import yaml

from bench.meeting_accuracy import heldout
from meetings.analysis import OfflineAnalyzer
from meetings.analysis import signal_weighing as weighing
from meetings.analysis.models import CATEGORY_TYPE
from meetings.analysis.signals import detect_signals
from meetings.analysis.text import sentences_of, vendor_side
from meetings.transcript import parse_transcript


def _trees(**change) -> dict:
    """Two stumps and a deeper tree over the real feature names."""
    data = {
        "features": list(weighing.FEATURES),
        "baseline": -1.0,
        "trees": [
            # x[0] <= 0.5 -> leaf 1 (-0.5), else leaf 2 (+2.0)
            {"feature": [0, 0, 0], "threshold": [0.5, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
             "leaf": [False, True, True], "value": [0.0, -0.5, 2.0]},
            # x[1] <= 3.0 -> (x[2] <= -1 -> 0.25 else 0.75), else -1.0
            {"feature": [1, 2, 0, 0, 0], "threshold": [3.0, -1.0, 0, 0, 0], "left": [1, 3, 0, 0, 0],
             "right": [2, 4, 0, 0, 0], "leaf": [False, False, True, True, True], "value": [0, 0, -1.0, 0.25, 0.75]},
        ],
    }  # fmt: skip
    data.update(change)
    return data


def _sigmoid(raw: float) -> float:
    import math

    return 1 / (1 + math.exp(-raw))


def test_trees_sum_their_leaves_and_a_split_sends_equal_values_left():
    trees = weighing.Trees.model_validate(_trees())
    x = [0.0] * len(weighing.FEATURES)
    assert trees.likelihood(x) == pytest.approx(_sigmoid(-1.0 - 0.5 + 0.75))
    x[0], x[1], x[2] = 0.5, 3.0, -1.0  # equal to each threshold: left every time
    assert trees.likelihood(x) == pytest.approx(_sigmoid(-1.0 - 0.5 + 0.25))
    x[0], x[1] = 0.51, 3.01
    assert trees.likelihood(x) == pytest.approx(_sigmoid(-1.0 + 2.0 - 1.0))


def test_trees_trained_on_other_features_or_with_broken_nodes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="other features"):
        weighing.Trees.model_validate(_trees(features=list(weighing.FEATURES)[:-1]))
    broken = _trees()
    broken["trees"][0]["value"] = [0.0, 1.0]
    with pytest.raises(ValueError, match="differ in length"):
        weighing.Trees.model_validate(broken)
    path = tmp_path / "trees.json"
    path.write_text(json.dumps(_trees(features=["found"])))
    with pytest.raises(ValueError, match="other features"):
        weighing.trees(path)


def test_the_shipped_trees_load_and_weigh_every_feature_vector():
    shipped = weighing.trees()
    assert len(shipped.trees) >= 50
    assert 0.0 < shipped.likelihood([0.0] * len(weighing.FEATURES)) < 1.0


def test_the_export_gives_what_scikit_learn_predicts():
    pytest.importorskip("sklearn")
    from bench.gradient_trees import export
    from bench.signal_weighing import fit

    rng = random.Random(7)
    rows = []
    for _ in range(600):
        vector = [
            rng.choice([0.0, 1.0, 2.0]) if rng.random() < 0.3 else rng.uniform(-14, 0)
            for _ in weighing.FEATURES
        ]
        gold = (vector[0] + vector[5] > 0.5) != (rng.random() < 0.1)
        rows.append({"vector": vector, "gold": gold})
    fitted = fit(rows)
    exported = weighing.Trees.model_validate_json(export(fitted, weighing.Trees).model_dump_json())
    expected = fitted.predict_proba([r["vector"] for r in rows])[:, 1]
    assert [exported.likelihood(r["vector"]) for r in rows] == pytest.approx(list(expected), abs=1e-9)


# Held-out calls by separate authors where the weighing has gained a labeled signal the sentence rules missed:
# set 22's "I'd like a quote on it." (upsell), set 43's "It'd be huge for us." (feature request), set 54's
# "I'm going to Bristol." (champion change), set 64's and 76's yes to being a reference. Which of them the trees
# gain moves each time they are retrained with more calls (set 22's, then 43's, then 22's again, now others),
# so the case is the seven calls together, not one of them.
WEIGHED_CALLS = [
    (22, "print_shop_renewal.vtt"),
    (43, "kestrel_kickoff.vtt"),
    (50, "notchwell_verdant_expansion.vtt"),
    (54, "meridian_broadcast_champion_handover.txt"),
    (59, "northmark_storm_sync_escalation.vtt"),
    (64, "castellan_biopharma_qbr.txt"),
    (76, "westmoor_quarterly_review.vtt"),
]


def test_a_call_weighed_whole_gains_the_signal_its_sentences_hinted_and_loses_a_stray_one():
    pairs = lambda signals: {(s.category, s.speaker) for s in signals}  # noqa: E731
    right = {"said": 0, "weighed": 0}
    gained_labeled, lost_stray = [], []
    for number, name in WEIGHED_CALLS:
        labels = yaml.safe_load((heldout(number) / "labels.yml").read_text())[name]
        transcript = parse_transcript((heldout(number) / name).read_text(), filename=name)
        meeting_date = labels["meeting_date"]
        said = OfflineAnalyzer(weigh_signals=False).analyze_now(transcript, meeting_date=meeting_date).signals
        weighed = OfflineAnalyzer().analyze_now(transcript, meeting_date=meeting_date).signals
        assert said == detect_signals(sentences_of(transcript), vendor_side(transcript))
        labeled = {(g["category"], g["speaker"]) for g in labels["signals"]}
        right["said"] += len(pairs(said) & labeled)
        right["weighed"] += len(pairs(weighed) & labeled)
        gained_labeled += [(number, pair) for pair in (pairs(weighed) - pairs(said)) & labeled]
        lost_stray += [(number, pair) for pair in (pairs(said) - pairs(weighed)) - labeled]
        by_pair = {(s.category, s.speaker): s for s in said}
        for signal in weighed:
            if (signal.category, signal.speaker) in by_pair:  # what the rules found keeps its quote and time
                assert by_pair[(signal.category, signal.speaker)] == signal
            else:  # an added one quotes one of the speaker's own sentences, with its time
                assert signal.type == CATEGORY_TYPE[signal.category]
                assert any(
                    t.speaker == signal.speaker and signal.quote in t.text for t in transcript.turns
                ), signal
        assert [s.timestamp for s in weighed] == sorted(s.timestamp for s in weighed)  # in the order said
    assert right["weighed"] > right["said"]
    assert len(gained_labeled) >= 2, gained_labeled
    assert len(lost_stray) >= 4, lost_stray


SHORT_CALL = """\
[00:00:05] Dana Lee: Any issues with the platform I should know about?
[00:00:12] Raj Patel: We had an outage on Monday and we're evaluating Gainsight.
[00:00:30] Dana Lee: Would you be open to being a reference for us once this is behind us?
[00:00:36] Raj Patel: Honestly, yes, happy to.
"""


def test_a_short_call_and_a_yes_to_an_ask_keep_the_sentence_rules_signals(monkeypatch):
    transcript = parse_transcript(SHORT_CALL)
    sentences, vendor = sentences_of(transcript), vendor_side(transcript)
    said = detect_signals(sentences, vendor)
    assert {(s.category, s.speaker) for s in said} >= {("competitor", "Raj Patel"), ("advocacy", "Raj Patel")}
    assert weighing.weigh(said, sentences, vendor) == said  # too short for the trees: as said
    # Stretched past MIN_SENTENCES and weighed by trees that believe nothing, only the yes to the ask stands.
    filler = "".join(
        f"[00:{10 + i // 6:02d}:{i % 6 * 10:02d}] Raj Patel: The warehouse team logged {i} pallets on shift {i}.\n"
        for i in range(weighing.MIN_SENTENCES)
    )
    long = parse_transcript(SHORT_CALL + filler)
    sentences, vendor = sentences_of(long), vendor_side(long)
    sceptic = weighing.Trees.model_validate(_trees(baseline=-50.0))
    monkeypatch.setattr(weighing, "trees", lambda: sceptic)
    weighed = weighing.weigh(detect_signals(sentences, vendor), sentences, vendor)
    assert [(s.category, s.speaker, s.timestamp) for s in weighed] == [("advocacy", "Raj Patel", "00:00:36")]
