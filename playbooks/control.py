"""What a CSM does to a running playbook: pause, resume, cancel, skip, run now, move the anchor."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from playbooks.errors import PlaybookError
from playbooks.variables import date_text
from playbooks.views import OPEN, ExecutionView
from store.models import PlaybookActionRun, PlaybookExecution

if TYPE_CHECKING:
    from playbooks.executor import PlaybookExecutor


# Kept in an execution's variables while its anchor follows the customer's renewal date (the offset).
FOLLOWS_RENEWAL = "__anchor_follows_renewal_date__"


class ExecutorControls:
    """Mixed into PlaybookExecutor; every method returns the execution as it now stands."""

    async def pause(self: PlaybookExecutor, execution_id: int, by: str | None = None) -> ExecutionView:
        await self._set_status(execution_id, "active", "paused")
        view = await self.get(execution_id)
        await self._emit(view, "paused", f"Paused{_by(by)}. Nothing runs until it is resumed.")
        return view

    async def resume(
        self: PlaybookExecutor, execution_id: int, by: str | None = None, now: datetime | None = None
    ) -> ExecutionView:
        now = now or self.clock()
        await self._set_status(execution_id, "paused", "active")
        view = await self.get(execution_id)
        await self._emit(view, "resumed", f"Resumed{_by(by)}.")
        await self.advance_execution(execution_id, now)
        return await self.get(execution_id)

    async def cancel(
        self: PlaybookExecutor, execution_id: int, by: str | None = None, now: datetime | None = None
    ) -> ExecutionView:
        now = now or self.clock()
        async with self.db.transaction() as session:
            execution = await self._lock(session, execution_id)
            if execution is None:
                raise PlaybookError(f"There is no playbook #{execution_id}.")
            if execution.status not in ("active", "paused"):
                raise PlaybookError(f"Playbook #{execution_id} is already {execution.status}.")
            execution.status, execution.active_key, execution.completed_at = "cancelled", None, now
            waiting = []
            for run in await self._runs(session, execution_id):
                if run.status in OPEN or run.status == "awaiting_approval":
                    if run.status == "awaiting_approval":
                        waiting.append(f"playbook_action:{run.id}")
                    run.status, run.finished_at, run.error = "skipped", now, "The playbook was cancelled."
        # Their approvals are withdrawn through the registry: a later click says they are no longer pending.
        await self.registry.approvals.withdraw("playbook", waiting, "The playbook was cancelled", by)
        await self._refresh(execution_id, now)
        view = await self.get(execution_id)
        await self._emit(view, "cancelled", f"Cancelled{_by(by)}.")
        return view

    async def skip_action(
        self: PlaybookExecutor, run_id: int, by: str | None = None, now: datetime | None = None
    ) -> ExecutionView:
        now = now or self.clock()
        run = await self._action(run_id)
        if run.status == "awaiting_approval":
            raise PlaybookError(
                "This action is waiting for approval: reject the approval instead of skipping it."
            )
        async with self.db.transaction() as session:
            done = await session.execute(
                update(PlaybookActionRun)
                .where(PlaybookActionRun.id == run_id, PlaybookActionRun.status.in_(tuple(OPEN)))
                .values(status="skipped", finished_at=now, error=f"Skipped{_by(by)}.")
                .execution_options(synchronize_session=False)
            )
        if done.rowcount != 1:
            raise PlaybookError(f"That action is {run.status} and cannot be skipped.")
        view = await self.get(run.execution_id)
        name = next(a.name for a in view.actions if a.run_id == run_id)
        await self._emit(view, "action_skipped", f"{name}: skipped{_by(by)}.", action_name=name)
        await self._refresh(run.execution_id, now)
        return await self.get(run.execution_id)

    async def run_now(
        self: PlaybookExecutor, run_id: int, by: str | None = None, now: datetime | None = None
    ) -> ExecutionView:
        """Run one action now, whatever its date: a pending, overdue or failed one (also while paused)."""
        now = now or self.clock()
        run = await self._action(run_id)
        ran = await self._run_action(run_id, now, from_statuses=tuple(OPEN), only_if_active=False, user_id=by)
        if not ran:
            view = await self.get(run.execution_id)
            if view.status not in ("active", "paused"):
                raise PlaybookError(f"Playbook #{view.id} is {view.status}; its actions no longer run.")
            raise PlaybookError(f"That action is {run.status} and cannot be run again.")
        await self._refresh(run.execution_id, now)
        return await self.get(run.execution_id)

    async def resolve_overdue(
        self: PlaybookExecutor,
        execution_id: int,
        choice: str,
        by: str | None = None,
        now: datetime | None = None,
    ) -> ExecutionView:
        """The CSM's answer for every overdue action at once: "run" them in order or "skip" them."""
        if choice not in ("run", "skip"):
            raise PlaybookError("Choose run or skip for the overdue actions.")
        view = await self.get(execution_id)
        for action in view.overdue:
            if choice == "run":
                await self.run_now(action.run_id, by, now)
            else:
                await self.skip_action(action.run_id, by, now)
        return await self.get(execution_id)

    async def reanchor(
        self: PlaybookExecutor,
        execution_id: int,
        anchor: date,
        by: str | None = None,
        now: datetime | None = None,
        *,
        keep_following: bool = False,
    ) -> ExecutionView:
        """Move the anchor: every open stage and its not-yet-done actions are re-dated. A move by
        hand stops a renewal playbook from following the customer's renewal date."""
        now = now or self.clock()
        today = self.today(now)
        async with self.db.transaction() as session:
            execution = await self._lock(session, execution_id)
            if execution is None:
                raise PlaybookError(f"There is no playbook #{execution_id}.")
            if execution.status not in ("active", "paused"):
                raise PlaybookError(f"Playbook #{execution_id} is {execution.status}; it cannot be re-dated.")
            old = execution.anchor_date
            shift = anchor - old
            stages: list[dict[str, Any]] = [dict(s) for s in execution.stage_statuses]
            runs = await self._runs(session, execution_id)
            for si, stage in enumerate(stages):
                open_runs = [r for r in runs if r.stage_index == si and r.status in ("pending", "overdue")]
                if not open_runs:
                    continue
                stage_date = anchor + timedelta(days=stage["day_offset"])
                stage["date"] = stage_date.isoformat()
                if stage_date > today:
                    stage["entered"] = False
                for run in open_runs:
                    offset = stage["actions"][run.action_index].get("due_offset_days", 0)
                    run.due_date = stage_date + timedelta(days=offset)
                    run.status = "overdue" if run.due_date < today else "pending"
            execution.stage_statuses = stages
            execution.anchor_date = anchor
            if not keep_following and FOLLOWS_RENEWAL in (execution.variables or {}):
                execution.variables = {k: v for k, v in execution.variables.items() if k != FOLLOWS_RENEWAL}
            log = list(execution.action_results or [])
            log.append(
                {
                    "at": now.isoformat(),
                    "event": "reanchored",
                    "from": old.isoformat(),
                    "to": anchor.isoformat(),
                    "by": by,
                }
            )
            execution.action_results = log
        await self._refresh(execution_id, now)
        view = await self.get(execution_id)
        direction = "later" if shift.days > 0 else "earlier"
        why = " (the customer's renewal date changed)" if keep_following else _by(by)
        await self._emit(
            view,
            "reanchored",
            f"{view.anchor_label.capitalize()} moved from {date_text(old)} to {date_text(anchor)}{why}: "
            f"open stages are {abs(shift.days)} days {direction}.",
        )
        if view.status == "active":
            await self.advance_execution(execution_id, now)
        return await self.get(execution_id)

    # -- helpers -------------------------------------------------------------------------------

    async def _set_status(
        self: PlaybookExecutor, execution_id: int, from_status: str, to_status: str
    ) -> None:
        async with self.db.transaction() as session:
            done = await session.execute(
                update(PlaybookExecution)
                .where(PlaybookExecution.id == execution_id, PlaybookExecution.status == from_status)
                .values(status=to_status)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount == 1:
                return
            current = (
                await session.execute(
                    select(PlaybookExecution.status).where(PlaybookExecution.id == execution_id)
                )
            ).scalar_one_or_none()
        if current is None:
            raise PlaybookError(
                f"There is no playbook #{execution_id}. `/csm playbook status` lists the running ones."
            )
        raise PlaybookError(f"Playbook #{execution_id} is {current}, not {from_status}.")

    async def _action(self: PlaybookExecutor, run_id: int) -> PlaybookActionRun:
        async with self.db.session() as session:
            run = await session.get(PlaybookActionRun, run_id)
        if run is None:
            raise PlaybookError(f"There is no playbook action #{run_id}.")
        return run


def _by(user: str | None) -> str:
    return f" by <@{user}>" if user and user != "system" else ""
