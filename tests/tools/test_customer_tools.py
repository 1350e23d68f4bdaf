"""Customer data tools against the store."""

from __future__ import annotations

from datetime import timedelta

from store.base import utcnow
from store.models import (
    Activity,
    Contact,
    Customer,
    HealthScore,
    Playbook,
    PlaybookExecution,
    Ticket,
    TriggerFiring,
    TriggerRule,
    UsageMetric,
)


async def _seed(db) -> dict[str, int]:
    now = utcnow()
    async with db.transaction() as s:
        acme = Customer(
            name="Acme Corp",
            domain="acme.com",
            external_id="A-1",
            arr=120000,
            health_score=48,
            renewal_date=(now + timedelta(days=40)).date(),
            csm_slack_id="UCSM",
            segment="Enterprise",
            last_login_at=now - timedelta(days=3),
        )
        globex = Customer(
            name="Globex",
            domain="globex.com",
            health_score=85,
            csm_slack_id="UOTHER",
            renewal_date=(now + timedelta(days=200)).date(),
        )
        s.add_all([acme, globex])
        await s.flush()
        for days_ago, score in ((60, 80), (25, 75), (10, 55), (1, 48)):
            s.add(
                HealthScore(
                    customer_id=acme.id, score=score, band="x", recorded_at=now - timedelta(days=days_ago)
                )
            )
        for day in range(14):
            value = 100 if day >= 7 else 60  # last week 100/day, this week 60/day
            s.add(
                UsageMetric(
                    customer_id=acme.id,
                    metric="active_users",
                    value=value,
                    occurred_at=now - timedelta(days=day, hours=1),
                )
            )
        s.add(
            Ticket(
                customer_id=acme.id,
                external_id="T-9",
                priority="high",
                escalated=True,
                status="open",
                opened_at=now,
                updated_at=now,
            )
        )
        s.add(Contact(customer_id=acme.id, name="Dana Lee", email="dana@acme.com", is_champion=True))
        pb = Playbook(slug="risk-mitigation", name="Risk mitigation", type="risk")
        rule = TriggerRule(slug="health-drop", name="Health drop", trigger_type="health_score_drop")
        s.add_all([pb, rule])
        await s.flush()
        s.add(
            PlaybookExecution(playbook_id=pb.id, customer_id=acme.id, anchor_date=now.date(), active_key="k")
        )
        s.add(
            TriggerFiring(
                rule_id=rule.id, customer_id=acme.id, cause="drop:2026-11", summary="Health fell 27 points"
            )
        )
        return {"acme": acme.id, "globex": globex.id}


async def test_search_filters(registry, ctx):
    await _seed(registry.db)
    low = await registry.invoke("customers.search", {"health_below": 70}, ctx)
    assert [c["name"] for c in low.data["customers"]] == ["Acme Corp"]
    mine = await registry.invoke("customers.search", {"owner": "me"}, ctx)
    assert [c["name"] for c in mine.data["customers"]] == ["Acme Corp"]
    soon = await registry.invoke("customers.search", {"renewal_within_days": 90}, ctx)
    assert [c["renewal_in_days"] for c in soon.data["customers"]] == [40]
    by_word = await registry.invoke("customers.search", {"query": "glob"}, ctx)
    assert [c["name"] for c in by_word.data["customers"]] == ["Globex"]


async def test_snapshot(registry, ctx):
    await _seed(registry.db)
    snap = (await registry.invoke("customers.get_snapshot", {"customer": "acme.com"}, ctx)).data
    assert snap["name"] == "Acme Corp" and snap["arr"] == 120000
    assert snap["health_trend"]["change"] == 48 - 75 and snap["health_trend"]["direction"] == "down"
    assert snap["open_tickets"] == 1 and snap["escalated_tickets"] == 1
    assert snap["champions"][0]["name"] == "Dana Lee"
    assert snap["active_playbooks"][0]["slug"] == "risk-mitigation"
    assert snap["recent_signals"][0]["summary"] == "Health fell 27 points"
    assert snap["days_since_login"] == 3


async def test_usage_health_and_trend(registry, ctx):
    ids = await _seed(registry.db)
    usage = (await registry.invoke("analytics.get_usage_metrics", {"customer": "A-1"}, ctx)).data
    m = usage["metrics"]["active_users"]
    assert (m["this_week"], m["last_week"], m["change_pct"]) == (420, 700, -40.0)
    score = (await registry.invoke("health.get_score", {"customer": str(ids["acme"])}, ctx)).data
    assert score["score"] == 48
    trend = (await registry.invoke("health.get_trend", {"customer": "Acme Corp", "days": 90}, ctx)).data
    assert [p["score"] for p in trend["points"]] == [80, 75, 55, 48]
    assert trend["max_drop"] == 32


async def test_customer_from_context_and_unknown_customer(registry, ctx):
    from dataclasses import replace

    ids = await _seed(registry.db)
    score = await registry.invoke("health.get_score", {}, replace(ctx, customer_id=ids["globex"]))
    assert score.data["customer"] == "Globex"
    missing = await registry.invoke("health.get_score", {}, ctx)
    assert "Say which customer" in missing.error
    typo = await registry.invoke("health.get_score", {"customer": "Acmee Corp"}, ctx)
    assert "No customer matches 'Acmee Corp'. Did you mean Acme Corp?" == typo.error


async def test_activity_log(registry, ctx):
    await _seed(registry.db)
    result = await registry.invoke(
        "activities.log", {"customer": "Acme", "summary": "Called Dana", "kind": "call"}, ctx
    )
    assert result.success and result.data["customer"] == "Acme Corp"
    async with registry.db.session() as s:
        row = await s.get(Activity, result.data["id"])
    assert row.summary == "Called Dana" and row.actor == "UCSM"
