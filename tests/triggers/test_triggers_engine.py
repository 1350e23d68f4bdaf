"""The engine: one cause fires once, scope, cooldown, snooze, run modes, events, default rules."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from store.models import HealthScore, NpsResponse, Ticket, TriggerFiring, TriggerRule
from tests.triggers.conftest import NOW, add, add_customer, add_rule, another_handle
from triggers.engine import TriggerEngine, recent_alerts, snooze
from triggers.rules import default_rules, install_default_rules, list_rules, set_enabled

D = timedelta(days=1)


async def firing_count(db) -> int:
    async with db.session() as s:
        return (await s.execute(select(func.count(TriggerFiring.id)))).scalar_one()


async def test_two_sweeps_fire_once_and_alert_once(db, alerts):
    await add_customer(db, name="Quiet", csm_slack_id="U1", slack_channel="C1", last_login_at=NOW - 20 * D)

    async def on_alert(alert):
        alerts.append(alert)

    engine = TriggerEngine(db, on_alert=on_alert)
    await install_default_rules(db)
    first = await engine.sweep(NOW)
    second = await engine.sweep(NOW + timedelta(hours=1))
    assert len(first) == 1 and second == []
    assert len(alerts) == 1
    a = alerts[0]
    assert a.customer_name == "Quiet" and a.csm_slack_id == "U1" and a.slack_channel == "C1"
    assert a.what == "no login for 20 days (last on 2026-11-05)"
    assert a.playbook == "risk-mitigation" and a.why
    assert first[0].actions == [{"type": "alert_csm", "ok": True}]
    async with db.session() as s:
        firing = (await s.execute(select(TriggerFiring))).scalar_one()
        rule = (await s.execute(select(TriggerRule).where(TriggerRule.slug == "no-login-14"))).scalar_one()
    assert firing.status == "actioned" and firing.cause == "no_login:2026-11-05"
    assert rule.fire_count == 1 and rule.last_fired_at == NOW


async def test_two_processes_sweeping_together_fire_each_cause_once(db):
    for i in range(30):
        await add_customer(db, name=f"C{i}", last_login_at=NOW - 15 * D)
    await add_rule(db, "no_login", {"days": 14})
    other = await another_handle(db)
    try:
        results = await asyncio.gather(
            TriggerEngine(db).sweep(NOW, run_actions=False),
            TriggerEngine(other).sweep(NOW, run_actions=False),
            TriggerEngine(db).sweep(NOW, run_actions=False),
        )
    finally:
        await other.dispose()
    assert sum(len(r) for r in results) == 30
    assert len({f.alert.customer_id for r in results for f in r}) == 30
    assert await firing_count(db) == 30


async def test_new_cause_fires_again(db):
    cid = await add_customer(db, name="Acme", last_login_at=NOW - 15 * D)
    await add_rule(db, "no_login", {"days": 14})
    engine = TriggerEngine(db)
    assert len(await engine.sweep(NOW, run_actions=False)) == 1
    async with db.transaction() as s:
        from store.models import Customer

        (await s.get(Customer, cid)).last_login_at = NOW + D
    assert await engine.sweep(NOW + 10 * D, run_actions=False) == []
    assert len(await engine.sweep(NOW + 15 * D, run_actions=False)) == 1  # a new silence


async def test_scope_filters_and_named_customer(db):
    await add_customer(db, name="Big", arr=200_000, segment="Enterprise", last_login_at=NOW - 20 * D)
    await add_customer(db, name="Small", arr=10_000, segment="SMB", last_login_at=NOW - 20 * D)
    await add_customer(db, name="Mine", arr=300_000, csm_slack_id="U_OWNER", last_login_at=NOW - 20 * D)
    await add_rule(
        db,
        "no_login",
        {"days": 14},
        slug="big",
        scope={
            "filters": [
                {"field": "arr", "op": ">=", "value": 100000},
                {"field": "segment", "op": "==", "value": "enterprise"},
            ]
        },
    )
    await add_rule(db, "no_login", {"days": 14}, slug="named", scope={"customer": "small"})
    await add_rule(
        db,
        "no_login",
        {"days": 14},
        slug="mine",
        scope={"filters": [{"field": "owner", "op": "==", "value": "me"}]},
    )
    fired = await TriggerEngine(db).sweep(NOW, run_actions=False)
    assert sorted((f.alert.rule_slug, f.alert.customer_name) for f in fired) == [
        ("big", "Big"),
        ("mine", "Mine"),
        ("named", "Small"),
    ]


async def test_cooldown_keeps_one_alert_per_customer(db):
    cid = await add_customer(db, name="Noisy")
    await add(
        db,
        *[
            Ticket(customer_id=cid, external_id=f"T-{i}", escalated=True, opened_at=NOW, updated_at=NOW)
            for i in range(3)
        ],
    )
    await add_rule(db, "ticket_escalated", cooldown_minutes=60 * 24)
    engine = TriggerEngine(db)
    assert len(await engine.sweep(NOW, run_actions=False)) == 1
    assert await engine.sweep(NOW + timedelta(hours=23), run_actions=False) == []
    assert len(await engine.sweep(NOW + timedelta(hours=25), run_actions=False)) == 1


async def test_snooze_quiets_rule_for_customer(db):
    cid = await add_customer(db, name="Snoozy")
    await add(
        db,
        *[
            Ticket(customer_id=cid, external_id=f"T-{i}", escalated=True, opened_at=NOW, updated_at=NOW)
            for i in range(2)
        ],
    )
    await add_rule(db, "ticket_escalated")
    engine = TriggerEngine(db)
    async with db.transaction() as s:
        s.add(Ticket(customer_id=cid, external_id="T-x", escalated=False, opened_at=NOW, updated_at=NOW))
    first = await engine.sweep(NOW, run_actions=False)
    assert len(first) == 2
    await snooze(db, first[0].alert.firing_id, days=7, now=NOW)
    await add(db, Ticket(customer_id=cid, external_id="T-9", escalated=True, opened_at=NOW, updated_at=NOW))
    assert await engine.sweep(NOW + D, run_actions=False) == []
    assert [f.alert.cause for f in await engine.sweep(NOW + 8 * D, run_actions=False)] == ["ticket:T-9"]


async def test_event_evaluates_only_matching_rules_for_that_customer(db):
    a = await add_customer(db, name="Caller", last_login_at=NOW - 20 * D)
    await add_customer(db, name="Bystander", last_login_at=NOW - 20 * D)
    await add(db, NpsResponse(customer_id=a, score=3, responded_at=NOW))
    await add_rule(db, "nps_submitted", {"max_score": 6})
    await add_rule(db, "no_login", {"days": 14})
    engine = TriggerEngine(db)
    fired = await engine.evaluate_event(a, "nps", NOW, run_actions=False)
    assert [(f.alert.rule_slug, f.alert.customer_name) for f in fired] == [("nps-submitted", "Caller")]
    assert await engine.evaluate_event(a, "invoice", NOW) == []


async def test_single_run_mode_skips_while_running_and_leaves_cause_for_later(db):
    await add_customer(db, name="Acme", last_login_at=NOW - 20 * D)
    await add_rule(db, "no_login", {"days": 14}, run_mode="single")
    gate, started = asyncio.Event(), asyncio.Event()

    async def slow_alert(alert):
        started.set()
        await gate.wait()

    engine = TriggerEngine(db, on_alert=slow_alert)
    first = asyncio.create_task(engine.sweep(NOW))
    await started.wait()
    await add_customer(db, name="Second", last_login_at=NOW - 20 * D)
    assert await engine.sweep(NOW) == []  # the rule is still running: skipped, nothing recorded
    gate.set()
    assert len(await first) == 1
    assert [f.alert.customer_name for f in await engine.sweep(NOW)] == ["Second"]


async def test_default_rules_install_once_and_keep_a_disabled_rule_disabled(db):
    assert await install_default_rules(db) == len(default_rules()) == 8
    rules = await list_rules(db)
    assert {r.trigger_type for r in rules} == {
        "health_score_drop",
        "no_login",
        "ticket_escalated",
        "renewal_approaching",
        "nps_submitted",
        "champion_left",
        "usage_drop",
        "usage_spike",
    }
    assert all(r.enabled and r.is_default for r in rules)
    await set_enabled(db, rules[0].id, False)
    assert await install_default_rules(db) == 0
    assert not (await list_rules(db))[0].enabled


async def test_health_drop_cause_is_the_peak_and_firings_are_listed(db):
    cid = await add_customer(db, name="Slide", health_score=55)
    await add(db, HealthScore(customer_id=cid, score=80, band="healthy", recorded_at=NOW - 5 * D))
    await install_default_rules(db)
    fired = await TriggerEngine(db).sweep(NOW, run_actions=False)
    assert [f.alert.rule_slug for f in fired] == ["health-drop-15"]
    assert fired[0].alert.what == "health score fell 25 points to 55 (from 80 within 30 days)"
    listed = await recent_alerts(db, customer_id=cid)
    assert [(a["customer_name"], a["rule_name"], a["what"]) for a in listed] == [
        (
            "Slide",
            "Health score dropped 15+ points in 30 days",
            "health score fell 25 points to 55 (from 80 within 30 days)",
        )
    ]


async def test_a_broken_rule_does_not_stop_the_sweep(db):
    from sqlalchemy import update

    await add_customer(db, name="Acme", last_login_at=NOW - 20 * D)
    bad = await add_rule(db, "no_login", {"days": 14}, slug="bad")
    await add_rule(db, "no_login", {"days": 14}, slug="good")
    async with db.transaction() as s:  # "owner == me" on a rule with no owner cannot be evaluated
        await s.execute(
            update(TriggerRule)
            .where(TriggerRule.id == bad)
            .values(owner_slack_id=None, scope={"filters": [{"field": "owner", "op": "==", "value": "me"}]})
        )
    fired = await TriggerEngine(db).sweep(NOW, run_actions=False)
    assert [f.alert.rule_slug for f in fired] == ["good"]


async def test_an_alert_that_could_not_be_delivered_is_retried_once_delivered(db):
    await add_customer(db, name="Acme", last_login_at=NOW - 20 * D)
    await add_rule(db, "no_login", {"days": 14}, actions=[{"type": "log_activity"}, {"type": "alert_csm"}])
    slack_up = False
    delivered = []

    async def on_alert(alert):
        if not slack_up:
            raise ConnectionError("Slack is unreachable")
        delivered.append(alert)

    engine = TriggerEngine(db, on_alert=on_alert)
    first = await engine.sweep(NOW)
    assert [a["ok"] for a in first[0].actions] == [False, False]  # no registry for log_activity either
    slack_up = True
    assert await engine.sweep(NOW + timedelta(minutes=15)) == []  # no new cause...
    assert [a.customer_name for a in delivered] == ["Acme"]  # ...but the alert went out
    async with db.session() as s:
        firing = (await s.execute(select(TriggerFiring))).scalar_one()
    assert firing.status == "failed" and firing.details["attempts"] == 2  # log_activity still fails
    await engine.sweep(NOW + timedelta(minutes=30))
    await engine.sweep(NOW + timedelta(minutes=45))
    assert len(delivered) == 1  # a delivered alert is never repeated
    async with db.session() as s:
        firing = (await s.execute(select(TriggerFiring))).scalar_one()
    assert firing.details["attempts"] == 3 and firing.status == "failed"
