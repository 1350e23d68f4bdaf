"""The skills engine as tools: `skills.run` (triggers' and automations' `run_skill`, the assistant) and
`skills.list`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from skills.matching import resolve_customer
from tools.base import Tool, ToolError, ToolInput, ToolRun, tool

if TYPE_CHECKING:
    from skills.engine import SkillEngine


class RunSkillInput(ToolInput):
    skill: str = Field(min_length=1, description="The skill's id or title, e.g. qbr-prep or QBR Preparation")
    customer: str | None = Field(
        None,
        description="The customer: name, domain, external id or numeric id. Defaults to the customer in context.",
    )
    variables: dict[str, str] = Field(default_factory=dict, description="Values of the skill's variables")


class ListSkillsInput(ToolInput):
    pass


def skill_tools(engine: SkillEngine) -> list[Tool]:
    tools: list[Tool] = []

    @tool(
        "skills.run",
        description="Run a skill (a markdown recipe of tool calls, e.g. qbr-prep) for a customer; "
        "its gated steps ask for approval and its report is posted to the user.",
        category="automation",
        side_effects=True,
        timeout=300.0,
        retries=0,
        into=tools,
    )
    async def run(inp: RunSkillInput, run: ToolRun) -> dict[str, Any]:
        ctx = run.ctx
        if ctx.caller_kind == "skill":
            raise ToolError("A skill cannot start another skill; put the steps in one skill instead.")
        stored = await engine.library.get(ctx.team_id, inp.skill)
        if stored is None:
            close = await engine.library.suggest(ctx.team_id, inp.skill)
            hint = f" Did you mean {', '.join(close)}?" if close else " `/csm skills` lists them."
            raise ToolError(f'There is no skill called "{inp.skill}".{hint}')
        customer = None
        if inp.customer is not None or ctx.customer_id is not None:
            known = await engine.customers()
            query = inp.customer if inp.customer is not None else str(ctx.customer_id)
            resolution = resolve_customer(query, known)
            if resolution.customer is None:
                raise ToolError(resolution.question(query))
            customer = resolution.customer
        report = await engine.run(
            stored,
            user_id=ctx.user_id,
            team_id=ctx.team_id,
            customer=customer,
            variables=dict(inp.variables),
            channel=ctx.channel,
            thread_ts=ctx.thread_ts,
            notify=True,
        )
        return {
            "run_id": report.run_id,
            "skill": report.skill_id,
            "status": report.status,
            "customer": report.customer_name,
            "approval_id": report.approval_id,
            "steps": [{"number": s.number, "title": s.title, "status": s.status} for s in report.steps],
        }

    @tool(
        "skills.list",
        description="The skills of this workspace (built in and added): id, title, trigger phrases, events.",
        category="automation",
        into=tools,
    )
    async def list_skills(inp: ListSkillsInput, run: ToolRun) -> dict[str, Any]:
        stored = await engine.library.list(run.ctx.team_id)
        return {
            "count": len(stored),
            "skills": [
                {
                    "id": s.skill.id,
                    "name": s.skill.name,
                    "description": s.skill.description,
                    "phrases": [p.text for p in s.skill.trigger.patterns],
                    "events": [e.event for e in s.skill.trigger.events],
                    "source": s.source,
                }
                for s in stored
            ],
        }

    return tools
