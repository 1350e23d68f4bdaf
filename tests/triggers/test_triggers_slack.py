"""Triggers in Slack: demo data + a sweep alert the right CSMs once, with buttons that work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from store.demo import CSMS
from store.models import Customer, PlaybookExecution, TriggerFiring, TriggerRule
from tests.bot.conftest import assert_valid_blocks, reply_blocks


def alert_posts(slack) -> list[dict]:
    return [c for c in slack.calls_to("chat.postMessage") if "trigger_alert_" in str(c.get("blocks"))]


def blocks_of(call: dict) -> list[dict]:
    import json

    blocks = call.get("blocks")
    return json.loads(blocks) if isinstance(blocks, str) else blocks


async def test_demo_sweep_alerts_each_csm_once_per_cause(slack_app):
    services = slack_app.runtime.services
    fired = await services.triggers.sweep()
    posts = alert_posts(slack_app.slack)
    assert len(posts) == len(fired) > 0
    async with services.db.session() as s:
        owners = dict((await s.execute(select(Customer.name, Customer.csm_slack_id))).all())
    by_customer = {f.alert.customer_name: f for f in fired}
    for scenario in (
        "Initech",
        "Umbrella Corp",
        "Hooli",
        "Stark Industries",
        "Wayne Enterprises",
        "Wonka Industries",
        "Tyrell Corp",
    ):
        assert scenario in by_customer, scenario
    # no_login alerts exactly the customers silent for 14 days or more (by the data, not the scenario names).
    async with services.db.session() as s:
        silent = set(
            (
                await s.execute(
                    select(Customer.name).where(
                        Customer.last_login_at <= datetime.now(UTC) - timedelta(days=14)
                    )
                )
            ).scalars()
        )
    assert {f.alert.customer_name for f in fired if f.alert.trigger_type == "no_login"} == silent
    for post in posts:
        blocks = blocks_of(post)
        assert_valid_blocks(blocks)
        name = next(n for n in owners if f"*{n}*" in str(blocks))
        dm = slack_app.slack.channels.get(post["channel"])
        recipient = dm.user if dm is not None and dm.is_im else post["channel"]
        assert recipient == owners[name]  # a DM to the customer's CSM
        assert recipient in {c.slack_id for c in CSMS}
    # The same causes never alert again.
    assert await services.triggers.sweep() == []
    assert len(alert_posts(slack_app.slack)) == len(posts)
    statuses = {f.alert.firing_id: None for f in fired}
    async with services.db.session() as s:
        rows = (await s.execute(select(TriggerFiring.id, TriggerFiring.status))).all()
    assert {fid for fid, status in rows if status == "actioned"} == set(statuses)


async def test_alert_buttons_snooze_and_start_the_playbook(slack_app):
    services = slack_app.runtime.services
    fired = await services.triggers.sweep()
    alert = next(f.alert for f in fired if f.alert.playbook == "risk-mitigation")
    user = alert.csm_slack_id
    resp, replies = await slack_app.click("trigger_start_playbook", str(alert.firing_id), user=user)
    assert resp.status == 200
    assert replies[-1]["text"] == f"Started the risk-mitigation playbook for {alert.customer_name}."
    async with services.db.session() as s:
        executions = (
            (
                await s.execute(
                    select(PlaybookExecution).where(PlaybookExecution.customer_id == alert.customer_id)
                )
            )
            .scalars()
            .all()
        )
    assert len(executions) == 1
    _, replies = await slack_app.click("trigger_snooze", str(alert.firing_id), user=user)
    assert replies[-1]["text"].startswith(
        f"Snoozed: no more “{alert.rule_name}” alerts for {alert.customer_name} until"
    )
    async with services.db.session() as s:
        firing = await s.get(TriggerFiring, alert.firing_id)
    assert firing.status == "snoozed" and firing.snoozed_until is not None
    _, replies = await slack_app.click("trigger_snooze", "999999", user=user)
    assert replies[-1]["text"] == "That alert no longer exists."


async def test_csm_triggers_lists_rules_and_toggles_them(slack_app):
    services = slack_app.runtime.services
    _, replies = await slack_app.command("triggers")
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    text = str(blocks)
    assert "No login for 14 days" in text and "Renewal in 90, 60, 30 and 7 days" in text
    assert text.count("'Disable'") == 8
    async with services.db.session() as s:
        rule = (await s.execute(select(TriggerRule).where(TriggerRule.slug == "no-login-14"))).scalar_one()
    _, replies = await slack_app.click("trigger_toggle", f"{rule.id}:off")
    assert replies[-1]["text"] == "No login for 14 days is off."
    assert_valid_blocks(reply_blocks(replies[-1]))
    after = str(reply_blocks(replies[-1]))
    # Rules other engines install (skills' event triggers) may be listed, disabled, too.
    assert after.count("'Enable'") == text.count("'Enable'") + 1
    assert after.count("'Disable'") == 7
    fired = await services.triggers.sweep()
    assert "no_login" not in {f.alert.trigger_type for f in fired}


async def test_customer_snapshot_and_home_show_recent_alerts(slack_app):
    services = slack_app.runtime.services
    await services.triggers.sweep()
    # Initech logs in again: newer data than its outside health score, so our model scores it.
    event = {
        "type": "login",
        "customer": "initech.com",
        "occurred_at": datetime.now(UTC).isoformat(),
        "data": {},
    }
    resp = await slack_app.client.post(
        "/api/events", json=event, headers={"Authorization": "Bearer test-api-token"}
    )
    assert resp.status == 202
    await services.tasks.drain()
    async with services.db.session() as s:
        initech = (await s.execute(select(Customer).where(Customer.name == "Initech"))).scalar_one()
    assert initech.health_source == "computed"
    _, replies = await slack_app.command("customer Initech")
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    text = str(blocks)
    assert "Recent alerts" in text and "no login for" in text
    assert "What drives the health score" in text
    await slack_app.event({"type": "app_home_opened", "user": "U0CSMDANA", "tab": "home"})
    view = slack_app.slack.calls_to("views.publish")[-1]["view"]
    assert "Recent alerts" in str(view) and "On your customers" in str(view)
