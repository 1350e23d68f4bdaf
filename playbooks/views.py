"""Read models of executions: what the timeline, `/csm playbook status` and the tools show."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Customer, Playbook, PlaybookActionRun, PlaybookExecution

TERMINAL = {"completed", "skipped", "rejected"}
OPEN = {"pending", "overdue", "failed"}  # a CSM may run or skip these


class ActionView(BaseModel):
    run_id: int
    stage_index: int
    action_index: int
    id: str
    name: str
    type: str
    tool: str
    requires_approval: bool
    due_date: date | None
    status: str
    approval_id: int | None = None
    error: str | None = None
    result: Any = None
    finished_at: datetime | None = None


class StageView(BaseModel):
    index: int
    id: str
    name: str
    date: date
    status: str
    note: str | None = None
    actions: list[ActionView]


class ExecutionView(BaseModel):
    id: int
    playbook_slug: str
    playbook_name: str
    customer_id: int
    customer_name: str
    status: str
    anchor_date: date
    anchor_label: str
    started_by: str | None
    started_at: datetime
    completed_at: datetime | None
    channel: str | None
    thread_ts: str | None
    current_stage: int
    stages: list[StageView]

    @property
    def actions(self) -> list[ActionView]:
        return [a for s in self.stages for a in s.actions]

    @property
    def next_action(self) -> ActionView | None:
        """What the CSM should look at next: awaiting approval, failed or overdue first, then the earliest pending."""
        for wanted in (("awaiting_approval",), ("failed", "overdue"), ("running",), ("pending",)):
            found = [a for a in self.actions if a.status in wanted]
            if found:
                return min(found, key=lambda a: (a.due_date or date.max, a.stage_index, a.action_index))
        return None

    @property
    def overdue(self) -> list[ActionView]:
        return [a for a in self.actions if a.status == "overdue"]

    def progress(self) -> tuple[int, int]:
        done = sum(1 for a in self.actions if a.status in TERMINAL)
        return done, len(self.actions)


def stage_status(statuses: list[str], stage_date: date, today: date, skipped_note: str | None) -> str:
    if statuses and all(s in TERMINAL for s in statuses):
        return "completed" if any(s == "completed" for s in statuses) else "skipped"
    if skipped_note and all(s == "skipped" for s in statuses):
        return "skipped"
    for status in ("awaiting_approval", "running", "failed", "overdue"):
        if status in statuses:
            return "in_progress" if status == "running" else status
    if stage_date > today and all(s == "pending" or s in TERMINAL for s in statuses):
        return "pending"  # not yet due (a step skipped or run early does not start the stage)
    return "in_progress"


def build_view(
    execution: PlaybookExecution,
    playbook: Playbook,
    customer: Customer,
    runs: list[PlaybookActionRun],
    anchor_label: str = "anchor date",
) -> ExecutionView:
    by_key = {(r.stage_index, r.action_index): r for r in runs}
    stages: list[StageView] = []
    for si, stage in enumerate(execution.stage_statuses):
        actions = []
        for ai, action in enumerate(stage["actions"]):
            run = by_key.get((si, ai))
            if run is None:
                continue
            actions.append(
                ActionView(
                    run_id=run.id,
                    stage_index=si,
                    action_index=ai,
                    id=action["id"],
                    name=action["name"],
                    type=action["type"],
                    tool=action["tool"],
                    requires_approval=action.get("requires_approval", False),
                    due_date=run.due_date,
                    status=run.status,
                    approval_id=run.approval_id,
                    error=run.error,
                    result=run.result,
                    finished_at=run.finished_at,
                )
            )
        stages.append(
            StageView(
                index=si,
                id=stage["id"],
                name=stage["name"],
                date=date.fromisoformat(stage["date"]),
                status=stage.get("status", "pending"),
                note=stage.get("note"),
                actions=actions,
            )
        )
    return ExecutionView(
        id=execution.id,
        playbook_slug=playbook.slug,
        playbook_name=playbook.name,
        customer_id=customer.id,
        customer_name=customer.name,
        status=execution.status,
        anchor_date=execution.anchor_date,
        anchor_label=anchor_label,
        started_by=execution.started_by,
        started_at=execution.started_at,
        completed_at=execution.completed_at,
        channel=execution.channel,
        thread_ts=execution.thread_ts,
        current_stage=execution.current_stage,
        stages=stages,
    )


async def load_views(
    session: AsyncSession,
    *,
    execution_ids: list[int] | None = None,
    customer_id: int | None = None,
    owner: str | None = None,
    statuses: tuple[str, ...] | None = None,
    anchor_labels: dict[str, str] | None = None,
    limit: int = 50,
) -> list[ExecutionView]:
    query = (
        select(PlaybookExecution, Playbook, Customer)
        .join(Playbook, Playbook.id == PlaybookExecution.playbook_id)
        .join(Customer, Customer.id == PlaybookExecution.customer_id)
        .order_by(PlaybookExecution.id.desc())
        .limit(limit)
    )
    if execution_ids is not None:
        query = query.where(PlaybookExecution.id.in_(execution_ids))
    if customer_id is not None:
        query = query.where(PlaybookExecution.customer_id == customer_id)
    if statuses:
        query = query.where(PlaybookExecution.status.in_(statuses))
    if owner is not None:
        query = query.where(or_(Customer.csm_slack_id == owner, PlaybookExecution.started_by == owner))
    rows = (await session.execute(query)).all()
    if not rows:
        return []
    ids = [row[0].id for row in rows]
    runs = (
        (
            await session.execute(
                select(PlaybookActionRun)
                .where(PlaybookActionRun.execution_id.in_(ids))
                .order_by(PlaybookActionRun.stage_index, PlaybookActionRun.action_index)
            )
        )
        .scalars()
        .all()
    )
    by_execution: dict[int, list[PlaybookActionRun]] = {}
    for run in runs:
        by_execution.setdefault(run.execution_id, []).append(run)
    labels = anchor_labels or {}
    return [
        build_view(ex, pb, cu, by_execution.get(ex.id, []), labels.get(pb.slug, "anchor date"))
        for ex, pb, cu in rows
    ]
