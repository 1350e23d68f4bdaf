"""The assistant's buttons: start the suggested playbook for a customer in a list or card."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks.assistant import PLAYBOOK_ACTION
from bot.services import Services
from tools.model import ToolContext


def register(app: AsyncApp, services: Services) -> None:
    @app.action(PLAYBOOK_ACTION)
    async def start_playbook(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        user = body["user"]["id"]
        slug, _, customer_id = body["actions"][0]["value"].partition(":")
        channel = (body.get("channel") or {}).get("id") or user
        message = body.get("message") or {}
        container = body.get("container") or {}
        thread_ts = container.get("thread_ts") or message.get("thread_ts") or message.get("ts")

        async def run() -> None:
            if services.registry is None:
                text = "Playbooks are not available in this deployment (no tool registry is configured)."
            else:
                ctx = ToolContext(
                    user_id=user,
                    team_id=(body.get("team") or {}).get("id", ""),
                    customer_id=int(customer_id) if customer_id.isdigit() else None,
                    caller_kind="slack",
                    channel=channel,
                    thread_ts=thread_ts,
                )
                result = await services.registry.invoke(
                    "playbooks.start", {"playbook": slug, "customer": customer_id}, ctx
                )
                if result.requires_approval:
                    text = f"Starting {slug} waits for approval #{result.approval_id}."
                elif not result.success:
                    text = result.error or f"{slug} could not start."
                else:
                    data = result.data if isinstance(result.data, dict) else {}
                    text = data.get("message") or f"Started {slug}."
            await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)

        services.tasks.spawn(run(), what="starting the playbook")
