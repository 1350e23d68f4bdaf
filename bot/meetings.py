"""Meeting analyses in Slack, unprompted: the `on_analysis` callback app.py gives the meetings
engine, and the App Home / snapshot sections.

A matched meeting goes to its customer's channel (else its CSM's DM); a meeting that matches no
customer goes to the host's DM with a picker to choose the customer. Everything is posted through
`registry.invoke("slack.send_message", ...)`.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from bot.blocks.common import to_dicts
from bot.blocks.meetings import analysis_blocks, meeting_list_blocks, signals_home_blocks
from bot.services import Services
from store.customers import customer_choices as store_customer_choices
from tools.model import ToolContext

log = logging.getLogger(__name__)


async def customer_choices(services: Services, limit: int = 100) -> list[tuple[int, str]]:
    async with services.db.session() as s:
        return await store_customer_choices(s, limit)


async def host_user_id(services: Services, email: str | None) -> str | None:
    """The Slack user of the meeting's host, by email (users.lookupByEmail), when we can tell."""
    if not email or services.registry is None:
        return None
    provider = getattr(getattr(services.registry, "deps", None), "slack_client", None)
    if provider is None:
        return None
    try:
        client = provider(ToolContext(user_id="system", caller_kind="meetings"))
        if inspect.isawaitable(client):
            client = await client
        if client is None:
            return None
        answer = await client.users_lookupByEmail(email=email)
        return answer["user"]["id"]
    except Exception as exc:  # an unknown email is an error at Slack's end; we just cannot DM them
        log.info("no Slack user for meeting host %s: %s", email, exc)
        return None


def _headline(stored: Any) -> str:
    r = stored.result
    who = stored.customer.name if stored.customer else "a meeting with no matched customer"
    return (
        f"Meeting analysed: {stored.facts.topic or 'meeting'} ({who}): {len(r.action_items)} action items, "
        f"{len(r.signals)} signals, sentiment {r.sentiment.overall:+.2f}"
    )


class MeetingPoster:
    """on_analysis: post a stored analysis where it belongs."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def __call__(self, stored: Any) -> None:
        services = self.services
        if services.registry is None:
            log.warning("meeting analysis %s not posted: the tool registry is not running", stored.id)
            return
        choices = None
        if stored.customer is not None:
            target = stored.customer.slack_channel or stored.customer.csm_slack_id
            requester = stored.customer.csm_slack_id or "system"
        else:
            target = await host_user_id(services, stored.facts.host_email)
            requester = target or "system"
            choices = await customer_choices(services)
        if not target:
            log.warning(
                "meeting analysis %s has nowhere to go (customer %s has no channel or CSM; host %s unknown)",
                stored.id,
                stored.customer.name if stored.customer else None,
                stored.facts.host_email,
            )
            return
        blocks = to_dicts(analysis_blocks(stored, customer_choices=choices))
        ctx = ToolContext(
            user_id=requester,
            customer_id=stored.customer.id if stored.customer else None,
            customer_name=stored.customer.name if stored.customer else None,
            caller_kind="meetings",
            caller_ref=f"meeting_analysis:{stored.id}",
        )
        result = await services.registry.invoke(
            "slack.send_message", {"channel": target, "text": _headline(stored), "blocks": blocks}, ctx
        )
        if not result.success:
            log.error("could not post meeting analysis %s to %s: %s", stored.id, target, result.error)
            return
        data = result.data or {}
        if services.meetings is not None:
            await services.meetings.mark_posted(stored.id, data.get("channel") or target, data.get("ts"))


async def home_section(services: Services, user_id: str) -> list[Any]:
    """App Home: recent signals from analysed meetings (the user's customers first, else all)."""
    if services.meetings is None:
        return []
    recent = await services.meetings.recent(limit=20)
    mine = [m for m in recent if m.customer and m.customer.csm_slack_id == user_id]
    return signals_home_blocks(mine or recent)


async def snapshot_section(services: Services, customer_id: int) -> list[Any]:
    """`/csm customer NAME`: the customer's last meetings."""
    if services.meetings is None:
        return []
    recent = await services.meetings.recent(customer_id, limit=3)
    return meeting_list_blocks(recent, "Recent meetings")[1:] if recent else []
