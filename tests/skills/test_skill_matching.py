"""Phrase patterns: the best match wins; `{customer}` resolved fuzzily, with a question when unsure."""

from __future__ import annotations

import pytest

from skills.library import builtin_skills
from skills.matching import CustomerRef, match_skill, resolve_customer
from skills.parser import parse_skill
from skills.patterns import PatternError, split_pattern

CUSTOMERS = [
    CustomerRef(1, "Acme Corp", "acme.com"),
    CustomerRef(2, "Acme Labs", "acmelabs.io"),
    CustomerRef(3, "Globex", "globex.com"),
    CustomerRef(4, "Initech", "initech.com", "crm-0004"),
    CustomerRef(5, "Umbrella Health", "umbrella.health"),
]


def skills():
    return [s.skill for s in builtin_skills()]


@pytest.mark.parametrize(
    ("text", "skill_id", "customer"),
    [
        ("prepare QBR for Acme Corp", "qbr-prep", "Acme Corp"),
        ("Prepare qbr for acme.com?", "qbr-prep", "acme.com"),
        ("please QBR prep Globex", "qbr-prep", "Globex"),
        ("can you kick off renewal for Initech, thanks", "renewal-kickoff", "Initech"),
        ("risk review for Umbrella Health!", "risk-review", "Umbrella Health"),
        ("weekly digest", "weekly-digest", None),
        ("follow up on NPS for Globex", "nps-detractor-follow-up", "Globex"),
        ("follow up on the meeting with Acme Corp", "meeting-follow-up", "Acme Corp"),
    ],
)
def test_builtin_phrases(text, skill_id, customer):
    found = match_skill(text, skills())
    assert found is not None and found.skill.id == skill_id
    assert found.slots.get("customer") == customer


@pytest.mark.parametrize(
    "text", ["what is the weather", "prepare QBR", "QBR for Acme", "send a digest weekly please"]
)
def test_no_match(text):
    assert match_skill(text, skills()) is None


def test_most_specific_pattern_wins():
    general = parse_skill(
        '# A\n## Trigger\n- "review {customer}"\n## Steps\n### 1. x\n- Action: tasks.list\n', slug="a"
    )
    specific = parse_skill(
        '# B\n## Trigger\n- "review risk at {customer}"\n## Steps\n### 1. x\n- Action: tasks.list\n', slug="b"
    )
    found = match_skill("review risk at Globex", [general.skill, specific.skill])
    assert found.skill.id == "b" and found.slots == {"customer": "Globex"}
    found = match_skill("review Globex", [general.skill, specific.skill])
    assert found.skill.id == "a"


@pytest.mark.parametrize(
    ("query", "status", "name"),
    [
        ("Acme Corp", "found", "Acme Corp"),
        ("acme.com", "found", "Acme Corp"),
        ("crm-0004", "found", "Initech"),
        ("Acme Corporation", "found", "Acme Corp"),
        ("globx", "found", "Globex"),
        ("umbrella", "found", "Umbrella Health"),
        ("the Initech", "found", "Initech"),
        ("acme", "ambiguous", None),
        ("Zebra Logistics", "not_found", None),
    ],
)
def test_customer_resolution(query, status, name):
    resolution = resolve_customer(query, CUSTOMERS)
    assert resolution.status == status
    assert (resolution.customer.name if resolution.customer else None) == name


def test_ambiguous_customer_asks_with_candidates():
    resolution = resolve_customer("acme", CUSTOMERS)
    assert [c.name for c in resolution.candidates] == ["Acme Corp", "Acme Labs"]
    assert (
        resolution.question("acme")
        == 'Which customer do you mean by "acme"? It could be: Acme Corp, Acme Labs.'
    )


@pytest.mark.parametrize(
    "pattern", ["{a}{b} go", "{customer}", "go {1x}", "go {a", "go a}", "{a} go {a}", "  "]
)
def test_malformed_patterns(pattern):
    with pytest.raises(PatternError):
        split_pattern(pattern)
