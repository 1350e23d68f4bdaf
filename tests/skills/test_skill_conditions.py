"""The condition language and `{{var}}` templating: safe, small, and exact."""

from __future__ import annotations

import pytest

from skills.expr import ConditionError, condition_paths, evaluate, parse_condition
from skills.template import lookup, render

CONTEXT = {
    "customer_name": "Acme Corp",
    "steps": {
        "1": {"output": {"health_score": 48, "champions": [{"email": "dana@acme.com"}], "tier": "Gold"}}
    },
    "score_text": "72",
    "empty": None,
}


def holds(text: str) -> bool:
    return bool(evaluate(parse_condition(text), lambda path: lookup(CONTEXT, path)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("steps.1.output.health_score < 50", True),
        ("steps.1.output.health_score >= 50", False),
        ("steps.1.output.health_score < 50 and customer_name == 'Acme Corp'", True),
        ('not (steps.1.output.health_score < 50) or customer_name != "Acme Corp"', False),
        ("score_text > 70", True),  # numeric text compares as a number
        ("steps.1.output.tier == 'gold'", True),  # text compares without case
        ("steps.1.output.champions.0.email != null", True),
        ("steps.1.output.champions.1.email != null", False),
        ("empty < 3", False),  # ordering with null is false, never an error
        ("customer_name > 3", False),
        ("{{steps.1.output.health_score}} <= 48 && !false", True),
        ("missing.path", False),
        ("true and (false or 1 == 1.0)", True),
    ],
)
def test_conditions(text, expected):
    assert holds(text) is expected


@pytest.mark.parametrize(
    "text",
    ["", "score >", "a < < b", "(a < 1", "a = 1", "__import__('os').system('x')", "a; b", "{{a"],
)
def test_bad_conditions_are_refused(text):
    with pytest.raises(ConditionError):
        parse_condition(text)


def test_condition_paths_are_collected_for_validation():
    node = parse_condition("steps.2.output.score < 70 and not customer_name == 'x' or {{quarter}}")
    assert condition_paths(node) == ["steps.2.output.score", "customer_name", "quarter"]


def test_render_keeps_types_for_a_whole_placeholder_and_interpolates_text():
    params = {
        "data": "{{steps.1.output}}",
        "title": "QBR {{customer_name}} ({{steps.1.output.health_score}})",
        "to": ["{{steps.1.output.champions.0.email}}"],
        "missing": "x{{nope}}y",
        "n": 3,
    }
    assert render(params, CONTEXT) == {
        "data": CONTEXT["steps"]["1"]["output"],
        "title": "QBR Acme Corp (48)",
        "to": ["dana@acme.com"],
        "missing": "xy",
        "n": 3,
    }
