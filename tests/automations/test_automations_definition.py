"""The definition model keeps CONTRACTS §5 exactly."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from automations.definition import AutomationDefinition

PRD = {
    "name": "Weekly low-health digest",
    "trigger": {"kind": "schedule", "cron": "0 9 * * 1", "timezone": None},
    "scope": {"customer": None, "filters": [{"field": "health_score", "op": "<", "value": 70}]},
    "actions": [{"type": "send_summary", "params": {"to": "me"}}],
    "requires_approval": False,
}


def test_contract_example_round_trips_exactly():
    assert AutomationDefinition.model_validate(PRD).to_json() == PRD


def test_rrule_schedule_has_null_cron():
    d = dict(
        PRD,
        trigger={
            "kind": "schedule",
            "cron": None,
            "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
            "timezone": "America/New_York",
        },
    )
    assert AutomationDefinition.model_validate(d).to_json()["trigger"] == d["trigger"]


@pytest.mark.parametrize(
    "trigger",
    [
        {"kind": "schedule", "cron": "0 9 * *", "timezone": None},  # four fields
        {"kind": "schedule", "cron": "0 25 * * 1", "timezone": None},
        {"kind": "schedule", "cron": "0 9 * * 1", "rrule": "FREQ=DAILY", "timezone": None},  # both
        {"kind": "schedule", "cron": "0 9 * * 1", "timezone": "Mars/Olympus"},
        {"kind": "trigger", "type": "no_login", "params": {}},  # days missing
        {"kind": "trigger", "type": "moon_full", "params": {}},
        {"kind": "once", "at": "next tuesday"},
    ],
)
def test_bad_triggers_are_refused(trigger):
    with pytest.raises(ValidationError):
        AutomationDefinition.model_validate(dict(PRD, trigger=trigger))


@pytest.mark.parametrize(
    "action",
    [
        {"type": "send_summary", "params": {"to": "Bob"}},
        {"type": "send_slack", "params": {"channel": "cs-team"}},
        {"type": "run_playbook", "params": {}},
        {"type": "order_pizza", "params": {}},
    ],
)
def test_bad_actions_are_refused(action):
    with pytest.raises(ValidationError):
        AutomationDefinition.model_validate(dict(PRD, actions=[action]))


def test_customer_facing_send_requires_approval():
    d = dict(
        PRD, actions=[{"type": "send_email", "params": {"template": "follow-up"}}], requires_approval=False
    )
    assert AutomationDefinition.model_validate(d).requires_approval is True


def test_text_filters_compare_with_equality_only_and_money_is_a_number():
    with pytest.raises(ValidationError):
        AutomationDefinition.model_validate(
            dict(PRD, scope={"customer": None, "filters": [{"field": "segment", "op": "<", "value": "smb"}]})
        )
    d = AutomationDefinition.model_validate(
        dict(PRD, scope={"customer": None, "filters": [{"field": "arr", "op": ">", "value": "100000"}]})
    )
    assert d.scope.filters[0].value == 100000


def test_json_schema_names_every_part():
    schema = str(AutomationDefinition.model_json_schema())
    for word in (
        "schedule",
        "once",
        "payment_overdue",
        "usage_change_pct",
        "log_activity",
        "requires_approval",
    ):
        assert word in schema
