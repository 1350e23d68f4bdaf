"""The trigger engine: evaluate rules in set-based SQL, record each cause once, run the actions.

`sweep(now)` evaluates every enabled rule for every customer; `evaluate_event(customer_id, type)`
evaluates, for one customer, only the rules an ingested event can fire. A firing is
`INSERT ... ON CONFLICT (rule_id, customer_id, cause) DO NOTHING RETURNING`: only the process whose
insert went in runs the actions, so a cause fires once however many sweeps or processes run.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import exists, or_, select, update

from store import Database
from store.models import Customer, TriggerFiring, TriggerRule
from triggers.actions import ActionRunner, HealthRecomputer, OnAlert, ToolInvoker
from triggers.alerts import Alert, describe, jsonable, suggested_playbook
from triggers.conditions import BUILDERS, EVENT_TRIGGER_TYPES, EvalContext
from triggers.filters import scope_clauses
from triggers.model import Rule
from triggers.sql import insert_ignore

log = logging.getLogger(__name__)

HEALTH_INPUT_EVENTS = {"login", "usage", "ticket", "nps", "stakeholder", "meeting"}
INSERT_BATCH = 1000


@dataclass
class Fired:
    """One firing this process recorded (and, unless told not to, actioned)."""

    alert: Alert
    actions: list[dict[str, Any]] = field(default_factory=list)


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
        """The causes of `rule` that hold now and have not fired yet (nor are cooling down or snoozed)."""
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
        return (
            select(
                cand,
                Customer.name.label("customer_name"),
                Customer.csm_slack_id.label("csm_slack_id"),
                Customer.slack_channel.label("slack_channel"),
            )
            .join(Customer, Customer.id == cand.c.customer_id)
            .where(
                Customer.status == "active",
                *scope_clauses(rule.scope, now=now, me=rule.owner_slack_id),
                ~already,
                ~resting,
            )
            .order_by(cand.c.customer_id, cand.c.cause)
        )

    async def _evaluate(
        self, rule: Rule, now: datetime, customer_id: int | None, run_actions: bool
    ) -> list[Fired]:
        async with self.db.session() as s:
            rows = (await s.execute(self.candidates_query(rule, now, customer_id))).mappings().all()
        if not rows:
            return []
        seen: set[tuple[int, str]] = set()
        picked = []
        for row in rows:
            key = (
                (row["customer_id"], row["cause"]) if not rule.cooldown_minutes else (row["customer_id"], "")
            )
            if row["cause"] is None or key in seen:
                continue
            seen.add(key)
            picked.append(row)
        alerts = await self._record(rule, picked, now)
        fired = [Fired(alert=a) for a in alerts]
        if run_actions and fired:
            await self._act(rule, fired)
        return fired

    async def _record(self, rule: Rule, rows: list[Any], now: datetime) -> list[Alert]:
        prepared = []
        for row in rows:
            details = {
                k: v
                for k, v in row.items()
                if k not in ("customer_id", "cause", "customer_name", "csm_slack_id", "slack_channel")
            }
            what, why = describe(rule.type, details, now)
            prepared.append((row, details, what, why))
        by_key = {(r["customer_id"], r["cause"]): (r, d, w, y) for r, d, w, y in prepared}
        inserted: list[tuple[int, int, str]] = []
        stmt = insert_ignore(self.db.dialect, TriggerFiring, ["rule_id", "customer_id", "cause"]).returning(
            TriggerFiring.id, TriggerFiring.customer_id, TriggerFiring.cause
        )
        async with self.db.transaction() as s:
            for start in range(0, len(prepared), INSERT_BATCH):
                batch = [
                    {
                        "rule_id": rule.id,
                        "customer_id": r["customer_id"],
                        "cause": r["cause"],
                        "summary": w,
                        "details": {"why": y, **jsonable(d)},
                        "status": "fired",
                        "fired_at": now,
                    }
                    for r, d, w, y in prepared[start : start + INSERT_BATCH]
                ]
                inserted += [tuple(x) for x in (await s.execute(stmt, batch)).all()]
            if inserted:
                await s.execute(
                    update(TriggerRule)
                    .where(TriggerRule.id == rule.id)
                    .values(fire_count=TriggerRule.fire_count + len(inserted), last_fired_at=now)
                )
        alerts = []
        for firing_id, cid, cause in inserted:
            row, details, what, why = by_key[(cid, cause)]
            alerts.append(
                Alert(
                    firing_id=firing_id,
                    rule_id=rule.id,
                    rule_slug=rule.slug,
                    rule_name=rule.name,
                    trigger_type=rule.type,
                    customer_id=cid,
                    customer_name=row["customer_name"],
                    csm_slack_id=row["csm_slack_id"],
                    slack_channel=row["slack_channel"],
                    cause=cause,
                    what=what,
                    why=why,
                    playbook=suggested_playbook(rule.type, details),
                    details=jsonable(details),
                    fired_at=now,
                )
            )
        alerts.sort(key=lambda a: a.firing_id)
        return alerts

    async def _act(self, rule: Rule, fired: list[Fired]) -> None:
        limit = asyncio.Semaphore(self._max_parallel if rule.run_mode == "parallel" else 1)

        async def one(item: Fired) -> None:
            async with limit:
                item.actions = await self.runner.run(rule, item.alert)
            ok = all(r.get("ok") for r in item.actions)
            async with self.db.transaction() as s:
                firing = await s.get(TriggerFiring, item.alert.firing_id)
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


async def recent_firings(
    db: Database, customer_id: int | None = None, limit: int = 10
) -> list[tuple[TriggerFiring, str]]:
    """The latest firings (with their rule's name), newest first: for /csm customer and the App Home."""
    stmt = (
        select(TriggerFiring, TriggerRule.name)
        .join(TriggerRule, TriggerRule.id == TriggerFiring.rule_id)
        .order_by(TriggerFiring.fired_at.desc(), TriggerFiring.id.desc())
        .limit(limit)
    )
    if customer_id is not None:
        stmt = stmt.where(TriggerFiring.customer_id == customer_id)
    async with db.session() as s:
        return [(f, name) for f, name in (await s.execute(stmt)).all()]
