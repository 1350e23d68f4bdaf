"""A thin wrapper over the anthropic SDK: the key passed explicitly, ANTHROPIC_BASE_URL respected."""

from __future__ import annotations

import json
from typing import Any

from anthropic import APIError, AsyncAnthropic
from pydantic import BaseModel


class LlmUnavailable(RuntimeError):
    """Raised when Claude cannot answer; callers fall back to their offline backend."""


class ClaudeClient:
    def __init__(self, api_key: str, model: str, base_url: str | None = None, timeout: float = 60.0) -> None:
        kwargs: dict[str, Any] = {"api_key": api_key, "timeout": timeout, "max_retries": 2}
        if base_url:
            kwargs["base_url"] = base_url
        self.sdk = AsyncAnthropic(**kwargs)
        self.model = model

    async def message(
        self,
        *,
        system: str,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        max_tokens: int = 2048,
        tool_choice: dict[str, Any] | None = None,
    ) -> Any:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "system": system,
            "messages": messages,
            "max_tokens": max_tokens,
        }
        if tools:
            kwargs["tools"] = tools
        if tool_choice:
            kwargs["tool_choice"] = tool_choice
        try:
            return await self.sdk.messages.create(**kwargs)
        except APIError as exc:
            raise LlmUnavailable(f"Claude did not answer: {exc.__class__.__name__}: {exc}") from exc

    async def structured(self, *, system: str, prompt: str, schema: type[BaseModel], name: str) -> BaseModel:
        """Ask for one tool call whose input is `schema`; validate and return it."""
        tool = {
            "name": name,
            "description": f"Return the {name}.",
            "input_schema": schema.model_json_schema(),
        }
        response = await self.message(
            system=system,
            messages=[{"role": "user", "content": prompt}],
            tools=[tool],
            tool_choice={"type": "tool", "name": name},
        )
        for block in response.content:
            if getattr(block, "type", None) == "tool_use":
                return schema.model_validate(block.input)
        text = "".join(getattr(b, "text", "") for b in response.content)
        try:
            return schema.model_validate(json.loads(text))
        except Exception as exc:
            raise LlmUnavailable("Claude answered without the requested structure") from exc


def make_client(settings: Any) -> ClaudeClient | None:
    """A client when ANTHROPIC_API_KEY is set, else None (the offline backends run)."""
    if not getattr(settings, "anthropic_api_key", None):
        return None
    return ClaudeClient(settings.anthropic_api_key, settings.llm_model, settings.anthropic_base_url)
