"""A firing's actions run through the real tool registry (tasks, timeline, playbooks, health)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from settings import Settings
from store.models import Activity, Customer, PlaybookExecution, Task, TriggerFiring
from tests.triggers.conftest import NOW, add_customer, add_rule
from tools import build_registry
from triggers.engine import TriggerEngine
from triggers.health import HealthModel

D = timedelta(days=1)


async def test_actions_go_through_the_registry(db):
    from playbooks.executor import PlaybookExecutor

    registry = build_registry(db, Settings(_env_file=None, CSM_ENCRYPTION_KEY="0" * 43 + "="))
    playbooks = PlaybookExecutor(db, registry)
    await playbooks.sync()
    cid = await add_customer(db, name="Acme", csm_slack_id="U_CSM", last_login_at=NOW - 20 * D)
    await add_rule(
        db,
        "no_login",
        {"days": 14},
        actions=[
            {"type": "create_task", "params": {"title": "Call {customer}", "due_in_days": 2}},
            {"type": "log_activity"},
            {"type": "run_playbook", "params": {"playbook": "risk-mitigation"}},
            {"type": "update_health_score"},
            {"type": "run_skill", "params": {"skill": "nonexistent"}},
        ],
    )
    engine = TriggerEngine(db, registry, health=HealthModel(db))
    fired = await engine.sweep(NOW)
    assert len(fired) == 1
    results = {a["type"]: a for a in fired[0].actions}
    assert (
        results["create_task"]["ok"]
        and results["log_activity"]["ok"]
        and results["update_health_score"]["ok"]
    )
    assert results["run_playbook"]["ok"], results["run_playbook"]
    assert results["run_skill"] == {
        "type": "run_skill",
        "ok": False,
        "error": "the tool skills.run is not available",
    }
    async with db.session() as s:
        task = (await s.execute(select(Task))).scalar_one()
        activity = (await s.execute(select(Activity).where(Activity.kind == "trigger"))).scalar_one()
        execution = (await s.execute(select(PlaybookExecution))).scalar_one()
        firing = (await s.execute(select(TriggerFiring))).scalar_one()
        customer = await s.get(Customer, cid)
    assert (task.title, task.customer_id, task.owner_slack_id) == ("Call Acme", cid, "U_CSM")
    assert task.due_date is not None
    assert activity.summary.startswith("no_login: no login for 20 days")
    assert execution.customer_id == cid
    assert customer.health_source == "computed"
    assert firing.status == "failed"  # one action (run_skill) failed; the others ran
    assert [a["type"] for a in firing.details["actions"]] == [
        "create_task", "log_activity", "run_playbook", "update_health_score", "run_skill",
    ]  # fmt: skip


async def test_an_approval_decided_later_is_recorded_on_the_firing(db):
    from tools.model import ApprovalOutcome, ToolResult

    registry = build_registry(db, Settings(_env_file=None, CSM_ENCRYPTION_KEY="0" * 43 + "="))
    engine = TriggerEngine(db, registry)
    await add_customer(db, name="Acme", last_login_at=NOW - 20 * D)
    await add_rule(db, "no_login", {"days": 14}, actions=[{"type": "log_activity"}])
    fired = await engine.sweep(NOW)
    outcome = ApprovalOutcome(
        approval_id=7,
        tool_name="gmail.send_email",
        caller_kind="trigger",
        caller_ref=f"trigger_firing:{fired[0].firing_id}",
        status="executed",
        result=ToolResult.ok({"id": "m1"}),
        decided_by="U_CSM",
    )
    await registry.resume(outcome)
    async with db.session() as s:
        firing = await s.get(TriggerFiring, fired[0].firing_id)
    assert firing.details["approvals"] == [
        {
            "approval_id": 7,
            "tool": "gmail.send_email",
            "status": "executed",
            "decided_by": "U_CSM",
            "error": None,
        }
    ]


async def test_each_firing_of_a_batch_keeps_its_own_outcome_facts_and_approvals(db):
    """Outcomes are written per batch: each firing gets its own status and action results, keeps the
    numbers it fired with, and an approval decided while the batch was still running is not lost."""
    from tools.model import ApprovalOutcome, ToolResult

    delivered: list[str] = []
    engine: TriggerEngine

    async def on_alert(alert):
        if alert.customer_name == "Broken":
            raise RuntimeError("Slack is down")
        if alert.customer_name == "Acme":  # decided before the batch's outcomes are written
            await engine.on_approval_decided(
                ApprovalOutcome(
                    approval_id=3,
                    tool_name="gmail.send_email",
                    caller_kind="trigger",
                    caller_ref=f"trigger_firing:{alert.firing_id}",
                    status="rejected",
                    result=ToolResult.fail("rejected"),
                    decided_by="U_CSM",
                )
            )
        delivered.append(alert.customer_name)

    engine = TriggerEngine(db, on_alert=on_alert)
    ids = {
        name: await add_customer(db, name=name, csm_slack_id="U_CSM", last_login_at=NOW - days * D)
        for name, days in (("Acme", 20), ("Broken", 16), ("Globex", 30))
    }
    await add_rule(db, "no_login", {"days": 14})
    fired = await engine.sweep(NOW)
    assert sorted(delivered) == ["Acme", "Globex"] and len(fired) == 3
    async with db.session() as s:
        rows = {f.customer_id: f for f in (await s.execute(select(TriggerFiring))).scalars()}
    acme, broken, globex = (rows[ids[n]] for n in ("Acme", "Broken", "Globex"))
    assert (acme.status, broken.status, globex.status) == ("actioned", "failed", "actioned")
    assert broken.details["actions"] == [
        {"type": "alert_csm", "ok": False, "error": "alert_csm failed: Slack is down"}
    ]
    assert globex.details["actions"] == [{"type": "alert_csm", "ok": True}]
    assert globex.details["last_login_at"].startswith("2026-10-26")
    assert acme.details["approvals"][0]["status"] == "rejected"
    assert acme.details["actions"] == [{"type": "alert_csm", "ok": True}]
    assert "last_login_at" in acme.details
