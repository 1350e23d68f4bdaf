"""Direct messages and @mentions, answered in their thread (CONTRACTS §3, the DM rule).

The listener returns at once (Bolt acks); the answer is slow work: a placeholder is posted in the
thread, updated with each step while Claude works, and replaced by the answer. Messages from this
bot or any other bot, edits and other subtypes are ignored.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from assistant.history import Thread
from assistant.reply import AssistantReply
from assistant.router import DmRouter, Routed
from assistant.service import Assistant
from bot.blocks.assistant import reply_blocks
from bot.blocks.automations import preview_blocks as automation_preview_blocks
from bot.blocks.common import MAX_BLOCKS, sections
from bot.services import Services

log = logging.getLogger(__name__)

MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")
ANSWERED_SUBTYPES = {None, "file_share", "thread_broadcast"}
THINKING = ":hourglass_flowing_sand: "


def ignored(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Our own messages, other bots', edits, joins and deletions are not questions."""
    return (
        event.get("subtype") not in ANSWERED_SUBTYPES
        or bool(event.get("bot_id") or event.get("bot_profile"))
        or not event.get("user")
        or event.get("user") == bot_user_id
    )


def chunks(blocks: list[Any]) -> list[list[dict[str, Any]]]:
    """Blocks as dicts, in messages of at most 50 blocks each."""
    dicts = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
    return [dicts[i : i + MAX_BLOCKS] for i in range(0, len(dicts), MAX_BLOCKS)] or [[]]


def build_assistant(services: Services, slack_for_team: Any, llm: Any = None) -> Assistant:
    """The assistant, with its follow-ups (after an approval is decided) posted in their thread.
    `slack_for_team` is `async (team_id) -> client` (bot.app.client_provider), or one client;
    `llm` the shared ClaudeClient (None: built from the settings when a key is set)."""

    async def on_followup(thread: Thread, reply: AssistantReply) -> None:
        client = await slack_for_team(thread.team_id) if callable(slack_for_team) else slack_for_team
        if client is None:
            log.warning(
                "no Slack client for team %s: follow-up in %s not posted", thread.team_id, thread.channel
            )
            return
        text, blocks = reply_blocks(reply)
        for part in chunks(blocks):
            await client.chat_postMessage(
                channel=thread.channel, thread_ts=thread.thread_ts, text=text, blocks=part
            )

    return Assistant(services.db, services.registry, services.settings, client=llm, on_followup=on_followup)


def assistant_for(services: Services, client: Any) -> Assistant | None:
    if services.assistant is None and services.registry is not None:
        services.assistant = build_assistant(services, client)
    return services.assistant


def routed_blocks(routed: Routed) -> tuple[str, list[Any]]:
    if routed.kind == "assistant" and routed.reply is not None:
        return reply_blocks(routed.reply)
    if routed.kind == "skill":
        outcome = routed.skill
        if outcome.report is not None:
            from bot.blocks.skills import report_blocks

            return report_blocks(outcome.report)
        return outcome.question or "That skill could not start.", sections(outcome.question or "")
    if routed.preview is not None:
        return automation_preview_blocks(routed.preview)
    text = routed.text or "I could not turn that into an automation."
    return text, sections(text)


async def answer(services: Services, client: Any, thread: Thread, text: str) -> None:
    placeholder = await client.chat_postMessage(
        channel=thread.channel, thread_ts=thread.thread_ts, text=THINKING + "Working on it…"
    )
    ts = placeholder["ts"]
    shown = {"step": ""}

    async def on_progress(step: str) -> None:
        if step != shown["step"]:
            shown["step"] = step
            try:  # progress is cosmetic: a failed update must not lose the answer
                await client.chat_update(channel=thread.channel, ts=ts, text=THINKING + step)
            except Exception:
                log.warning("progress update in %s failed", thread.channel, exc_info=True)

    try:
        assistant = assistant_for(services, client)
        if assistant is None:
            raise RuntimeError("no tool registry is configured, so the assistant cannot answer")
        router = DmRouter(assistant, skills=services.skills, automations=services.automations)
        routed = await router.route(text, thread, on_progress)
        fallback, blocks = routed_blocks(routed)
    except Exception:
        log.exception("answering %r in %s/%s failed", text, thread.channel, thread.thread_ts)
        await client.chat_update(
            channel=thread.channel,
            ts=ts,
            text=":warning: Sorry, I could not answer that: something failed on our side (it is logged). Try again.",
        )
        return
    parts = chunks(blocks)
    await client.chat_update(channel=thread.channel, ts=ts, text=fallback, blocks=parts[0])
    for part in parts[1:]:
        await client.chat_postMessage(
            channel=thread.channel, thread_ts=thread.thread_ts, text=fallback, blocks=part
        )


def register(app: AsyncApp, services: Services) -> None:
    def start(event: dict[str, Any], context: Any, client: Any, text: str) -> None:
        team = event.get("team") or context.get("team_id") or ""
        thread = Thread(
            channel=event["channel"],
            thread_ts=event.get("thread_ts") or event["ts"],
            user_id=event["user"],
            team_id=team,
        )
        services.tasks.spawn(answer(services, client, thread, text), what="answering your message")

    @app.event("message")
    async def on_direct_message(event: dict[str, Any], context: Any, client: Any) -> None:
        if event.get("channel_type") != "im" or ignored(event, context.get("bot_user_id")):
            return
        start(event, context, client, event.get("text") or "")

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any], context: Any, client: Any) -> None:
        if ignored(event, context.get("bot_user_id")):
            return
        start(event, context, client, MENTION.sub("", event.get("text") or "").strip())
