"""The automations engine: preview a sentence, save it, run it on the durable scheduler or as a
trigger rule, test-run it, pause/resume/delete it, and keep the traces of its last 20 runs.

Schedule and one-off automations are jobs `automation:<id>` of `triggers.scheduler.DurableScheduler`
(its (job, fire time) key runs each slot once across processes); each run writes one
`AutomationRun` row, unique on (automation, fire time), holding the trace. Event automations become
`TriggerRule` rows owned by the user (slug `automation-<id>`), evaluated by the trigger engine.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from automations.builder import Preview, build_preview, customer_names
from automations.definition import AutomationDefinition, EventTrigger, OnceTrigger
from automations.parsing import parse
from automations.runner import AutomationRunner
from automations.timing import effective_timezone, schedule_of
from store import Database
from store.models import Automation, AutomationRun, JobRun, TriggerFiring, TriggerRule
from tools.model import ToolContext
from triggers.sql import insert_ignore

log = logging.getLogger(__name__)

KEEP_TRACES = 20
SYNC_SECONDS = 60
FIRINGS_SECONDS = 30
FIRINGS_HORIZON = timedelta(days=7)
UserTimezone = Callable[[str], Awaitable[str | None]]


class AutomationError(ValueError):
    """Something a person can fix; the message is the sentence to show."""


def job_name(automation_id: int) -> str:
    return f"automation:{automation_id}"


class AutomationService:
    def __init__(
        self,
        db: Database,
        registry: Any,
        settings: Any,
        *,
        scheduler: Any = None,
        llm: Any = None,
        health: Any = None,
        user_timezone: UserTimezone | None = None,
    ) -> None:
        self.db = db
        self.registry = registry
        self.settings = settings
        self.scheduler = scheduler
        self.llm = llm
        self.user_timezone = user_timezone
        self.runner = AutomationRunner(db, registry, health=health)
        if registry is not None and hasattr(registry, "add_resume_hook"):
            registry.add_resume_hook("automation", self.on_approval)

    @property
    def default_tz(self) -> str:
        return getattr(self.settings, "timezone", None) or "UTC"

    async def _user_tz(self, user_id: str) -> str | None:
        if self.user_timezone is None:
            return None
        try:
            return await self.user_timezone(user_id)
        except Exception:
            log.info("could not read the Slack timezone of %s", user_id, exc_info=True)
            return None

    # -- preview and save -----------------------------------------------------------------------

    async def preview(
        self, text: str, user_id: str, *, team_id: str = "", now: datetime | None = None
    ) -> Preview:
        """Parse and check; raises ParseRefused when the text is not fully understood."""
        names = await customer_names(self.db)
        user_tz = await self._user_tz(user_id)
        from automations.builder import known_playbooks

        result = await parse(
            text, client=self.llm, now=now, customer_names=names, timezone=user_tz,
            playbooks=sorted(await known_playbooks(self.db)),
        )  # fmt: skip
        ctx = ToolContext(user_id=user_id, team_id=team_id, caller_kind="automation", dry_run=True)
        return await build_preview(
            text, result.definition, db=self.db, default_tz=self.default_tz, user_tz=user_tz,
            registry=self.registry, ctx=ctx, now=now, backend=result.backend, note=result.note,
        )  # fmt: skip

    async def save(self, preview: Preview, owner: str, *, now: datetime | None = None) -> Automation:
        if preview.customer_choices:
            raise AutomationError(f"Which customer: {', '.join(preview.customer_choices)}?")
        if preview.errors:
            raise AutomationError(" ".join(preview.errors))
        now = now or datetime.now(UTC)
        defn = preview.definition
        async with self.db.transaction() as s:
            row = Automation(
                owner_slack_id=owner, name=defn.name[:200], natural_language=preview.text,
                definition=defn.to_json(), echo=preview.echo, timezone=preview.timezone, status="active",
                next_run_at=preview.next_runs[0] if preview.next_runs else None, created_at=now,
            )  # fmt: skip
            s.add(row)
            await s.flush()
            if isinstance(defn.trigger, EventTrigger):
                row.trigger_rule_id = await self._save_rule(s, row, defn)
        self._schedule(row, now)
        return row

    async def _save_rule(self, s: Any, row: Automation, defn: AutomationDefinition) -> int:
        from triggers.model import RuleSpec

        trigger = defn.trigger
        assert isinstance(trigger, EventTrigger)
        spec = RuleSpec(
            slug=f"automation-{row.id}", name=defn.name[:200], type=trigger.type, params=trigger.params,
            scope=defn.scope.model_dump(), actions=[a.model_dump() for a in defn.actions],
        )  # fmt: skip
        # The rule records each cause once; its actions are this automation's, run by `process_firings`
        # (recipients, templates and a full trace), so the rule itself carries none.
        rule = TriggerRule(
            slug=spec.slug, name=spec.name, trigger_type=spec.type, params=spec.params,
            scope=spec.scope.model_dump(exclude_none=True), actions=[],
            enabled=True, run_mode=spec.run_mode, cooldown_minutes=0, owner_slack_id=row.owner_slack_id,
            is_default=False, automation_id=row.id, fire_count=0,
        )  # fmt: skip
        s.add(rule)
        await s.flush()
        return rule.id

    # -- the scheduler --------------------------------------------------------------------------

    def _schedule(self, row: Automation, now: datetime | None = None) -> None:
        if self.scheduler is None or row.status != "active":
            return
        defn = AutomationDefinition.model_validate(row.definition)
        schedule = schedule_of(defn, row.timezone or self.default_tz, anchor=row.created_at)
        if schedule is None:
            return
        automation_id = row.id

        async def fire(fire_time: datetime) -> None:
            await self.run_scheduled(automation_id, fire_time)

        self.scheduler.add_job(job_name(row.id), schedule, fire, now=now or row.created_at)

    async def sync_jobs(self) -> None:
        """Register every active scheduled automation (others' saves too) and drop the rest."""
        if self.scheduler is None:
            return
        async with self.db.session() as s:
            rows = (await s.execute(select(Automation).where(Automation.status == "active"))).scalars().all()
        wanted = set()
        for row in rows:
            if row.definition.get("trigger", {}).get("kind") in ("schedule", "once"):
                wanted.add(job_name(row.id))
                if job_name(row.id) not in self.scheduler.jobs:
                    self._schedule(row)
        for name in [n for n in self.scheduler.jobs if n.startswith("automation:") and n not in wanted]:
            self.scheduler.remove_job(name)

    async def start(self) -> None:
        await self.sync_jobs()
        if self.scheduler is not None:
            self.scheduler.add_job("automations:sync", SYNC_SECONDS, self.sync_jobs)
            self.scheduler.add_job("automations:firings", FIRINGS_SECONDS, self.process_firings)

    # -- event automations: the trigger engine records a firing, this runs the actions ----------

    async def process_firings(self, now: datetime | None = None, limit: int = 200) -> int:
        """Run the actions of new firings of event automations, each exactly once (claimed by a unique
        `job_runs` row), and keep the trace on the firing. Returns how many ran here."""
        now = now or datetime.now(UTC)
        q = (
            select(TriggerFiring, TriggerRule.automation_id)
            .join(TriggerRule, TriggerRule.id == TriggerFiring.rule_id)
            .where(
                TriggerRule.automation_id.is_not(None),
                TriggerFiring.status == "actioned",  # the engine is done with it (the rule has no actions)
                TriggerFiring.fired_at > now - FIRINGS_HORIZON,
            )
            .order_by(TriggerFiring.id)
            .limit(limit)
        )
        async with self.db.session() as s:
            rows = (await s.execute(q)).all()
            if not rows:
                return 0
            names = [f"automation-firing:{f.id}" for f, _ in rows]
            done = set((await s.execute(select(JobRun.job).where(JobRun.job.in_(names)))).scalars().all())
        ran = 0
        for firing, automation_id in rows:
            name = f"automation-firing:{firing.id}"
            if name in done or not await self._claim(name, firing.fired_at, now):
                continue
            ran += await self._run_firing(firing, automation_id, name)
        return ran

    async def _claim(self, name: str, fire_time: datetime, now: datetime) -> bool:
        stmt = insert_ignore(self.db.dialect, JobRun, ["job", "fire_time"]).returning(JobRun.id)
        row = {
            "job": name,
            "fire_time": fire_time,
            "status": "running",
            "claimed_at": now,
            "claimed_by": "automations",
        }
        async with self.db.transaction() as s:
            return (await s.execute(stmt, [row])).first() is not None

    async def _run_firing(self, firing: TriggerFiring, automation_id: int, name: str) -> int:
        async with self.db.session() as s:
            row = await s.get(Automation, automation_id)
        error = None
        if row is None or row.status != "active":
            trace: dict[str, Any] = {"skipped": "the automation is paused or deleted"}
        else:
            defn = AutomationDefinition.model_validate(row.definition)
            try:
                trace = await self.runner.run(
                    defn, owner=row.owner_slack_id, automation_id=row.id, fire_time=firing.fired_at,
                    customer_ids=[firing.customer_id],
                )  # fmt: skip
            except Exception as exc:
                log.exception("automation %s failed on firing %s", automation_id, firing.id)
                trace, error = {"error": f"{type(exc).__name__}: {exc}"}, str(exc)
        finished = datetime.now(UTC)
        async with self.db.transaction() as s:
            stored = await s.get(TriggerFiring, firing.id)
            if stored is not None:
                stored.details = {**(stored.details or {}), "automation": trace}
                if error or trace.get("status") == "failed":
                    stored.status = "failed"
            await s.execute(
                update(JobRun).where(JobRun.job == name)
                .values(status="failed" if error else "done", finished_at=finished, error=error)
            )  # fmt: skip
            if row is not None and row.status == "active":
                await s.execute(
                    update(Automation).where(Automation.id == automation_id)
                    .values(last_run_at=finished, run_count=Automation.run_count + 1)
                )  # fmt: skip
        return 1

    async def stop(self) -> None:
        return None

    # -- runs -----------------------------------------------------------------------------------

    async def run_scheduled(self, automation_id: int, fire_time: datetime) -> AutomationRun | None:
        """One scheduled slot: claim (automation, fire time), run, store the trace, keep the last 20."""
        async with self.db.session() as s:
            row = await s.get(Automation, automation_id)
        if row is None or row.status != "active":
            return None
        stmt = insert_ignore(self.db.dialect, AutomationRun, ["automation_id", "fire_time"]).returning(
            AutomationRun.id
        )
        async with self.db.transaction() as s:
            got = (
                await s.execute(stmt, [{"automation_id": row.id, "fire_time": fire_time, "status": "running",
                                        "dry_run": False, "trace": {}, "started_at": datetime.now(UTC)}])
            ).first()  # fmt: skip
        if got is None:
            return None  # this slot already ran
        defn = AutomationDefinition.model_validate(row.definition)
        try:
            trace = await self.runner.run(
                defn, owner=row.owner_slack_id, automation_id=row.id, fire_time=fire_time, now=fire_time
            )
            status = trace["status"]
        except Exception as exc:
            log.exception("automation %s failed at %s", row.id, fire_time)
            trace, status = {"error": f"{type(exc).__name__}: {exc}"}, "failed"
        finished = datetime.now(UTC)
        schedule = schedule_of(defn, row.timezone or self.default_tz, anchor=row.created_at)
        nxt = schedule.next_after(max(finished, fire_time)) if schedule else None
        async with self.db.transaction() as s:
            await s.execute(
                update(AutomationRun).where(AutomationRun.id == got[0])
                .values(status=status, trace=trace, finished_at=finished)
            )  # fmt: skip
            values: dict[str, Any] = {
                "last_run_at": finished,
                "next_run_at": nxt,
                "run_count": Automation.run_count + 1,
            }
            if isinstance(defn.trigger, OnceTrigger):
                values["status"] = "done"
            await s.execute(update(Automation).where(Automation.id == row.id).values(**values))
            keep = (
                select(AutomationRun.id).where(AutomationRun.automation_id == row.id)
                .order_by(AutomationRun.fire_time.desc()).limit(KEEP_TRACES)
            )  # fmt: skip
            await s.execute(
                delete(AutomationRun).where(
                    AutomationRun.automation_id == row.id, AutomationRun.id.not_in(keep)
                )
            )
        async with self.db.session() as s:
            return await s.get(AutomationRun, got[0])

    async def test_run(
        self, definition: AutomationDefinition, owner: str, *, team_id: str = "", now: datetime | None = None
    ) -> dict[str, Any]:
        """A dry run: no writes, no side effects; the trace says exactly what would happen."""
        return await self.runner.run(definition, owner=owner, team_id=team_id, dry_run=True, now=now)

    # -- listing and control --------------------------------------------------------------------

    async def list(self, owner: str, *, include_deleted: bool = False) -> list[Automation]:
        q = select(Automation).where(Automation.owner_slack_id == owner)
        if not include_deleted:
            q = q.where(Automation.status != "deleted")
        async with self.db.session() as s:
            return list((await s.execute(q.order_by(Automation.id))).scalars().all())

    async def get(self, automation_id: int) -> Automation | None:
        async with self.db.session() as s:
            return await s.get(Automation, automation_id)

    async def set_status(self, automation_id: int, user_id: str, status: str) -> Automation:
        """pause | resume | delete, by the owner only."""
        target = {"pause": "paused", "resume": "active", "delete": "deleted"}[status]
        async with self.db.transaction() as s:
            row = await s.get(Automation, automation_id)
            if row is None or row.status == "deleted":
                raise AutomationError(f"There is no automation {automation_id}.")
            if row.owner_slack_id != user_id:
                raise AutomationError("Only the person who made this automation can change it.")
            row.status = target
            if row.trigger_rule_id is not None:
                await s.execute(
                    update(TriggerRule)
                    .where(TriggerRule.id == row.trigger_rule_id)
                    .values(enabled=target == "active")
                )
        if self.scheduler is not None:
            if target == "active":
                self._schedule(row, datetime.now(UTC))
            else:
                self.scheduler.remove_job(job_name(automation_id))
        return row

    async def traces(self, automation_id: int, limit: int = KEEP_TRACES) -> list[dict[str, Any]]:
        """The last runs, newest first: scheduled runs' traces, or an event automation's firings."""
        async with self.db.session() as s:
            row = await s.get(Automation, automation_id)
            if row is None:
                return []
            runs = (
                await s.execute(
                    select(AutomationRun).where(AutomationRun.automation_id == automation_id)
                    .order_by(AutomationRun.fire_time.desc()).limit(limit)
                )
            ).scalars().all()  # fmt: skip
            out = [{"fire_time": r.fire_time.isoformat(), "status": r.status, "trace": r.trace} for r in runs]
            if row.trigger_rule_id is not None:
                firings = (
                    await s.execute(
                        select(TriggerFiring).where(TriggerFiring.rule_id == row.trigger_rule_id)
                        .order_by(TriggerFiring.fired_at.desc()).limit(limit)
                    )
                ).scalars().all()  # fmt: skip
                out += [
                    {"fire_time": f.fired_at.isoformat(), "status": f.status, "cause": f.cause,
                     "customer_id": f.customer_id,
                     "trace": (f.details or {}).get("automation") or {"waiting": "the actions have not run yet"}}
                    for f in firings
                ]  # fmt: skip
        return sorted(out, key=lambda t: t["fire_time"], reverse=True)[:limit]

    async def on_approval(self, outcome: Any) -> None:
        """A gated send of one of our runs was decided: the trace says what finally happened."""
        ref = outcome.caller_ref or ""
        if not ref.startswith("automation:") or not ref.split(":", 1)[1].isdigit():
            return
        automation_id = int(ref.split(":", 1)[1])

        def settle(trace: dict[str, Any]) -> bool:
            changed = False
            for entry in trace.get("actions") or []:
                if entry.get("approval_id") == outcome.approval_id:
                    entry["outcome"] = outcome.status  # executed | failed | rejected | expired
                    entry["decided_by"] = outcome.decided_by
                    if outcome.result is not None and not outcome.result.success:
                        entry["error"] = outcome.result.error
                    changed = True
            return changed

        async with self.db.transaction() as s:
            row = await s.get(Automation, automation_id)
            if row is None:
                return
            runs = (
                await s.execute(
                    select(AutomationRun).where(AutomationRun.automation_id == automation_id)
                    .order_by(AutomationRun.fire_time.desc()).limit(KEEP_TRACES)
                )
            ).scalars().all()  # fmt: skip
            for run in runs:
                trace = copy.deepcopy(run.trace or {})
                if settle(trace):
                    run.trace = trace
                    return
            if row.trigger_rule_id is not None:
                firings = (
                    await s.execute(
                        select(TriggerFiring).where(TriggerFiring.rule_id == row.trigger_rule_id)
                        .order_by(TriggerFiring.id.desc()).limit(KEEP_TRACES)
                    )
                ).scalars().all()  # fmt: skip
                for firing in firings:
                    details = copy.deepcopy(firing.details or {})
                    trace = details.get("automation") or {}
                    if settle(trace):
                        firing.details = {**details, "automation": trace}
                        return

    def timezone_of(self, defn: AutomationDefinition, user_tz: str | None) -> str:
        return effective_timezone(defn, user_tz, self.default_tz)
