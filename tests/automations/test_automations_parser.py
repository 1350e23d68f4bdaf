"""The offline parser at its boundary: sentences in, definitions (or refusals naming the problem) out."""

from __future__ import annotations

import pytest

from automations.describe import echo
from automations.nl.parser import ParseRefused, parse_offline
from automations.nl.scoring import REFERENCE_NOW, evaluate, load


def parsed(text: str, **kw):
    return parse_offline(text, now=REFERENCE_NOW, **kw).definition.to_json()


def test_prd_weekly_digest():
    d = parsed("Every Monday at 9am, send me a summary of customers with health score below 70")
    assert d["trigger"] == {"kind": "schedule", "cron": "0 9 * * 1", "timezone": None}
    assert d["scope"] == {"customer": None, "filters": [{"field": "health_score", "op": "<", "value": 70}]}
    assert d["actions"] == [{"type": "send_summary", "params": {"to": "me"}}]
    assert d["requires_approval"] is False


def test_prd_re_engagement():
    d = parsed("When a customer hasn't logged in for 14 days, draft a re-engagement email")
    assert d["trigger"] == {"kind": "trigger", "type": "no_login", "params": {"days": 14}}
    assert d["actions"] == [{"type": "draft_email", "params": {"template": "re-engagement"}}]


def test_prd_meeting_follow_up_needs_approval():
    d = parsed("After every meeting with Acme Corp, create meeting notes and send follow-up")
    assert d["trigger"]["type"] == "meeting_ended"
    assert d["scope"]["customer"] == "Acme Corp"
    assert [a["type"] for a in d["actions"]] == ["create_meeting_notes", "send_email"]
    assert d["requires_approval"] is True


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        (
            "every other Friday at 4pm send me a summary",
            {
                "kind": "schedule",
                "cron": None,
                "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
                "timezone": None,
            },
        ),
        (
            "on the first business day of the month send me a summary",
            {
                "kind": "schedule",
                "cron": None,
                "rrule": "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=9;BYMINUTE=0",
                "timezone": None,
            },
        ),
        ("quarterly send me a summary", {"kind": "schedule", "cron": "0 9 1 1,4,7,10 *", "timezone": None}),
        (
            "every weekday at 5:30pm ET send me a summary",
            {"kind": "schedule", "cron": "30 17 * * 1-5", "timezone": "America/New_York"},
        ),
        (
            "every sunday at noon send me a summary",
            {"kind": "schedule", "cron": "0 12 * * 0", "timezone": None},
        ),
        (
            "daily at 17:00 Europe/Paris send me a summary",
            {"kind": "schedule", "cron": "0 17 * * *", "timezone": "Europe/Paris"},
        ),
        ("tomorrow at 3pm send me a summary", {"kind": "once", "at": "2026-11-26T15:00:00"}),
        (
            "every hour between 9am and 5pm on weekdays send me a summary",
            {"kind": "schedule", "cron": "0 9-17 * * 1-5", "timezone": None},
        ),
        (
            "every morning at 7.30 send me a summary",
            {"kind": "schedule", "cron": "30 7 * * *", "timezone": None},
        ),
        (
            "every day at 6pm Sydney time send me a summary",
            {"kind": "schedule", "cron": "0 18 * * *", "timezone": "Australia/Sydney"},
        ),
        ("on December 3rd at 2pm PT send me a summary", {"kind": "once", "at": "2026-12-03T14:00:00-08:00"}),
    ],
)
def test_schedule_forms(text, trigger):
    assert parsed(text)["trigger"] == trigger


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Every Monday at 9am", "I understood 'Every Monday at 9am' but not what to do. Try: "),
        ("every February 31st send me a summary", "February 31 is not a date"),
        ("every day at 25:00 send me a summary", "25:00 is not a time of day"),
        ("every monday at 9am send me a summary of customers with a good vibe", "but not 'good vibe'"),
        ("send me a summary of at-risk customers", "but not when to do it"),
        ("run the playbook every day", "which playbook"),
        ("hi", "could not tell when"),
        ("every monday send me customers with health below 50 or nps below 5", "combine with 'and' only"),
    ],
)
def test_refusals_name_what_was_not_understood(text, says):
    with pytest.raises(ParseRefused) as err:
        parse_offline(text, now=REFERENCE_NOW)
    assert says in str(err.value)


def test_named_customer_resolves_fuzzily_against_known_customers():
    names = ["Acme Corp", "Globex Corporation", "Initech"]
    assert (
        parsed("after every meeting with acme, create meeting notes", customer_names=names)["scope"][
            "customer"
        ]
        == "Acme Corp"
    )
    assert (
        parsed("when the champion at Globx leaves, alert me", customer_names=names)["scope"]["customer"]
        == "Globex Corporation"
    )
    # without a database the name is kept as written
    assert parsed("after every meeting with Acme, create meeting notes")["scope"]["customer"] == "Acme"


def test_several_actions_joined_by_and():
    d = parsed(
        "when a ticket is escalated, alert me, create a task to call the champion due in 2 days and post in #cs-team"
    )
    assert d["actions"] == [
        {"type": "alert_csm", "params": {}},
        {"type": "create_task", "params": {"title": "call the champion", "due_in_days": 2}},
        {"type": "send_slack", "params": {"channel": "#cs-team"}},
    ]


def test_echo_reads_like_the_prd():
    d = parse_offline(
        "Every Monday at 9am, send me a summary of customers with health score below 70"
    ).definition
    assert (
        echo(d, "UTC")
        == "Every Monday at 09:00 UTC: send you a summary of customers with health score below 70"
    )


def test_accuracy_floor_on_the_labeled_set():
    rows = load()
    assert len(rows) >= 200
    assert sum(r["expected"] is None for r in rows) >= len(rows) // 10
    report = evaluate(rows, lambda t: parse_offline(t, now=REFERENCE_NOW).definition.to_json())
    assert report.accuracy >= 0.90, report.misses[:5]
    held = evaluate(
        [r for r in rows if r["split"] == "heldout"],
        lambda t: parse_offline(t, now=REFERENCE_NOW).definition.to_json(),
    )
    assert held.n >= 40


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("every monday send me customers that are not at risk", [("health_score", ">=", 70)]),
        (
            "every monday send me customers with health above 70 but below 90",
            [("health_score", ">", 70), ("health_score", "<", 90)],
        ),
        (
            "every monday send me customers with health below 70 and more than 2 open tickets",
            [("health_score", "<", 70), ("open_tickets", ">", 2)],
        ),
        ("every day send me customers renewing in 30 days or less", [("renewal_in_days", "<=", 30)]),
        (
            "every monday send me accounts with ARR over $1.5M and nps of 9 or more",
            [("arr", ">", 1500000), ("nps", ">=", 9)],
        ),
    ],
)
def test_filters_said_in_several_ways(text, filters):
    got = [(f["field"], f["op"], f["value"]) for f in parsed(text)["scope"]["filters"]]
    assert got == filters


@pytest.mark.parametrize(
    "text",
    [
        "when a customer logs in, alert me",  # no such trigger: refused, not guessed
        "every monday send me the top 5 at-risk customers",
        "every monday at 9am don't send me a summary",
        "when health drops below 50 for two weeks, alert me",
    ],
)
def test_what_cannot_be_said_exactly_is_refused_not_guessed(text):
    with pytest.raises(ParseRefused):
        parse_offline(text, now=REFERENCE_NOW)
