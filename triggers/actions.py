"""Running a firing's actions. Every side effect goes through `registry.invoke(name, input, ctx)`.

`alert_csm` hands the `Alert` to the `on_alert` callback (app.py renders it as Block Kit in bot/ and
posts it through the registry); without a callback it posts the alert as text through
`slack.send_message`. `update_health_score` recomputes our own health model (no outside effect).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy import select

from store import Database
from store.customers import email_contacts
from store.models import Contact, Customer
from tools import email_templates
from tools.model import ToolContext, ToolResult
from triggers.alerts import Alert
from triggers.model import Action, Rule

log = logging.getLogger(__name__)

OnAlert = Callable[[Alert], Awaitable[None]]


class ToolInvoker(Protocol):
    async def invoke(self, name: str, input: dict[str, Any], ctx: ToolContext) -> ToolResult: ...


class HealthRecomputer(Protocol):
    async def recompute(self, customer_ids: list[int] | None = None, now: Any = None) -> Any: ...


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, alert: Alert) -> str:
    """`{customer}`, `{what}`, `{why}`, `{rule}` and `{playbook}` in an action's text."""
    return template.format_map(
        _Fields(
            customer=alert.customer_name,
            what=alert.what,
            why=alert.why,
            rule=alert.rule_name,
            playbook=alert.playbook or "",
        )
    )


def alert_text(alert: Alert) -> str:
    text = f"*{alert.customer_name}*: {alert.what}.\n{alert.why}"
    if alert.playbook:
        text += f"\nSuggested playbook: `{alert.playbook}`"
    return text


def has_tool(registry: Any, name: str) -> bool:
    """Whether the registry knows `name` (registries without a lookup are assumed to)."""
    for attr in ("has", "get"):
        fn = getattr(registry, attr, None)
        if callable(fn):
            try:
                return bool(fn(name))
            except KeyError:
                return False
    try:
        return name in registry
    except TypeError:
        return True


class ActionRunner:
    """Runs the actions of one firing, in order; each result is recorded, a failure does not stop the rest."""

    def __init__(
        self,
        registry: ToolInvoker | None,
        on_alert: OnAlert | None = None,
        health: HealthRecomputer | None = None,
        db: Database | None = None,
    ) -> None:
        self.registry = registry
        self.on_alert = on_alert
        self.health = health
        self.db = db

    def context(self, rule: Rule, alert: Alert, channel: str | None = None) -> ToolContext:
        return ToolContext(
            user_id=alert.csm_slack_id or rule.owner_slack_id or "system",
            customer_id=alert.customer_id,
            customer_name=alert.customer_name,
            caller_kind="trigger",
            caller_ref=f"trigger_firing:{alert.firing_id}",
            channel=channel or alert.csm_slack_id or alert.slack_channel,
        )

    async def run(self, rule: Rule, alert: Alert, only: set[int] | None = None) -> list[dict[str, Any]]:
        """Each action's result, in order; with `only`, just the actions at those positions."""
        results = []
        for index, action in enumerate(rule.actions):
            if only is not None and index not in only:
                continue
            try:
                outcome = await self._run_one(rule, alert, action)
            except Exception as exc:  # a broken tool must not stop the other actions or the sweep
                log.exception(
                    "trigger %s action %s failed for customer %s", rule.slug, action.type, alert.customer_id
                )
                outcome = {"ok": False, "error": f"{action.type} failed: {exc}"}
            results.append({"type": action.type, **outcome})
        return results

    async def _invoke(self, name: str, data: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        if self.registry is None:
            return {"ok": False, "error": f"no tool registry to run {name}"}
        if not has_tool(self.registry, name):
            return {"ok": False, "error": f"the tool {name} is not available"}
        result = await self.registry.invoke(name, data, ctx)
        if result.requires_approval:
            return {"ok": True, "pending_approval": result.approval_id, "tool": name}
        if not result.success:
            return {"ok": False, "tool": name, "error": result.error}
        return {"ok": True, "tool": name, "data": result.data}

    def _target(self, to: str | None, alert: Alert, rule: Rule) -> str | None:
        """`me` is the rule's owner (who wrote the automation), else the customer's CSM."""
        if not to or to == "me":
            return rule.owner_slack_id or alert.csm_slack_id or alert.slack_channel
        return to

    async def _run_one(self, rule: Rule, alert: Alert, action: Action) -> dict[str, Any]:
        p = action.params
        t = action.type
        if t == "alert_csm":
            if self.on_alert is not None:
                await self.on_alert(alert)
                return {"ok": True}
            target = alert.csm_slack_id or alert.slack_channel
            if not target:
                return {"ok": False, "error": f"{alert.customer_name} has no CSM and no channel to alert"}
            return await self._invoke(
                "slack.send_message",
                {"channel": target, "text": alert_text(alert)},
                self.context(rule, alert, target),
            )
        if t in ("send_slack", "send_summary"):
            target = self._target(p.get("channel") or p.get("to"), alert, rule)
            if not target:
                return {"ok": False, "error": f"nowhere to post: {alert.customer_name} has no CSM or channel"}
            text = fill(p["text"], alert) if p.get("text") else alert_text(alert)
            return await self._invoke(
                "slack.send_message", {"channel": target, "text": text}, self.context(rule, alert, target)
            )
        if t in ("draft_email", "send_email"):
            return await self._email(rule, alert, action)
        if t == "create_task":
            data = {"title": fill(p["title"], alert), "customer": alert.customer_name, "notes": alert.what}
            if p.get("due_in_days") is not None:
                data["due_in_days"] = int(p["due_in_days"])
            if alert.csm_slack_id:
                data["owner"] = alert.csm_slack_id
            return await self._invoke("tasks.create", data, self.context(rule, alert))
        if t == "run_playbook":
            data = {"playbook": p["playbook"], "customer": alert.customer_name}
            return await self._invoke("playbooks.start", data, self.context(rule, alert))
        if t == "run_skill":
            data = {"skill": p["skill"], "customer": alert.customer_name, "variables": event_variables(alert)}
            return await self._invoke("skills.run", data, self.context(rule, alert))
        if t == "log_activity":
            data = {
                "customer": alert.customer_name,
                "kind": "trigger",
                "summary": f"{alert.rule_name}: {alert.what}",
            }
            return await self._invoke("activities.log", data, self.context(rule, alert))
        if t == "update_health_score":
            if self.health is None:
                return {"ok": False, "error": "the health model is not running"}
            await self.health.recompute([alert.customer_id])
            return {"ok": True}
        if t == "create_meeting_notes":
            data = {"customer": str(alert.customer_id)}
            if alert.details.get("meeting_id"):
                data["meeting_id"] = str(alert.details["meeting_id"])
            return await self._invoke("meetings.create_notes", data, self.context(rule, alert))
        return {"ok": False, "error": f"unknown action {t}"}

    async def _email(self, rule: Rule, alert: Alert, action: Action) -> dict[str, Any]:
        """A valid gmail.draft_email / gmail.send_email input: to the customer's active champion (or
        the rule's `to`), subject and body from the named template (the trigger type's by default);
        the rule's own `subject`/`body` win. Without a champion the CSM is told, and nothing is sent."""
        p = action.params
        name = "gmail.draft_email" if action.type == "draft_email" else "gmail.send_email"
        to = p.get("to") if p.get("to") not in (None, "", "me", "champion") else None
        first_name = None
        champion = await active_champion(self.db, alert.customer_id) if to is None else None
        if to is None and champion is None:
            return await self._no_champion(rule, alert, action)
        if champion is not None:
            to, first_name = champion.email, (champion.name or "").split()[0] or None
        snapshot = await self._renewal(alert.customer_id)
        subject, body = email_templates.render(
            p.get("template") or email_templates.for_trigger(alert.trigger_type),
            customer=alert.customer_name,
            first_name=first_name,
            renewal_date=snapshot,
            what=alert.what,
            why=alert.why,
            rule=alert.rule_name,
        )
        data = {
            "to": [to] if isinstance(to, str) else list(to),
            "subject": fill(p["subject"], alert) if p.get("subject") else subject,
            "body": fill(p["body"], alert) if p.get("body") else body,
        }
        return await self._invoke(name, data, self.context(rule, alert))

    async def _no_champion(self, rule: Rule, alert: Alert, action: Action) -> dict[str, Any]:
        """Tell the CSM why no email was written; recorded as skipped (a retry would not find one either)."""
        reason = f"{alert.customer_name} has no active champion with an email address"
        what = "drafted" if action.type == "draft_email" else "sent"
        target = alert.csm_slack_id or rule.owner_slack_id or alert.slack_channel
        if target is None:
            return {"ok": False, "error": f"{reason}, and no CSM to tell"}
        text = (
            f"*{alert.customer_name}*: no email was {what} for “{rule.name}”: {reason}. "
            "Mark a contact as champion (a `stakeholder` event with `champion: true`) "
            "or give the rule's action a `to` address."
        )
        told = await self._invoke(
            "slack.send_message", {"channel": target, "text": text}, self.context(rule, alert, target)
        )
        if not told["ok"]:
            return {"ok": False, "error": f"{reason}; telling the CSM failed: {told.get('error')}"}
        return {"ok": True, "skipped": reason, "told": target}

    async def _renewal(self, customer_id: int) -> Any:
        if self.db is None:
            return None
        async with self.db.session() as s:
            return await s.scalar(select(Customer.renewal_date).where(Customer.id == customer_id))


async def active_champion(db: Database | None, customer_id: int) -> Contact | None:
    """The customer's active champion with an email (the most recent one when several are marked)."""
    if db is None:
        return None
    async with db.session() as s:
        return (await email_contacts(s, [customer_id], champions_only=True)).get(customer_id)


_RESERVED = frozenset({"customer", "customer_id", "customer_name", "today", "quarter", "steps"})


def event_variables(alert: Alert) -> dict[str, str]:
    """What a skill run by an event knows of it: `event` (the trigger type), `event_what` (the alert's
    line) and each plain value of the firing's details (`meeting_id`, `score`, `days`…)."""
    values = {"event": alert.trigger_type, "event_what": alert.what}
    for key, value in alert.details.items():
        if key in _RESERVED or not key.isidentifier() or value is None:
            continue
        if isinstance(value, str | int | float | bool):
            values[key] = str(value)
    return values
