"""The whole life of every template on a controllable clock, through the real registry and its approvals."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from playbook_helpers import WORLD_TOOLS, at
from sqlalchemy import func, select

from store.models import Activity, Approval, Task

START = date(2026, 11, 25)
SLUGS = [
    "renewal-90-day",
    "risk-mitigation",
    "expansion-opportunity",
    "onboarding-30-60-90",
    "qbr-preparation",
    "executive-sponsor-change",
    "churn-save",
    "support-escalation-recovery",
]


@pytest.mark.parametrize("slug", SLUGS)
async def test_whole_life_of_a_template(slug, db, executor, registry, acme, world, progress):
    if slug not in SLUGS[:5] and db.dialect == "postgresql":
        pytest.skip("the three extra templates run on SQLite only; the engine is the same")
    clock = {"now": at(START)}
    executor.clock = lambda: clock["now"]
    view = await executor.start(slug, "Acme Corp", started_by="UCSM")
    assert view.status == "active" and not view.overdue
    finished: set[int] = {a.run_id for a in view.actions if a.status != "pending"}
    approvals = 0
    for day in sorted({a.due_date for a in view.actions}):
        if day > START:
            clock["now"] = at(day - timedelta(days=1), 18)
            await executor.advance()
            before = await executor.get(view.id)
            assert {a.run_id for a in before.actions if a.status != "pending"} == finished, "ran early"
        clock["now"] = at(day)
        await executor.advance()
        clock["now"] = at(day, 17)
        await executor.advance()  # a second tick the same day repeats nothing
        current = await executor.get(view.id)
        due = {a.run_id for a in current.actions if a.due_date == day}
        assert {a.run_id for a in current.actions if a.status != "pending"} == finished | due
        for action in current.actions:
            if action.status == "awaiting_approval":
                assert action.requires_approval
                decision = await registry.approvals.decide(action.approval_id, "UCSM", True)
                assert decision.ok, decision.message
                approvals += 1
        current = await executor.get(view.id)
        for action in current.actions:
            if action.due_date == day:
                assert action.status == "completed", (action.name, action.status, action.error)
        finished |= due

    final = await executor.get(view.id)
    assert final.status == "completed"
    assert all(stage.status == "completed" for stage in final.stages)
    expected = Counter(a.tool for a in final.actions)
    for name, _ in WORLD_TOOLS:
        assert world.count(name) == expected[name], name
    assert approvals == sum(1 for a in final.actions if a.requires_approval)
    async with db.session() as s:
        tasks = (await s.execute(select(func.count()).select_from(Task))).scalar_one()
        logged = (
            await s.execute(select(func.count()).select_from(Activity).where(Activity.kind != "task_created"))
        ).scalar_one()
        approval_refs = (await s.execute(select(Approval.caller_ref))).scalars().all()
    assert tasks == expected["tasks.create"]
    assert logged == expected["activities.log"]
    assert len(approval_refs) == approvals and all(r.startswith("playbook_action:") for r in approval_refs)
    assert progress[0].kind == "started" and progress[-1].kind == "completed"
    assert {p.channel for p in progress} == {"C_ACME"}
    assert final.thread_ts == "1764000000.000100"


async def test_renewal_dates_and_rendered_parameters(executor, acme, world, db):
    view = await executor.start("renewal-90-day", "acme.com", started_by="UCSM", now=at(START))
    assert view.anchor_date == date(2027, 3, 1)
    assert [s.date for s in view.stages] == [
        date(2026, 12, 1),
        date(2026, 12, 31),
        date(2027, 1, 30),
        date(2027, 2, 22),
        date(2027, 3, 1),
    ]
    assert all(s.status == "pending" for s in view.stages)
    assert await executor.advance(at(date(2026, 11, 30))) == 0
    assert await executor.advance(at(date(2026, 12, 1))) == 3
    async with db.session() as s:
        task = (await s.execute(select(Task))).scalar_one()
    assert task.title == "Renewal risk review for Acme Corp (renews March 1, 2027)"
    assert (
        task.due_date == date(2026, 12, 1) and task.customer_id == acme.id and task.owner_slack_id == "UCSM"
    )
    assert task.source == "playbook" and task.source_ref.startswith("playbook_action:")
    assert "Health 55, ARR $120,000" in task.notes
    [(name, doc)] = world.calls
    assert name == "docs.create_from_template" and doc["title"] == "Renewal brief: Acme Corp (2027-03-01)"
    assert doc["template_id"] == "drive-file-renewal-brief-doc"
    after = await executor.get(view.id)
    assert after.stages[0].status == "completed" and after.current_stage == 1

    await executor.advance(at(date(2026, 12, 31)))
    after = await executor.get(view.id)
    invite = next(a for a in after.actions if a.id == "sponsor-check-in")
    assert invite.status == "awaiting_approval" and invite.approval_id
    assert after.stages[1].status == "awaiting_approval"
    assert after.next_action.run_id == invite.run_id
    async with db.session() as s:
        approval = await s.get(Approval, invite.approval_id)
    assert approval.input["attendees"] == ["raj@acme.com"]  # the VP is the executive sponsor
    assert approval.input["start"] == "2026-12-31T16:00:00Z"
    assert "Renewal (90 days) playbook asks" in approval.preview["reason"]
    draft = next(inp for name, inp in world.calls if name == "gmail.draft_email")
    assert draft["to"] == ["dana@acme.com"] and "Hi Dana Lee" in draft["body"]
