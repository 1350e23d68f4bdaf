"""The Claude backend: a tool-use loop over the registry, with the thread's history and limits.

One request = at most `max_turns` model calls and `max_request_tokens` tokens; each user has
`daily_tokens` a day (LlmUsage). Every tool call goes through `registry.invoke`, named for Claude
without dots (the registry maps the names). A gated tool returns "pending approval N": Claude is told
the action waits for the user's click and must not be retried; when the approval is decided the
registry calls our resume hook and the conversation continues in its thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from assistant.history import ConversationStore, Thread, TokenBudget
from assistant.reply import AssistantReply
from llm.client import ClaudeClient, LlmUnavailable
from store.base import utcnow
from store.models import Customer
from tools.model import ToolContext, ToolResult

log = logging.getLogger(__name__)

Progress = Callable[[str], Awaitable[None]]
TOOL_RESULT_LIMIT = 12_000  # characters of one tool result sent back to Claude
PROMPT_CUSTOMERS = 40


@dataclass(frozen=True)
class Limits:
    max_turns: int = 8  # model calls per request
    max_output_tokens: int = 1500  # per model call
    max_request_tokens: int = 120_000  # input + output over one request
    daily_tokens: int = 1_000_000  # per user per day
    history_messages: int = 40


class BudgetExceeded(LlmUnavailable):
    """The user's daily token budget is spent; the offline router answers instead."""


SYSTEM_PROMPT = """You are csm-agent, a colleague in Slack of {user}, a Customer Success Manager.
Today is {today} ({weekday}).

{portfolio}

How you work:
- Use the tools for every fact about a customer (health, ARR, renewal, usage, tickets, meetings,
  tasks). Never invent numbers, names or dates; if a tool has no data, say so.
- Resolve a customer by the name the user gives; if it is ambiguous, ask which one.
- Customer-facing actions (emails, messages to customers, meetings) may need the user's approval.
  When a tool result says "pending approval N", the action has NOT happened yet: tell the user it
  waits for their click on the approval message, and do not call the tool again.
- Answer in Slack mrkdwn (*bold*, bullet lists with •), short and concrete: lead with the answer,
  then the evidence, then a suggested next step when there is one.
"""


def claude_tool_name(registry: Any, name: str) -> str:
    mapper = getattr(registry, "claude_name", None)
    return mapper(name) if mapper else name.replace(".", "_", 1)


def registry_tool_name(registry: Any, claude_name: str) -> str | None:
    mapper = getattr(registry, "from_claude_name", None)
    if mapper:
        return mapper(claude_name)
    provider, _, verb = claude_name.partition("_")
    return f"{provider}.{verb}" if verb else None


def tool_result_block(tool_use_id: str, result: ToolResult) -> dict[str, Any]:
    if result.requires_approval:
        content = (
            f"pending approval {result.approval_id}: this action has not run. It waits for the user to "
            "approve it in Slack (the approval message is already posted). Do not call it again; tell "
            "the user it is waiting for their approval."
        )
        return {"type": "tool_result", "tool_use_id": tool_use_id, "content": content}
    if not result.success:
        return {
            "type": "tool_result",
            "tool_use_id": tool_use_id,
            "content": result.error or "failed",
            "is_error": True,
        }
    text = json.dumps(result.data, default=str, ensure_ascii=False)
    if len(text) > TOOL_RESULT_LIMIT:
        text = text[:TOOL_RESULT_LIMIT] + f"… (cut: {len(text)} characters in all)"
    return {"type": "tool_result", "tool_use_id": tool_use_id, "content": text}


def _blocks(content: list[Any]) -> list[dict[str, Any]]:
    out = []
    for block in content:
        data = block.model_dump(exclude_none=True) if hasattr(block, "model_dump") else dict(block)
        if data.get("type") == "text" and data.get("text"):  # the API refuses empty text blocks
            out.append({"type": "text", "text": data["text"]})
        elif data.get("type") == "tool_use":
            out.append(
                {"type": "tool_use", "id": data["id"], "name": data["name"], "input": data.get("input") or {}}
            )
    return out


class ClaudeAssistant:
    def __init__(
        self,
        client: ClaudeClient,
        registry: Any,
        db: Any,
        limits: Limits | None = None,
        tool_names: list[str] | None = None,
    ) -> None:
        self.client = client
        self.registry = registry
        self.db = db
        self.limits = limits or Limits()
        self.tool_names = tool_names
        self.history = ConversationStore(db, self.limits.history_messages)
        self.budget = TokenBudget(db, self.limits.daily_tokens)

    def tools(self) -> list[dict[str, Any]]:
        return self.registry.claude_tools(self.tool_names)

    async def system_prompt(self, thread: Thread, today: date | None = None) -> str:
        today = today or utcnow().date()
        async with self.db.session() as s:
            mine = (
                await s.scalars(
                    select(Customer)
                    .where(Customer.csm_slack_id == thread.user_id, Customer.status != "deleted")
                    .order_by(Customer.renewal_date.is_(None), Customer.renewal_date)
                    .limit(PROMPT_CUSTOMERS)
                )
            ).all()
            total = await s.scalar(select(func.count(Customer.id)))
        if mine:
            lines = [
                f"- {c.name}: health {c.health_score if c.health_score is not None else 'n/a'}, "
                f"ARR {f'${c.arr:,.0f}' if c.arr else 'n/a'}, renewal {c.renewal_date or 'not set'}"
                for c in mine
            ]
            portfolio = f"Their customers ({len(mine)} shown of the workspace's {total}):\n" + "\n".join(
                lines
            )
        else:
            portfolio = f"No customer is assigned to them; the workspace has {total} customers (search them)."
        return SYSTEM_PROMPT.format(
            user=f"<@{thread.user_id}>",
            today=today.isoformat(),
            weekday=today.strftime("%A"),
            portfolio=portfolio,
        )

    def context(self, thread: Thread) -> ToolContext:
        return ToolContext(
            user_id=thread.user_id,
            team_id=thread.team_id,
            caller_kind="assistant",
            caller_ref=thread.ref,
            channel=thread.channel,
            thread_ts=thread.thread_ts,
            session_id=thread.ref,
        )

    async def answer(self, text: str, thread: Thread, on_progress: Progress | None = None) -> AssistantReply:
        """Answer `text` in `thread`. Raises LlmUnavailable (after saving what happened) when Claude
        cannot answer, so the caller can answer offline."""
        history = await self.history.load(thread)
        new: list[dict[str, Any]] = [{"role": "user", "content": [{"type": "text", "text": text}]}]
        try:
            reply = await self._loop(history, new, thread, on_progress)
        except LlmUnavailable:
            await self.history.append(thread, new)
            raise
        await self.history.append(thread, new)
        return reply

    async def continue_after(self, note: str, thread: Thread) -> AssistantReply:
        """Resume the thread with a note (an approval's outcome) as the user's side of the turn."""
        return await self.answer(note, thread)

    async def _loop(
        self,
        history: list[dict[str, Any]],
        new: list[dict[str, Any]],
        thread: Thread,
        on_progress: Progress | None,
    ) -> AssistantReply:
        if await self.budget.remaining(thread.user_id) <= 0:
            raise BudgetExceeded(
                f"you have used today's {self.limits.daily_tokens:,} Claude tokens; the limit resets at midnight UTC"
            )
        system = await self.system_prompt(thread)
        tools = self.tools()
        ctx = self.context(thread)
        spent = 0
        approvals: list[int] = []
        called: list[str] = []
        for turn in range(self.limits.max_turns):
            if on_progress is not None:
                await on_progress("Thinking…" if turn == 0 else "Reading the results…")
            response = await self.client.message(
                system=system,
                messages=history + new,
                tools=tools,
                max_tokens=self.limits.max_output_tokens,
            )
            spent += response.usage.input_tokens + response.usage.output_tokens
            await self.budget.add(thread.user_id, response.usage.input_tokens, response.usage.output_tokens)
            blocks = _blocks(response.content)
            new.append({"role": "assistant", "content": blocks})
            calls = [b for b in blocks if b["type"] == "tool_use"]
            text = "\n".join(b["text"] for b in blocks if b["type"] == "text").strip()
            if response.stop_reason != "tool_use" or not calls:
                if response.stop_reason == "max_tokens":
                    text += "\n_(cut short: the answer reached its length limit)_"
                return AssistantReply(
                    text=text or "Done.", source="claude", approval_ids=approvals, tools_called=called
                )
            results = []
            for call in calls:
                name = registry_tool_name(self.registry, call["name"])
                if on_progress is not None:
                    await on_progress(f"Calling `{name or call['name']}`…")
                if name is None:
                    result = ToolResult.fail(f"There is no tool named {call['name']}.")
                else:
                    result = await self.registry.invoke(name, call["input"], ctx)
                    called.append(name)
                if result.requires_approval and result.approval_id is not None:
                    approvals.append(result.approval_id)
                results.append(tool_result_block(call["id"], result))
            new.append({"role": "user", "content": results})
            remaining = await self.budget.remaining(thread.user_id)
            if spent >= self.limits.max_request_tokens or remaining <= 0:
                return self._stopped(
                    "I stopped here: this question used its token limit. Ask a narrower question to go on.",
                    new,
                    approvals,
                    called,
                )
        return self._stopped(
            f"I stopped after {self.limits.max_turns} steps without a final answer. Ask a narrower question to go on.",
            new,
            approvals,
            called,
        )

    @staticmethod
    def _stopped(
        text: str, new: list[dict[str, Any]], approvals: list[int], called: list[str]
    ) -> AssistantReply:
        if approvals:
            ids = ", ".join(f"#{a}" for a in approvals)
            text += f" Approval {ids} is waiting for your click."
        new.append({"role": "assistant", "content": [{"type": "text", "text": text}]})
        return AssistantReply(text=text, source="claude", approval_ids=approvals, tools_called=called)
