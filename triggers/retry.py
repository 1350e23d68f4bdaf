"""Failed deliveries get another chance: a firing whose actions failed (Slack down, a tool error)
has its failed actions run again on the next sweeps, up to three attempts within a day.

A retry claims its firing first (`UPDATE ... SET status = 'retrying' WHERE status = 'failed'`), so
two processes sweeping together never deliver the same alert twice. Actions that succeeded are not
repeated.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from store.models import Customer, TriggerFiring, TriggerRule
from triggers.firings import Fired
from triggers.model import Rule

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_WITHIN = timedelta(days=1)
NOT_FACTS = ("actions", "approvals", "attempts")


async def retry_failed(engine: Any, now: datetime) -> list[Fired]:
    """Run again the failed actions of recent failed firings; returns the firings retried."""
    f = TriggerFiring
    async with engine.db.session() as s:
        rows = (
            await s.execute(
                select(f, TriggerRule, Customer.name, Customer.csm_slack_id, Customer.slack_channel)
                .join(TriggerRule, TriggerRule.id == f.rule_id)
                .join(Customer, Customer.id == f.customer_id)
                .where(
                    f.status == "failed",
                    f.fired_at > now - RETRY_WITHIN,
                    f.fired_at < now,
                    TriggerRule.enabled.is_(True),
                )
                .order_by(f.id)
            )
        ).all()
    retried = []
    for firing, rule_row, name, csm, channel in rows:
        details = dict(firing.details or {})
        attempts = int(details.get("attempts", 1))
        previous = list(details.get("actions") or [])
        failed = {i for i, a in enumerate(previous) if not a.get("ok")}
        if attempts >= MAX_ATTEMPTS or not failed:
            continue
        try:
            rule = Rule.from_row(rule_row)
        except ValueError:
            continue
        async with engine.db.transaction() as s:
            claimed = await s.execute(
                update(f).where(f.id == firing.id, f.status == "failed").values(status="retrying")
            )
        if claimed.rowcount != 1:
            continue  # another process is on it
        facts = {k: v for k, v in details.items() if k not in NOT_FACTS}
        item = Fired(firing.id, rule, firing.customer_id, firing.cause, facts, firing.fired_at)
        item.customer = (name, csm, channel)
        results = await engine.runner.run(rule, item.alert, only=failed)
        merged = list(previous)
        for index, result in zip(sorted(failed), results, strict=True):
            merged[index] = result
        item.actions = merged
        ok = all(a.get("ok") for a in merged)
        async with engine.db.transaction() as s:
            row = await s.get(TriggerFiring, firing.id)
            if row is not None:
                row.status = "actioned" if ok else "failed"
                row.details = {**(row.details or {}), "actions": merged, "attempts": attempts + 1}
        log.info("retried firing %s (%s): %s", firing.id, rule.slug, "delivered" if ok else "failed again")
        retried.append(item)
    return retried
