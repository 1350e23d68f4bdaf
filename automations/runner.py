"""Running an automation once: pick the customers, run each action through `registry.invoke`, and
keep a trace (inputs, customers matched, each action's input, result and duration).

A test run is the same run with `ToolContext(dry_run=True)`: the registry answers every tool with
side effects with what it *would* do, and nothing is written (not even the trace, unless asked).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from automations.definition import Action, AutomationDefinition, EventTrigger
from automations.describe import echo, scope_phrase
from store import Database
from store.customers import email_contacts
from store.models import Customer
from tools.email_templates import render
from tools.model import ToolContext

MAX_LISTED = 25  # customers listed in one summary message


@dataclass
class Target:
    id: int
    name: str
    health_score: int | None
    arr: float | None
    renewal_date: Any
    csm_slack_id: str | None
    slack_channel: str | None
    contact_name: str | None = None
    contact_email: str | None = None

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "health_score": self.health_score}


async def select_customers(
    db: Database, defn: AutomationDefinition, owner: str, now: datetime, only: list[int] | None = None
) -> list[Target]:
    """The customers this run acts on: the scope's (via the filter compiler of `triggers.filters`),
    and for an event trigger those for which its condition holds now; `only`: these (a firing's)."""
    from triggers.filters import select_customer_ids
    from triggers.model import Scope as TriggerScope

    scope = TriggerScope.model_validate(defn.scope.model_dump())
    ids_query: Any = select_customer_ids(scope, now=now, me=owner)
    if only is not None:
        ids_query = select(Customer.id).where(Customer.id.in_(only))
    elif isinstance(defn.trigger, EventTrigger):
        ids_query = await _event_ids(db, defn, owner, now, ids_query)
    async with db.session() as s:
        rows = (
            (await s.execute(select(Customer).where(Customer.id.in_(ids_query)).order_by(Customer.name)))
            .scalars()
            .all()
        )
        ids = [r.id for r in rows]
        contacts = await email_contacts(s, ids)
    return [
        Target(
            r.id, r.name, r.health_score, r.arr, r.renewal_date, r.csm_slack_id, r.slack_channel,
            contacts[r.id].name if r.id in contacts else None,
            contacts[r.id].email if r.id in contacts else None,
        )
        for r in rows
    ]  # fmt: skip


async def _event_ids(
    db: Database, defn: AutomationDefinition, owner: str, now: datetime, ids_query: Any
) -> Any:
    from triggers.engine import TriggerEngine
    from triggers.model import Rule, Scope, parse_params

    trigger = defn.trigger
    assert isinstance(trigger, EventTrigger)
    rule = Rule(
        id=0, slug="test-run", name=defn.name, type=trigger.type,
        params=parse_params(trigger.type, trigger.params), scope=Scope.model_validate(defn.scope.model_dump()),
        actions=[], enabled=True, run_mode="parallel", cooldown_minutes=0, owner_slack_id=owner,
    )  # fmt: skip
    cand = TriggerEngine(db).candidates_query(rule, now).subquery("held")
    return select(cand.c.customer_id).where(cand.c.customer_id.in_(ids_query))


def _money(value: float | None) -> str:
    return f"${value:,.0f}" if value is not None else "–"


def summary_text(defn: AutomationDefinition, customers: list[Target]) -> str:
    who = scope_phrase(defn)
    if len(customers) == 1:
        who = who.replace("customers", "customer", 1)
    head = f"*{len(customers)} {who}*"
    if not customers:
        return head + ": none today."
    lines = [
        f"• *{c.name}*: health {c.health_score if c.health_score is not None else '–'}, ARR {_money(c.arr)}"
        + (f", renews {c.renewal_date:%Y-%m-%d}" if c.renewal_date else "")
        for c in customers[:MAX_LISTED]
    ]
    more = f"\n…and {len(customers) - MAX_LISTED} more" if len(customers) > MAX_LISTED else ""
    return head + ":\n" + "\n".join(lines) + more


class AutomationRunner:
    def __init__(self, db: Database, registry: Any, health: Any = None) -> None:
        self.db = db
        self.registry = registry
        self.health = health

    async def run(
        self,
        defn: AutomationDefinition,
        *,
        owner: str,
        team_id: str = "",
        dry_run: bool = False,
        automation_id: int | None = None,
        fire_time: datetime | None = None,
        now: datetime | None = None,
        customer_ids: list[int] | None = None,
    ) -> dict[str, Any]:
        now = now or datetime.now(UTC)
        started = time.perf_counter()
        customers = await select_customers(self.db, defn, owner, now, only=customer_ids)
        trace: dict[str, Any] = {
            "inputs": {
                "definition": defn.to_json(),
                "echo": echo(defn),
                "owner": owner,
                "fire_time": (fire_time or now).isoformat(),
                "dry_run": dry_run,
            },
            "customers": [c.brief() for c in customers],
            "actions": [],
        }
        base = ToolContext(
            user_id=owner,
            team_id=team_id,
            caller_kind="automation",
            caller_ref=f"automation:{automation_id}" if automation_id else "automation:test",
            dry_run=dry_run,
        )
        for index, action in enumerate(defn.actions):
            for step in self._steps(defn, action, customers, owner):
                trace["actions"].append(await self._invoke(index, action, step, base))
        failed = [a for a in trace["actions"] if a["outcome"] == "failed"]
        trace["status"] = (
            "failed" if failed and len(failed) == len(trace["actions"]) else ("partial" if failed else "ok")
        )
        trace["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return trace

    # -- one action -> the tool calls it makes -------------------------------------------------

    def _steps(
        self, defn: AutomationDefinition, action: Action, customers: list[Target], owner: str
    ) -> list[dict[str, Any]]:
        p = action.params
        t = action.type
        if t in ("send_summary", "send_slack"):
            target = p.get("to") or p.get("channel")
            channel = owner if target in (None, "me") else target
            return [
                {
                    "tool": "slack.send_message",
                    "input": {"channel": channel, "text": summary_text(defn, customers)},
                }
            ]
        steps = []
        for c in customers:
            one = self._per_customer(defn, action, c, owner)
            if one:
                steps.append(one)
        return steps

    def _per_customer(
        self, defn: AutomationDefinition, action: Action, c: Target, owner: str
    ) -> dict[str, Any] | None:
        p = action.params
        t = action.type
        who = {"customer_id": c.id, "customer": c.name}
        if t == "alert_csm":
            target = c.csm_slack_id or c.slack_channel or owner
            text = (
                f"*{c.name}*: {echo(defn)}. Health {c.health_score if c.health_score is not None else '–'}."
            )
            return {**who, "tool": "slack.send_message", "input": {"channel": target, "text": text}}
        if t in ("draft_email", "send_email"):
            if not c.contact_email:
                return {**who, "skip": f"{c.name} has no contact with an email address"}
            first = c.contact_name.split()[0] if c.contact_name else None
            subject, body = render(
                p.get("template"), customer=c.name, first_name=first, renewal_date=c.renewal_date
            )
            tool = "gmail.draft_email" if t == "draft_email" else "gmail.send_email"
            return {**who, "tool": tool, "input": {"to": [c.contact_email], "subject": subject, "body": body}}
        if t == "create_task":
            data: dict[str, Any] = {"title": p["title"], "customer": c.name, "owner": c.csm_slack_id or owner}
            if p.get("due_in_days") is not None:
                data["due_in_days"] = int(p["due_in_days"])
            return {**who, "tool": "tasks.create", "input": data}
        if t == "run_playbook":
            return {
                **who,
                "tool": "playbooks.start",
                "input": {"playbook": p["playbook"], "customer": c.name},
            }
        if t == "run_skill":
            return {**who, "tool": "skills.run", "input": {"skill": p["skill"], "customer": c.name}}
        if t == "create_meeting_notes":
            return {**who, "tool": "meetings.create_notes", "input": {"customer": c.name}}
        if t == "log_activity":
            data = {"customer": c.name, "kind": "automation", "summary": f"Automation: {defn.name}"}
            return {**who, "tool": "activities.log", "input": data}
        if t == "update_health_score":
            return {**who, "health": True}
        return None

    async def _invoke(
        self, index: int, action: Action, step: dict[str, Any], base: ToolContext
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {"action": index, "type": action.type, "customer": step.get("customer")}
        started = time.perf_counter()
        if "skip" in step:
            entry.update(outcome="skipped", error=step["skip"])
        elif step.get("health"):
            if base.dry_run:
                entry.update(outcome="would", result={"would": "recalculate the health score"})
            elif self.health is None:
                entry.update(outcome="failed", error="the health model is not running here")
            else:
                await self.health.recompute([step["customer_id"]])
                entry.update(outcome="done")
        else:
            ctx = ToolContext(
                **{
                    **base.__dict__,
                    "customer_id": step.get("customer_id"),
                    "customer_name": step.get("customer"),
                }
            )
            if action.type == "send_email":
                ctx = ToolContext(
                    **{
                        **ctx.__dict__,
                        "extra": {
                            "require_approval": True,
                            "approval_reason": "the automation sends to a customer",
                        },
                    }
                )
            entry.update(tool=step["tool"], input=step["input"])
            result = await self.registry.invoke(step["tool"], step["input"], ctx)
            if result.requires_approval:
                entry.update(outcome="awaiting_approval", approval_id=result.approval_id)
            elif not result.success:
                entry.update(outcome="failed", error=result.error)
            else:
                would = isinstance(result.data, dict) and "would" in result.data
                entry.update(outcome="would" if would else "done", result=result.data)
        entry["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return entry
