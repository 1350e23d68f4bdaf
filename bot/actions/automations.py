"""Buttons of the automation preview and list, the Edit modal, the DM hook and the App Home section."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp

from bot.blocks.automations import (
    CANCEL,
    DELETE,
    EDIT,
    EDIT_BLOCK,
    EDIT_CALLBACK,
    EDIT_INPUT,
    LAST_RUN,
    PAUSE,
    PICK,
    RESUME,
    SAVE,
    TEST,
    edit_modal,
    home_blocks,
    preview_blocks,
    trace_blocks,
    unpack,
)  # fmt: skip
from bot.blocks.common import to_dicts
from bot.commands.automations import list_message, preview_message
from bot.services import Services

log = logging.getLogger(__name__)


async def dm_preview(services: Services, client: Any, *, user_id: str, team_id: str, channel: str,
                     thread_ts: str | None, text: str) -> None:  # fmt: skip
    """The DM router's hook: a scheduling or "when ... then ..." sentence gets a preview in its thread."""
    reply, blocks = await preview_message(services, user_id, team_id, text)
    kwargs: dict[str, Any] = {"channel": channel, "text": reply}
    if blocks:
        kwargs["blocks"] = to_dicts(blocks)
    if thread_ts:
        kwargs["thread_ts"] = thread_ts
    await client.chat_postMessage(**kwargs)


async def home_section(services: Services, user_id: str) -> list[Any]:
    if services.automations is None:
        return []
    return home_blocks(await services.automations.list(user_id))


def _user(body: dict[str, Any]) -> tuple[str, str]:
    user = body.get("user") or {}
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    return user.get("id", ""), team


async def _preview_from(services: Services, value: dict[str, Any], user: str, team: str) -> Any:
    """The preview a button carries: its parsed definition when present (no second parse)."""
    from automations.builder import build_preview
    from automations.definition import AutomationDefinition
    from tools.model import ToolContext

    engine = services.automations
    if "d" not in value:
        preview = await engine.preview(value["t"], user, team_id=team)
    else:
        definition = AutomationDefinition.model_validate(value["d"])
        ctx = ToolContext(user_id=user, team_id=team, caller_kind="automation", dry_run=True)
        preview = await build_preview(value["t"], definition, db=engine.db, default_tz=engine.default_tz,
                                      user_tz=await engine._user_tz(user), registry=engine.registry, ctx=ctx)  # fmt: skip
    if value.get("c"):
        from automations.describe import echo, name_for

        preview.definition.scope.customer = value["c"]
        preview.definition.name = name_for(preview.definition)
        preview.customer_choices = []
        preview.errors = [e for e in preview.errors if not e.startswith("No customer matches")]
        preview.echo = echo(preview.definition, preview.timezone)
    return preview


def register(app: AsyncApp, services: Services) -> None:
    if home_section not in services.home_sections:
        services.home_sections.append(home_section)

    async def answer(respond: Any, text: str, blocks: list[Any] | None = None, replace: bool = True) -> None:
        kwargs: dict[str, Any] = {"text": text, "replace_original": replace, "response_type": "ephemeral"}
        kwargs["blocks"] = to_dicts(blocks) if blocks else []
        await respond(**kwargs)

    def spawn(coro: Any, what: str, respond: Any) -> None:
        async def tell(message: str) -> None:
            await respond(text=message, response_type="ephemeral", replace_original=False)

        services.tasks.spawn(coro, what=what, notify=tell)

    @app.action(SAVE)
    async def save(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        from automations.service import AutomationError

        user, team = _user(body)
        value = unpack(body["actions"][0]["value"])

        async def run() -> None:
            preview = await _preview_from(services, value, user, team)
            try:
                row = await services.automations.save(preview, user)
            except AutomationError as exc:
                await answer(respond, f"Not saved: {exc}", replace=False)
                return
            nxt = ""
            if row.next_run_at:
                local = row.next_run_at.astimezone(ZoneInfo(row.timezone or "UTC"))
                nxt = f" First run: {local:%a %d %b %H:%M} ({row.timezone or 'UTC'})."
            await answer(
                respond,
                f":white_check_mark: Saved automation #{row.id}: {row.echo}.{nxt} `/csm automations` lists yours.",
            )

        spawn(run(), "saving the automation", respond)

    @app.action(TEST)
    async def test_run(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        user, team = _user(body)
        value = unpack(body["actions"][0]["value"])

        async def run() -> None:
            preview = await _preview_from(services, value, user, team)
            trace = await services.automations.test_run(preview.definition, user, team_id=team)
            text, blocks = trace_blocks("Test run (nothing was sent or changed)", trace)
            await answer(respond, text, blocks, replace=False)

        spawn(run(), "the test run", respond)

    @app.action(PICK)
    async def pick(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        user, team = _user(body)
        value = unpack(body["actions"][0]["value"])

        async def run() -> None:
            preview = await _preview_from(services, value, user, team)
            text, blocks = preview_blocks(preview)
            await answer(respond, text, blocks)

        spawn(run(), "the preview", respond)

    @app.action(CANCEL)
    async def cancel(ack: Any, respond: Any) -> None:
        await ack()
        await answer(respond, "Cancelled; nothing was saved.")

    @app.action(EDIT)
    async def edit(ack: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        value = unpack(body["actions"][0]["value"])
        channel = (body.get("channel") or {}).get("id") or ""
        await client.views_open(trigger_id=body["trigger_id"], view=edit_modal(value["t"], channel).to_dict())

    @app.view(EDIT_CALLBACK)
    async def edited(ack: Any, body: dict[str, Any], client: Any) -> None:
        from automations.nl.parser import ParseRefused

        user, team = _user(body)
        text = (
            body["view"]["state"]["values"].get(EDIT_BLOCK, {}).get(EDIT_INPUT, {}).get("value") or ""
        ).strip()
        try:
            preview = await services.automations.preview(text, user, team_id=team)
        except ParseRefused as exc:
            await ack(response_action="errors", errors={EDIT_BLOCK: str(exc)[:1000]})
            return
        await ack()
        reply, blocks = preview_blocks(preview)
        channel = body["view"].get("private_metadata") or user
        services.tasks.spawn(
            client.chat_postEphemeral(channel=channel, user=user, text=reply, blocks=to_dicts(blocks))
            if channel != user else client.chat_postMessage(channel=user, text=reply, blocks=to_dicts(blocks)),
            what="posting the edited preview",
        )  # fmt: skip

    async def control(body: dict[str, Any], respond: Any, verb: str) -> None:
        from automations.service import AutomationError

        user, _team = _user(body)
        try:
            automation_id = int(body["actions"][0]["value"])
            row = await services.automations.set_status(automation_id, user, verb)
        except (AutomationError, ValueError) as exc:
            await answer(respond, str(exc), replace=False)
            return
        text, blocks = await list_message(services, user)
        done = {"pause": "Paused", "resume": "Resumed", "delete": "Deleted"}[verb]
        await answer(respond, f"{done} #{row.id}. {text}", blocks)

    for action_id, verb in ((PAUSE, "pause"), (RESUME, "resume"), (DELETE, "delete")):

        def make(verb: str = verb) -> Any:
            async def handler(ack: Any, body: dict[str, Any], respond: Any) -> None:
                await ack()
                spawn(control(body, respond, verb), f"{verb} the automation", respond)

            return handler

        app.action(action_id)(make())

    @app.action(LAST_RUN)
    async def last_run(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        user, _team = _user(body)

        async def run() -> None:
            row = await services.automations.get(int(body["actions"][0]["value"]))
            if row is None or row.owner_slack_id != user:
                await answer(respond, "That automation is not yours or no longer exists.", replace=False)
                return
            traces = await services.automations.traces(row.id, limit=1)
            if not traces:
                await answer(respond, f"#{row.id} has not run yet.", replace=False)
                return
            last = traces[0]
            text, blocks = trace_blocks(
                f"#{row.id} ran at {last['fire_time']} ({last['status']})", last["trace"]
            )
            await answer(respond, text, blocks, replace=False)

        spawn(run(), "showing the last run", respond)


def slack_user_timezone(client: Any) -> Any:
    """An async user id -> IANA timezone reader (users.info), for `automations.wiring.attach`."""

    async def read(user_id: str) -> str | None:
        info = await client.users_info(user=user_id)
        return (info.get("user") or {}).get("tz") or None

    return read
