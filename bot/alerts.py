"""Trigger alerts in Slack: the renderer app.py hands to the trigger engine as `on_alert`.

An alert goes to the customer's CSM by DM, else to the customer's channel. It is posted through the
registry's `slack.send_message` when the registry has it, else with the app's own Web API client.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.blocks.common import to_dicts
from bot.blocks.triggers import alert_blocks, alert_text
from tools.model import ToolContext
from triggers.actions import has_tool
from triggers.alerts import Alert

log = logging.getLogger(__name__)


class AlertUndeliverable(RuntimeError):
    """The alert could not be posted; the firing is recorded as failed with this sentence."""


def alert_poster(registry: Any, client: Any) -> Callable[[Alert], Awaitable[None]]:
    async def post(alert: Alert) -> None:
        target = alert.csm_slack_id or alert.slack_channel
        if not target:
            raise AlertUndeliverable(
                f"{alert.customer_name} has no CSM and no channel: nowhere to send the alert"
            )
        text, blocks = alert_text(alert), to_dicts(alert_blocks(alert))
        if registry is not None and has_tool(registry, "slack.send_message"):
            ctx = ToolContext(
                user_id=alert.csm_slack_id or "system",
                customer_id=alert.customer_id,
                customer_name=alert.customer_name,
                caller_kind="trigger",
                caller_ref=f"trigger_firing:{alert.firing_id}",
            )
            result = await registry.invoke(
                "slack.send_message", {"channel": target, "text": text, "blocks": blocks}, ctx
            )
            if not result.success and not result.requires_approval:
                raise AlertUndeliverable(result.error or "Slack refused the alert")
            return
        if client is None:
            raise AlertUndeliverable("no Slack client to post the alert with")
        await client.chat_postMessage(channel=target, text=text, blocks=blocks, unfurl_links=False)

    return post
