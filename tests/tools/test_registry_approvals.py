"""The approval gate: durable records, exactly-once execution under concurrent clicks, resume hooks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select, update

from store.base import utcnow
from store.models import Approval, AuditLog, Customer, Task, ToolSetting
from tools.model import ApprovalOutcome


async def _gate_tasks(registry) -> None:
    """An admin sets tasks.create to always ask (the mcp_tools override)."""
    async with registry.db.transaction() as s:
        s.add(ToolSetting(name="tasks.create", enabled=True, requires_approval=True))
    registry.forget_tool_settings()


async def _tasks(db) -> list[Task]:
    async with db.session() as s:
        return list((await s.scalars(select(Task))).all())


async def test_gated_call_creates_a_durable_approval_and_calls_back(registry, ctx):
    await _gate_tasks(registry)
    posted: list[Approval] = []

    async def on_requested(approval: Approval) -> None:
        posted.append(approval)

    registry.on_approval_requested = on_requested
    result = await registry.invoke("tasks.create", {"title": "Renewal call"}, ctx)
    assert not result.success and result.requires_approval
    assert result.error.startswith(f"pending approval {result.approval_id}")
    assert await _tasks(registry.db) == []
    approval = await registry.approvals.get(result.approval_id)
    assert approval.status == "pending"
    assert approval.input["title"] == "Renewal call"
    assert approval.approvers == ["UCSM", "UBOSS"]
    assert timedelta(hours=71) < approval.expires_at - utcnow() <= timedelta(hours=72)
    assert [a.id for a in posted] == [approval.id]
    assert [a.id for a in await registry.approvals.list_pending("UBOSS")] == [approval.id]
    assert await registry.approvals.list_pending("USTRANGER") == []
    async with registry.db.session() as s:
        outcomes = (await s.scalars(select(AuditLog.outcome))).all()
    assert outcomes == ["pending_approval"]


async def test_five_concurrent_approvals_run_the_action_once(registry, ctx):
    await _gate_tasks(registry)
    outcomes: list[ApprovalOutcome] = []

    async def hook(outcome: ApprovalOutcome) -> None:
        outcomes.append(outcome)

    registry.add_resume_hook("playbook", hook)
    from dataclasses import replace

    pending = await registry.invoke(
        "tasks.create",
        {"title": "QBR deck"},
        replace(ctx, caller_kind="playbook", caller_ref="playbook_action:7"),
    )
    clickers = ["UCSM", "UBOSS", "UCSM", "UBOSS", "UCSM"]
    decisions = await asyncio.gather(
        *(registry.approvals.decide(pending.approval_id, u, True) for u in clickers)
    )
    assert sum(d.ok for d in decisions) == 1
    assert len(await _tasks(registry.db)) == 1
    losers = [d for d in decisions if not d.ok]
    assert all("already approved" in d.message for d in losers)
    approval = await registry.approvals.get(pending.approval_id)
    assert approval.status == "executed" and approval.result["success"]
    assert [(o.status, o.caller_ref) for o in outcomes] == [("executed", "playbook_action:7")]
    assert outcomes[0].result.data["title"] == "QBR deck"


async def test_non_approver_is_refused_and_nothing_changes(registry, ctx):
    await _gate_tasks(registry)
    pending = await registry.invoke("tasks.create", {"title": "x"}, ctx)
    decision = await registry.approvals.decide(pending.approval_id, "USTRANGER", True)
    assert not decision.ok
    assert "Only <@UCSM>, <@UBOSS> can decide" in decision.message
    assert (await registry.approvals.get(pending.approval_id)).status == "pending"


async def test_customer_owner_may_approve_a_system_request(registry):
    from tools.model import ToolContext

    await _gate_tasks(registry)
    async with registry.db.transaction() as s:
        c = Customer(name="Globex", domain="globex.com", csm_slack_id="UOWNER")
        s.add(c)
        await s.flush()
        cid = c.id
    pending = await registry.invoke(
        "tasks.create",
        {"title": "Save plan"},
        ToolContext(user_id="system", customer_id=cid, caller_kind="trigger"),
    )
    approval = await registry.approvals.get(pending.approval_id)
    assert approval.approvers == ["UOWNER", "UBOSS"]
    decision = await registry.approvals.decide(pending.approval_id, "UOWNER", True)
    assert decision.ok and decision.status == "executed"
    [task] = await _tasks(registry.db)
    assert task.customer_id == cid


async def test_rejection_and_second_click_say_so(registry, ctx):
    await _gate_tasks(registry)
    seen: list[str] = []

    async def hook(outcome: ApprovalOutcome) -> None:
        seen.append(outcome.status)

    registry.add_resume_hook("slack", hook)
    pending = await registry.invoke("tasks.create", {"title": "x"}, ctx)
    first = await registry.approvals.decide(pending.approval_id, "UBOSS", False)
    assert first.ok and first.status == "rejected"
    again = await registry.approvals.decide(pending.approval_id, "UCSM", True)
    assert (
        not again.ok and again.message == f"Approval #{pending.approval_id} was already rejected by <@UBOSS>."
    )
    assert await _tasks(registry.db) == []
    assert seen == ["rejected"]


async def test_expired_approval_says_so_and_resumes_the_caller(registry, ctx):
    await _gate_tasks(registry)
    seen: list[str] = []

    async def hook(outcome: ApprovalOutcome) -> None:
        seen.append(outcome.status)

    registry.add_resume_hook("slack", hook)
    pending = await registry.invoke("tasks.create", {"title": "x"}, ctx)
    async with registry.db.transaction() as s:
        await s.execute(
            update(Approval)
            .where(Approval.id == pending.approval_id)
            .values(expires_at=utcnow() - timedelta(hours=1))
        )
    decision = await registry.approvals.decide(pending.approval_id, "UCSM", True)
    assert not decision.ok and "expired on" in decision.message
    assert (await registry.approvals.get(pending.approval_id)).status == "expired"
    assert seen == ["expired"]
    assert await registry.approvals.expire_due() == []  # already expired: not twice
    assert await _tasks(registry.db) == []


async def test_expire_due_sweeps_pending_approvals(registry, ctx):
    await _gate_tasks(registry)
    pending = await registry.invoke("tasks.create", {"title": "x"}, ctx)
    async with registry.db.transaction() as s:
        await s.execute(update(Approval).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert await registry.approvals.expire_due() == [pending.approval_id]


async def test_edited_input_is_what_runs_and_bad_edits_name_the_field(registry, ctx):
    await _gate_tasks(registry)
    pending = await registry.invoke("tasks.create", {"title": "Draft title"}, ctx)
    bad = await registry.approvals.decide(pending.approval_id, "UCSM", True, edited_input={"title": ""})
    assert not bad.ok and "`title`" in bad.message
    assert (await registry.approvals.get(pending.approval_id)).status == "pending"
    good = await registry.approvals.decide(
        pending.approval_id, "UCSM", True, edited_input={"title": "Final title"}
    )
    assert good.ok
    assert [t.title for t in await _tasks(registry.db)] == ["Final title"]
    async with registry.db.session() as s:
        n = await s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.outcome == "success"))
    assert n == 1


async def test_unknown_approval(registry):
    decision = await registry.approvals.decide(424242, "UCSM", True)
    assert not decision.ok and decision.message == "There is no approval #424242."


async def test_an_approval_interrupted_mid_run_fails_and_never_runs_again(registry, ctx):
    await _gate_tasks(registry)
    seen: list[str] = []

    async def hook(outcome: ApprovalOutcome) -> None:
        seen.append(outcome.status)

    registry.add_resume_hook("slack", hook)
    pending = await registry.invoke("tasks.create", {"title": "x"}, ctx)
    async with registry.db.transaction() as s:  # claimed 20 minutes ago by a process that then died
        await s.execute(
            update(Approval)
            .where(Approval.id == pending.approval_id)
            .values(status="approved", decided_by="UCSM", decided_at=utcnow() - timedelta(minutes=20))
        )
    assert await registry.approvals.expire_due() == []
    approval = await registry.approvals.get(pending.approval_id)
    assert approval.status == "failed" and "stopped while running" in approval.error
    assert seen == ["failed"]
    again = await registry.approvals.decide(pending.approval_id, "UCSM", True)
    assert not again.ok and await _tasks(registry.db) == []


async def test_a_request_nobody_may_approve_says_so(db, settings):
    from tools import build_registry
    from tools.model import ToolContext

    registry = build_registry(db, settings.model_copy(update={"approvers": ""}))
    await _gate_tasks(registry)
    pending = await registry.invoke(
        "tasks.create", {"title": "x"}, ToolContext(user_id="system", caller_kind="trigger")
    )
    assert pending.requires_approval and "No one can approve it yet" in pending.error
