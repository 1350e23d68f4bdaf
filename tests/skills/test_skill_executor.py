"""The executor through the real registry on the demo portfolio: steps, conditions, errors, approvals."""

from __future__ import annotations

import textwrap

from sqlalchemy import func, select

from skills.parser import parse_skill
from store.models import Activity, Approval, Customer, SkillRun, Task


def skill(text: str):
    result = parse_skill(textwrap.dedent(text).lstrip("\n"), slug="test-skill")
    assert result.errors == [], result.errors
    return result.skill


async def customer(db, name: str) -> Customer:
    async with db.session() as s:
        return await s.scalar(select(Customer).where(Customer.name == name))


async def count(db, model, *where) -> int:
    async with db.session() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where))


REVIEW = """
# Review
## Steps
### 1. Snapshot
- Action: customers.get_snapshot
- Params: { customerId: "{{customer_id}}" }
### 2. Trend
- Action: health.get_trend
- Params: { customer_id: "{{customer_id}}", period: "60d" }
### 3. Low health task
- Action: tasks.create
- Condition: steps.1.output.health_score < 101 and steps.2.output.days == 60
- Params: { title: "Review {{customer_name}} at {{steps.1.output.health_score}}", due_in_days: 2 }
### 4. Never
- Action: tasks.create
- Condition: steps.1.output.health_score > 100
- Params: { title: "never" }
### 5. Log everything
- Action: activities.log
- Params: { summary: "Reviewed in {{quarter}}", kind: "review", data: "{{aggregated_data}}" }
"""


async def test_a_run_goes_through_the_registry_and_reports(engine, demo_db, reports):
    globex = await customer(demo_db, "Globex")
    report = await engine.executor.start(
        skill(REVIEW), user_id="U0CSMDANA", customer_id=globex.id, customer_name=globex.name
    )
    assert report.status == "completed"
    assert [s.status for s in report.steps] == ["completed", "completed", "completed", "skipped", "completed"]
    assert all(s.duration_ms is not None for s in report.steps if s.status == "completed")
    assert "health_score" in report.steps[0].summary
    assert reports == []  # the caller got the report; on_report is for runs nobody waits for
    async with demo_db.session() as s:
        task = await s.scalar(select(Task).where(Task.title.like("Review Globex at %")))
        activity = await s.scalar(select(Activity).where(Activity.kind == "review"))
        run = await s.get(SkillRun, report.run_id)
    assert task is not None and task.customer_id == globex.id
    # aggregated_data carried every earlier output into the last step, keyed by step id
    assert activity.customer_id == globex.id and activity.summary.startswith("Reviewed in Q")
    assert activity.data["snapshot"]["name"] == "Globex" and activity.data["trend"]["days"] == 60
    assert run.status == "completed" and run.finished_at is not None and run.skill_name == "Review"


FAILING = """
# Failing
## Steps
### 1. Missing customer
- Action: customers.get_snapshot
- Params: { customer: "No Such Company Anywhere" }
- On Error: {policy}
### 2. After
- Action: activities.log
- Params: { summary: "after the failure" }
"""


async def test_on_error_continue_abort_retry(engine, demo_db):
    acme = await customer(demo_db, "Acme Corp")
    kwargs = {"user_id": "U0CSMDANA", "customer_id": acme.id, "customer_name": acme.name}

    report = await engine.executor.start(skill(FAILING.replace("{policy}", "Continue")), **kwargs)
    assert report.status == "completed"
    assert [s.status for s in report.steps] == ["failed", "completed"]
    assert "No customer matches" in report.steps[0].error

    report = await engine.executor.start(skill(FAILING.replace("{policy}", "abort")), **kwargs)
    assert report.status == "failed" and [s.status for s in report.steps] == ["failed", "pending"]

    report = await engine.executor.start(skill(FAILING.replace("{policy}", "RETRY")), **kwargs)
    assert report.status == "failed" and report.steps[0].attempts == 4
    assert await count(demo_db, Activity, Activity.summary == "after the failure") == 1


GATED = """
# Gated
## Steps
### 1. Snapshot
- Action: customers.get_snapshot
### 2. Task after approval
- Action: tasks.create
- Params: { title: "Gated task for {{customer_name}}" }
- Requires Approval: true
### 3. Log
- Action: activities.log
- Params: { summary: "gated run done: task {{steps.2.output.id}}" }
"""


async def test_approval_pauses_durably_and_resumes_once(engine, registry, demo_db, reports):
    acme = await customer(demo_db, "Acme Corp")
    report = await engine.executor.start(
        skill(GATED), user_id="U0CSMDANA", customer_id=acme.id, customer_name=acme.name
    )
    assert report.status == "awaiting_approval"
    assert [s.status for s in report.steps] == ["completed", "awaiting_approval", "pending"]
    async with demo_db.session() as s:
        approval = await s.get(Approval, report.approval_id)
        run = await s.get(SkillRun, report.run_id)
    assert approval.caller_kind == "skill" and approval.caller_ref == f"skill_run:{report.run_id}"
    assert run.status == "awaiting_approval" and run.approval_id == approval.id
    assert await count(demo_db, Task, Task.title == "Gated task for Acme Corp") == 0

    decision = await registry.approvals.decide(approval.id, "U0CSMDANA", True)
    assert decision.ok
    again = await registry.approvals.decide(approval.id, "U0CSMDANA", True)
    assert not again.ok
    assert await count(demo_db, Task, Task.title == "Gated task for Acme Corp") == 1
    final = await engine.executor.report(report.run_id)
    assert final.status == "completed"
    assert [s.status for s in final.steps] == ["completed", "completed", "completed"]
    assert reports[-1].status == "completed" and reports[-1].run_id == report.run_id
    assert await count(demo_db, Activity, Activity.summary.like("gated run done: task %")) == 1


async def test_rejected_approval_stops_the_run(engine, registry, demo_db):
    acme = await customer(demo_db, "Acme Corp")
    report = await engine.executor.start(
        skill(GATED), user_id="U0CSMDANA", customer_id=acme.id, customer_name=acme.name
    )
    await registry.approvals.decide(report.approval_id, "U0CSMDANA", False)
    final = await engine.executor.report(report.run_id)
    assert final.status == "aborted"
    assert [s.status for s in final.steps] == ["completed", "rejected", "pending"]
    assert await count(demo_db, Task, Task.title == "Gated task for Acme Corp") == 0


async def test_a_stale_outcome_does_not_move_a_run(engine, demo_db):
    from tools.model import ApprovalOutcome

    acme = await customer(demo_db, "Acme Corp")
    report = await engine.executor.start(
        skill(GATED), user_id="U0CSMDANA", customer_id=acme.id, customer_name=acme.name
    )
    stale = ApprovalOutcome(
        approval_id=report.approval_id + 1000,
        tool_name="tasks.create",
        caller_kind="skill",
        caller_ref=f"skill_run:{report.run_id}",
        status="rejected",
        result=None,
    )
    await engine.executor.resume(stale)
    assert (await engine.executor.report(report.run_id)).status == "awaiting_approval"


RESTARTED = """
# Restarted
## Steps
### 1. Snapshot
- Action: customers.get_snapshot
### 2. {second}
- Action: {action}
- Params: {{ title: "Restart task for {{{{customer_name}}}}" }}
### 3. Log
- Action: activities.log
- Params: {{ summary: "after the restart" }}
"""


async def stopped_run(db, text: str, customer: Customer) -> int:
    """A run as a process that stopped mid-run leaves it: running, first step saved, long ago."""
    from datetime import timedelta

    from sqlalchemy import update

    from skills.runs import RunState, insert_run
    from store.base import utcnow

    state = RunState.for_skill(
        skill(text), user_id="U0CSMDANA", customer_id=customer.id, customer_name=customer.name
    )
    state.steps[0].status, state.steps[0].output, state.current_step = "completed", {"ok": True}, 1
    run_id = await insert_run(db, state)
    row = state.to_row()
    row["variables"]["__saved_at"] = (utcnow() - timedelta(hours=1)).isoformat()
    async with db.transaction() as s:
        await s.execute(update(SkillRun).where(SkillRun.id == run_id).values(variables=row["variables"]))
    return run_id


async def test_recover_continues_after_a_read_and_never_repeats_a_write(engine, demo_db, reports):
    acme = await customer(demo_db, "Acme Corp")
    reading = await stopped_run(demo_db, RESTARTED.format(second="Trend", action="health.get_trend"), acme)
    writing = await stopped_run(demo_db, RESTARTED.format(second="Task", action="tasks.create"), acme)
    fresh = await engine.executor.start(skill(GATED), user_id="U0CSMDANA", customer_id=acme.id)

    recovered = {r.run_id: r for r in await engine.executor.recover()}
    assert set(recovered) == {reading, writing}  # the paused run is not touched
    assert recovered[reading].status == "completed"
    assert [s.status for s in recovered[reading].steps] == ["completed", "completed", "completed"]
    assert recovered[writing].status == "failed"
    assert [s.status for s in recovered[writing].steps] == ["completed", "failed", "pending"]
    assert "may or may not have happened" in recovered[writing].steps[1].error
    assert await count(demo_db, Task, Task.title == "Restart task for Acme Corp") == 0
    assert {r.run_id for r in reports} == {reading, writing}
    assert await engine.executor.recover() == []  # claimed once
    assert (await engine.executor.report(fresh.run_id)).status == "awaiting_approval"
