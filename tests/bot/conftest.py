"""The real app (Bolt + aiohttp server) against the emulated Slack, driven by signed requests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.models.blocks import Block

from sandbox.driver import block_action_body, event_body, headers_for, slash_command_body
from sandbox.slack import BOT_TOKEN, SlackSandbox
from settings import Settings

SIGNING_SECRET = "test-signing-secret"


def assert_valid_blocks(blocks: list[dict[str, Any]]) -> None:
    """Every block must survive slack_sdk's models unchanged: invalid Block Kit fails here."""
    assert len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        assert parsed.to_dict() == block


@dataclass
class SlackHarness:
    client: TestClient
    sandbox: SlackSandbox
    runtime: Any

    @property
    def slack(self):
        return self.sandbox.slack

    async def command(
        self, text: str, user: str = "U0CSMDANA", *, drain: bool = True, secret: str = SIGNING_SECRET
    ):
        response_url = self.slack.response_url()
        body = slash_command_body(text, user_id=user, response_url=response_url)
        resp = await self.client.post("/slack/events", data=body, headers=headers_for(body, secret))
        if drain:
            await self.runtime.services.tasks.drain()
        replies = [r for r in self.slack.responses if r["id"] == response_url.rsplit("/", 1)[1]]
        return resp, replies

    async def click(self, action_id: str, value: str, user: str = "U0CSMDANA", **kw: Any):
        response_url = self.slack.response_url()
        body = block_action_body(action_id, value, user_id=user, response_url=response_url, **kw)
        resp = await self.client.post("/slack/events", data=body, headers=headers_for(body, SIGNING_SECRET))
        await self.runtime.services.tasks.drain()
        replies = [r for r in self.slack.responses if r["id"] == response_url.rsplit("/", 1)[1]]
        return resp, replies

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ):
        body = event_body(event, event_id=event_id)
        resp = await self.client.post(
            "/slack/events",
            data=body,
            headers=headers_for(body, SIGNING_SECRET, json_body=True, retry_num=retry_num),
        )
        await self.runtime.services.tasks.drain()
        return resp


def settings_for(sandbox: SlackSandbox, db_url: str, **extra: Any) -> Settings:
    values = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": sandbox.api_url,
        "DATABASE_URL": db_url,
        "CSM_API_TOKEN": "test-api-token",
        "CSM_ENCRYPTION_KEY": "0" * 43 + "=",
        **extra,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
async def harness(demo_db, slack_sandbox):
    import app

    settings = settings_for(slack_sandbox, demo_db.url)
    runtime = await app.build(settings, db=demo_db, migrate=False, scheduler=False)
    await runtime.start()
    client = TestClient(TestServer(runtime.web_app))
    await client.start_server()
    yield SlackHarness(client, slack_sandbox, runtime)
    await client.close()
    await runtime.services.tasks.drain()


def reply_blocks(reply: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = reply.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks
