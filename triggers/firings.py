"""Firings: what the engine returns for each recorded firing, and reading firings back."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, literal_column, select

from store import Database
from store.models import Customer, TriggerFiring, TriggerRule
from triggers.alerts import Alert, describe, suggested_playbook
from triggers.model import Rule


class Fired:
    """One firing this process recorded (and, unless told not to, actioned); `alert` is built on use."""

    __slots__ = (
        "firing_id",
        "rule",
        "customer_id",
        "cause",
        "_details",
        "now",
        "customer",
        "actions",
        "_alert",
    )

    def __init__(
        self,
        firing_id: int,
        rule: Rule,
        customer_id: int,
        cause: str,
        details: Any,
        now: datetime,
        customer: tuple[str, str | None, str | None] = ("", None, None),
    ) -> None:
        self.firing_id, self.rule, self.customer_id, self.cause = firing_id, rule, customer_id, cause
        self._details, self.now = details, now  # JSON text until first used
        self.customer = customer  # name, CSM, channel
        self.actions: list[dict[str, Any]] = []
        self._alert: Alert | None = None

    @property
    def details(self) -> dict[str, Any]:
        if not isinstance(self._details, dict):
            self._details = as_dict(self._details)
        return self._details

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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building tens of thousands of rows and firings at once (a whole-portfolio sweep) would make the
    cyclic garbage collector walk the heap again and again; these objects hold no cycles, so it
    waits until the batch is built. Only around synchronous code: no other task runs meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def json_object(dialect: str, columns: list[Any]) -> Any:
    """The columns as one JSON object, built by the database."""
    pairs: list[Any] = []
    for c in columns:
        pairs += [literal_column(f"'{c.name}'"), c]  # our own labels: [a-z_]+
    if not pairs:
        return literal("{}")
    return func.jsonb_build_object(*pairs) if dialect == "postgresql" else func.json_object(*pairs)


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
            what, _ = describe(trigger_type, as_dict(firing.details), firing.fired_at)
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


def as_dict(details: Any) -> dict[str, Any]:
    if isinstance(details, str):
        import json

        return json.loads(details)
    return dict(details or {})
