"""Runs a skill's steps through `registry.invoke`, pausing durably on approvals.

Each step: evaluate its condition, render its params (`{{var}}`), adapt the param names to the tool's
input model, invoke with `ToolContext(caller_kind="skill", caller_ref="skill_run:ID")`, and apply its
On Error policy. An approval-gated step (the step says Requires Approval, or the tool's own policy)
saves the run as `awaiting_approval`; the registry's resume hook continues it once decided.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from skills.adapt import adapt_params, input_model
from skills.expr import ConditionError, evaluate, parse_condition
from skills.model import Skill
from skills.runs import (
    RunState,
    SkillRunReport,
    StepState,
    claim_paused_run,
    claim_stale_runs,
    insert_run,
    jsonable,
    load_run,
    save_run,
)
from skills.template import lookup, render
from skills.templates import resolve_template, template_name
from store.base import utcnow
from tools.model import ApprovalOutcome, ToolContext, ToolResult

log = logging.getLogger(__name__)

ReportCallback = Callable[[SkillRunReport], Awaitable[None]]
MAX_RETRIES = 3
STALE_AFTER = timedelta(minutes=15)  # no skill run takes this long between two saves


def _requires(registry: Any, action: str, field: str) -> bool:
    model = input_model(registry, action)
    info = model.model_fields.get(field) if model is not None else None
    return info is not None and info.is_required()


def current_quarter(today: date) -> str:
    return f"Q{(today.month - 1) // 3 + 1} {today.year}"


class SkillExecutor:
    def __init__(
        self,
        db: Any,
        registry: Any,
        *,
        on_report: ReportCallback | None = None,
        retry_backoff_s: float = 0.5,
    ) -> None:
        self.db = db
        self.registry = registry
        self.on_report = on_report
        self.retry_backoff_s = retry_backoff_s
        registry.add_resume_hook("skill", self.resume)

    async def start(
        self,
        skill: Skill,
        *,
        user_id: str,
        team_id: str = "",
        variables: dict[str, Any] | None = None,
        customer_id: int | None = None,
        customer_name: str | None = None,
        channel: str | None = None,
        thread_ts: str | None = None,
        notify: bool = False,
    ) -> SkillRunReport:
        """Run a skill from its first step until it finishes, fails or waits for an approval.

        The report is returned to the caller, who shows it; `notify=True` also hands it to
        `on_report` (runs nobody is waiting for, e.g. on an event). A run resumed after an approval
        always reports through `on_report`.
        """
        today = utcnow().date()
        values = {"today": today.isoformat(), "quarter": current_quarter(today), **(variables or {})}
        state = RunState.for_skill(
            skill,
            team_id=team_id,
            user_id=user_id,
            customer_id=customer_id,
            customer_name=customer_name,
            variables=values,
            channel=channel,
            thread_ts=thread_ts,
        )
        await insert_run(self.db, state)
        return await self._advance(state, notify)

    async def resume(self, outcome: ApprovalOutcome) -> None:
        """The registry's resume hook for `caller_kind="skill"`."""
        ref = outcome.caller_ref or ""
        if not ref.startswith("skill_run:") or not ref.removeprefix("skill_run:").isdigit():
            return
        run_id = int(ref.removeprefix("skill_run:"))
        if not await claim_paused_run(self.db, run_id, outcome.approval_id):
            return  # decided twice, or not this run's pending approval: nothing to do
        state = await load_run(self.db, run_id)
        if state is None:
            return
        step = state.steps[state.current_step]
        state.status, state.approval_id = "running", None
        if outcome.status == "executed" and outcome.result is not None and outcome.result.success:
            step.status, step.output, step.error = "completed", jsonable(outcome.result.data), None
            state.current_step += 1
        else:
            reason = outcome.result.error if outcome.result is not None else None
            step.status = "rejected" if outcome.status in ("rejected", "expired") else "failed"
            step.error = reason or f"the approval was {outcome.status}"
            if step.on_error == "continue":
                state.current_step += 1
            else:
                await self._finish(state, "aborted" if step.status == "rejected" else "failed", True)
                return
        await self._advance(state, True)

    async def recover(self, older_than: timedelta = STALE_AFTER) -> list[SkillRunReport]:
        """After a restart: continue the runs a stopped process left `running` (call at start-up).

        Every step that changed something was saved when it finished, so the run continues at its
        first unsaved step. When that step changes something, whether it ran before the stop is
        unknown: it is marked failed with that said, never repeated, and its On Error applies.
        """
        reports = []
        for run_id in await claim_stale_runs(self.db, utcnow() - older_than):
            state = await load_run(self.db, run_id)
            if state is None:
                continue
            state.status = "running"
            if state.current_step < len(state.steps):
                step = state.steps[state.current_step]
                tool = self.registry.get(step.action) if hasattr(self.registry, "get") else None
                if step.status == "pending" and (tool is None or getattr(tool, "side_effects", True)):
                    step.status = "failed"
                    step.error = (
                        "the app restarted while this step ran; it may or may not have happened: check "
                        f"{step.action} before running the skill again"
                    )
                    if step.on_error != "continue":
                        reports.append(await self._finish(state, "failed", True))
                        continue
                    state.current_step += 1
            reports.append(await self._advance(state, True))
        return reports

    async def report(self, run_id: int) -> SkillRunReport | None:
        state = await load_run(self.db, run_id)
        return SkillRunReport.of(state) if state is not None else None

    # -- the loop --------------------------------------------------------------------------------

    def context(self, state: RunState) -> dict[str, Any]:
        """What `{{...}}` and conditions see."""
        steps: dict[str, Any] = {}
        aggregated: dict[str, Any] = {}
        for step in state.steps:
            entry = {"output": step.output, "status": step.status, "error": step.error}
            steps[str(step.number)] = entry
            steps[step.id] = entry
            if step.status == "completed":
                aggregated[step.id] = step.output
        aggregated_data = {
            "customer_name": state.customer_name,
            "quarter": state.variables.get("quarter"),
            "today": state.variables.get("today"),
            **aggregated,
        }
        return {
            **state.variables,
            "customer_id": state.customer_id,
            "customer_name": state.customer_name,
            "user_id": state.user_id,
            "steps": steps,
            "aggregated_data": aggregated_data,
        }

    async def _advance(self, state: RunState, notify: bool) -> SkillRunReport:
        while state.current_step < len(state.steps):
            step = state.steps[state.current_step]
            context = self.context(state)
            if step.condition and not self._condition_holds(step, context):
                step.status = "skipped"
                state.current_step += 1
                continue
            result = await self._run_step(state, step, context)
            if result.requires_approval and result.approval_id is not None:
                step.status, step.approval_id = "awaiting_approval", result.approval_id
                state.status, state.approval_id = "awaiting_approval", result.approval_id
                await save_run(self.db, state)
                return await self._publish(state, notify)
            if result.success:
                step.status, step.output, step.error = "completed", jsonable(result.data), None
                state.current_step += 1
                await self._checkpoint(state, step)
                continue
            step.status, step.error = "failed", result.error or "the step failed"
            if step.on_error == "continue":
                state.current_step += 1
                await self._checkpoint(state, step)
                continue
            return await self._finish(state, "failed", notify)
        return await self._finish(state, "completed", notify)

    async def _checkpoint(self, state: RunState, step: StepState) -> None:
        """Save progress after a step that changed something, so a restart never repeats it.

        Read-only steps are saved with the next save (a pause, a write, the end): repeating a read
        is harmless, and a write per step was most of the executor's overhead.
        """
        tool = self.registry.get(step.action) if hasattr(self.registry, "get") else None
        if tool is None or getattr(tool, "side_effects", True):
            await save_run(self.db, state)

    def _condition_holds(self, step: StepState, context: dict[str, Any]) -> bool:
        try:
            node = parse_condition(step.condition or "")
        except ConditionError as exc:  # validated on add; a stored run may predate a change
            step.error = f"cannot read condition: {exc}"
            return False
        return bool(evaluate(node, lambda path: lookup(context, path)))

    async def _run_step(self, state: RunState, step: StepState, context: dict[str, Any]) -> ToolResult:
        params = adapt_params(self.registry, step.action, render(step.params, context))
        if "title" not in params and _requires(self.registry, step.action, "title"):
            params["title"] = f"{state.customer_name} {step.title}" if state.customer_name else step.title
        extra: dict[str, Any] = {}
        if step.requires_approval:
            extra = {
                "require_approval": True,
                "approval_reason": f'the skill "{state.skill_name}" asks before step {step.number} ({step.title})',
            }
        ctx = ToolContext(
            user_id=state.user_id,
            team_id=state.team_id,
            customer_id=state.customer_id,
            customer_name=state.customer_name,
            caller_kind="skill",
            caller_ref=f"skill_run:{state.id}",
            channel=state.channel,
            thread_ts=state.thread_ts,
            extra=extra,
        )
        retries = MAX_RETRIES if step.on_error == "retry" else 0
        started = time.perf_counter()
        name = template_name(step.action, step.params, params)
        if name is not None:
            found = await resolve_template(self.registry, step.action, name, ctx)
            if not found.success:
                step.attempts = 1
                step.duration_ms = round((time.perf_counter() - started) * 1000, 2)
                return found
            params["template_id"] = found.data
        for attempt in range(retries + 1):
            step.attempts = attempt + 1
            result = await self.registry.invoke(step.action, params, ctx)
            if result.success or result.requires_approval or attempt == retries:
                break
            await asyncio.sleep(self.retry_backoff_s * 2**attempt)
        step.duration_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    async def _finish(self, state: RunState, status: str, notify: bool) -> SkillRunReport:
        state.status = status  # type: ignore[assignment]
        state.approval_id = None
        state.finished_at = utcnow()
        await save_run(self.db, state)
        return await self._publish(state, notify)

    async def _publish(self, state: RunState, notify: bool) -> SkillRunReport:
        report = SkillRunReport.of(state)
        if notify and self.on_report is not None:
            try:
                await self.on_report(report)
            except Exception:
                log.exception("posting the report of skill run %s failed", state.id)
        return report
