"""DMs and @mentions through the real app (Bolt + aiohttp) against the emulated Slack API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.models.blocks import Block

from sandbox.anthropic import FakeAnthropic, message, tool_use
from sandbox.driver import event_body, headers_for
from sandbox.slack import BOT_ID, BOT_TOKEN, BOT_USER_ID
from settings import Settings
from store.demo import DEMO_USER

SECRET = "assistant-test-secret"


def assert_valid_blocks(blocks: list[dict[str, Any]]) -> None:
    assert 0 < len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None and parsed.to_dict() == block


class Harness:
    def __init__(self, client: TestClient, sandbox: Any, runtime: Any) -> None:
        self.client, self.sandbox, self.runtime = client, sandbox, runtime
        self.slack = sandbox.slack

    async def event(self, event: dict[str, Any]) -> None:
        body = event_body(event)
        resp = await self.client.post(
            "/slack/events", data=body, headers=headers_for(body, SECRET, json_body=True)
        )
        assert resp.status == 200
        await self.runtime.services.tasks.drain()

    async def dm(self, text: str, thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
        channel = self.slack.im_channel(DEMO_USER)
        ts = self.slack.new_ts()
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": channel.id,
            "user": DEMO_USER,
            "text": text,
            "ts": ts,
            **extra,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        channel.messages.append(dict(event))
        await self.event(event)
        return event

    def bot_replies(self, channel_id: str, thread_ts: str) -> list[dict[str, Any]]:
        channel = self.slack.channels[channel_id]
        return [m for m in channel.messages if m.get("bot_id") == BOT_ID and m.get("thread_ts") == thread_ts]


async def make_harness(portfolio, sandbox, tmp_path, **env: str) -> tuple[Harness, Any]:
    import app

    settings = Settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=sandbox.api_url,
        DATABASE_URL=portfolio.url,
        CSM_ENCRYPTION_KEY="0" * 43 + "=",
        CSM_DATA_DIR=str(tmp_path / "data"),
        **env,
    )
    runtime = await app.build(settings, db=portfolio, migrate=False, scheduler=False)
    client = TestClient(TestServer(runtime.web_app))
    await client.start_server()
    return Harness(client, sandbox, runtime), client


@pytest.fixture
async def harness(portfolio, slack_sandbox, tmp_path):
    h, client = await make_harness(portfolio, slack_sandbox, tmp_path)
    yield h
    await client.close()
    await h.runtime.services.tasks.drain()


async def test_dm_is_answered_in_its_thread_with_a_snapshot_card(harness) -> None:
    event = await harness.dm("how is acme doing?")
    (reply,) = harness.bot_replies(event["channel"], event["ts"])
    assert_valid_blocks(reply["blocks"])
    assert reply["blocks"][1] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Acme Corp", "emoji": True},
    }
    assert "Acme Corp" in reply["text"]
    assert "edited" in reply  # the placeholder was updated, not a second message
    buttons = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0]["action_id"] == "customer_view"

    follow = await harness.dm("and who is at risk?", thread_ts=event["ts"])
    replies = harness.bot_replies(event["channel"], event["ts"])
    assert len(replies) == 2 and follow["thread_ts"] == event["ts"]
    assert_valid_blocks(replies[1]["blocks"])
    assert any(
        e.get("action_id") == "assistant_start_playbook"
        for b in replies[1]["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )


async def test_bots_edits_and_channel_chatter_are_ignored(harness) -> None:
    channel = harness.slack.im_channel(DEMO_USER)
    base = {"type": "message", "channel_type": "im", "channel": channel.id, "text": "how is acme doing?"}
    await harness.event({**base, "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": harness.slack.new_ts()})
    await harness.event({**base, "user": "U0OTHERBOT", "bot_id": "B0OTHER", "ts": harness.slack.new_ts()})
    await harness.event({**base, "subtype": "message_changed", "ts": harness.slack.new_ts()})
    general = harness.slack.channel_by_name("general")
    await harness.event(
        {
            **base,
            "channel_type": "channel",
            "channel": general.id,
            "user": DEMO_USER,
            "ts": harness.slack.new_ts(),
        }
    )
    assert harness.slack.calls_to("chat.postMessage") == []


async def test_mention_in_a_channel_is_answered_in_thread(harness) -> None:
    general = harness.slack.channel_by_name("general")
    ts = harness.slack.new_ts()
    await harness.event(
        {
            "type": "app_mention",
            "channel": general.id,
            "user": DEMO_USER,
            "ts": ts,
            "text": f"<@{BOT_USER_ID}> renewals in the next 60 days",
        }
    )
    (reply,) = harness.bot_replies(general.id, ts)
    assert "renewal" in reply["text"]
    assert_valid_blocks(reply["blocks"])


async def test_playbook_button_starts_the_playbook(harness) -> None:
    from playbooks.executor import PlaybookExecutor
    from sandbox.driver import block_action_body

    await PlaybookExecutor(harness.runtime.services.db, harness.runtime.services.registry).sync()
    event = await harness.dm("who is at risk")
    (reply,) = harness.bot_replies(event["channel"], event["ts"])
    button = next(
        e
        for b in reply["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "assistant_start_playbook"
    )
    body = block_action_body(
        "assistant_start_playbook",
        button["value"],
        user_id=DEMO_USER,
        response_url=harness.slack.response_url(),
        channel_id=event["channel"],
        message_ts=reply["ts"],
    )
    resp = await harness.client.post("/slack/events", data=body, headers=headers_for(body, SECRET))
    assert resp.status == 200
    await harness.runtime.services.tasks.drain()
    channel = harness.slack.channels[event["channel"]]
    (started,) = [m for m in channel.messages if m.get("bot_id") and m.get("thread_ts") == reply["ts"]]
    assert started["text"].startswith("Started ") and "playbook #" in started["text"]


async def test_claude_progress_updates_the_placeholder_and_long_answers_are_split(
    portfolio, slack_sandbox, tmp_path
) -> None:
    async with FakeAnthropic() as fake:
        long_answer = "\n\n".join(f"Paragraph {i}: " + "word " * 500 for i in range(60))
        fake.push(tool_use("customers_get_snapshot", {"customer": "Globex"}), message(long_answer))
        h, client = await make_harness(
            portfolio, slack_sandbox, tmp_path, ANTHROPIC_API_KEY="sk-fake", ANTHROPIC_BASE_URL=fake.base_url
        )
        try:
            event = await h.dm("tell me everything about globex")
        finally:
            await client.close()
    updates = [c for c in h.slack.calls_to("chat.update")]
    steps = [u["text"] for u in updates if "blocks" not in u]
    assert any("customers.get_snapshot" in s for s in steps)
    replies = h.bot_replies(event["channel"], event["ts"])
    assert len(replies) == 2  # 60 × 2.5k characters do not fit 50 blocks of 3,000
    for r in replies:
        assert_valid_blocks(r["blocks"])
    text = "\n\n".join(b["text"]["text"] for r in replies for b in r["blocks"] if b["type"] == "section")
    assert all(f"Paragraph {i}:" in text for i in range(60))


async def test_an_approved_call_continues_the_conversation_in_its_thread(
    portfolio, slack_sandbox, tmp_path
) -> None:
    from sqlalchemy import select

    from store.models import Approval, Task, ToolSetting

    async with portfolio.transaction() as s:
        s.add(ToolSetting(name="tasks.create", requires_approval=True))
    async with FakeAnthropic() as fake:
        fake.push(
            tool_use("tasks_create", {"title": "Call Hooli about NPS", "customer": "Hooli"}),
            message("That task waits for your approval."),
            message("Approved: the task is on your list."),
        )
        h, client = await make_harness(
            portfolio, slack_sandbox, tmp_path, ANTHROPIC_API_KEY="sk-fake", ANTHROPIC_BASE_URL=fake.base_url
        )
        try:
            event = await h.dm("remind me to call hooli about their nps")
            async with portfolio.session() as s:
                approval = await s.scalar(select(Approval))
            assert (approval.channel, approval.thread_ts) == (event["channel"], event["ts"])
            decision = await h.runtime.services.registry.approvals.decide(
                approval.id, DEMO_USER, approve=True
            )
            assert decision.ok, decision.message
        finally:
            await client.close()
    thread = h.bot_replies(event["channel"], event["ts"])
    # The registry posts the approval message (with its buttons) in the same thread.
    approvals = [r for r in thread if r["text"].startswith("Approval needed: tasks.create")]
    assert len(approvals) == 1 and "approval_approve" in str(approvals[0]["blocks"])
    replies = [r for r in thread if r not in approvals]
    assert [r["text"].split("\n")[0] for r in replies] == [
        "That task waits for your approval.",
        "Approved: the task is on your list.",
    ]
    assert "Approval #" in str(replies[0]["blocks"])
    async with portfolio.session() as s:
        assert await s.scalar(select(Task).where(Task.title == "Call Hooli about NPS")) is not None


async def test_clicking_approve_continues_the_thread_offline(portfolio, slack_sandbox, tmp_path) -> None:
    from sqlalchemy import select

    from sandbox.driver import block_action_body
    from store.models import PlaybookExecution, ToolSetting

    async with portfolio.transaction() as s:
        s.add(ToolSetting(name="playbooks.start", requires_approval=True))
    h, client = await make_harness(portfolio, slack_sandbox, tmp_path)
    try:
        await h.runtime.services.playbooks.sync()
        event = await h.dm("start the renewal playbook for acme")
        thread = h.bot_replies(event["channel"], event["ts"])
        asked = next(r for r in thread if "approval_approve" in json.dumps(r.get("blocks") or []))
        button = next(
            e
            for b in asked["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == "approval_approve"
        )
        body = block_action_body(
            "approval_approve", button["value"], user_id=DEMO_USER, channel_id=event["channel"],
            message_ts=asked["ts"], response_url=h.slack.response_url(),
        )  # fmt: skip
        resp = await client.post("/slack/events", data=body, headers=headers_for(body, SECRET))
        assert resp.status == 200
        await h.runtime.services.tasks.drain()
    finally:
        await client.close()
    last = h.bot_replies(event["channel"], event["ts"])[-1]
    assert last["text"].startswith(
        f"Approval #{button['value']} (playbooks.start) was approved by <@{DEMO_USER}> and done."
    )
    async with portfolio.session() as s:
        assert await s.scalar(select(PlaybookExecution)) is not None


async def test_a_failed_progress_update_does_not_lose_the_answer(portfolio, slack_sandbox, tmp_path) -> None:
    async with FakeAnthropic() as fake:
        fake.push(tool_use("customers_search", {"health_below": 50}), message("Two accounts are below 50."))
        h, client = await make_harness(
            portfolio, slack_sandbox, tmp_path, ANTHROPIC_API_KEY="sk-fake", ANTHROPIC_BASE_URL=fake.base_url
        )
        h.slack.fail_next("chat.update", status=200, error="message_not_found")
        try:
            event = await h.dm("who is below 50?")
        finally:
            await client.close()
    (reply,) = h.bot_replies(event["channel"], event["ts"])
    assert reply["text"] == "Two accounts are below 50."
