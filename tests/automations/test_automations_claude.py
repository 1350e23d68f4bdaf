"""The Claude backend against the local Anthropic Messages API (sandbox/anthropic.py), real SDK."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from automations.nl.parser import ParseRefused
from automations.parsing import parse
from llm.client import ClaudeClient
from sandbox.anthropic import FakeAnthropic, error, tool_use

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
TEXT = "every other friday at 4pm send me a summary of my accounts"
DEFINITION = {
    "name": "Biweekly book review",
    "trigger": {
        "kind": "schedule",
        "cron": None,
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0",
        "timezone": None,
    },
    "scope": {"customer": None, "filters": [{"field": "owner", "op": "==", "value": "me"}]},
    "actions": [{"type": "send_summary", "params": {"to": "me"}}],
    "requires_approval": False,
}


@pytest.fixture
async def fake():
    async with FakeAnthropic() as server:
        yield server


def client(fake: FakeAnthropic) -> ClaudeClient:
    return ClaudeClient("test-key", "claude-sonnet-4-5", base_url=fake.base_url, timeout=5)


async def test_claude_answer_is_validated_and_used(fake):
    fake.push(tool_use("automation_definition", {"understood": True, "definition": DEFINITION}))
    result = await parse(TEXT, client=client(fake), now=NOW)
    assert result.backend == "claude" and result.note is None
    assert result.definition.to_json() == DEFINITION
    sent = fake.requests[0]
    assert sent["tool_choice"] == {"type": "tool", "name": "automation_definition"}
    schema = str(sent["tools"][0]["input_schema"])
    assert "rrule" in schema and "usage_change_pct" in schema
    assert sent["messages"][0]["content"] == TEXT


async def test_api_failure_falls_back_offline_and_says_so(fake):
    fake.push(error(529), error(529), error(529))
    result = await parse(TEXT, client=client(fake), now=NOW)
    assert result.backend == "offline"
    assert "Claude did not answer" in (result.note or "")
    assert result.definition.trigger.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0"


async def test_invalid_claude_output_falls_back_offline(fake):
    bad = dict(DEFINITION, trigger={"kind": "schedule", "cron": "every friday", "timezone": None})
    fake.push(tool_use("automation_definition", {"understood": True, "definition": bad}))
    result = await parse(TEXT, client=client(fake), now=NOW)
    assert result.backend == "offline" and result.note


async def test_claude_refusal_is_a_refusal(fake):
    fake.push(
        tool_use(
            "automation_definition",
            {"understood": False, "definition": None, "not_understood": "order pizza"},
        )
    )
    with pytest.raises(ParseRefused, match="order pizza"):
        await parse("every monday order pizza", client=client(fake), now=NOW)
