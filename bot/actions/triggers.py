"""Trigger buttons: enable/disable a rule, snooze an alert, start the alert's playbook.

`register` also wires the trigger engine's alerts to Slack and adds the recent alerts and the health
factors to `/csm customer` and the App Home.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.alerts import alert_poster
from bot.blocks.common import header, to_dicts
from bot.blocks.triggers import SNOOZE_DAYS, factors_blocks, recent_alerts_blocks, rules_blocks
from bot.services import Services
from store.models import Customer, TriggerFiring, TriggerRule
from tools.model import ToolContext
from triggers.alerts import suggested_playbook
from triggers.engine import recent_alerts, snooze
from triggers.health import HealthModel
from triggers.rules import list_rules, set_enabled

log = logging.getLogger(__name__)


async def customer_section(services: Services, customer_id: int) -> list[Any]:
    factors = await HealthModel(services.db).top_factors(customer_id, n=3)
    alerts = await recent_alerts(services.db, customer_id=customer_id, limit=5)
    return factors_blocks(factors) + recent_alerts_blocks(alerts)


async def home_section(services: Services, user_id: str) -> list[Any]:
    alerts = await recent_alerts(services.db, owner=user_id, limit=8)
    mine = bool(alerts)
    if not alerts:
        alerts = await recent_alerts(services.db, limit=8)
    if not alerts:
        return []
    return [
        header(":bell: Recent alerts"),
        *recent_alerts_blocks(alerts, title="On your customers" if mine else "On all customers"),
    ]


async def _firing(services: Services, firing_id: int) -> tuple[TriggerFiring, TriggerRule, Customer] | None:
    async with services.db.session() as s:
        firing = await s.get(TriggerFiring, firing_id)
        if firing is None:
            return None
        rule = await s.get(TriggerRule, firing.rule_id)
        customer = await s.get(Customer, firing.customer_id)
    if rule is None or customer is None:
        return None
    return firing, rule, customer


def register(app: AsyncApp, services: Services) -> None:
    if services.triggers is not None and hasattr(services.triggers, "set_on_alert"):
        services.triggers.set_on_alert(alert_poster(services.registry, app.client))
    if customer_section not in services.snapshot_sections:
        services.snapshot_sections.append(customer_section)
    if home_section not in services.home_sections:
        services.home_sections.append(home_section)

    @app.action("trigger_toggle")
    async def toggle(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        rule_id, _, state = body["actions"][0]["value"].partition(":")

        async def run() -> None:
            rule = await set_enabled(services.db, int(rule_id), state == "on")
            if rule is None:
                await respond(
                    text="That trigger rule no longer exists.",
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            rules = await list_rules(services.db)
            verb = "on" if rule.enabled else "off"
            await respond(
                text=f"{rule.name} is {verb}.", blocks=to_dicts(rules_blocks(rules)), replace_original=True
            )

        services.tasks.spawn(run(), what="switching a trigger rule")

    @app.action("trigger_snooze")
    async def snooze_alert(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        firing_id = int(body["actions"][0]["value"])

        async def run() -> None:
            found = await _firing(services, firing_id)
            if found is None:
                await respond(
                    text="That alert no longer exists.", response_type="ephemeral", replace_original=False
                )
                return
            firing = await snooze(services.db, firing_id, SNOOZE_DAYS)
            _, rule, customer = found
            await respond(
                text=f"Snoozed: no more “{rule.name}” alerts for {customer.name} until "
                f"{firing.snoozed_until:%b %d}.",  # type: ignore[union-attr]
                response_type="ephemeral",
                replace_original=False,
            )

        services.tasks.spawn(run(), what="snoozing an alert")

    @app.action("trigger_start_playbook")
    async def start_playbook(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        firing_id = int(body["actions"][0]["value"])
        user = body["user"]["id"]

        async def run() -> None:
            found = await _firing(services, firing_id)
            if found is None:
                await respond(
                    text="That alert no longer exists.", response_type="ephemeral", replace_original=False
                )
                return
            firing, rule, customer = found
            playbook = suggested_playbook(rule.trigger_type, firing.details or {})
            if playbook is None:
                await respond(
                    text="This alert has no matching playbook.",
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            if services.registry is None:
                await respond(
                    text="Playbooks are not available right now.",
                    response_type="ephemeral",
                    replace_original=False,
                )
                return
            ctx = ToolContext(
                user_id=user,
                team_id=(body.get("team") or {}).get("id", ""),
                customer_id=customer.id,
                customer_name=customer.name,
                caller_kind="slack",
                channel=(body.get("channel") or {}).get("id"),
            )
            result = await services.registry.invoke(
                "playbooks.start", {"playbook": playbook, "customer": customer.name}, ctx
            )
            if result.requires_approval:
                text = f"Starting {playbook} for {customer.name} needs an approval; I asked for it."
            elif result.success and isinstance(result.data, dict) and result.data.get("already_running"):
                text = (
                    result.data.get("message")
                    or f"The {playbook} playbook is already running for {customer.name}."
                )
            elif result.success:
                text = f"Started the {playbook} playbook for {customer.name}."
            else:
                text = f"Could not start {playbook} for {customer.name}: {result.error}"
            await respond(text=text, response_type="ephemeral", replace_original=False)

        services.tasks.spawn(run(), what="starting a playbook from an alert")
