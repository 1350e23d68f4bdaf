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
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, literal, literal_column, or_, select, update

from store import Database
from store.base import UTCDateTime
from store.models import Customer, TriggerFiring, TriggerRule
from triggers.actions import ActionRunner, HealthRecomputer, OnAlert, ToolInvoker
from triggers.alerts import Alert, describe, suggested_playbook
from triggers.conditions import BUILDERS, EVENT_TRIGGER_TYPES, EvalContext
from triggers.filters import scope_clauses
from triggers.model import Rule
from triggers.sql import insert_ignore

log = logging.getLogger(__name__)

HEALTH_INPUT_EVENTS = {"login", "usage", "ticket", "nps", "stakeholder", "meeting"}
CHUNK = 900


class Fired:
    """One firing this process recorded (and, unless told not to, actioned); `alert` is built on use."""

    __slots__ = (
        "firing_id",
        "rule",
        "customer_id",
        "cause",
        "details",
        "now",
        "customer",
        "actions",
        "_alert",
    )

    def __init__(
        self, firing_id: int, rule: Rule, customer_id: int, cause: str, details: dict[str, Any], now: datetime
    ) -> None:
        self.firing_id, self.rule, self.customer_id, self.cause = firing_id, rule, customer_id, cause
        self.details, self.now = details or {}, now
        self.customer: tuple[str, str | None, str | None] = ("", None, None)  # name, CSM, channel
        self.actions: list[dict[str, Any]] = []
        self._alert: Alert | None = None

    @property
    def alert(self) -> Alert:
        if self._alert is None:
            what, why = describe(self.rule.type, self.details, self.now)
            name, csm, channel = self.customer
            self._alert = Alert(
                firing_id=self.firing_id,
                rule_id=self.rule.id,
                rule_slug=self.rule.slug,
                rule_name=self.rule.name,
                trigger_type=self.rule.type,
                customer_id=self.customer_id,
                customer_name=name,
                csm_slack_id=csm,
                slack_channel=channel,
                cause=self.cause,
                what=what,
                why=why,
                playbook=suggested_playbook(self.rule.type, self.details),
                details=self.details,
                fired_at=self.now,
            )
        return self._alert


def json_object(dialect: str, columns: list[Any]) -> Any:
    """The columns as one JSON object, built by the database."""
    pairs: list[Any] = []
    for c in columns:
        pairs += [literal_column(f"'{c.name}'"), c]  # our own labels: [a-z_]+
    if not pairs:
        return literal("{}")
    return func.jsonb_build_object(*pairs) if dialect == "postgresql" else func.json_object(*pairs)


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
        self.runner = ActionRunner(registry, on_alert=on_alert, health=health)
        self._max_parallel = max_parallel
        self._queues: dict[int, asyncio.Lock] = {}
        self._running: set[int] = set()

    def set_on_alert(self, on_alert: OnAlert | None) -> None:
        """Where `alert_csm` hands its alerts (app.py wires the Slack renderer of bot/)."""
        self.runner.on_alert = on_alert

    # -- entry points -------------------------------------------------------------------------

    async def sweep(self, now: datetime | None = None, *, run_actions: bool = True) -> list[Fired]:
        """Evaluate every enabled rule for every customer once."""
        now = now or datetime.now(UTC)
        fired: list[Fired] = []
        for rule in await self.enabled_rules():
            fired += await self.evaluate_rule(rule, now, run_actions=run_actions)
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
            fired += await self.evaluate_rule(rule, now, customer_id=customer_id, run_actions=run_actions)
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

    def candidates_query(self, rule: Rule, now: datetime, customer_id: int | None = None) -> Any:
        """SELECT customer_id, cause, details (JSON) of the causes of `rule` that hold now and have not
        fired yet, nor are cooling down or snoozed. With a cooldown, one cause per customer."""
        ctx = EvalContext(now=now, dialect=self.db.dialect, customer_id=customer_id)
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
            details = _as_dict(details)
            what, _ = describe(rule.type, details, now)
            out.append({"customer_id": cid, "cause": cause, "what": what, "details": details})
        return out

    async def _evaluate(
        self, rule: Rule, now: datetime, customer_id: int | None, run_actions: bool
    ) -> list[Fired]:
        """One INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING: the firings this call recorded."""
        src = self.candidates_query(rule, now, customer_id).subquery("src")
        table = TriggerFiring.__table__
        select_rows = select(
            literal(rule.id),
            src.c.customer_id,
            src.c.cause,
            src.c.details,
            literal("fired"),
            literal(now, UTCDateTime()),
        ).where(src.c.customer_id.is_not(None))
        stmt = insert_ignore(
            self.db.dialect,
            table,
            ["rule_id", "customer_id", "cause"],
            from_select=(["rule_id", "customer_id", "cause", "details", "status", "fired_at"], select_rows),
        ).returning(table.c.id, table.c.customer_id, table.c.cause, table.c.details)
        async with self.db.transaction() as s:
            inserted = (await s.execute(stmt)).all()
            if inserted:
                await s.execute(
                    update(TriggerRule)
                    .where(TriggerRule.id == rule.id)
                    .values(fire_count=TriggerRule.fire_count + len(inserted), last_fired_at=now)
                )
        if not inserted:
            return []
        fired = sorted(
            (Fired(fid, rule, cid, cause, _as_dict(d), now) for fid, cid, cause, d in inserted),
            key=lambda f: f.firing_id,
        )
        await self._attach_customers(fired)
        if run_actions:
            await self._act(rule, fired)
        return fired

    async def _attach_customers(self, fired: list[Fired]) -> None:
        ids = sorted({f.customer_id for f in fired})
        info: dict[int, tuple[str, str | None, str | None]] = {}
        async with self.db.session() as s:
            for start in range(0, len(ids), CHUNK):
                q = select(Customer.id, Customer.name, Customer.csm_slack_id, Customer.slack_channel).where(
                    Customer.id.in_(ids[start : start + CHUNK])
                )
                for cid, name, csm, channel in await s.execute(q):
                    info[cid] = (name, csm, channel)
        for f in fired:
            f.customer = info.get(f.customer_id, ("", None, None))

    async def _act(self, rule: Rule, fired: list[Fired]) -> None:
        limit = asyncio.Semaphore(self._max_parallel if rule.run_mode == "parallel" else 1)

        async def one(item: Fired) -> None:
            async with limit:
                item.actions = await self.runner.run(rule, item.alert)
            ok = all(r.get("ok") for r in item.actions)
            async with self.db.transaction() as s:
                firing = await s.get(TriggerFiring, item.firing_id)
                if firing is not None:
                    firing.status = "actioned" if ok else "failed"
                    firing.details = {**(firing.details or {}), "actions": item.actions}

        await asyncio.gather(*(one(f) for f in fired))


async def snooze(
    db: Database, firing_id: int, days: int, now: datetime | None = None
) -> TriggerFiring | None:
    """Quiet the firing's rule for its customer for `days` days (the alert's Snooze button)."""
    now = now or datetime.now(UTC)
    async with db.transaction() as s:
        firing = await s.get(TriggerFiring, firing_id)
        if firing is None:
            return None
        firing.snoozed_until = now + timedelta(days=days)
        firing.status = "snoozed"
        return firing


async def recent_alerts(
    db: Database, *, customer_id: int | None = None, owner: str | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    """The latest firings, newest first, in words: for /csm customer and the App Home."""
    f = TriggerFiring
    stmt = (
        select(f, TriggerRule.name, TriggerRule.trigger_type, Customer.name)
        .join(TriggerRule, TriggerRule.id == f.rule_id)
        .join(Customer, Customer.id == f.customer_id)
        .order_by(f.fired_at.desc(), f.id.desc())
        .limit(limit)
    )
    if customer_id is not None:
        stmt = stmt.where(f.customer_id == customer_id)
    if owner is not None:
        stmt = stmt.where(Customer.csm_slack_id == owner)
    async with db.session() as s:
        rows = (await s.execute(stmt)).all()
    out = []
    for firing, rule_name, trigger_type, customer_name in rows:
        try:
            what, _ = describe(trigger_type, _as_dict(firing.details), firing.fired_at)
        except (KeyError, TypeError, ValueError):
            what = rule_name
        out.append(
            {
                "firing_id": firing.id,
                "fired_at": firing.fired_at,
                "customer_id": firing.customer_id,
                "customer_name": customer_name,
                "rule_name": rule_name,
                "trigger_type": trigger_type,
                "what": what,
                "status": firing.status,
                "snoozed_until": firing.snoozed_until,
            }
        )
    return out


def _as_dict(details: Any) -> dict[str, Any]:
    if isinstance(details, str):
        import json

        return json.loads(details)
    return dict(details or {})
