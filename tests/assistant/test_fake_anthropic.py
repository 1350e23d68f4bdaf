"""The fake Messages API speaks what the real anthropic SDK expects."""

from __future__ import annotations

import anthropic
import pytest

from llm.client import ClaudeClient, LlmUnavailable
from sandbox.anthropic import FakeAnthropic, error, message, tool_use


async def test_tool_use_then_text_through_the_sdk() -> None:
    async with FakeAnthropic() as fake:
        fake.push(tool_use("customers_search", {"query": "acme"}, text="Looking."), message("Acme is fine."))
        client = ClaudeClient("sk-test", "claude-test", fake.base_url)
        first = await client.message(system="s", messages=[{"role": "user", "content": "hi"}])
        assert first.stop_reason == "tool_use"
        assert [b.type for b in first.content] == ["text", "tool_use"]
        call = first.content[1]
        assert call.name == "customers_search" and call.input == {"query": "acme"}
        assert first.usage.input_tokens > 0 and first.usage.output_tokens > 0
        second = await client.message(
            system="s",
            messages=[
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": [b.model_dump() for b in first.content]},
                {
                    "role": "user",
                    "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "[]"}],
                },
            ],
        )
        assert second.stop_reason == "end_turn"
        assert second.content[0].text == "Acme is fine."
        assert fake.api_keys == ["sk-test", "sk-test"]
        assert fake.requests[0]["model"] == "claude-test"


async def test_overloaded_is_retried_by_the_sdk() -> None:
    async with FakeAnthropic() as fake:
        fake.push(error(529), message("after the storm"))
        client = ClaudeClient("sk-test", "m", fake.base_url)
        reply = await client.message(system="s", messages=[{"role": "user", "content": "hi"}])
        assert reply.content[0].text == "after the storm"
        assert len(fake.requests) == 2


async def test_bad_request_is_not_retried_and_raises() -> None:
    async with FakeAnthropic() as fake:
        fake.push(error(400, "max_tokens: too large"))
        client = ClaudeClient("sk-test", "m", fake.base_url)
        with pytest.raises(LlmUnavailable, match="max_tokens: too large"):
            await client.message(system="s", messages=[{"role": "user", "content": "hi"}])
        assert len(fake.requests) == 1


async def test_unanswered_tool_use_is_rejected_like_the_real_api() -> None:
    async with FakeAnthropic() as fake:
        fake.push(message("never sent"))
        sdk = anthropic.AsyncAnthropic(api_key="k", base_url=fake.base_url, max_retries=0)
        with pytest.raises(anthropic.BadRequestError, match="tool_result"):
            await sdk.messages.create(
                model="m",
                max_tokens=10,
                messages=[
                    {"role": "user", "content": "hi"},
                    {
                        "role": "assistant",
                        "content": [{"type": "tool_use", "id": "t1", "name": "x", "input": {}}],
                    },
                    {"role": "user", "content": "no result"},
                ],
            )
        assert fake.queue, "a rejected request does not consume the script"


async def test_empty_queue_is_an_error_not_an_invented_answer() -> None:
    async with FakeAnthropic() as fake:
        sdk = anthropic.AsyncAnthropic(api_key="k", base_url=fake.base_url, max_retries=0)
        with pytest.raises(anthropic.InternalServerError, match="no scripted response"):
            await sdk.messages.create(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
