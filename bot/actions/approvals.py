"""Approve / Reject / Edit buttons. The registry's conditional claim makes a click run once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks.approvals import approval_blocks, edit_modal, outcome_line
from bot.blocks.common import to_dicts
from bot.services import Services

log = logging.getLogger(__name__)


async def show_outcome(
    services: Services, client: Any, approval: Any, fallback: tuple[str | None, str | None]
) -> None:
    """Replace the approval message's buttons with what happened."""
    channel = approval.channel if approval.message_ts else fallback[0]
    ts = approval.message_ts or fallback[1]
    if not channel or not ts:
        return
    blocks = approval_blocks(approval, outcome=outcome_line(approval))
    await client.chat_update(channel=channel, ts=ts, text=outcome_line(approval), blocks=to_dicts(blocks))


def register(app: AsyncApp, services: Services) -> None:
    async def decide(body: dict[str, Any], client: Any, respond: Any, approve: bool) -> None:
        user = body["user"]["id"]
        approval_id = int(body["actions"][0]["value"])
        container = body.get("container", {})
        fallback = (container.get("channel_id"), container.get("message_ts"))
        decision = await services.registry.approvals.decide(approval_id, user, approve)
        if not decision.ok:
            await respond(text=decision.message, response_type="ephemeral", replace_original=False)
            return
        await show_outcome(services, client, decision.approval, fallback)

    @app.action("approval_approve")
    async def approve(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        await ack()
        services.tasks.spawn(decide(body, client, respond, True), what="approving")

    @app.action("approval_reject")
    async def reject(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        await ack()
        services.tasks.spawn(decide(body, client, respond, False), what="rejecting")

    @app.action("approval_edit")
    async def edit(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        await ack()
        approval = await services.registry.approvals.get(int(body["actions"][0]["value"]))
        if approval is None or approval.status != "pending":
            await respond(
                text="This approval is no longer pending.", response_type="ephemeral", replace_original=False
            )
            return
        if body["user"]["id"] not in (approval.approvers or []):
            await respond(text="Only its approvers can edit this request.", response_type="ephemeral",
                          replace_original=False)  # fmt: skip
            return
        await client.views_open(trigger_id=body["trigger_id"], view=edit_modal(approval))

    @app.view("approval_edit_submit")
    async def submit_edit(ack: Any, body: dict[str, Any], view: dict[str, Any], client: Any) -> None:
        approval_id = int(view["private_metadata"])
        approval = await services.registry.approvals.get(approval_id)
        if approval is None:
            await ack(response_action="errors", errors={"body": "This approval no longer exists."})
            return
        values = view["state"]["values"]
        edited = dict(approval.input)
        for key, field in values.items():
            text = (field.get("value", {}).get("value") or "").strip()
            if key in ("to", "cc"):
                edited[key] = (
                    [a.strip() for a in text.replace(";", ",").split(",") if a.strip()] if text else []
                )
                if key == "to" and isinstance(approval.input.get("to"), str):
                    edited[key] = text
            else:
                edited[key] = text
        decision = await services.registry.approvals.decide(
            approval_id, body["user"]["id"], True, edited_input=edited
        )
        if not decision.ok and decision.status == "pending":
            await ack(response_action="errors", errors={"body": decision.message[:150]})
            return
        await ack()
        if decision.ok:
            services.tasks.spawn(show_outcome(services, client, decision.approval, (None, None)),
                                 what="updating the approval message")  # fmt: skip
        else:
            await client.chat_postMessage(channel=body["user"]["id"], text=decision.message)
