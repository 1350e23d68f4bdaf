"""The assistant: Claude with the tool registry when a key is set, else (or when Claude fails) the
offline intent router. Approval decisions on its tool calls continue the conversation in its thread.

    assistant = Assistant(db, registry, settings, on_followup=post_in_thread)
    reply = await assistant.ask("how is Acme doing?", Thread(channel, thread_ts, user_id, team_id))

`on_progress(text)` reports steps while Claude works (the bot updates its placeholder with it);
`on_followup(thread, reply)` posts what the assistant says after an approval is decided.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from assistant.claude import BudgetExceeded, ClaudeAssistant, Limits, Progress
from assistant.history import ConversationStore, Thread
from assistant.intents import IntentRouter
from assistant.offline import OfflineAssistant
from assistant.reply import AssistantReply
from llm.client import ClaudeClient, LlmUnavailable, make_client
from tools.model import ApprovalOutcome

log = logging.getLogger(__name__)

Followup = Callable[[Thread, AssistantReply], Awaitable[None]]
CALLER_KIND = "assistant"


def outcome_note(outcome: ApprovalOutcome) -> str:
    """What happened to a gated call, told to Claude and to the user."""
    who = f" by <@{outcome.decided_by}>" if outcome.decided_by else ""
    what = f"Approval #{outcome.approval_id} ({outcome.tool_name})"
    if outcome.status == "executed":
        detail = ""
        if outcome.result is not None and outcome.result.data:
            data = outcome.result.data
            detail = (
                f" Result: {data.get('message') or data}" if isinstance(data, dict) else f" Result: {data}"
            )
        return f"{what} was approved{who} and done.{detail}"
    if outcome.status == "failed":
        error = outcome.result.error if outcome.result is not None else None
        return f"{what} was approved{who} but failed: {error or 'no detail'}."
    if outcome.status == "rejected":
        return f"{what} was rejected{who}; nothing was done."
    return f"{what} expired before anyone decided; nothing was done."


class Assistant:
    def __init__(
        self,
        db: Any,
        registry: Any,
        settings: Any = None,
        *,
        client: ClaudeClient | None = None,
        limits: Limits | None = None,
        router: IntentRouter | None = None,
        on_followup: Followup | None = None,
    ) -> None:
        self.db = db
        self.registry = registry
        self.client = (
            client if client is not None else (make_client(settings) if settings is not None else None)
        )
        self.claude = ClaudeAssistant(self.client, registry, db, limits) if self.client is not None else None
        self.offline = OfflineAssistant(registry, db, router)
        self.history = ConversationStore(db)
        self.on_followup = on_followup
        registry.add_resume_hook(CALLER_KIND, self.on_approval_decided)

    async def ask(self, text: str, thread: Thread, on_progress: Progress | None = None) -> AssistantReply:
        text = (text or "").strip()
        if not text:
            return AssistantReply(text="Ask me about a customer, e.g. “how is Acme doing?”, or say `help`.")
        notice = None
        if self.claude is not None:
            try:
                return await self.claude.answer(text, thread, on_progress)
            except BudgetExceeded as exc:
                notice = f"_Answered offline: {exc}._"
            except LlmUnavailable as exc:
                log.warning("Claude failed; answering offline: %s", exc)
                notice = "_Claude could not answer just now, so this is the offline assistant's answer._"
            reply = await self.offline.answer(text, thread)
            reply.notice = notice
            await self.history.append(thread, [{"role": "assistant", "content": reply.plain_text()}])
            return reply
        reply = await self.offline.answer(text, thread)
        await self.history.append(
            thread,
            [
                {"role": "user", "content": [{"type": "text", "text": text}]},
                {"role": "assistant", "content": [{"type": "text", "text": reply.plain_text()}]},
            ],
        )
        return reply

    async def on_approval_decided(self, outcome: ApprovalOutcome) -> None:
        """The registry's resume hook: a gated call this assistant made was decided."""
        thread = Thread.from_ref(outcome.caller_ref)
        if thread is None:
            log.warning(
                "approval %s: caller_ref %r is not an assistant thread",
                outcome.approval_id,
                outcome.caller_ref,
            )
            return
        note = outcome_note(outcome)
        reply: AssistantReply | None = None
        if self.claude is not None:
            try:
                reply = await self.claude.continue_after(f"[{note}]", thread)
            except LlmUnavailable as exc:
                log.warning("Claude could not continue after approval %s: %s", outcome.approval_id, exc)
        if reply is None:
            reply = AssistantReply(text=note)
            await self.history.append(thread, [{"role": "assistant", "content": note}])
        if self.on_followup is not None:
            await self.on_followup(thread, reply)
