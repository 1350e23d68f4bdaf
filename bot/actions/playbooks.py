"""Playbook buttons: Run now, Skip, Open approval, run/skip all overdue, Pause, Resume, Cancel, Start."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks.approvals import approval_blocks
from bot.blocks.common import to_dicts
from bot.blocks.playbooks import timeline_blocks
from bot.services import Services
from playbooks.errors import PlaybookError
from playbooks.views import ExecutionView

Step = Callable[[Any, int, str], Awaitable[ExecutionView]]

STEPS: dict[str, tuple[Step, str]] = {
    "playbook_run_now": (lambda ex, ref, user: ex.run_now(ref, by=user), "running the step"),
    "playbook_skip": (lambda ex, ref, user: ex.skip_action(ref, by=user), "skipping the step"),
    "playbook_pause": (lambda ex, ref, user: ex.pause(ref, by=user), "pausing the playbook"),
    "playbook_resume": (lambda ex, ref, user: ex.resume(ref, by=user), "resuming the playbook"),
    "playbook_cancel": (lambda ex, ref, user: ex.cancel(ref, by=user), "cancelling the playbook"),
    "playbook_overdue_run": (
        lambda ex, ref, user: ex.resolve_overdue(ref, "run", by=user),
        "running the overdue steps",
    ),
    "playbook_overdue_skip": (
        lambda ex, ref, user: ex.resolve_overdue(ref, "skip", by=user),
        "skipping the overdue steps",
    ),
}


async def _tell(
    body: dict[str, Any], client: Any, respond: Any, text: str, blocks: list[Any] | None = None
) -> None:
    """Answer where the click came from: replace the message it was on, else a DM (App Home)."""
    kwargs: dict[str, Any] = {"text": text}
    if blocks is not None:
        kwargs["blocks"] = to_dicts(blocks)
    if body.get("response_url"):
        await respond(
            replace_original=blocks is not None and body.get("container", {}).get("type") == "message",
            **kwargs,
        )
    else:
        await client.chat_postMessage(channel=body["user"]["id"], **kwargs)


async def _refresh_home(services: Services, body: dict[str, Any], client: Any) -> None:
    if body.get("view", {}).get("type") == "home":
        from bot.home import publish_home

        await publish_home(services, client, body["user"]["id"])


def register(app: AsyncApp, services: Services) -> None:
    for action_id, (step, what) in STEPS.items():

        def make(step: Step, what: str) -> Callable[..., Awaitable[None]]:
            async def handle(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
                await ack()
                user = body["user"]["id"]
                ref = int(body["actions"][0]["value"])

                async def work() -> None:
                    if services.playbooks is None:
                        await _tell(body, client, respond, "Playbooks are not running in this app right now.")
                        return
                    try:
                        view = await step(services.playbooks, ref, user)
                    except PlaybookError as exc:
                        await _tell(body, client, respond, str(exc))
                        return
                    if body.get("view", {}).get("type") == "home":
                        await _refresh_home(services, body, client)
                    else:
                        text = f"{view.playbook_name} for {view.customer_name} (#{view.id}): {view.status}."
                        await _tell(body, client, respond, text, timeline_blocks(view))

                services.tasks.spawn(work(), what=what)

            return handle

        app.action(action_id)(make(step, what))

    @app.action("playbook_open_approval")
    async def open_approval(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        await ack()
        approval_id = int(body["actions"][0]["value"])

        async def work() -> None:
            approval = await services.registry.approvals.get(approval_id) if services.registry else None
            if approval is None:
                await client.chat_postMessage(
                    channel=body["user"]["id"], text=f"There is no approval #{approval_id}."
                )
                return
            blocks = approval_blocks(approval)
            await client.chat_postMessage(
                channel=body["user"]["id"],
                text=f"Approval #{approval.id}: {approval.tool_name}",
                blocks=to_dicts(blocks),
            )

        services.tasks.spawn(work(), what="opening the approval")

    @app.action("playbook_start")
    async def start(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        await ack()
        user = body["user"]["id"]
        slug, _, rest = body["actions"][0]["value"].partition("|")
        customer_ref, _, anchor_text = rest.partition("|")

        async def work() -> None:
            if services.playbooks is None:
                await _tell(body, client, respond, "Playbooks are not running in this app right now.")
                return
            try:
                anchor = date.fromisoformat(anchor_text) if anchor_text else None
                view = await services.playbooks.start(slug, int(customer_ref), anchor, started_by=user)
            except PlaybookError as exc:
                await client.chat_postMessage(channel=user, text=str(exc))
                return
            text = f"Started {view.playbook_name} for {view.customer_name} (playbook #{view.id})."
            await client.chat_postMessage(channel=user, text=text, blocks=to_dicts(timeline_blocks(view)))
            await _refresh_home(services, body, client)

        services.tasks.spawn(work(), what="starting the playbook")
