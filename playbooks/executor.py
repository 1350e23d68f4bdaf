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
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from playbooks.control import FOLLOWS_RENEWAL, ExecutorControls
from playbooks.errors import AlreadyRunning, PlaybookError, UnknownTemplate
from playbooks.library import TemplateLibrary, load_library, sync_templates
from playbooks.model import PlaybookTemplate, StageCondition
from playbooks.resolve import resolve_customer
from playbooks.runner import ActionRunner, PlaybookProgress, ProgressCallback, utcnow
from playbooks.variables import condition_holds, customer_facts, date_text
from playbooks.views import ExecutionView, load_views
from store import Database
from store.models import Customer, PlaybookActionRun, PlaybookExecution

log = logging.getLogger(__name__)

__all__ = ["PlaybookExecutor", "PlaybookProgress", "ProgressCallback"]


class PlaybookExecutor(ActionRunner, ExecutorControls):
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
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.registry = registry
        self.library = library or load_library()
        self.on_progress = on_progress
        self.tz = ZoneInfo(timezone)
        self.catch_up_days = catch_up_days
        self.interrupted_after = interrupted_after
        self.clock = clock  # every entry point also takes `now`; this is the default
        self._playbook_ids: dict[str, int] = {}
        self.tool_problems: list[Any] = []
        registry.add_resume_hook("playbook", self.on_approval_decided)
        self.register_tools()

    # -- setup ---------------------------------------------------------------------------------

    async def sync(self) -> dict[str, int]:
        """Write the templates into the `playbooks` table (call at start-up); log every step whose
        tool is missing or would refuse its parameters."""
        from playbooks.checks import check_against_registry

        self.tool_problems = check_against_registry(self.library, self.registry)
        for problem in self.tool_problems:
            log.warning("playbook template: %s", problem)
        self._playbook_ids = await sync_templates(self.db, self.library)
        return self._playbook_ids

    def register_tools(self) -> None:
        """Add `playbooks.start` and `playbooks.list_active` to the registry."""
        from playbooks.registry_tools import playbook_tools

        for tool in playbook_tools(self):
            self.registry.register(tool, replace=True)

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
        customer: int | str | None = None,
        *,
        owner: str | None = None,
        statuses: tuple[str, ...] | None = ("active", "paused"),
        limit: int = 50,
    ) -> list[ExecutionView]:
        """Executions, newest first: of one customer (id or name), or of an owner's customers
        (the customer's CSM or whoever started it)."""
        async with self.db.session() as session:
            customer_id = None
            if customer is not None:
                customer_id = (await resolve_customer(session, customer)).id
            return await load_views(
                session,
                customer_id=customer_id,
                owner=owner,
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
        now = now or self.clock()
        today = self.today(now)
        template = self.template(slug)
        if template.slug not in self._playbook_ids:
            await self.sync()
        playbook_id = self._playbook_ids[template.slug]
        stored = dict(variables or {})
        async with self.db.session() as session:
            cust = await resolve_customer(session, customer)
            if anchor is None:
                anchor = self._default_anchor(template, cust, today)
                if template.anchor_rule.source == "renewal_date":
                    # The anchor follows the customer's renewal date until the CSM moves it by hand.
                    stored[FOLLOWS_RENEWAL] = template.anchor_rule.offset_days
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
                    variables=stored,
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
        now = now or self.clock()
        today = self.today(now)
        await self._mark_interrupted(now)
        await self._follow_renewal_dates(now)
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

    async def _follow_renewal_dates(self, now: datetime) -> None:
        """A renewal playbook dated from the renewal date moves when the renewal date changes."""
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(
                        PlaybookExecution.id,
                        PlaybookExecution.anchor_date,
                        PlaybookExecution.variables,
                        Customer.renewal_date,
                    )
                    .join(Customer, Customer.id == PlaybookExecution.customer_id)
                    .where(
                        PlaybookExecution.status.in_(("active", "paused")), Customer.renewal_date.is_not(None)
                    )
                )
            ).all()
        for execution_id, anchor, variables, renewal_date in rows:
            offset = (variables or {}).get(FOLLOWS_RENEWAL)
            if offset is None:
                continue
            wanted = renewal_date + timedelta(days=int(offset))
            if wanted != anchor:
                try:
                    await self.reanchor(execution_id, wanted, by=None, now=now, keep_following=True)
                except PlaybookError:
                    log.exception("could not follow the renewal date of playbook #%s", execution_id)

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
