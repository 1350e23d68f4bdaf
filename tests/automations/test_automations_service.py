"""The engine end to end on a real database: preview -> save -> scheduled/fired -> trace; dry runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from automations.service import AutomationError, AutomationService
from store.models import Activity, Approval, AuditLog, Automation, AutomationRun, Task, TriggerRule
from tests.automations.conftest import NOW, OWNER
from triggers.engine import TriggerEngine
from triggers.scheduler import DurableScheduler

DIGEST = "Every Monday at 9am, send me a summary of customers with health score below 70"
NEXT_MONDAY_9 = NOW.replace(hour=9) + timedelta(days=7)  # NOW is Monday 14:00 UTC


@pytest.fixture
async def scheduler(db):
    scheduler = DurableScheduler(db, instance_id="test")
    yield scheduler
    await scheduler.stop()


@pytest.fixture
def service(db, registry, settings, scheduler):
    return AutomationService(db, registry, settings, scheduler=scheduler)


async def count(db, model) -> int:
    async with db.session() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def test_prd_digest_is_previewed_saved_scheduled_and_traced(db, service, scheduler, world, portfolio):
    preview = await service.preview(DIGEST, OWNER, now=NOW)
    assert preview.ok, preview.errors
    assert (
        preview.echo
        == "Every Monday at 09:00 UTC: send you a summary of customers with health score below 70"
    )
    assert [t.isoformat() for t in preview.next_runs][:2] == [
        "2026-11-30T09:00:00+00:00",
        "2026-12-07T09:00:00+00:00",
    ]
    row = await service.save(preview, OWNER, now=NOW)
    assert row.next_run_at == preview.next_runs[0]

    await scheduler.tick(now=NOW + timedelta(hours=1))  # before the slot: nothing
    assert world.of("slack.send_message") == []
    await scheduler.tick(now=NEXT_MONDAY_9 + timedelta(seconds=30))
    await scheduler.tick(now=NEXT_MONDAY_9 + timedelta(seconds=60))  # the slot runs once
    sent = world.of("slack.send_message")
    assert len(sent) == 1 and sent[0]["channel"] == OWNER
    assert "Acme Corp" in sent[0]["text"] and "Globex" in sent[0]["text"] and "Hooli" not in sent[0]["text"]

    traces = await service.traces(row.id)
    assert len(traces) == 1
    trace = traces[0]["trace"]
    assert {c["name"] for c in trace["customers"]} == {"Acme Corp", "Globex"}
    assert trace["actions"][0]["tool"] == "slack.send_message" and trace["actions"][0]["outcome"] == "done"
    assert trace["actions"][0]["duration_ms"] >= 0
    assert trace["inputs"]["definition"]["trigger"]["cron"] == "0 9 * * 1"
    async with db.session() as s:
        saved = await s.get(Automation, row.id)
    assert saved.run_count == 1 and saved.last_run_at is not None
    assert saved.next_run_at > NEXT_MONDAY_9


async def test_a_slot_runs_once_and_only_20_traces_are_kept(db, service, portfolio):
    row = await service.save(await service.preview(DIGEST, OWNER, now=NOW), OWNER, now=NOW)
    first = await service.run_scheduled(row.id, NEXT_MONDAY_9)
    assert first is not None and await service.run_scheduled(row.id, NEXT_MONDAY_9) is None
    for week in range(1, 23):
        await service.run_scheduled(row.id, NEXT_MONDAY_9 + timedelta(weeks=week))
    async with db.session() as s:
        kept = (
            await s.execute(select(AutomationRun.fire_time).where(AutomationRun.automation_id == row.id))
        ).all()
    assert len(kept) == 20
    assert min(t for (t,) in kept) == NEXT_MONDAY_9 + timedelta(weeks=3)


async def test_test_run_is_a_dry_run_that_shows_what_would_happen(db, service, world, portfolio):
    text = (
        "every monday at 9am, for my at-risk customers, create a task to call the champion due in 2 days, "
        "log an activity, draft a check-in email and send a renewal reminder email"
    )
    preview = await service.preview(text, OWNER, now=NOW)
    assert preview.ok, preview.errors
    assert preview.definition.requires_approval is True
    before = {m: await count(db, m) for m in (Task, Activity, Approval, AuditLog, AutomationRun, Automation)}
    trace = await service.test_run(preview.definition, OWNER, now=NOW)
    assert [c["name"] for c in trace["customers"]] == ["Acme Corp"]  # ours and below 70
    by_tool = {a["tool"]: a for a in trace["actions"]}
    assert set(by_tool) == {"tasks.create", "activities.log", "gmail.draft_email", "gmail.send_email"}
    assert all(a["outcome"] == "would" for a in trace["actions"])
    assert by_tool["tasks.create"]["input"] == {
        "title": "call the champion", "customer": "Acme Corp", "owner": OWNER, "due_in_days": 2,
    }  # fmt: skip
    assert by_tool["gmail.draft_email"]["input"]["to"] == ["dana@acme.com"]
    assert by_tool["gmail.send_email"]["result"]["requires_approval"]
    assert world.calls == []
    assert {m: await count(db, m) for m in before} == before


async def test_customer_facing_send_waits_for_approval_in_a_real_run(db, service, world, portfolio):
    preview = await service.preview(
        "every friday send a check-in email to customers with health below 60", OWNER, now=NOW
    )
    assert preview.ok, preview.errors
    row = await service.save(preview, OWNER, now=NOW)
    run = await service.run_scheduled(row.id, NOW + timedelta(days=4))
    action = run.trace["actions"][0]
    assert action["outcome"] == "awaiting_approval"
    async with db.session() as s:
        approval = await s.get(Approval, action["approval_id"])
    assert approval.tool_name == "gmail.send_email" and approval.caller_kind == "automation"
    assert world.of("gmail.send_email") == []


async def test_event_automation_becomes_a_trigger_rule_owned_by_the_user(
    db, service, registry, world, portfolio
):
    preview = await service.preview(
        "When a customer hasn't logged in for 14 days, draft a re-engagement email", OWNER, now=NOW
    )
    assert preview.next_runs == []
    trace = await service.test_run(preview.definition, OWNER, now=NOW)
    assert [c["name"] for c in trace["customers"]] == ["Acme Corp"]  # 20 days; the others logged in lately
    row = await service.save(preview, OWNER, now=NOW)
    async with db.session() as s:
        rule = await s.get(TriggerRule, row.trigger_rule_id)
    assert (rule.owner_slack_id, rule.automation_id, rule.trigger_type) == (OWNER, row.id, "no_login")
    assert rule.params == {"days": 14} and rule.enabled

    fired = await TriggerEngine(db, registry).sweep(now=NOW)
    assert [f.alert.customer_name for f in fired] == ["Acme Corp"]
    assert world.calls == []  # the rule records the cause; the automation runs the actions
    assert await service.process_firings(now=NOW) == 1
    assert await service.process_firings(now=NOW) == 0  # each firing runs once
    [draft] = world.of("gmail.draft_email")
    assert draft["to"] == ["dana@acme.com"] and draft["subject"] == "Checking in – Acme Corp"
    assert "Hi Dana," in draft["body"]
    traces = await service.traces(row.id)
    assert traces[0]["customer_id"] == portfolio["Acme Corp"].id
    [step] = traces[0]["trace"]["actions"]
    assert (step["tool"], step["outcome"]) == ("gmail.draft_email", "done")

    await service.set_status(row.id, OWNER, "pause")
    async with db.session() as s:
        assert (await s.get(TriggerRule, row.trigger_rule_id)).enabled is False


async def test_pause_resume_delete_by_the_owner_only(db, service, scheduler, portfolio):
    row = await service.save(await service.preview(DIGEST, OWNER, now=NOW), OWNER, now=NOW)
    assert f"automation:{row.id}" in scheduler.jobs
    with pytest.raises(AutomationError, match="Only the person"):
        await service.set_status(row.id, "USOMEONE", "pause")
    await service.set_status(row.id, OWNER, "pause")
    assert f"automation:{row.id}" not in scheduler.jobs
    assert await service.run_scheduled(row.id, NEXT_MONDAY_9) is None  # paused: no run
    await service.set_status(row.id, OWNER, "resume")
    assert f"automation:{row.id}" in scheduler.jobs
    await service.set_status(row.id, OWNER, "delete")
    assert await service.list(OWNER) == []
    with pytest.raises(AutomationError, match="no automation"):
        await service.set_status(row.id, OWNER, "resume")


async def test_sync_registers_automations_saved_by_another_process(
    db, registry, settings, service, portfolio
):
    row = await service.save(await service.preview(DIGEST, OWNER, now=NOW), OWNER, now=NOW)
    other = AutomationService(db, registry, settings, scheduler=DurableScheduler(db, instance_id="other"))
    await other.start()
    assert f"automation:{row.id}" in other.scheduler.jobs and "automations:sync" in other.scheduler.jobs
    await other.scheduler.stop()


async def test_preview_checks_customers_playbooks_skills_and_channels(service, portfolio):
    p = await service.preview("after every meeting with acme, create meeting notes", OWNER, now=NOW)
    assert p.ok and p.definition.scope.customer == "Acme Corp"
    p = await service.preview("after every meeting with Umbrella, create meeting notes", OWNER, now=NOW)
    assert p.errors == ["No customer matches 'Umbrella'."]
    p = await service.preview("when a champion leaves, start the save-the-day playbook", OWNER, now=NOW)
    assert "There is no playbook 'save-the-day'" in p.errors[0]
    p = await service.preview("when a champion leaves, run the qbr-prep skill", OWNER, now=NOW)
    assert p.ok, p.errors
    p = await service.preview("when a champion leaves, run the moonwalk skill", OWNER, now=NOW)
    assert "There is no skill 'moonwalk'" in p.errors[0]
    p = await service.preview("when a champion leaves, post in #nowhere", OWNER, now=NOW)
    assert p.errors == ["There is no channel #nowhere (or the app is not in it)."]
    p = await service.preview("when a champion leaves, post in #cs-team", OWNER, now=NOW)
    assert p.ok
    bad = await service.preview("after every meeting with Umbrella, create meeting notes", OWNER, now=NOW)
    with pytest.raises(AutomationError):
        await service.save(bad, OWNER)


async def test_prd_meeting_follow_up_fires_for_the_named_customer_only(
    db, service, registry, world, portfolio
):
    from store.models import CustomerEvent

    text = "After every meeting with Acme Corp, create meeting notes and send follow-up"
    preview = await service.preview(text, OWNER, now=NOW)
    assert preview.ok and preview.definition.requires_approval
    row = await service.save(preview, OWNER, now=NOW)
    async with db.transaction() as s:
        for name in ("Acme Corp", "Globex"):
            s.add(CustomerEvent(customer_id=portfolio[name].id, type="meeting", occurred_at=NOW - timedelta(hours=1),
                                data={"meeting_id": f"zoom-{name[:4]}"}))  # fmt: skip
    fired = await TriggerEngine(db, registry).sweep(now=NOW)
    assert [f.alert.customer_name for f in fired] == ["Acme Corp"]
    assert await service.process_firings(now=NOW) == 1
    async with db.session() as s:
        approvals = (await s.execute(select(Approval))).scalars().all()
    assert [a.tool_name for a in approvals] == ["gmail.send_email"]  # the follow-up waits for the CSM's click
    assert approvals[0].input["to"] == ["dana@acme.com"] and approvals[0].caller_kind == "automation"
    assert world.of("gmail.send_email") == []
    last = (await service.traces(row.id))[0]
    assert last["cause"] == "meeting:zoom-Acme"
    assert [a["type"] for a in last["trace"]["actions"]] == ["create_meeting_notes", "send_email"]


async def test_a_workspace_playbook_is_named_exactly(db, service, portfolio):
    from store.models import Playbook

    async with db.transaction() as s:
        s.add(Playbook(slug="churn-save", name="Churn save", type="risk", stages=[]))
    p = await service.preview("when a champion leaves, start the churn save playbook", OWNER, now=NOW)
    assert p.ok and p.definition.actions[0].params == {"playbook": "churn-save"}
    p = await service.preview("when a champion leaves, start the risk playbook", OWNER, now=NOW)
    assert p.definition.actions[0].params == {"playbook": "risk-mitigation"}


async def test_an_ambiguous_customer_is_asked_about(db, service, portfolio):
    async with db.transaction() as s:
        from store.models import Customer

        s.add(Customer(name="Acme Labs", domain="acmelabs.io"))
    p = await service.preview("after every meeting with acme, create meeting notes", OWNER, now=NOW)
    assert p.customer_choices == ["Acme Corp", "Acme Labs"] and not p.ok
    with pytest.raises(AutomationError, match="Which customer"):
        await service.save(p, OWNER)


async def test_the_trace_says_how_an_approval_was_decided(db, service, registry, world, portfolio):
    preview = await service.preview("every friday send a check-in email to customers with health below 60", OWNER,
                                    now=NOW)  # fmt: skip
    row = await service.save(preview, OWNER, now=NOW)
    run = await service.run_scheduled(row.id, NOW + timedelta(days=4))
    approval_id = run.trace["actions"][0]["approval_id"]
    decision = await registry.approvals.decide(approval_id, OWNER, approve=True)
    assert decision.ok, decision.message
    assert len(world.of("gmail.send_email")) == 1  # sent once, after the click
    entry = (await service.traces(row.id))[0]["trace"]["actions"][0]
    assert (entry["outcome"], entry["decided_by"]) == ("executed", OWNER)
