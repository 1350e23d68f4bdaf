"""Approval messages and buttons at the Slack boundary (CONTRACTS §3)."""

from __future__ import annotations

import asyncio
import json

import pytest

from sandbox.driver import block_action_body, headers_for
from tests.bot.conftest import SIGNING_SECRET, assert_valid_blocks
from tools.base import ALWAYS, ToolInput, tool
from tools.model import ToolContext


class NoteInput(ToolInput):
    customer: str
    text: str


@pytest.fixture
async def gated(harness):
    """A customer-facing tool (approval always) registered through the registry's public API."""
    runs: list[str] = []

    @tool("test.post_note", description="Post a note to the customer", category="communication",
          approval=ALWAYS, side_effects=True)  # fmt: skip
    async def post_note(inp: NoteInput, run) -> dict:
        runs.append(inp.text)
        return {"posted": inp.text}

    harness.runtime.services.registry.register(post_note)
    return runs


def blocks_of(call: dict) -> list[dict]:
    blocks = call["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


async def request_approval(harness) -> int:
    registry = harness.runtime.services.registry
    result = await registry.invoke("test.post_note", {"customer": "Acme Corp", "text": "Renewal is on track"},
                                   ToolContext(user_id="U0CSMDANA"))  # fmt: skip
    assert result.requires_approval and result.approval_id
    return result.approval_id


async def click(harness, action: str, approval_id: int, user: str, channel: str, ts: str):
    url = harness.slack.response_url()
    body = block_action_body(action, str(approval_id), user_id=user, channel_id=channel, message_ts=ts,
                             response_url=url)  # fmt: skip
    resp = await harness.client.post("/slack/events", data=body, headers=headers_for(body, SIGNING_SECRET))
    assert resp.status == 200
    return url.rsplit("/", 1)[1]


async def test_approval_is_posted_with_buttons_and_runs_once(harness, gated):
    approval_id = await request_approval(harness)
    posts = harness.slack.calls_to("chat.postMessage")
    assert posts and posts[-1]["channel"] == "U0CSMDANA"
    blocks = blocks_of(posts[-1])
    assert_valid_blocks(blocks)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert {(b["action_id"], b["value"]) for b in buttons} == {
        ("approval_approve", str(approval_id)),
        ("approval_reject", str(approval_id)),
    }
    assert "Renewal is on track" in json.dumps(blocks)
    dm = harness.slack.im_channel("U0CSMDANA")
    ts = dm.messages[-1]["ts"]

    # Someone who is not an approver is refused, and nothing runs.
    rid = await click(harness, "approval_approve", approval_id, "U0CSMLEA", dm.id, ts)
    await harness.runtime.services.tasks.drain()
    refusal = [r for r in harness.slack.responses if r["id"] == rid]
    assert "Only <@U0CSMDANA>" in refusal[0]["text"]
    assert gated == []

    # Five concurrent clicks: the action runs once, the message shows the outcome.
    await asyncio.gather(
        *(click(harness, "approval_approve", approval_id, "U0CSMDANA", dm.id, ts) for _ in range(5))
    )
    await harness.runtime.services.tasks.drain()
    assert gated == ["Renewal is on track"]
    updates = harness.slack.calls_to("chat.update")
    assert len(updates) == 1
    assert "Approved by <@U0CSMDANA> and done" in updates[0]["text"]
    assert "approval_approve" not in json.dumps(blocks_of(updates[0]))
    already = [r for r in harness.slack.responses if "already approved" in r.get("text", "")]
    assert len(already) == 4


async def test_reject_runs_nothing_and_says_so(harness, gated):
    approval_id = await request_approval(harness)
    dm = harness.slack.im_channel("U0CSMDANA")
    await click(harness, "approval_reject", approval_id, "U0CSMDANA", dm.id, dm.messages[-1]["ts"])
    await harness.runtime.services.tasks.drain()
    assert gated == []
    assert "Rejected by <@U0CSMDANA>" in harness.slack.calls_to("chat.update")[-1]["text"]
    rid = await click(harness, "approval_approve", approval_id, "U0CSMDANA", dm.id, dm.messages[-1]["ts"])
    await harness.runtime.services.tasks.drain()
    assert "already rejected" in [r for r in harness.slack.responses if r["id"] == rid][0]["text"]


async def test_pending_approvals_command_and_home(harness, gated):
    approval_id = await request_approval(harness)
    _, replies = await harness.command("approvals")
    blocks = replies[0]["blocks"]
    assert_valid_blocks(blocks)
    assert f'"value": "{approval_id}"' in json.dumps(blocks)
    await harness.event({"type": "app_home_opened", "user": "U0CSMDANA", "tab": "home", "channel": "D1"})
    home = harness.slack.views["U0CSMDANA"]["blocks"]
    assert_valid_blocks(home)
    assert "Pending approvals" in json.dumps(home)
    _, replies = await harness.command("approvals", user="U0CSMRAJ")
    assert replies[0]["text"] == "Nothing is waiting for your approval."


async def test_an_expired_approval_card_loses_its_buttons(harness, gated):
    from datetime import timedelta

    from sqlalchemy import update

    from store.base import utcnow
    from store.models import Approval

    approval_id = await request_approval(harness)
    async with harness.runtime.services.db.transaction() as s:
        await s.execute(
            update(Approval)
            .where(Approval.id == approval_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    assert await harness.runtime.services.registry.approvals.expire_due() == [approval_id]
    update_call = harness.slack.calls_to("chat.update")[-1]
    assert update_call["text"].startswith(":hourglass: Expired on")
    assert "approval_approve" not in json.dumps(blocks_of(update_call))
    assert gated == []
