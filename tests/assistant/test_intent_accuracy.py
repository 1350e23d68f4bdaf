"""The offline intent router on the labeled set: an accuracy floor, and the set is honest."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.intents import IntentRouter, load_specs
from assistant.slots import KnownCustomer, tokenize
from bench.intent_accuracy import evaluate, load_labeled

DATA = Path(__file__).resolve().parents[1] / "data"


def test_labeled_sets_are_large_and_distinct_from_training() -> None:
    rows = load_labeled()
    fresh = load_labeled("intents_fresh.jsonl")
    assert len(rows) >= 100
    training = {" ".join(tokenize(e)) for spec in load_specs().values() for e in spec.examples}
    overlap = [r["text"] for r in rows + fresh if " ".join(tokenize(r["text"])) in training]
    assert overlap == []
    assert {r["intent"] for r in rows} == {r["intent"] for r in fresh} == set(load_specs())


def test_accuracy_floor_and_above_baseline() -> None:
    result = evaluate()
    assert result["accuracy"] >= 0.90, result["errors"]
    assert result["accuracy"] > result["baseline_accuracy"] + 0.5
    assert result["slot_accuracy"] >= 0.90
    assert evaluate(name="intents_fresh.jsonl")["accuracy"] >= 0.90


def test_slots_customers_days_playbooks_recipients() -> None:
    router = IntentRouter()
    names = json.loads((DATA / "intents_customers.json").read_text())
    matcher = router.matcher([KnownCustomer(id=i, name=n) for i, n in enumerate(names, 1)])
    m = router.classify("renewals in the next three weeks", matcher)
    assert (m.intent, m.slots.days) == ("renewals", 21)
    m = router.classify("kick off the upsell playbook for globx", matcher)
    assert (m.intent, m.slots.customer, m.slots.playbook) == (
        "start_playbook",
        "Globex",
        "expansion-opportunity",
    )
    m = router.classify("draft an email to jo@globex.com about the qbr", matcher)
    assert (m.intent, m.slots.recipient) == ("draft_email", "jo@globex.com")
    m = router.classify("which accounts have health below 40", matcher)
    assert (m.intent, m.slots.below) == ("at_risk", 40)


def test_ambiguous_customer_name_gives_candidates() -> None:
    router = IntentRouter()
    matcher = router.matcher([KnownCustomer(1, "Acme Corp"), KnownCustomer(2, "Acme Labs")])
    m = router.classify("how is acme doing", matcher)
    assert m.slots.customer is None
    assert sorted(m.slots.customer_candidates) == ["Acme Corp", "Acme Labs"]


def test_gibberish_is_unknown() -> None:
    assert IntentRouter().classify("blorp zzzt").intent == "unknown"
