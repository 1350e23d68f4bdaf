"""Work tools against `store`: tasks.create, tasks.list, activities.log."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from pydantic import Field, model_validator
from sqlalchemy import select

from store.base import utcnow
from store.models import Activity, Customer, Task
from tools.base import Tool, ToolInput, ToolRun, tool
from tools.customers import CUSTOMER_FIELD, resolve_customer

TOOLS: list[Tool] = []


def _owner(value: str | None, run: ToolRun) -> str | None:
    if value in (None, "", "me"):
        return run.ctx.user_id if run.ctx.user_id != "system" else None
    return value.strip("<@>")


def task_row(t: Task, customer_name: str | None = None) -> dict[str, Any]:
    return {
        "id": t.id,
        "title": t.title,
        "notes": t.notes,
        "customer_id": t.customer_id,
        "customer": customer_name,
        "owner": t.owner_slack_id,
        "due_date": t.due_date.isoformat() if t.due_date else None,
        "status": t.status,
        "source": t.source,
        "source_ref": t.source_ref,
    }


class CreateTaskInput(ToolInput):
    title: str = Field(min_length=1, max_length=500)
    customer: str | None = CUSTOMER_FIELD
    due_date: date | None = Field(None, description="YYYY-MM-DD")
    due_in_days: int | None = Field(None, ge=0, le=3650, description="Due this many days from today")
    notes: str | None = None
    owner: str | None = Field(None, description="'me' (default) or a Slack user id")

    @model_validator(mode="after")
    def _one_due(self) -> CreateTaskInput:
        if self.due_date is not None and self.due_in_days is not None:
            raise ValueError("give due_date or due_in_days, not both")
        return self


@tool(
    "tasks.create",
    description="Create a follow-up task, for a customer or not, with an owner and a due date.",
    category="customers",
    side_effects=True,
    preview=lambda i: {
        "title": i.title,
        "customer": i.customer,
        "due": str(i.due_date or i.due_in_days or ""),
    },
    into=TOOLS,
)
async def create_task(inp: CreateTaskInput, run: ToolRun) -> dict[str, Any]:
    due = inp.due_date or (
        utcnow().date() + timedelta(days=inp.due_in_days) if inp.due_in_days is not None else None
    )
    async with run.db.transaction() as s:
        customer = None
        if inp.customer is not None or run.ctx.customer_id is not None:
            customer = await resolve_customer(s, inp.customer, run.ctx)
        task = Task(
            title=inp.title,
            notes=inp.notes,
            customer_id=customer.id if customer else None,
            owner_slack_id=_owner(inp.owner, run),
            due_date=due,
            status="open",
            source=run.ctx.caller_kind,
            source_ref=run.ctx.caller_ref,
        )
        s.add(task)
        await s.flush()
        if customer is not None:
            s.add(
                Activity(
                    customer_id=customer.id,
                    kind="task_created",
                    summary=f"Task: {inp.title}",
                    data={"task_id": task.id},
                    actor=run.ctx.user_id,
                )
            )
    return task_row(task, customer.name if customer else None)


class ListTasksInput(ToolInput):
    customer: str | None = Field(None, description="Only this customer's tasks")
    owner: str | None = Field(None, description="'me' or a Slack user id; everyone's when omitted")
    status: Literal["open", "done", "cancelled", "any"] = "open"
    due_within_days: int | None = Field(
        None, ge=0, description="Only tasks due within this many days (overdue included)"
    )
    limit: int = Field(50, ge=1, le=500)


@tool(
    "tasks.list",
    description="List tasks by customer, owner, status and due window, soonest due first.",
    category="customers",
    into=TOOLS,
)
async def list_tasks(inp: ListTasksInput, run: ToolRun) -> dict[str, Any]:
    stmt = select(Task, Customer.name).outerjoin(Customer, Customer.id == Task.customer_id)
    async with run.db.session() as s:
        if inp.customer is not None:
            customer = await resolve_customer(s, inp.customer, run.ctx)
            stmt = stmt.where(Task.customer_id == customer.id)
        if inp.owner:
            stmt = stmt.where(Task.owner_slack_id == _owner(inp.owner, run))
        if inp.status != "any":
            stmt = stmt.where(Task.status == inp.status)
        if inp.due_within_days is not None:
            stmt = stmt.where(Task.due_date <= utcnow().date() + timedelta(days=inp.due_within_days))
        stmt = stmt.order_by(Task.due_date.is_(None), Task.due_date, Task.id).limit(inp.limit)
        rows = (await s.execute(stmt)).all()
    return {"count": len(rows), "tasks": [task_row(t, name) for t, name in rows]}


class LogActivityInput(ToolInput):
    customer: str | None = CUSTOMER_FIELD
    summary: str = Field(min_length=1, description="What happened, in a sentence")
    kind: str = Field("note", max_length=50, description="note, call, email, meeting, escalation…")
    data: dict[str, Any] = Field(default_factory=dict)


@tool(
    "activities.log",
    description="Add an entry to a customer's activity timeline.",
    category="customers",
    side_effects=True,
    into=TOOLS,
)
async def log_activity(inp: LogActivityInput, run: ToolRun) -> dict[str, Any]:
    async with run.db.transaction() as s:
        customer = await resolve_customer(s, inp.customer, run.ctx)
        row = Activity(
            customer_id=customer.id, kind=inp.kind, summary=inp.summary, data=inp.data, actor=run.ctx.user_id
        )
        s.add(row)
        await s.flush()
    return {"id": row.id, "customer": customer.name, "customer_id": customer.id, "kind": row.kind}
