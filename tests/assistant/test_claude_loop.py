"""The Claude backend against the fake Messages API, through the real registry on the demo portfolio."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from assistant.claude import Limits
from assistant.history import Thread
from assistant.service import Assistant
from llm.client import ClaudeClient
from sandbox.anthropic import error, message, tool_use
from store.models import Approval, ConversationMessage, Customer, LlmUsage, Task, ToolSetting


def make(portfolio, registry, fake, limits: Limits | None = None, followups: list | None = None) -> Assistant:
    client = ClaudeClient("sk-test-key", "claude-test", fake.base_url)

    async def on_followup(thread: Thread, reply) -> None:
        if followups is not None:
            followups.append((thread, reply))

    return Assistant(portfolio, registry, client=client, limits=limits, on_followup=on_followup)


def tool_results(request: dict) -> list[dict]:
    return [
        b
        for m in request["messages"]
        if isinstance(m["content"], list)
        for b in m["content"]
        if b.get("type") == "tool_result"
    ]


async def test_tool_use_then_final_answer(portfolio, registry, fake_claude, thread) -> None:
    fake_claude.push(
        tool_use("customers_get_snapshot", {"customer": "Acme Corp"}, text="Let me look."),
        message("*Acme Corp* is healthy."),
    )
    progress: list[str] = []

    async def on_progress(text: str) -> None:
        progress.append(text)

    reply = await make(portfolio, registry, fake_claude).ask("how is acme doing?", thread, on_progress)
    assert reply.source == "claude"
    assert reply.text == "*Acme Corp* is healthy."
    assert reply.tools_called == ["customers.get_snapshot"]
    assert any("customers.get_snapshot" in p for p in progress)

    first, second = fake_claude.requests
    names = {t["name"] for t in first["tools"]}
    assert "customers_get_snapshot" in names and all("." not in n for n in names)
    assert date.today().isoformat() in first["system"]
    async with portfolio.session() as s:
        mine = (await s.scalars(select(Customer.name).where(Customer.csm_slack_id == thread.user_id))).all()
        acme = await s.scalar(select(Customer).where(Customer.name == "Acme Corp"))
    assert mine and all(name in first["system"] for name in mine)
    (result,) = tool_results(second)
    data = json.loads(result["content"])
    assert (data["name"], data["health_score"]) == ("Acme Corp", acme.health_score)
    assert fake_claude.api_keys[0] == "sk-test-key"


async def test_overloaded_then_success(portfolio, registry, fake_claude, thread) -> None:
    fake_claude.push(error(529), message("Renewals: none this week."))
    reply = await make(portfolio, registry, fake_claude).ask("renewals this week?", thread)
    assert reply.source == "claude" and reply.text == "Renewals: none this week."
    assert len(fake_claude.requests) == 2  # the SDK retried the 529


async def test_bad_request_falls_back_to_the_offline_router(portfolio, registry, fake_claude, thread) -> None:
    fake_claude.push(error(400, "messages: text content blocks must be non-empty"))
    reply = await make(portfolio, registry, fake_claude).ask("how is acme doing?", thread)
    assert reply.source == "offline" and reply.intent == "snapshot"
    assert "Claude could not answer" in (reply.notice or "")
    assert reply.items[0].name == "Acme Corp"
    assert len(fake_claude.requests) == 1  # a 400 is not retried


async def test_history_is_replayed_in_the_thread(demo_db, portfolio, registry, fake_claude, thread) -> None:
    fake_claude.push(
        tool_use("customers_search", {"health_below": 60}),
        message("Two accounts are below 60."),
        message("Umbrella Corp is the bigger one."),
    )
    assistant = make(portfolio, registry, fake_claude)
    await assistant.ask("who is below 60?", thread)
    await assistant.ask("which of them is bigger?", thread)
    third = fake_claude.requests[2]["messages"]
    assert [m["role"] for m in third] == ["user", "assistant", "user", "assistant", "user"]
    assert third[0]["content"][0]["text"] == "who is below 60?"
    assert third[1]["content"][0]["name"] == "customers_search"
    assert third[2]["content"][0]["type"] == "tool_result"
    assert third[3]["content"][0]["text"] == "Two accounts are below 60."
    assert third[4]["content"][0]["text"] == "which of them is bigger?"
    other = Thread(channel=thread.channel, thread_ts="1764000999.000200", user_id=thread.user_id)
    fake_claude.push(message("fresh"))
    await assistant.ask("hello", other)
    assert len(fake_claude.requests[3]["messages"]) == 1  # another thread starts empty
    async with portfolio.session() as s:
        stored = (
            await s.scalars(
                select(ConversationMessage).where(ConversationMessage.thread_ts == thread.thread_ts)
            )
        ).all()
    assert len(stored) == 6


async def test_gated_tool_becomes_an_approval_and_the_thread_resumes(
    portfolio, registry, fake_claude, thread
) -> None:
    async with portfolio.transaction() as s:
        s.add(ToolSetting(name="tasks.create", requires_approval=True))  # an admin made it ask first
    fake_claude.push(
        tool_use("tasks_create", {"title": "Send Globex the SOW", "customer": "Globex"}),
        message("The task waits for your approval."),
    )
    followups: list = []
    assistant = make(portfolio, registry, fake_claude, followups=followups)
    reply = await assistant.ask("remind me to send globex the SOW", thread)
    assert len(reply.approval_ids) == 1
    (result,) = tool_results(fake_claude.requests[1])
    assert result["content"].startswith(f"pending approval {reply.approval_ids[0]}")
    async with portfolio.session() as s:
        approval = await s.get(Approval, reply.approval_ids[0])
        assert await s.scalar(select(Task).where(Task.title == "Send Globex the SOW")) is None
    assert (approval.status, approval.caller_kind, approval.caller_ref) == (
        "pending",
        "assistant",
        thread.ref,
    )
    assert (approval.channel, approval.thread_ts) == (thread.channel, thread.thread_ts)

    fake_claude.push(message("Done: the task is created."))
    decision = await registry.approvals.decide(approval.id, thread.user_id, approve=True)
    assert decision.ok, decision.message
    async with portfolio.session() as s:
        assert await s.scalar(select(Task).where(Task.title == "Send Globex the SOW")) is not None
    assert [(t, r.text) for t, r in followups] == [(thread, "Done: the task is created.")]
    resumed = fake_claude.requests[2]["messages"][-1]["content"][0]["text"]
    assert f"Approval #{approval.id} (tasks.create) was approved" in resumed


async def test_turn_limit_stops_the_loop(portfolio, registry, fake_claude, thread) -> None:
    fake_claude.push(*(tool_use("customers_search", {"query": "a"}) for _ in range(3)))
    reply = await make(portfolio, registry, fake_claude, Limits(max_turns=2)).ask("loop forever", thread)
    assert reply.text.startswith("I stopped after 2 steps")
    assert len(fake_claude.requests) == 2


async def test_daily_budget_answers_offline(demo_db, portfolio, registry, fake_claude, thread) -> None:
    fake_claude.push(message("first", usage={"input_tokens": 900, "output_tokens": 200}))
    assistant = make(portfolio, registry, fake_claude, Limits(daily_tokens=1000))
    assert (await assistant.ask("hello", thread)).source == "claude"
    async with portfolio.session() as s:
        usage = await s.scalar(select(LlmUsage).where(LlmUsage.user_id == thread.user_id))
    assert (usage.input_tokens, usage.output_tokens) == (900, 200)
    reply = await assistant.ask("how is acme doing?", thread)
    assert reply.source == "offline" and "today's 1,000 Claude tokens" in (reply.notice or "")
    assert len(fake_claude.requests) == 1


async def test_request_token_limit_stops_the_loop(portfolio, registry, fake_claude, thread) -> None:
    fake_claude.push(
        tool_use("customers_search", {"query": "a"}, usage={"input_tokens": 5000, "output_tokens": 100}),
        message("never asked for"),
    )
    reply = await make(portfolio, registry, fake_claude, Limits(max_request_tokens=4000)).ask(
        "search a lot", thread
    )
    assert reply.text.startswith("I stopped here: this question used its token limit")
    assert len(fake_claude.requests) == 1


async def test_a_failure_mid_loop_leaves_a_history_claude_accepts(
    portfolio, registry, fake_claude, thread
) -> None:
    fake_claude.push(
        tool_use("customers_get_snapshot", {"customer": "Globex"}), error(400, "prompt is too long")
    )
    assistant = make(portfolio, registry, fake_claude)
    first = await assistant.ask("how is globex?", thread)
    assert first.source == "offline" and first.items[0].name == "Globex"
    fake_claude.push(message("Globex is at risk."))
    second = await assistant.ask("and what should I do?", thread)
    assert second.source == "claude"  # the fake server rejects malformed histories with a 400
    roles = [m["role"] for m in fake_claude.requests[-1]["messages"]]
    assert roles == ["user", "assistant", "user", "assistant", "user"]
    assert "Globex" in fake_claude.requests[-1]["messages"][3]["content"][0]["text"]  # the offline answer
