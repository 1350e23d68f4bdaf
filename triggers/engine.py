"""The trigger engine: evaluate rules in set-based SQL, record each cause once, run the actions.

`sweep(now)` evaluates every enabled rule for every customer; `evaluate_event(customer_id, type)`
evaluates, for one customer, only the rules an ingested event can fire. A firing is
`INSERT INTO trigger_firings SELECT <the condition's query> ON CONFLICT (rule_id, customer_id, cause)
DO NOTHING RETURNING ...`: one statement per rule, the numbers of each firing built as JSON in SQL;
only the process whose insert went in runs the actions, so a cause fires once however many sweeps or
processes run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from store import Database
from store.base import UTCDateTime
from store.models import Customer, TriggerFiring, TriggerRule
from tools.model import ApprovalOutcome
from triggers.actions import ActionRunner, HealthRecomputer, OnAlert, ToolInvoker
from triggers.alerts import describe
from triggers.conditions import BUILDERS, EVENT_TRIGGER_TYPES, SHARED_USAGE_TYPES, EvalContext, weekly_usage
from triggers.filters import FilterError, scope_clauses
from triggers.firings import Fired, as_dict, gc_paused, json_object, recent_alerts, snooze
from triggers.model import Rule
from triggers.sql import insert_ignore

log = logging.getLogger(__name__)

__all__ = ["Fired", "TriggerEngine", "recent_alerts", "snooze"]

HEALTH_INPUT_EVENTS = {"login", "usage", "ticket", "nps", "stakeholder", "meeting"}
ACT_BATCH = 500  # firings whose actions run before their outcomes are written


def customer_columns(firings: Any) -> list[Any]:
    """Name, CSM and channel of a firing's customer, as scalar subqueries a RETURNING clause can hold."""
    # Qualified by hand: SQLAlchemy renders RETURNING columns bare, which would not correlate.
    customer_id = literal_column(f"{firings.name}.customer_id")
    return [
        select(column).where(Customer.id == customer_id).scalar_subquery()
        for column in (Customer.name, Customer.csm_slack_id, Customer.slack_channel)
    ]


class TriggerEngine:
    def __init__(
        self,
        db: Database,
        registry: ToolInvoker | None = None,
        on_alert: OnAlert | None = None,
        health: HealthRecomputer | None = None,
        max_parallel: int = 8,
    ) -> None:
        self.db = db
        self.health = health
        self.runner = ActionRunner(registry, on_alert=on_alert, health=health, db=db)
        self._max_parallel = max_parallel
        self._queues: dict[int, asyncio.Lock] = {}
        self._running: set[int] = set()
        if registry is not None and hasattr(registry, "add_resume_hook"):
            registry.add_resume_hook("trigger", self.on_approval_decided)

    async def on_approval_decided(self, outcome: ApprovalOutcome) -> None:
        """An approval-gated action of a firing was decided: record how it ended on the firing."""
        ref = outcome.caller_ref or ""
        if not ref.startswith("trigger_firing:"):
            return
        async with self.db.transaction() as s:
            firing = await s.get(TriggerFiring, int(ref.split(":", 1)[1]))
            if firing is None:
                return
            decided = {
                "approval_id": outcome.approval_id,
                "tool": outcome.tool_name,
                "status": outcome.status,
                "decided_by": outcome.decided_by,
                "error": outcome.result.error if outcome.result is not None else None,
            }
            firing.details = {
                **(firing.details or {}),
                "approvals": [*(firing.details or {}).get("approvals", []), decided],
            }

    def set_on_alert(self, on_alert: OnAlert | None) -> None:
        """Where `alert_csm` hands its alerts (app.py wires the Slack renderer of bot/)."""
        self.runner.on_alert = on_alert

    # -- entry points -------------------------------------------------------------------------

    async def sweep(self, now: datetime | None = None, *, run_actions: bool = True) -> list[Fired]:
        """Evaluate every enabled rule for every customer once."""
        now = now or datetime.now(UTC)
        fired: list[Fired] = []
        rules = await self.enabled_rules()
        # The week-over-week usage rules share one aggregation of the usage series per sweep.
        shared = [r for r in rules if r.type in SHARED_USAGE_TYPES and r.run_mode == "parallel"]
        for rule in rules:
            if rule not in shared:
                fired += await self._guarded(rule, now, None, run_actions)
        if shared:
            try:
                fired += await self._usage_sweep(shared, now, run_actions)
            except Exception:
                log.exception("the usage rules failed in this sweep; the others ran")
        if run_actions:
            from triggers.retry import retry_failed

            try:
                await retry_failed(self, now)
            except Exception:
                log.exception("retrying failed alerts failed")
        return fired

    async def _guarded(
        self, rule: Rule, now: datetime, customer_id: int | None, run_actions: bool
    ) -> list[Fired]:
        """One rule; a rule that cannot be evaluated (a bad filter) is logged and skipped, not fatal."""
        try:
            return await self.evaluate_rule(rule, now, customer_id=customer_id, run_actions=run_actions)
        except FilterError as exc:
            log.error("trigger rule %s skipped: %s", rule.slug, exc)
        except Exception:
            log.exception("trigger rule %s failed; the other rules ran", rule.slug)
        return []

    async def _usage_sweep(self, rules: list[Rule], now: datetime, run_actions: bool) -> list[Fired]:
        weekly = Table(
            f"sweep_weekly_usage_{uuid.uuid4().hex[:8]}",
            MetaData(),
            Column("customer_id", Integer),
            Column("metric", String(100)),
            Column("this_week", Float),
            Column("last_week", Float),
            prefixes=["TEMPORARY"],
        )
        results: list[tuple[Rule, list[Any]]] = []
        async with self.db.transaction() as s:
            conn = await s.connection()
            await conn.run_sync(weekly.create)
            try:
                await s.execute(
                    weekly.insert().from_select(
                        ["customer_id", "metric", "this_week", "last_week"], weekly_usage(now)
                    )
                )
                for rule in rules:
                    results.append((rule, await self._insert(s, rule, now, None, usage_table=weekly)))
            finally:
                await conn.run_sync(weekly.drop)
        fired: list[Fired] = []
        for rule, inserted in results:
            fired += await self._finish(rule, inserted, now, run_actions)
        return fired

    async def evaluate_event(
        self, customer_id: int, event_type: str, now: datetime | None = None, *, run_actions: bool = True
    ) -> list[Fired]:
        """An event was ingested for `customer_id`: evaluate, for that customer, the rules it can fire."""
        now = now or datetime.now(UTC)
        types = EVENT_TRIGGER_TYPES.get(event_type, ())
        if event_type in HEALTH_INPUT_EVENTS and self.health is not None:
            await self.health.recompute([customer_id], now)
        fired: list[Fired] = []
        for rule in await self.enabled_rules(types):
            fired += await self._guarded(rule, now, customer_id, run_actions)
        return fired

    async def enabled_rules(self, types: tuple[str, ...] | None = None) -> list[Rule]:
        stmt = select(TriggerRule).where(TriggerRule.enabled.is_(True)).order_by(TriggerRule.id)
        if types is not None:
            if not types:
                return []
            stmt = stmt.where(TriggerRule.trigger_type.in_(types))
        async with self.db.session() as s:
            rows = (await s.execute(stmt)).scalars().all()
        rules = []
        for row in rows:
            try:
                rules.append(Rule.from_row(row))
            except ValueError as exc:
                log.error("trigger rule %s (%s) is invalid and was skipped: %s", row.id, row.slug, exc)
        return rules

    # -- one rule -------------------------------------------------------------------------------

    async def evaluate_rule(
        self, rule: Rule, now: datetime, *, customer_id: int | None = None, run_actions: bool = True
    ) -> list[Fired]:
        """Run modes (as in Home Assistant): `single` skips while a run of this rule is in progress
        (nothing is recorded, so the next sweep sees the same causes), `queued` waits its turn,
        `parallel` runs at once and runs the firings' actions concurrently."""
        if rule.run_mode == "single":
            if rule.id in self._running:
                log.info("trigger %s is still running; skipped (run mode single)", rule.slug)
                return []
            self._running.add(rule.id)
            try:
                return await self._evaluate(rule, now, customer_id, run_actions)
            finally:
                self._running.discard(rule.id)
        if rule.run_mode == "queued":
            async with self._queues.setdefault(rule.id, asyncio.Lock()):
                return await self._evaluate(rule, now, customer_id, run_actions)
        return await self._evaluate(rule, now, customer_id, run_actions)

    def candidates_query(
        self, rule: Rule, now: datetime, customer_id: int | None = None, usage_table: Any = None
    ) -> Any:
        """SELECT customer_id, cause, details (JSON) of the causes of `rule` that hold now and have not
        fired yet, nor are cooling down or snoozed. With a cooldown, one cause per customer."""
        ctx = EvalContext(now=now, dialect=self.db.dialect, customer_id=customer_id, usage_table=usage_table)
        cand = BUILDERS[rule.type](rule.params, ctx).subquery("cand")
        f = TriggerFiring
        already = exists().where(
            f.rule_id == rule.id, f.customer_id == cand.c.customer_id, f.cause == cand.c.cause
        )
        quiet = [f.snoozed_until > now]
        if rule.cooldown_minutes:
            quiet.append(f.fired_at > now - timedelta(minutes=rule.cooldown_minutes))
        resting = exists().where(f.rule_id == rule.id, f.customer_id == cand.c.customer_id, or_(*quiet))
        numbers = [c for c in cand.c if c.name not in ("customer_id", "cause")]
        columns = [cand.c.customer_id, cand.c.cause, json_object(self.db.dialect, numbers).label("details")]
        if rule.cooldown_minutes:
            rank = func.row_number().over(partition_by=cand.c.customer_id, order_by=cand.c.cause)
            columns.append(rank.label("rank"))
        stmt = (
            select(*columns)
            .join(Customer, Customer.id == cand.c.customer_id)
            .where(
                Customer.status == "active",
                cand.c.cause.is_not(None),
                *scope_clauses(rule.scope, now=now, me=rule.owner_slack_id),
                ~already,
                ~resting,
            )
        )
        if rule.cooldown_minutes:
            ranked = stmt.subquery("ranked")
            stmt = select(ranked.c.customer_id, ranked.c.cause, ranked.c.details).where(ranked.c.rank == 1)
        return stmt

    async def preview(
        self, rule: Rule, now: datetime | None = None, customer_id: int | None = None
    ) -> list[dict[str, Any]]:
        """What `rule` would fire now, without recording anything (a dry run)."""
        now = now or datetime.now(UTC)
        async with self.db.session() as s:
            rows = (await s.execute(self.candidates_query(rule, now, customer_id))).all()
        out = []
        for cid, cause, details in rows:
            details = as_dict(details)
            what, _ = describe(rule.type, details, now)
            out.append({"customer_id": cid, "cause": cause, "what": what, "details": details})
        return out

    async def _evaluate(
        self, rule: Rule, now: datetime, customer_id: int | None, run_actions: bool
    ) -> list[Fired]:
        async with self.db.transaction() as s:
            inserted = await self._insert(s, rule, now, customer_id)
        return await self._finish(rule, inserted, now, run_actions)

    async def _insert(
        self, s: Any, rule: Rule, now: datetime, customer_id: int | None, usage_table: Any = None
    ) -> list[Any]:
        """One INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING: the firings this call recorded,
        each with its customer's name, CSM and channel (looked up by the RETURNING clause itself)."""
        src = self.candidates_query(rule, now, customer_id, usage_table=usage_table).subquery("src")
        table = TriggerFiring.__table__
        select_rows = select(
            literal(rule.id),
            src.c.customer_id,
            src.c.cause,
            src.c.details,
            literal("fired"),
            literal(now, UTCDateTime()),
        ).where(src.c.customer_id.is_not(None))
        # The details come back as JSON text, parsed only when an alert is built.
        details = (
            cast(table.c.details, Text)
            if self.db.dialect == "postgresql"
            else type_coerce(table.c.details, Text)
        )
        stmt = insert_ignore(
            self.db.dialect,
            table,
            ["rule_id", "customer_id", "cause"],
            from_select=(["rule_id", "customer_id", "cause", "details", "status", "fired_at"], select_rows),
        ).returning(table.c.id, table.c.customer_id, table.c.cause, details, *customer_columns(table))
        result = await s.execute(stmt)
        with gc_paused():
            inserted = list(result.all())
        if inserted:
            await s.execute(
                update(TriggerRule)
                .where(TriggerRule.id == rule.id)
                .values(fire_count=TriggerRule.fire_count + len(inserted), last_fired_at=now)
            )
        return inserted

    async def _finish(self, rule: Rule, inserted: list[Any], now: datetime, run_actions: bool) -> list[Fired]:
        if not inserted:
            return []
        with gc_paused():
            fired = [
                Fired(fid, rule, cid, cause, d, now, (name or "", csm, channel))
                for fid, cid, cause, d, name, csm, channel in sorted(inserted, key=lambda row: row[0])
            ]
        if run_actions:
            await self._act(rule, fired)
        return fired

    async def _act(self, rule: Rule, fired: list[Fired]) -> None:
        """Run each firing's actions (concurrently up to `max_parallel` for parallel rules) and record
        how each ended; outcomes are written per batch of firings in one statement, not one
        transaction per firing."""
        limit = asyncio.Semaphore(self._max_parallel if rule.run_mode == "parallel" else 1)

        async def one(item: Fired) -> None:
            async with limit:
                item.actions = await self.runner.run(rule, item.alert)

        for start in range(0, len(fired), ACT_BATCH):
            batch = fired[start : start + ACT_BATCH]
            await asyncio.gather(*(one(f) for f in batch))
            await self._record_outcomes(batch)

    async def _record_outcomes(self, batch: list[Fired]) -> None:
        """Status and action results of each firing, merged into its details by the database (an
        approval recorded meanwhile on the same firing is kept)."""
        table = TriggerFiring.__table__
        actions = bindparam("actions_json", type_=Text)
        if self.db.dialect == "postgresql":
            merged = table.c.details.op("||")(func.jsonb_build_object("actions", cast(actions, JSONB)))
        else:
            merged = func.json_set(func.coalesce(table.c.details, "{}"), "$.actions", func.json(actions))
        stmt = (
            update(table)
            .where(table.c.id == bindparam("firing_id"))
            .values(status=bindparam("outcome"), details=merged)
        )
        rows = [
            {
                "firing_id": item.firing_id,
                "outcome": "actioned" if all(r.get("ok") for r in item.actions) else "failed",
                "actions_json": json.dumps(item.actions, default=str),
            }
            for item in batch
        ]
        async with self.db.transaction() as s:
            await (await s.connection()).execute(stmt, rows)
