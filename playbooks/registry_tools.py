"""The playbook engine as tools, so triggers, automations (`run_playbook`) and the assistant can use it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import Field

from playbooks.errors import AlreadyRunning, PlaybookError
from tools.base import Tool, ToolError, ToolInput, ToolRun, tool

if TYPE_CHECKING:
    from playbooks.executor import PlaybookExecutor


class StartPlaybookInput(ToolInput):
    playbook: str = Field(
        min_length=1, description="The playbook's slug, e.g. renewal-90-day or onboarding-30-60-90"
    )
    customer: str | None = Field(
        None,
        description="The customer: name, domain, external id or numeric id. Defaults to the customer in context.",
    )
    anchor: date | None = Field(
        None,
        description="The date the stages count from (YYYY-MM-DD): the renewal date for renewals, the kickoff "
        "or QBR date otherwise. Defaults by playbook type.",
    )


class ListPlaybooksInput(ToolInput):
    customer: str | None = Field(None, description="Only this customer's playbooks (name, domain or id)")


def playbook_tools(executor: PlaybookExecutor) -> list[Tool]:
    tools: list[Tool] = []

    @tool(
        "playbooks.start",
        description="Start a playbook (renewal, onboarding, risk, expansion, QBR...) for a customer; "
        "says so if one is already running.",
        category="automation",
        side_effects=True,
        timeout=120.0,
        retries=0,
        into=tools,
    )
    async def start(inp: StartPlaybookInput, run: ToolRun) -> dict[str, Any]:
        customer: int | str | None = inp.customer or run.ctx.customer_id
        if customer is None:
            raise ToolError("Say which customer the playbook is for (`customer`).")
        started_by = run.ctx.user_id if run.ctx.user_id and run.ctx.user_id != "system" else None
        try:
            view = await executor.start(inp.playbook, customer, inp.anchor, started_by)
        except AlreadyRunning as exc:
            return {
                "started": False,
                "already_running": True,
                "execution_id": exc.execution_id,
                "message": str(exc),
            }
        except PlaybookError as exc:
            raise ToolError(str(exc)) from None
        overdue = len(view.overdue)
        message = f"Started {view.playbook_name} for {view.customer_name} (playbook #{view.id})."
        if overdue:
            message += f" {overdue} action(s) dated before today are overdue: run or skip them."
        return {
            "started": True,
            "already_running": False,
            "execution_id": view.id,
            "playbook": view.playbook_slug,
            "customer": view.customer_name,
            "anchor_date": view.anchor_date.isoformat(),
            "stages": [{"name": s.name, "date": s.date.isoformat(), "status": s.status} for s in view.stages],
            "message": message,
        }

    @tool(
        "playbooks.list_active",
        description="The playbooks running now (for one customer or all), with each stage's date and status.",
        category="automation",
        into=tools,
    )
    async def list_active(inp: ListPlaybooksInput, run: ToolRun) -> dict[str, Any]:
        try:
            views = await executor.list_executions(inp.customer or run.ctx.customer_id)
        except PlaybookError as exc:
            raise ToolError(str(exc)) from None
        return {
            "count": len(views),
            "playbooks": [
                {
                    "execution_id": v.id,
                    "playbook": v.playbook_slug,
                    "name": v.playbook_name,
                    "customer": v.customer_name,
                    "status": v.status,
                    "anchor_date": v.anchor_date.isoformat(),
                    "next_action": v.next_action.name if v.next_action else None,
                    "stages": [
                        {"name": s.name, "date": s.date.isoformat(), "status": s.status} for s in v.stages
                    ],
                }
                for v in views
            ],
        }

    return tools
