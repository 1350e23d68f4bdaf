"""The whole call's weighing of the signals: the trees as shipped, their export, and what they change."""

import json
import random

import pytest
import yaml

from bench.meeting_accuracy import heldout
from meetings.analysis import OfflineAnalyzer
from meetings.analysis import signal_weighing as weighing
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


def test_a_call_weighed_whole_gains_the_signal_its_sentences_hinted_and_loses_a_stray_one():
    # Held-out set 22 (labeled by a separate author): the production manager's "I'd like a quote on it." after
    # the imposition module she'd spend more on (too short for the sentence rules: an upsell), and her words
    # of praise and the prepress lead's expansion, which the labels do not give, are weighed out. (Sets
    # 169-258 in the training data made this set 43's feature request, "It'd be huge for us."; with sets
    # 259-282 the trees weigh that one at under 0.40 and this one back over it.)
    name = "print_shop_renewal.vtt"
    labels = yaml.safe_load((heldout(22) / "labels.yml").read_text())[name]
    transcript = parse_transcript((heldout(22) / name).read_text(), filename=name)
    meeting_date = labels["meeting_date"]
    said = OfflineAnalyzer(weigh_signals=False).analyze_now(transcript, meeting_date=meeting_date).signals
    weighed = OfflineAnalyzer().analyze_now(transcript, meeting_date=meeting_date).signals
    assert said == detect_signals(sentences_of(transcript), vendor_side(transcript))
    pairs = lambda signals: {(s.category, s.speaker) for s in signals}  # noqa: E731
    labeled = {(g["category"], g["speaker"]) for g in labels["signals"]}
    assert pairs(weighed) - pairs(said) == {("upsell", "Ellie Nakamura")}
    assert {("praise", "Ellie Nakamura"), ("expansion", "Samir Haddad")} <= pairs(said) - pairs(weighed)
    assert len(pairs(weighed) & labeled) > len(pairs(said) & labeled)
    added = next(s for s in weighed if s.category == "upsell")
    assert (added.type, added.quote, added.timestamp) == (
        "opportunity",
        "I'd like a quote on it.",
        "00:02:56",
    )
    by_pair = {(s.category, s.speaker): s for s in said}
    for signal in weighed:  # what the sentence rules found keeps its quote and time, in the order said
        assert by_pair.get((signal.category, signal.speaker), added) == signal
    assert [s.timestamp for s in weighed] == sorted(s.timestamp for s in weighed)


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
