"""Approvals, pause/resume, skip, run now, re-anchoring, past anchors, restarts and concurrent starts."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from playbook_helpers import AnyInput, at
from sqlalchemy import func, select

from playbooks.errors import AlreadyRunning, PlaybookError, UnknownCustomer, UnknownTemplate
from playbooks.executor import PlaybookExecutor
from store.models import Customer, PlaybookActionRun, PlaybookExecution, Task
from tools.base import Tool
from tools.model import ToolContext

START = date(2026, 11, 25)


def action(view, action_id):
    return next(a for a in view.actions if a.id == action_id)


async def test_a_rejected_step_is_not_done_and_the_playbook_goes_on(
    executor, registry, acme, world, progress
):
    view = await executor.start("risk-mitigation", "Acme Corp", started_by="UCSM", now=at(START))
    await executor.advance(at(START + timedelta(days=2)))
    email = action(await executor.get(view.id), "champion-email")
    assert email.status == "awaiting_approval" and world.count("gmail.send_email") == 0
    decision = await registry.approvals.decide(email.approval_id, "UCSM", False)
    assert decision.ok
    after = await executor.get(view.id)
    assert action(after, "champion-email").status == "rejected"
    assert world.count("gmail.send_email") == 0
    assert any(p.kind == "action_rejected" for p in progress)
    again = await registry.approvals.decide(email.approval_id, "UCSM", True)
    assert not again.ok and world.count("gmail.send_email") == 0


async def test_approving_twice_runs_the_step_once(executor, registry, acme, world):
    view = await executor.start("onboarding-30-60-90", "Acme Corp", started_by="UCSM", now=at(START))
    welcome = action(view, "welcome-email")
    assert welcome.status == "awaiting_approval"
    results = await asyncio.gather(
        *(registry.approvals.decide(welcome.approval_id, "UCSM", True) for _ in range(3))
    )
    assert sum(1 for r in results if r.ok) == 1
    assert world.count("gmail.send_email") == 1
    assert action(await executor.get(view.id), "welcome-email").status == "completed"


async def test_pause_holds_due_steps_and_resume_runs_them(executor, acme, world):
    view = await executor.start("risk-mitigation", "Acme Corp", started_by="UCSM", now=at(START))
    await executor.pause(view.id, by="UCSM")
    assert await executor.advance(at(START + timedelta(days=7))) == 0
    paused = await executor.get(view.id)
    assert paused.status == "paused" and action(paused, "plan-doc").status == "pending"
    with pytest.raises(PlaybookError, match="is paused, not active"):
        await executor.pause(view.id)
    resumed = await executor.resume(view.id, by="UCSM", now=at(START + timedelta(days=8)))
    assert resumed.status == "active"
    assert action(resumed, "plan-doc").status == "completed"  # 1 day late: caught up
    assert action(resumed, "champion-email").status == "overdue"  # 6 days late: the CSM decides
    assert world.count("gmail.send_email") == 0


async def test_skip_and_run_now(executor, acme, world, db):
    view = await executor.start("expansion-opportunity", "Acme Corp", started_by="UCSM", now=at(START))
    case = action(view, "case-doc")
    await executor.skip_action(action(view, "ae-task").run_id, by="UCSM", now=at(START))
    ran = await executor.run_now(case.run_id, by="UCSM", now=at(START))
    assert action(ran, "case-doc").status == "completed" and world.count("docs.create_from_template") == 1
    with pytest.raises(PlaybookError, match="completed and cannot be run again"):
        await executor.run_now(case.run_id, now=at(START))
    for day in range(1, 30):
        await executor.advance(at(START + timedelta(days=day)))
    after = await executor.get(view.id)
    assert action(after, "ae-task").status == "skipped"
    assert world.count("docs.create_from_template") == 1  # not again on its date
    async with db.session() as s:
        titles = (await s.execute(select(Task.title))).scalars().all()
    assert not any("Agree who leads" in t for t in titles)


async def test_moving_the_anchor_re_dates_open_stages_only(executor, acme):
    view = await executor.start("renewal-90-day", "Acme Corp", started_by="UCSM", now=at(START))
    await executor.advance(at(date(2026, 12, 1)))
    moved = await executor.reanchor(view.id, date(2027, 4, 1), by="UCSM", now=at(date(2026, 12, 2)))
    assert moved.anchor_date == date(2027, 4, 1)
    assert moved.stages[0].date == date(2026, 12, 1) and moved.stages[0].status == "completed"
    assert [s.date for s in moved.stages[1:]] == [
        date(2027, 1, 31),
        date(2027, 3, 2),
        date(2027, 3, 25),
        date(2027, 4, 1),
    ]
    assert action(moved, "proposal-email").due_date == date(2027, 3, 4)
    assert await executor.advance(at(date(2026, 12, 31))) == 0  # the old date no longer fires
    assert await executor.advance(at(date(2027, 1, 31))) == 3


async def test_a_past_anchor_marks_past_steps_overdue_instead_of_running_them(
    executor, acme, world, progress
):
    view = await executor.start(
        "renewal-90-day", "Acme Corp", anchor=START + timedelta(days=40), started_by="UCSM", now=at(START)
    )
    overdue = {a.id for a in view.overdue}
    assert overdue == {
        "risk-review-task",
        "renewal-brief",
        "log-start",
        "value-recap-doc",
        "champion-recap-draft",
        "sponsor-check-in",
    }
    assert view.stages[0].status == "overdue" and view.stages[2].status == "pending"
    assert world.calls == [] and "marked overdue" in progress[0].text
    assert await executor.advance(at(START)) == 0
    after = await executor.resolve_overdue(view.id, "skip", by="UCSM", now=at(START))
    assert after.stages[0].status == "skipped" and not after.overdue
    assert world.calls == []


async def test_overdue_steps_run_when_the_csm_says_so(executor, acme, world):
    view = await executor.start(
        "risk-mitigation", "Acme Corp", anchor=START - timedelta(days=3), started_by="UCSM", now=at(START)
    )
    assert {a.id for a in view.overdue} == {"diagnose-task", "flag-team", "log-risk", "champion-email"}
    after = await executor.run_now(action(view, "flag-team").run_id, by="UCSM", now=at(START))
    assert action(after, "flag-team").status == "completed" and world.count("slack.post_customer_update") == 1


async def test_unmet_entry_conditions_skip_the_stage(executor, acme, db):
    async with db.transaction() as s:
        (await s.get(Customer, acme.id)).health_score = 82
    view = await executor.start("risk-mitigation", "Acme Corp", started_by="UCSM", now=at(START))
    await executor.advance(at(START + timedelta(days=14)))
    after = await executor.get(view.id)
    escalate = next(s for s in after.stages if s.id == "escalate")
    assert (
        escalate.status == "skipped"
        and "health_score < 60.0 does not hold (health_score is 82)" in escalate.note
    )
    assert {a.status for a in escalate.actions} == {"skipped"}


async def test_a_missing_champion_fails_the_step_with_a_sentence(executor, acme, db, world):
    async with db.transaction() as s:
        s.add(Customer(name="Globex", renewal_date=date(2027, 6, 1), csm_slack_id="UCSM"))
    view = await executor.start("churn-save", "Globex", started_by="UCSM", now=at(START))
    await executor.advance(at(START + timedelta(days=1)))
    email = action(await executor.get(view.id), "save-email")
    assert email.status == "failed"
    assert email.error.startswith("Globex has no champion email, champion name yet.")
    assert world.count("gmail.send_email") == 0


async def test_unknown_template_or_customer_names_the_nearest(executor, acme):
    with pytest.raises(UnknownTemplate) as info:
        await executor.start("renewal-90", "Acme Corp", now=at(START))
    assert info.value.suggestions[0] == "renewal-90-day"
    with pytest.raises(UnknownCustomer) as info2:
        await executor.start("churn-save", "Acne Crop", now=at(START))
    assert info2.value.suggestions == ["Acme Corp"]


async def test_renewal_without_a_renewal_date_asks_for_one(executor, db):
    async with db.transaction() as s:
        s.add(Customer(name="Initech"))
    with pytest.raises(PlaybookError, match="has no renewal date"):
        await executor.start("renewal-90-day", "Initech", now=at(START))


async def test_two_concurrent_starts_make_one_execution(db, registry, acme):
    first = PlaybookExecutor(db, registry)
    second = PlaybookExecutor(db, registry)
    await first.sync()
    await second.sync()
    results = await asyncio.gather(
        first.start("qbr-preparation", "Acme Corp", started_by="U1", now=at(START)),
        second.start("qbr-preparation", "Acme Corp", started_by="U2", now=at(START)),
        return_exceptions=True,
    )
    views = [r for r in results if not isinstance(r, BaseException)]
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(views) == 1 and len(errors) == 1
    assert isinstance(errors[0], AlreadyRunning) and errors[0].execution_id == views[0].id
    assert f"#{views[0].id}" in str(errors[0])
    async with db.session() as s:
        assert (await s.execute(select(func.count()).select_from(PlaybookExecution))).scalar_one() == 1


async def test_after_cancel_a_new_one_can_start(executor, acme):
    view = await executor.start("churn-save", "Acme Corp", started_by="UCSM", now=at(START))
    cancelled = await executor.cancel(view.id, by="UCSM", now=at(START))
    assert cancelled.status == "cancelled"
    assert {a.status for a in cancelled.actions} <= {"completed", "skipped", "awaiting_approval"}
    again = await executor.start("churn-save", "Acme Corp", started_by="UCSM", now=at(START))
    assert again.id != view.id


async def test_a_restart_in_the_middle_of_a_stage_repeats_nothing(db, registry, acme, world, workspace_dir):
    entered, release = asyncio.Event(), asyncio.Event()
    calls: list[dict] = []

    async def slow_doc(inp: AnyInput, run) -> dict:
        calls.append(inp.model_dump())
        entered.set()
        await release.wait()
        return {"id": "doc"}

    registry.register(
        Tool(
            name="docs.create_from_template",
            description="slow",
            category="documents",
            input_model=AnyInput,
            handler=slow_doc,
            side_effects=True,
            timeout=60,
        ),
        replace=True,
    )
    before = PlaybookExecutor(db, registry)
    view = await before.start("renewal-90-day", "Acme Corp", started_by="UCSM", now=at(START))
    crash = asyncio.create_task(before.advance(at(date(2026, 12, 1))))
    await asyncio.wait_for(entered.wait(), 30)
    crash.cancel()  # the process dies while the document is being created
    with pytest.raises(asyncio.CancelledError):
        await crash

    after = PlaybookExecutor(db, registry)  # the restarted process
    await after.advance(at(date(2026, 12, 1)) + timedelta(minutes=10))
    view = await after.get(view.id)
    assert [a.status for a in view.stages[0].actions] == ["completed", "running", "completed"]
    await after.advance(at(date(2026, 12, 1), 10))  # past `interrupted_after`
    view = await after.get(view.id)
    doc = action(view, "renewal-brief")
    assert doc.status == "failed" and "Interrupted by a restart" in doc.error
    assert len(calls) == 1
    async with db.session() as s:
        assert (await s.execute(select(func.count()).select_from(Task))).scalar_one() == 1
        runs = (await s.execute(select(func.count()).select_from(PlaybookActionRun))).scalar_one()
    assert runs == len(view.actions)


async def test_the_playbooks_start_tool(executor, registry, acme):
    ctx = ToolContext(user_id="UCSM", caller_kind="automation")
    result = await registry.invoke(
        "playbooks.start", {"playbook": "churn-save", "customer": "Acme Corp"}, ctx
    )
    assert result.success and result.data["started"], result.error
    again = await registry.invoke("playbooks.start", {"playbook": "churn-save", "customer": "acme.com"}, ctx)
    assert again.success and again.data["already_running"]
    assert again.data["execution_id"] == result.data["execution_id"]
    assert "already running" in again.data["message"]
    bad = await registry.invoke("playbooks.start", {"playbook": "churn", "customer": "Acme Corp"}, ctx)
    assert not bad.success and "churn-save" in bad.error
    listed = await registry.invoke("playbooks.list_active", {"customer": "Acme Corp"}, ctx)
    assert listed.data["count"] == 1


async def test_a_missing_workspace_value_names_the_setting(db, registry, acme, world, monkeypatch):
    monkeypatch.delenv("CSM_PLAYBOOK_DIRS", raising=False)
    bare = PlaybookExecutor(db, registry)
    view = await bare.start("renewal-90-day", "Acme Corp", started_by="UCSM", now=at(START))
    after = await bare.run_now(action(view, "renewal-brief").run_id, by="UCSM", now=at(START))
    brief = action(after, "renewal-brief")
    assert brief.status == "failed"
    assert brief.error.startswith("This step needs `renewal_brief_doc` (Drive file id of your template")
    assert "values.yml" in brief.error and world.count("docs.create_from_template") == 0


async def test_a_renewal_playbook_follows_the_renewal_date_until_moved_by_hand(executor, acme, db, progress):
    view = await executor.start("renewal-90-day", "Acme Corp", started_by="UCSM", now=at(START))
    async with db.transaction() as s:
        (await s.get(Customer, acme.id)).renewal_date = date(2027, 3, 31)  # the contract was extended
    await executor.advance(at(START + timedelta(days=1)))
    moved = await executor.get(view.id)
    assert moved.anchor_date == date(2027, 3, 31) and moved.stages[0].date == date(2026, 12, 31)
    assert "the customer's renewal date changed" in progress[-1].text
    await executor.reanchor(view.id, date(2027, 4, 15), by="UCSM", now=at(START + timedelta(days=2)))
    async with db.transaction() as s:
        (await s.get(Customer, acme.id)).renewal_date = date(2027, 5, 1)
    await executor.advance(at(START + timedelta(days=3)))
    assert (await executor.get(view.id)).anchor_date == date(2027, 4, 15)  # the CSM's date wins


async def test_an_explicit_anchor_does_not_follow_the_renewal_date(executor, acme, db):
    view = await executor.start(
        "renewal-90-day", "Acme Corp", anchor=date(2027, 3, 10), started_by="UCSM", now=at(START)
    )
    async with db.transaction() as s:
        (await s.get(Customer, acme.id)).renewal_date = date(2027, 6, 1)
    await executor.advance(at(START + timedelta(days=1)))
    assert (await executor.get(view.id)).anchor_date == date(2027, 3, 10)


async def test_two_processes_advancing_together_run_each_step_once(db, registry, acme, world, workspace_dir):
    one, two = PlaybookExecutor(db, registry), PlaybookExecutor(db, registry)
    view = await one.start("renewal-90-day", "Acme Corp", started_by="UCSM", now=at(START))
    day = date(2026, 12, 1)
    ran = await asyncio.gather(one.advance(at(day)), two.advance(at(day)), one.advance(at(day)))
    assert sum(ran) == 3
    assert world.count("docs.create_from_template") == 1
    async with db.session() as s:
        assert (await s.execute(select(func.count()).select_from(Task))).scalar_one() == 1
    assert (await one.get(view.id)).stages[0].status == "completed"


async def test_cancelling_withdraws_the_pending_approvals(executor, registry, acme, world, db):
    from store.models import Approval

    view = await executor.start("risk-mitigation", "Acme Corp", started_by="UCSM", now=at(START))
    await executor.advance(at(START + timedelta(days=2)))
    email = action(await executor.get(view.id), "champion-email")
    assert email.status == "awaiting_approval"
    cancelled = await executor.cancel(view.id, by="UCSM", now=at(START + timedelta(days=2)))
    assert action(cancelled, "champion-email").status == "skipped"
    async with db.session() as s:
        approval = await s.get(Approval, email.approval_id)
    assert (approval.status, approval.decided_by) == ("rejected", "UCSM")
    from bot.blocks.approvals import outcome_line

    assert (
        outcome_line(approval) == ":no_entry_sign: Withdrawn: The playbook was cancelled; nothing was done."
    )
    assert [a.id for a in await registry.approvals.list_pending()] == []
    late = await registry.approvals.decide(email.approval_id, "UCSM", True)
    assert not late.ok
    assert late.message == (
        f"Approval #{email.approval_id} is no longer pending: The playbook was cancelled by <@UCSM>."
    )
    assert world.count("gmail.send_email") == 0
    assert action(await executor.get(view.id), "champion-email").status == "skipped"
