"""Buttons on a meeting analysis: Open, Create task, Draft follow-up, Show follow-up text, and the
customer picker of an unmatched meeting."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks.common import to_dicts
from bot.blocks.meetings import analysis_blocks
from bot.services import Services
from store.customers import contact_emails
from tools.model import ToolContext


def _ctx(body: dict[str, Any], stored: Any) -> ToolContext:
    return ToolContext(
        user_id=body["user"]["id"],
        team_id=(body.get("team") or {}).get("id", ""),
        customer_id=stored.customer.id if stored.customer else None,
        customer_name=stored.customer.name if stored.customer else None,
        caller_kind="slack",
        caller_ref=f"meeting_analysis:{stored.id}",
        channel=(body.get("channel") or {}).get("id"),
    )


def _value(body: dict[str, Any]) -> str:
    action = body["actions"][0]
    return (action.get("selected_option") or {}).get("value") or action.get("value", "")


async def follow_up_recipients(services: Services, customer_id: int | None) -> list[str]:
    if customer_id is None:
        return []
    async with services.db.session() as s:
        return await contact_emails(s, customer_id)


def outcome_text(result: Any, done: str) -> str:
    if result.success:
        return done
    if result.requires_approval:
        return (
            f":hourglass_flowing_sand: Waiting for approval (#{result.approval_id}); it runs once approved."
        )
    return f":x: {result.error}"


def register(app: AsyncApp, services: Services) -> None:
    async def answer(respond: Any, text: str, blocks: list[Any] | None = None) -> None:
        kwargs: dict[str, Any] = {"text": text, "response_type": "ephemeral", "replace_original": False}
        if blocks:
            kwargs["blocks"] = to_dicts(blocks)
        await respond(**kwargs)

    async def load(respond: Any, raw_id: str) -> Any:
        stored = await services.meetings.get(int(raw_id)) if raw_id.isdigit() and services.meetings else None
        if stored is None:
            await answer(respond, "That meeting analysis no longer exists.")
        return stored

    @app.action("meeting_view")
    async def view(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()

        async def run() -> None:
            stored = await load(respond, _value(body))
            if stored:
                await answer(respond, f"Meeting #{stored.id}", analysis_blocks(stored))

        services.tasks.spawn(run(), what="showing the meeting", notify=lambda t: answer(respond, t))

    @app.action("meeting_create_task")
    async def create_task(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()

        async def run() -> None:
            analysis_id, _, index = _value(body).partition(":")
            stored = await load(respond, analysis_id)
            if stored is None:
                return
            items = stored.result.action_items
            if not index.isdigit() or int(index) >= len(items):
                await answer(respond, "That action item is no longer in the analysis.")
                return
            item = items[int(index)]
            task = {
                "title": item.text if not item.owner else f"{item.text} ({item.owner})",
                "notes": f"From meeting #{stored.id}: {stored.facts.topic or 'meeting'}",
            }
            if item.due:
                task["due_date"] = item.due.isoformat()
            if stored.customer:
                task["customer"] = str(stored.customer.id)
            result = await services.registry.invoke("tasks.create", task, _ctx(body, stored))
            await answer(respond, outcome_text(result, f":white_check_mark: Task created: {task['title']}"))

        services.tasks.spawn(run(), what="creating the task", notify=lambda t: answer(respond, t))

    @app.action("meeting_show_followup")
    async def show_followup(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()

        async def run() -> None:
            stored = await load(respond, _value(body))
            if stored:
                email = stored.result.follow_up_email
                await answer(respond, f"*{email.subject}*\n```{email.body}```")

        services.tasks.spawn(run(), what="showing the follow-up", notify=lambda t: answer(respond, t))

    @app.action("meeting_draft_followup")
    async def draft_followup(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()

        async def run() -> None:
            stored = await load(respond, _value(body))
            if stored is None:
                return
            to = await follow_up_recipients(services, stored.customer.id if stored.customer else None)
            if not to:
                who = stored.customer.name if stored.customer else "this meeting's customer"
                await answer(
                    respond,
                    f"I know no email address for {who}'s contacts, so I cannot address the draft. "
                    "Add a champion_email with `csm import customers`, or use *Show follow-up text*.",
                )
                return
            email = stored.result.follow_up_email
            draft = {"to": to, "subject": email.subject, "body": email.body}
            result = await services.registry.invoke("gmail.draft_email", draft, _ctx(body, stored))
            await answer(
                respond, outcome_text(result, f":envelope: Draft saved in your Gmail for {', '.join(to)}.")
            )

        services.tasks.spawn(run(), what="drafting the follow-up", notify=lambda t: answer(respond, t))

    @app.action("meeting_pick_customer")
    async def pick_customer(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()

        async def run() -> None:
            analysis_id, _, customer_id = _value(body).partition(":")
            if not (analysis_id.isdigit() and customer_id.isdigit()) or services.meetings is None:
                await answer(respond, "I could not read that choice; please pick again.")
                return
            stored = await services.meetings.assign_customer(int(analysis_id), int(customer_id))
            if stored is None:
                await answer(respond, "That meeting or customer no longer exists.")
                return
            await answer(
                respond, f":white_check_mark: Meeting #{stored.id} now belongs to {stored.customer.name}."
            )

        services.tasks.spawn(run(), what="assigning the meeting", notify=lambda t: answer(respond, t))
