"""The playbook executor: start, advance on a clock, run actions exactly once, resume after approvals.

Durable state lives in `playbook_executions` (one live row per playbook and customer, enforced by
the unique `active_key`) and `playbook_action_runs` (one row per action, claimed pending -> running
by a conditional UPDATE before the tool is invoked). A crash between the claim and the result leaves
the row `running`; it is never invoked again automatically, and after `interrupted_after` it is
marked failed so the CSM can check and choose Run now or Skip.

The clock is explicit: every entry point takes `now` (default: the real time).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from playbooks.control import ExecutorControls
from playbooks.errors import AlreadyRunning, PlaybookError, UnknownTemplate
from playbooks.library import TemplateLibrary, load_library, sync_templates
from playbooks.model import MissingVariable, PlaybookTemplate, render
from playbooks.resolve import resolve_customer
from playbooks.variables import condition_holds, customer_facts, date_text, template_variables
from playbooks.views import TERMINAL, ExecutionView, load_views, stage_status
from store import Database
from store.models import Customer, Playbook, PlaybookActionRun, PlaybookExecution
from tools.model import ApprovalOutcome, ToolContext, ToolResult

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


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PlaybookExecutor(ExecutorControls):
    def __init__(
        self,
        db: Database,
        registry: Any,
        library: TemplateLibrary | None = None,
        *,
        on_progress: ProgressCallback | None = None,
        timezone: str = "UTC",
        catch_up_days: int = 3,
        interrupted_after: timedelta = timedelta(minutes=30),
    ) -> None:
        self.db = db
        self.registry = registry
        self.library = library or load_library()
        self.on_progress = on_progress
        self.tz = ZoneInfo(timezone)
        self.catch_up_days = catch_up_days
        self.interrupted_after = interrupted_after
        self._playbook_ids: dict[str, int] = {}
        registry.add_resume_hook("playbook", self.on_approval_decided)

    # -- setup ---------------------------------------------------------------------------------

    async def sync(self) -> dict[str, int]:
        """Write the templates into the `playbooks` table (call at start-up)."""
        self._playbook_ids = await sync_templates(self.db, self.library)
        return self._playbook_ids

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def template(self, text: str) -> PlaybookTemplate:
        found = self.library.find(text)
        if found is None:
            raise UnknownTemplate(text, self.library.nearest(text))
        return found

    def anchor_labels(self) -> dict[str, str]:
        return {slug: t.anchor_label for slug, t in self.library.templates.items()}

    # -- reading -------------------------------------------------------------------------------

    async def get(self, execution_id: int) -> ExecutionView:
        async with self.db.session() as session:
            views = await load_views(
                session, execution_ids=[execution_id], anchor_labels=self.anchor_labels()
            )
        if not views:
            raise PlaybookError(
                f"There is no playbook #{execution_id}. `/csm playbook status` lists the running ones."
            )
        return views[0]

    async def list_executions(
        self,
        customer_id: int | None = None,
        statuses: tuple[str, ...] | None = ("active", "paused"),
        limit: int = 50,
    ) -> list[ExecutionView]:
        async with self.db.session() as session:
            return await load_views(
                session,
                customer_id=customer_id,
                statuses=statuses,
                anchor_labels=self.anchor_labels(),
                limit=limit,
            )

    # -- start ---------------------------------------------------------------------------------

    async def start(
        self,
        slug: str,
        customer: int | str,
        anchor: date | None = None,
        started_by: str | None = None,
        *,
        variables: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> ExecutionView:
        """Start a playbook for a customer. Stages already past are marked overdue, not run."""
        now = now or _utcnow()
        today = self.today(now)
        template = self.template(slug)
        if template.slug not in self._playbook_ids:
            await self.sync()
        playbook_id = self._playbook_ids[template.slug]
        async with self.db.session() as session:
            cust = await resolve_customer(session, customer)
            if anchor is None:
                anchor = self._default_anchor(template, cust, today)
            existing = await self._active(session, playbook_id, cust.id)
        if existing is not None:
            raise AlreadyRunning(template.name, cust.name, existing.id, existing.status)

        plan = template.plan(anchor)
        stages = []
        for planned in plan:
            snapshot = planned.stage.model_dump(mode="json")
            snapshot.update(date=planned.date.isoformat(), status="pending", entered=planned.date < today)
            stages.append(snapshot)
        try:
            async with self.db.transaction() as session:
                execution = PlaybookExecution(
                    playbook_id=playbook_id,
                    customer_id=cust.id,
                    started_by=started_by,
                    anchor_date=anchor,
                    status="active",
                    active_key=f"{playbook_id}:{cust.id}",
                    stage_statuses=stages,
                    action_results=[],
                    variables=dict(variables or {}),
                    channel=cust.slack_channel,
                    started_at=now,
                )
                session.add(execution)
                await session.flush()
                for planned in plan:
                    for pa in planned.actions:
                        session.add(
                            PlaybookActionRun(
                                execution_id=execution.id,
                                stage_index=pa.stage_index,
                                action_index=pa.action_index,
                                due_date=pa.due_date,
                                status="overdue" if pa.due_date < today else "pending",
                            )
                        )
                execution_id = execution.id
        except IntegrityError:
            async with self.db.session() as session:
                existing = await self._active(session, playbook_id, cust.id)
            if existing is None:
                raise
            raise AlreadyRunning(template.name, cust.name, existing.id, existing.status) from None

        await self._refresh(execution_id, now)
        view = await self.get(execution_id)
        overdue = view.overdue
        text = f"Started {template.name} for {cust.name} ({template.anchor_label} {date_text(anchor)})."
        if overdue:
            text += (
                f" {len(overdue)} action(s) dated before today are marked overdue and were not run:"
                f" choose Run now or Skip for each."
            )
        await self._emit(view, "started", text)
        await self.advance_execution(execution_id, now)
        return await self.get(execution_id)

    def _default_anchor(self, template: PlaybookTemplate, customer: Customer, today: date) -> date:
        rule = template.anchor_rule
        if rule.source == "renewal_date":
            if customer.renewal_date is None:
                raise PlaybookError(
                    f"{customer.name} has no renewal date, so {template.name} cannot be dated. "
                    f"Give one: `/csm playbook start {template.slug} {customer.name} YYYY-MM-DD`."
                )
            return customer.renewal_date + timedelta(days=rule.offset_days)
        return today + timedelta(days=rule.offset_days)

    @staticmethod
    async def _active(session: AsyncSession, playbook_id: int, customer_id: int) -> PlaybookExecution | None:
        return (
            await session.execute(
                select(PlaybookExecution).where(
                    PlaybookExecution.active_key == f"{playbook_id}:{customer_id}"
                )
            )
        ).scalar_one_or_none()

    # -- the clock -----------------------------------------------------------------------------

    async def advance(self, now: datetime | None = None) -> int:
        """Run every action that is due; returns how many were invoked. The scheduler calls this."""
        now = now or _utcnow()
        today = self.today(now)
        await self._mark_interrupted(now)
        async with self.db.session() as session:
            ids = (
                (
                    await session.execute(
                        select(PlaybookExecution.id)
                        .where(
                            PlaybookExecution.status == "active",
                            exists().where(
                                PlaybookActionRun.execution_id == PlaybookExecution.id,
                                PlaybookActionRun.status == "pending",
                                PlaybookActionRun.due_date <= today,
                            ),
                        )
                        .order_by(PlaybookExecution.id)
                    )
                )
                .scalars()
                .all()
            )
        ran = 0
        for execution_id in ids:
            try:
                ran += await self.advance_execution(execution_id, now)
            except Exception:
                log.exception("advancing playbook execution %s failed", execution_id)
        return ran

    async def advance_execution(self, execution_id: int, now: datetime) -> int:
        today = self.today(now)
        catch_up_limit = today - timedelta(days=self.catch_up_days)
        events: list[tuple[str, str, str | None]] = []
        async with self.db.transaction() as session:
            execution = await self._lock(session, execution_id)
            if execution is None or execution.status != "active":
                return 0
            runs = await self._runs(session, execution_id)
            customer = await session.get(Customer, execution.customer_id)
            stages = [dict(s) for s in execution.stage_statuses]
            facts: dict[str, Any] | None = None
            for si, stage in enumerate(stages):
                if stage.get("entered") or date.fromisoformat(stage["date"]) > today:
                    continue
                stage["entered"] = True
                if not stage.get("conditions"):
                    continue
                from playbooks.model import StageCondition

                facts = facts or await customer_facts(session, customer, today)  # type: ignore[arg-type]
                failed = []
                for raw in stage["conditions"]:
                    held, why = condition_holds(StageCondition.model_validate(raw), facts)
                    if not held:
                        failed.append(why)
                if failed:
                    stage["note"] = "Skipped: " + "; ".join(failed)
                    for run in runs:
                        if run.stage_index == si and run.status in ("pending", "overdue"):
                            run.status, run.error, run.finished_at = "skipped", stage["note"], now
                    events.append(
                        ("stage_skipped", f"{stage['name']} skipped: {'; '.join(failed)}.", stage["name"])
                    )
            late = [r for r in runs if r.status == "pending" and r.due_date and r.due_date < catch_up_limit]
            for run in late:
                run.status = "overdue"
            if late:
                events.append(
                    (
                        "overdue",
                        f"{len(late)} action(s) are more than {self.catch_up_days} days late and wait for you: Run now or Skip.",
                        None,
                    )
                )
            execution.stage_statuses = stages
            due = [r.id for r in runs if r.status == "pending" and r.due_date and r.due_date <= today]
        if events:
            view = await self.get(execution_id)
            for kind, text, stage_name in events:
                await self._emit(view, kind, text, stage_name=stage_name)
        ran = 0
        for run_id in due:
            if await self._run_action(run_id, now, from_statuses=("pending",), only_if_active=True):
                ran += 1
        await self._refresh(execution_id, now)
        return ran

    async def _mark_interrupted(self, now: datetime) -> None:
        """Actions left `running` by a crash: never re-invoked; marked failed for the CSM to check."""
        cutoff = now - self.interrupted_after
        async with self.db.transaction() as session:
            stale = (
                (
                    await session.execute(
                        select(PlaybookActionRun).where(
                            PlaybookActionRun.status == "running", PlaybookActionRun.started_at < cutoff
                        )
                    )
                )
                .scalars()
                .all()
            )
            for run in stale:
                run.status = "failed"
                run.finished_at = now
                run.error = (
                    "Interrupted by a restart before its result was recorded. Check whether it happened, "
                    "then Run now or Skip."
                )
        for execution_id in {r.execution_id for r in stale}:
            await self._refresh(execution_id, now)

    # -- running one action --------------------------------------------------------------------

    async def _run_action(
        self,
        run_id: int,
        now: datetime,
        *,
        from_statuses: tuple[str, ...],
        only_if_active: bool,
        user_id: str | None = None,
    ) -> bool:
        """Claim the action (conditional UPDATE), invoke its tool once, record the result."""
        allowed = ("active",) if only_if_active else ("active", "paused")
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
            execution = await session.get(PlaybookExecution, run.execution_id)  # type: ignore[union-attr]
            customer = await session.get(Customer, execution.customer_id)  # type: ignore[union-attr]
            stage = execution.stage_statuses[run.stage_index]  # type: ignore[union-attr,index]
            action = stage["actions"][run.action_index]  # type: ignore[union-attr]
            template = self.library.get((await session.get(Playbook, execution.playbook_id)).slug)  # type: ignore[union-attr]
            facts = await customer_facts(session, customer, self.today(now))  # type: ignore[arg-type]
            values = (
                template_variables(
                    template,  # type: ignore[arg-type]
                    facts,
                    execution.variables or {},  # type: ignore[union-attr]
                    anchor=execution.anchor_date,  # type: ignore[union-attr]
                    today=self.today(now),
                    started_by=execution.started_by,  # type: ignore[union-attr]
                )
                if template
                else dict(facts)
            )
            values.update(
                stage_name=stage["name"],
                stage_date=stage["date"],
                due_date=run.due_date.isoformat() if run.due_date else None,  # type: ignore[union-attr]
                due_date_text=date_text(run.due_date),  # type: ignore[union-attr]
            )
            try:
                params = render(action.get("params", {}), values)
            except MissingVariable as exc:
                run.status, run.finished_at = "failed", now  # type: ignore[union-attr]
                run.error = (  # type: ignore[union-attr]
                    f"{customer.name} has no {', '.join(n.replace('_', ' ') for n in exc.names)} yet. "  # type: ignore[union-attr]
                    "Add it (or set it when starting the playbook), then Run now, or Skip."
                )
                params = None
            ctx = ToolContext(
                user_id=user_id or execution.started_by or customer.csm_slack_id or "system",  # type: ignore[union-attr]
                customer_id=customer.id,  # type: ignore[union-attr]
                customer_name=customer.name,  # type: ignore[union-attr]
                caller_kind="playbook",
                caller_ref=f"playbook_action:{run_id}",
                extra={
                    "require_approval": bool(action.get("requires_approval")),
                    "playbook_execution_id": execution.id,  # type: ignore[union-attr]
                    "playbook_action": action["id"],
                },
            )
            execution_id, stage_name, action_name = execution.id, stage["name"], action["name"]  # type: ignore[union-attr]
        if params is None:
            view = await self.get(execution_id)
            await self._emit(
                view, "action_failed", f"{action_name} could not run: {run.error}", stage_name, action_name
            )  # type: ignore[union-attr]
            return True
        try:
            result: ToolResult = await self.registry.invoke(action["tool"], params, ctx)
        except Exception as exc:
            log.exception("playbook action %s (%s) raised", run_id, action["tool"])
            result = ToolResult.fail(f"{action['tool']} failed unexpectedly: {exc.__class__.__name__}")
        await self._record(run_id, result, now, stage_name, action_name)
        return True

    async def _record(
        self, run_id: int, result: ToolResult, now: datetime, stage_name: str, action_name: str
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

    async def on_approval_decided(self, outcome: ApprovalOutcome) -> None:
        """The registry's resume hook: finish the waiting action, then carry on with the playbook."""
        ref = outcome.caller_ref or ""
        if not ref.startswith("playbook_action:"):
            return
        run_id = int(ref.split(":", 1)[1])
        now = _utcnow()
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

    async def _refresh(self, execution_id: int, now: datetime) -> None:
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
        self,
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
    import json

    try:
        json.dumps(data)
        return data
    except (TypeError, ValueError):
        return json.loads(json.dumps(data, default=str))
