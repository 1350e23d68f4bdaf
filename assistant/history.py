"""A thread's conversation (store.models.ConversationMessage) and each user's daily token budget
(store.models.LlmUsage)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from store.base import utcnow
from store.models import ConversationMessage, LlmUsage


@dataclass(frozen=True)
class Thread:
    """Where a conversation lives and on whose behalf it runs."""

    channel: str
    thread_ts: str
    user_id: str
    team_id: str = ""

    @property
    def ref(self) -> str:
        """`caller_ref` of the tool calls made in this thread; parsed back by `from_ref`."""
        return f"thread:{self.channel}:{self.thread_ts}:{self.user_id}:{self.team_id}"

    @classmethod
    def from_ref(cls, ref: str | None) -> Thread | None:
        if not ref or not ref.startswith("thread:"):
            return None
        parts = ref.split(":")
        if len(parts) != 5:
            return None
        _, channel, thread_ts, user_id, team_id = parts
        return cls(channel=channel, thread_ts=thread_ts, user_id=user_id, team_id=team_id)


def as_blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content)


def normalise(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A history the Messages API accepts: starts with a user's words, roles alternate (adjacent
    messages of one role are merged), and no tool_use is left without its tool_result."""
    merged: list[dict[str, Any]] = []
    for msg in messages:
        blocks = [b for b in as_blocks(msg["content"]) if b.get("type") != "text" or b.get("text")]
        if not blocks:
            continue
        if merged and merged[-1]["role"] == msg["role"]:
            merged[-1]["content"] = merged[-1]["content"] + blocks
        else:
            merged.append({"role": msg["role"], "content": blocks})
    # Drop leading messages until a user message that is not only tool results.
    while merged and (
        merged[0]["role"] != "user" or all(b.get("type") == "tool_result" for b in merged[0]["content"])
    ):
        merged.pop(0)
    # An assistant tool_use must be answered by the next message; drop calls that were not.
    for i, msg in enumerate(merged):
        if msg["role"] != "assistant":
            continue
        answered = set()
        if i + 1 < len(merged):
            answered = {
                b.get("tool_use_id") for b in merged[i + 1]["content"] if b.get("type") == "tool_result"
            }
        kept = [b for b in msg["content"] if b.get("type") != "tool_use" or b.get("id") in answered]
        msg["content"] = kept or [{"type": "text", "text": "(no answer)"}]
    return merged


class ConversationStore:
    def __init__(self, db: Any, max_messages: int = 40) -> None:
        self.db = db
        self.max_messages = max_messages

    async def load(self, thread: Thread) -> list[dict[str, Any]]:
        async with self.db.session() as s:
            rows = (
                await s.scalars(
                    select(ConversationMessage)
                    .where(
                        ConversationMessage.channel == thread.channel,
                        ConversationMessage.thread_ts == thread.thread_ts,
                    )
                    .order_by(ConversationMessage.id.desc())
                    .limit(self.max_messages)
                )
            ).all()
        return normalise([{"role": r.role, "content": r.content} for r in reversed(rows)])

    async def append(self, thread: Thread, messages: list[dict[str, Any]]) -> None:
        if not messages:
            return
        async with self.db.transaction() as s:
            for msg in messages:
                s.add(
                    ConversationMessage(
                        channel=thread.channel,
                        thread_ts=thread.thread_ts,
                        role=msg["role"],
                        content=as_blocks(msg["content"]),
                        created_at=utcnow(),
                    )
                )

    async def forget_older_than(self, days: int = 90) -> int:
        """Delete whole threads whose last message is older than `days` (a daily job)."""
        cutoff = utcnow() - timedelta(days=days)
        async with self.db.transaction() as s:
            stale = (
                select(ConversationMessage.channel, ConversationMessage.thread_ts)
                .group_by(ConversationMessage.channel, ConversationMessage.thread_ts)
                .having(func.max(ConversationMessage.created_at) < cutoff)
            )
            thread = tuple_(ConversationMessage.channel, ConversationMessage.thread_ts)
            done = await s.execute(delete(ConversationMessage).where(thread.in_(stale)))
        return done.rowcount or 0


class TokenBudget:
    """Tokens per user per day, counted in LlmUsage (one row per user and day)."""

    def __init__(self, db: Any, daily_limit: int) -> None:
        self.db = db
        self.daily_limit = daily_limit

    @staticmethod
    def today() -> date:
        return utcnow().date()

    async def used_today(self, user_id: str) -> int:
        async with self.db.session() as s:
            row = await s.scalar(
                select(LlmUsage).where(LlmUsage.user_id == user_id, LlmUsage.day == self.today())
            )
        return (row.input_tokens + row.output_tokens) if row else 0

    async def remaining(self, user_id: str) -> int:
        return max(0, self.daily_limit - await self.used_today(user_id))

    async def add(self, user_id: str, input_tokens: int, output_tokens: int) -> None:
        day = self.today()
        increment = (
            update(LlmUsage)
            .where(LlmUsage.user_id == user_id, LlmUsage.day == day)
            .values(
                input_tokens=LlmUsage.input_tokens + input_tokens,
                output_tokens=LlmUsage.output_tokens + output_tokens,
            )
        )
        for _ in range(3):
            try:
                async with self.db.transaction() as s:
                    done = await s.execute(increment)
                    if done.rowcount == 0:
                        s.add(
                            LlmUsage(
                                user_id=user_id,
                                day=day,
                                input_tokens=input_tokens,
                                output_tokens=output_tokens,
                            )
                        )
                return
            except IntegrityError:
                continue  # another request inserted today's row first: increment it
