"""Running one playbook action exactly once, finishing it after an approval, and keeping statuses current."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from playbooks.model import MissingVariable, render
from playbooks.variables import customer_facts, date_text, template_variables
from playbooks.views import TERMINAL, ExecutionView, stage_status
from store.models import Customer, Playbook, PlaybookActionRun, PlaybookExecution
from tools.model import ApprovalOutcome, ToolContext, ToolResult

if TYPE_CHECKING:
    from playbooks.executor import PlaybookExecutor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlaybookProgress:
    """Something that happened in an execution, for the customer's channel thread."""

    execution_id: int
    playbook_name: str
    customer_id: int
    customer_name: str
    channel: str | None  # the customer's Slack channel
    thread_ts: str | None  # the execution's thread there, once one exists
    kind: str  # started | action_completed | action_failed | awaiting_approval | action_rejected |
    # action_skipped | overdue | stage_skipped | paused | resumed | cancelled | reanchored | completed
    text: str
    stage_name: str | None = None
    action_name: str | None = None
    approval_id: int | None = None


# The callback may return the ts of the message it posted; the first one becomes the thread.
ProgressCallback = Callable[[PlaybookProgress], Awaitable[str | None]]


def utcnow() -> datetime:
    return datetime.now(UTC)


def missing_sentence(customer_name: str, names: list[str], template: Any) -> str:
    """What to add before a step can run: customer facts (a champion...) or workspace values."""
    declared = {v.name: v for v in template.variables} if template else {}
    facts = [n for n in names if n not in declared]
    settings = [n for n in names if n in declared]
    parts = []
    if facts:
        parts.append(f"{customer_name} has no {', '.join(n.replace('_', ' ') for n in facts)} yet")
    if settings:
        described = "; ".join(
            f"`{n}` ({declared[n].description})" if declared[n].description else f"`{n}`" for n in settings
        )
        parts.append(
            f"this step needs {described}, set in values.yml in a playbook directory (CSM_PLAYBOOK_DIRS)"
        )
    sentence = " and ".join(parts)
    return sentence[0].upper() + sentence[1:] + ". Add it, then Run now, or Skip."


class ActionRunner:
    """Mixed into PlaybookExecutor."""

    # -- running one action --------------------------------------------------------------------

    async def _run_action(
        self: PlaybookExecutor,
        run_id: int,
        now: datetime,
        *,
        from_statuses: tuple[str, ...],
        only_if_active: bool,
        user_id: str | None = None,
    ) -> bool:
        """Claim the action (conditional UPDATE), invoke its tool once, record the result."""
        allowed = ("active",) if only_if_active else ("active", "paused")
        today = self.today(now)
        async with self.db.transaction() as session:
            claimed = await session.execute(
                update(PlaybookActionRun)
                .where(
                    PlaybookActionRun.id == run_id,
                    PlaybookActionRun.status.in_(from_statuses),
                    exists().where(
                        and_(
                            PlaybookExecution.id == PlaybookActionRun.execution_id,
                            PlaybookExecution.status.in_(allowed),
                        )
                    ),
                )
                .values(status="running", started_at=now, error=None)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:
                return False
            run = await session.get(PlaybookActionRun, run_id)
            assert run is not None
            execution = await session.get(PlaybookExecution, run.execution_id)
            assert execution is not None
            customer = await session.get(Customer, execution.customer_id)
            playbook = await session.get(Playbook, execution.playbook_id)
            assert customer is not None and playbook is not None
            stage = execution.stage_statuses[run.stage_index]
            action = stage["actions"][run.action_index]
            facts = await customer_facts(session, customer, today)
            template = self.library.get(playbook.slug)
            values = (
                template_variables(
                    template,
                    facts,
                    execution.variables or {},
                    workspace=self.library.values,
                    anchor=execution.anchor_date,
                    today=today,
                    started_by=execution.started_by,
                )
                if template
                else dict(facts)
            )
            values.update(
                stage_name=stage["name"],
                stage_date=stage["date"],
                due_date=run.due_date.isoformat() if run.due_date else None,
                due_date_text=date_text(run.due_date),
            )
            error: str | None = None
            try:
                params = render(action.get("params", {}), values)
            except MissingVariable as exc:
                error = missing_sentence(customer.name, exc.names, template)
                run.status, run.finished_at, run.error = "failed", now, error
            extra: dict[str, Any] = {"playbook_execution_id": execution.id, "playbook_action": action["id"]}
            if action.get("requires_approval"):
                extra["require_approval"] = True
                extra["approval_reason"] = f'the {playbook.name} playbook asks before "{action["name"]}"'
            ctx = ToolContext(
                user_id=user_id or execution.started_by or customer.csm_slack_id or "system",
                customer_id=customer.id,
                customer_name=customer.name,
                caller_kind="playbook",
                caller_ref=f"playbook_action:{run_id}",
                extra=extra,
            )
            execution_id, stage_name, action_name, tool = (
                execution.id,
                stage["name"],
                action["name"],
                action["tool"],
            )
        if error is not None:
            view = await self.get(execution_id)
            await self._emit(
                view, "action_failed", f"{action_name} could not run: {error}", stage_name, action_name
            )
            return True
        try:
            result: ToolResult = await self.registry.invoke(tool, params, ctx)
        except Exception as exc:
            log.exception("playbook action %s (%s) raised", run_id, tool)
            result = ToolResult.fail(f"{tool} failed unexpectedly ({exc.__class__.__name__}).")
        await self._record(run_id, result, now, stage_name, action_name)
        return True

    async def _record(
        self: PlaybookExecutor,
        run_id: int,
        result: ToolResult,
        now: datetime,
        stage_name: str,
        action_name: str,
    ) -> None:
        if result.requires_approval:
            values: dict[str, Any] = {"status": "awaiting_approval", "approval_id": result.approval_id}
            kind, text = "awaiting_approval", f"{action_name} is waiting for your approval."
        elif result.success:
            values = {"status": "completed", "result": _jsonable(result.data), "finished_at": now}
            kind, text = "action_completed", f"{action_name}: done."
        else:
            values = {"status": "failed", "error": result.error or "failed", "finished_at": now}
            kind, text = "action_failed", f"{action_name} failed: {result.error}"
        async with self.db.transaction() as session:
            done = await session.execute(
                update(PlaybookActionRun)
                .where(PlaybookActionRun.id == run_id, PlaybookActionRun.status == "running")
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            execution_id = (await session.get(PlaybookActionRun, run_id)).execution_id  # type: ignore[union-attr]
        if done.rowcount == 1:
            view = await self.get(execution_id)
            await self._emit(view, kind, text, stage_name, action_name, approval_id=result.approval_id)

    # -- approvals -----------------------------------------------------------------------------

    async def on_approval_decided(self: PlaybookExecutor, outcome: ApprovalOutcome) -> None:
        """The registry's resume hook: finish the waiting action, then carry on with the playbook."""
        ref = outcome.caller_ref or ""
        if not ref.startswith("playbook_action:"):
            return
        run_id = int(ref.split(":", 1)[1])
        now = self.clock()
        result = outcome.result
        if outcome.status == "executed" and result is not None and result.success:
            values: dict[str, Any] = {"status": "completed", "result": _jsonable(result.data)}
            kind, verb = "action_completed", "approved and done"
        elif outcome.status == "rejected":
            who = f" by <@{outcome.decided_by}>" if outcome.decided_by else ""
            values = {"status": "rejected", "error": f"Rejected{who}."}
            kind, verb = "action_rejected", f"rejected{who}; not done"
        elif outcome.status == "expired":
            values = {"status": "failed", "error": "The approval expired. Run now to ask again, or Skip."}
            kind, verb = "action_failed", "not approved in time; Run now to ask again, or Skip"
        else:
            error = (result.error if result else None) or "failed after approval"
            values = {"status": "failed", "error": error}
            kind, verb = "action_failed", f"approved but failed: {error}"
        values["finished_at"] = now
        async with self.db.transaction() as session:
            done = await session.execute(
                update(PlaybookActionRun)
                .where(
                    PlaybookActionRun.id == run_id,
                    PlaybookActionRun.status.in_(("awaiting_approval", "running")),
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            run = await session.get(PlaybookActionRun, run_id)
            if run is None:
                return
            execution = await session.get(PlaybookExecution, run.execution_id)
            stage = execution.stage_statuses[run.stage_index]  # type: ignore[union-attr]
            action_name, stage_name = stage["actions"][run.action_index]["name"], stage["name"]
            execution_id = run.execution_id
        if done.rowcount != 1:
            return
        view = await self.get(execution_id)
        await self._emit(
            view, kind, f"{action_name}: {verb}.", stage_name, action_name, approval_id=outcome.approval_id
        )
        await self.advance_execution(execution_id, now)
        await self._refresh(execution_id, now)

    # -- bookkeeping ---------------------------------------------------------------------------

    async def _refresh(self: PlaybookExecutor, execution_id: int, now: datetime) -> None:
        """Recompute stage statuses and the current stage; complete the execution when all is done."""
        today = self.today(now)
        completed = False
        async with self.db.transaction() as session:
            execution = await self._lock(session, execution_id)
            if execution is None:
                return
            runs = await self._runs(session, execution_id)
            stages = [dict(s) for s in execution.stage_statuses]
            current = len(stages) - 1
            for si, stage in enumerate(stages):
                statuses = [r.status for r in runs if r.stage_index == si]
                stage["status"] = stage_status(
                    statuses, date.fromisoformat(stage["date"]), today, stage.get("note")
                )
                if stage["status"] not in ("completed", "skipped") and current == len(stages) - 1:
                    current = min(current, si)
            execution.stage_statuses = stages
            execution.current_stage = current
            if execution.status in ("active", "paused") and runs and all(r.status in TERMINAL for r in runs):
                execution.status, execution.active_key, execution.completed_at = "completed", None, now
                completed = True
        if completed:
            view = await self.get(execution_id)
            done = sum(1 for a in view.actions if a.status == "completed")
            await self._emit(
                view,
                "completed",
                f"{view.playbook_name} is complete: {done} of {len(view.actions)} actions done.",
            )

    @staticmethod
    async def _lock(session: AsyncSession, execution_id: int) -> PlaybookExecution | None:
        return (
            await session.execute(
                select(PlaybookExecution).where(PlaybookExecution.id == execution_id).with_for_update()
            )
        ).scalar_one_or_none()

    @staticmethod
    async def _runs(session: AsyncSession, execution_id: int) -> list[PlaybookActionRun]:
        return list(
            (
                await session.execute(
                    select(PlaybookActionRun)
                    .where(PlaybookActionRun.execution_id == execution_id)
                    .order_by(PlaybookActionRun.stage_index, PlaybookActionRun.action_index)
                )
            ).scalars()
        )

    async def _emit(
        self: PlaybookExecutor,
        view: ExecutionView,
        kind: str,
        text: str,
        stage_name: str | None = None,
        action_name: str | None = None,
        *,
        approval_id: int | None = None,
    ) -> None:
        if self.on_progress is None:
            return
        progress = PlaybookProgress(
            execution_id=view.id,
            playbook_name=view.playbook_name,
            customer_id=view.customer_id,
            customer_name=view.customer_name,
            channel=view.channel,
            thread_ts=view.thread_ts,
            kind=kind,
            text=text,
            stage_name=stage_name,
            action_name=action_name,
            approval_id=approval_id,
        )
        try:
            ts = await self.on_progress(progress)
        except Exception:
            log.exception("posting playbook progress for execution %s failed", view.id)
            return
        if ts and not view.thread_ts:
            async with self.db.transaction() as session:
                await session.execute(
                    update(PlaybookExecution)
                    .where(PlaybookExecution.id == view.id, PlaybookExecution.thread_ts.is_(None))
                    .values(thread_ts=ts)
                )


def _jsonable(data: Any) -> Any:
    try:
        json.dumps(data)
        return data
    except (TypeError, ValueError):
        return json.loads(json.dumps(data, default=str))
