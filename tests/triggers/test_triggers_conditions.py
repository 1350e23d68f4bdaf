"""Each trigger type fires on crafted data and stays silent on the near miss next to it."""

from __future__ import annotations

from datetime import timedelta

from store.models import (
    Contact,
    ContractMilestone,
    CustomerEvent,
    HealthScore,
    Invoice,
    MeetingAnalysis,
    NpsResponse,
    Ticket,
    UsageMetric,
)
from tests.triggers.conftest import NOW, add, add_customer, add_rule
from triggers.engine import TriggerEngine

D = timedelta(days=1)


async def fired_names(db, now=NOW) -> list[str]:
    engine = TriggerEngine(db)
    return sorted(f.alert.customer_name for f in await engine.sweep(now, run_actions=False))


async def test_no_login_14_days_fires_13_does_not(db):
    await add_customer(db, name="Fourteen", last_login_at=NOW - 14 * D)
    await add_customer(db, name="Thirteen", last_login_at=NOW - 13 * D - timedelta(hours=23))
    await add_customer(db, name="Never")  # no login feed: not alerted
    await add_rule(db, "no_login", {"days": 14})
    assert await fired_names(db) == ["Fourteen"]


async def test_health_drop_15_fires_14_does_not(db):
    a = await add_customer(db, name="Fifteen", health_score=60)
    b = await add_customer(db, name="Fourteen", health_score=61)
    c = await add_customer(db, name="OldPeak", health_score=40)
    await add(
        db,
        HealthScore(customer_id=a, score=75, band="healthy", source="computed", recorded_at=NOW - 29 * D),
        HealthScore(customer_id=b, score=75, band="healthy", source="computed", recorded_at=NOW - 29 * D),
        HealthScore(customer_id=c, score=90, band="healthy", source="computed", recorded_at=NOW - 31 * D),
        HealthScore(customer_id=c, score=50, band="at risk", source="computed", recorded_at=NOW - 20 * D),
    )
    await add_rule(db, "health_score_drop", {"drop": 15, "within_days": 30})
    assert await fired_names(db) == ["Fifteen"]


async def test_health_below(db):
    a = await add_customer(db, name="Below", health_score=39)
    await add_customer(db, name="AtLine", health_score=40)
    await add(db, HealthScore(customer_id=a, score=55, band="at risk", recorded_at=NOW - 3 * D))
    await add_rule(db, "health_score_drop", {"below": 40})
    engine = TriggerEngine(db)
    fired = await engine.sweep(NOW, run_actions=False)
    assert [f.alert.customer_name for f in fired] == ["Below"]
    assert "39" in fired[0].alert.what and "below 40" in fired[0].alert.what


async def test_ticket_escalated_and_priority(db):
    a = await add_customer(db, name="Escalated")
    b = await add_customer(db, name="Calm")
    c = await add_customer(db, name="ClosedEscalation")
    d = await add_customer(db, name="LowPriority")
    t = {"opened_at": NOW - D, "updated_at": NOW}
    await add(
        db,
        Ticket(customer_id=a, external_id="T-1", priority="high", escalated=True, **t),
        Ticket(customer_id=b, external_id="T-2", priority="high", escalated=False, **t),
        Ticket(customer_id=c, external_id="T-3", priority="high", escalated=True, status="closed", **t),
        Ticket(customer_id=d, external_id="T-4", priority="low", escalated=True, **t),
    )
    await add_rule(db, "ticket_escalated", {"priority": "high"})
    assert await fired_names(db) == ["Escalated"]


async def test_ticket_created_recent_only(db):
    a = await add_customer(db, name="New")
    b = await add_customer(db, name="Old")
    await add(
        db,
        Ticket(customer_id=a, external_id="N-1", opened_at=NOW - 7 * D, updated_at=NOW),
        Ticket(
            customer_id=b, external_id="O-1", opened_at=NOW - 7 * D - timedelta(minutes=1), updated_at=NOW
        ),
    )
    await add_rule(db, "ticket_created")
    assert await fired_names(db) == ["New"]


async def test_renewal_marks_fire_the_tightest_mark_once(db):
    today = NOW.date()
    await add_customer(db, name="Ninety", renewal_date=today + 90 * D)
    await add_customer(db, name="NinetyOne", renewal_date=today + 91 * D)
    await add_customer(db, name="FortyFive", renewal_date=today + 45 * D)
    await add_customer(db, name="Past", renewal_date=today - D)
    await add_rule(db, "renewal_approaching", {"days": [90, 60, 30, 7]})
    engine = TriggerEngine(db)
    fired = await engine.sweep(NOW, run_actions=False)
    causes = sorted((f.alert.customer_name, f.alert.cause) for f in fired)
    assert causes == [
        ("FortyFive", f"renewal:{today + 45 * D}:60"),
        ("Ninety", f"renewal:{today + 90 * D}:90"),
    ]
    assert all(f.alert.playbook == "renewal-90-day" for f in fired)
    # 31 days later: Ninety is at 59 days and NinetyOne at 60 (60-day mark), FortyFive at 14 (30-day mark).
    later = await engine.sweep(NOW + 31 * D, run_actions=False)
    assert sorted((f.alert.customer_name, f.alert.cause.rsplit(":", 1)[1]) for f in later) == [
        ("FortyFive", "30"),
        ("Ninety", "60"),
        ("NinetyOne", "60"),
    ]
    assert await engine.sweep(NOW + 31 * D, run_actions=False) == []


async def test_nps_detractor_six_fires_seven_does_not(db):
    a = await add_customer(db, name="Six")
    b = await add_customer(db, name="Seven")
    await add(
        db,
        NpsResponse(customer_id=a, score=6, comment="slow", respondent="Dana", responded_at=NOW - D),
        NpsResponse(customer_id=b, score=7, responded_at=NOW - D),
    )
    await add_rule(db, "nps_submitted", {"max_score": 6})
    assert await fired_names(db) == ["Six"]


async def test_champion_left(db):
    a = await add_customer(db, name="Lost")
    b = await add_customer(db, name="NonChampionLeft")
    c = await add_customer(db, name="ChampionStays")
    await add(
        db,
        Contact(customer_id=a, name="Jane", is_champion=True, status="left", left_at=NOW - D),
        Contact(customer_id=b, name="Bob", is_champion=False, status="left", left_at=NOW - D),
        Contact(customer_id=c, name="Kim", is_champion=True, status="active"),
    )
    await add_rule(db, "champion_left")
    assert await fired_names(db) == ["Lost"]


async def _weeks(db, cid: int, last_week: float, this_week: float, metric: str = "events") -> None:
    rows = []
    for day in range(7):
        rows.append(
            UsageMetric(
                customer_id=cid,
                metric=metric,
                value=this_week / 7,
                occurred_at=NOW - day * D - timedelta(hours=1),
            )
        )
        rows.append(
            UsageMetric(
                customer_id=cid,
                metric=metric,
                value=last_week / 7,
                occurred_at=NOW - (day + 7) * D - timedelta(hours=1),
            )
        )
    await add(db, *rows)


async def test_usage_drop_30_fires_29_does_not(db):
    await _weeks(db, await add_customer(db, name="Thirty"), 1000, 700)
    await _weeks(db, await add_customer(db, name="TwentyNine"), 1000, 710)
    await _weeks(db, await add_customer(db, name="Spike"), 1000, 1400)
    await add_rule(db, "usage_drop", {"percent": 30})
    assert await fired_names(db) == ["Thirty"]


async def test_usage_spike_30_fires_29_does_not(db):
    await _weeks(db, await add_customer(db, name="Thirty"), 1000, 1300)
    await _weeks(db, await add_customer(db, name="TwentyNine"), 1000, 1290)
    await _weeks(db, await add_customer(db, name="NoHistory"), 0, 5000)
    await add_rule(db, "usage_spike", {"percent": 30})
    engine = TriggerEngine(db)
    fired = await engine.sweep(NOW, run_actions=False)
    assert [f.alert.customer_name for f in fired] == ["Thirty"]
    assert fired[0].alert.playbook == "expansion-opportunity"
    assert "up 30%" in fired[0].alert.what


async def test_contract_milestone(db):
    a = await add_customer(db, name="GoLive")
    b = await add_customer(db, name="Tomorrow")
    c = await add_customer(db, name="Other")
    await add(
        db,
        ContractMilestone(customer_id=a, milestone="go-live", date=NOW.date()),
        ContractMilestone(customer_id=b, milestone="go-live", date=NOW.date() + D),
        ContractMilestone(customer_id=c, milestone="kickoff", date=NOW.date()),
    )
    await add_rule(db, "contract_milestone", {"milestone": "go-live"})
    engine = TriggerEngine(db)
    fired = await engine.sweep(NOW, run_actions=False)
    assert [f.alert.customer_name for f in fired] == ["GoLive"]
    assert fired[0].alert.playbook == "onboarding-30-60-90"


async def test_meeting_ended_from_events_and_analyses_once_per_meeting(db):
    a = await add_customer(db, name="Met")
    b = await add_customer(db, name="LongAgo")
    await add(
        db,
        CustomerEvent(
            customer_id=a, type="meeting", occurred_at=NOW - timedelta(hours=1), data={"meeting_id": "m-1"}
        ),
        MeetingAnalysis(meeting_id="m-1", customer_id=a, topic="QBR", started_at=NOW - timedelta(hours=2)),
        CustomerEvent(customer_id=b, type="meeting", occurred_at=NOW - 8 * D, data={"meeting_id": "m-2"}),
    )
    await add_rule(db, "meeting_ended")
    engine = TriggerEngine(db)
    fired = await engine.sweep(NOW, run_actions=False)
    assert [(f.alert.customer_name, f.alert.cause) for f in fired] == [("Met", "meeting:m-1")]


async def test_negative_sentiment_threshold(db):
    a = await add_customer(db, name="Unhappy")
    b = await add_customer(db, name="Neutral")
    await add(
        db,
        MeetingAnalysis(meeting_id="m-1", customer_id=a, overall_sentiment=-0.3, analyzed_at=NOW - D),
        MeetingAnalysis(meeting_id="m-2", customer_id=b, overall_sentiment=-0.29, analyzed_at=NOW - D),
    )
    await add_rule(db, "negative_sentiment", {"threshold": -0.3})
    assert await fired_names(db) == ["Unhappy"]


async def test_payment_overdue_30_fires_29_does_not(db):
    a = await add_customer(db, name="Thirty")
    b = await add_customer(db, name="TwentyNine")
    c = await add_customer(db, name="Paid")
    today = NOW.date()
    await add(
        db,
        Invoice(customer_id=a, external_id="INV-1", amount=12000, due_date=today - 30 * D),
        Invoice(customer_id=b, external_id="INV-2", amount=12000, due_date=today - 29 * D),
        Invoice(customer_id=c, external_id="INV-3", amount=12000, due_date=today - 60 * D, status="paid"),
    )
    await add_rule(db, "payment_overdue", {"days": 30})
    engine = TriggerEngine(db)
    fired = await engine.sweep(NOW, run_actions=False)
    assert [f.alert.customer_name for f in fired] == ["Thirty"]
    assert "$12,000" in fired[0].alert.what and "30 days overdue" in fired[0].alert.what
