"""Posting approval requests: in the thread they came from, else a DM to the requester (or, for a
request made by an automation, to the customer's CSM)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.blocks.approvals import approval_blocks, outcome_line
from bot.blocks.common import to_dicts
from bot.services import Services
from store.models import Approval


def approval_poster(
    services: Services, client_for: Callable[[str], Awaitable[Any]]
) -> Callable[[Approval], Awaitable[None]]:
    async def post(approval: Approval) -> None:
        client = await client_for((approval.context or {}).get("team_id", ""))
        if approval.channel:
            channel, thread = approval.channel, approval.thread_ts
        else:
            people = [u for u in [approval.requester, *(approval.approvers or [])] if u and u != "system"]
            if not people:
                return
            channel, thread = people[0], None
        text = f"Approval needed: {approval.tool_name} (#{approval.id})"
        resp = await client.chat_postMessage(
            channel=channel, thread_ts=thread, text=text, blocks=to_dicts(approval_blocks(approval))
        )
        await services.registry.approvals.set_message(approval.id, resp["channel"], resp["ts"])

    return post


def approval_closer(
    services: Services, client_for: Callable[[str], Awaitable[Any]]
) -> Callable[[Approval], Awaitable[None]]:
    """An approval that expired or was withdrawn: its card loses the buttons and says why."""

    async def close(approval: Approval) -> None:
        if not (approval.channel and approval.message_ts):
            return
        client = await client_for((approval.context or {}).get("team_id", ""))
        if client is None:
            return
        line = outcome_line(approval)
        await client.chat_update(
            channel=approval.channel, ts=approval.message_ts, text=line,
            blocks=to_dicts(approval_blocks(approval, outcome=line)),
        )  # fmt: skip

    return close
