"""A local Anthropic Messages API (`POST /v1/messages`) speaking the real JSON shapes.

Tests and `csm sandbox` point the real anthropic SDK at it with `ANTHROPIC_BASE_URL`. Responses are
scripted: push them on a queue (a message with text and/or `tool_use` blocks, or an error status
such as 529 overloaded or 400 invalid request) and read back every request the SDK sent.

    async with FakeAnthropic() as fake:
        fake.push(tool_use("customers_search", {"query": "acme"}))
        fake.push(message("Acme is healthy."))
        fake.push(error(529))
        client = AsyncAnthropic(api_key="test", base_url=fake.base_url)

With the queue empty it answers with `default` (a callable of the request body), or, without one, a
500 `api_error` whose message says nothing was scripted, so a test never passes on a made-up answer.
Another process can script it over HTTP: `POST /_fake/queue` with a list of responses (the same
dicts `message`/`tool_use`/`error` return) and `GET /_fake/requests`.

Run alone: `python -m sandbox.anthropic --port 8788`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
ERROR_MESSAGES = {
    400: 'messages: roles must alternate between "user" and "assistant"',
    401: "invalid x-api-key",
    429: "Number of request tokens has exceeded your per-minute rate limit",
    500: "Internal server error",
    529: "Overloaded",
}

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):024d}"


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def tool_use_block(name: str, input: dict[str, Any], id: str | None = None) -> dict[str, Any]:
    return {"type": "tool_use", "id": id or _id("toolu"), "name": name, "input": input}


def message(
    *blocks: str | dict[str, Any],
    stop_reason: str | None = None,
    usage: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A scripted 200 response: strings become text blocks; dicts are content blocks as given."""
    content = [text_block(b) if isinstance(b, str) else b for b in blocks]
    if stop_reason is None:
        stop_reason = "tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn"
    return {"status": 200, "content": content, "stop_reason": stop_reason, "usage": usage}


def tool_use(name: str, input: dict[str, Any], text: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """A response asking to call one tool, optionally preceded by a sentence."""
    blocks: list[str | dict[str, Any]] = [text] if text else []
    blocks.append(tool_use_block(name, input))
    return message(*blocks, **kwargs)


def error(status: int, message: str | None = None, error_type: str | None = None) -> dict[str, Any]:
    """A scripted error response with Anthropic's error envelope."""
    return {
        "status": status,
        "error_type": error_type or ERROR_TYPES.get(status, "api_error"),
        "message": message or ERROR_MESSAGES.get(status, "error"),
    }


def estimate_tokens(payload: Any) -> int:
    """Roughly four characters a token, as the real tokenizer averages on English."""
    return max(1, len(json.dumps(payload, ensure_ascii=False)) // 4)


class FakeAnthropic:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        default: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        retry_after_ms: int = 5,
    ) -> None:
        self.host = host
        self.port = port
        self.default = default
        self.retry_after_ms = retry_after_ms
        self.queue: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.api_keys: list[str] = []  # the key of each request (x-api-key, or a bearer token)
        self._runner: web.AppRunner | None = None

    # ---- scripting -------------------------------------------------------------------------
    def push(self, *responses: dict[str, Any]) -> FakeAnthropic:
        self.queue.extend(responses)
        return self

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ---- server ------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/messages", self._messages)
        app.router.add_post("/v1/messages/count_tokens", self._count_tokens)
        app.router.add_post("/_fake/queue", self._script)
        app.router.add_get("/_fake/requests", self._recorded)
        return app

    async def start(self) -> FakeAnthropic:
        self._runner = web.AppRunner(self.app())
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        if server is not None and server.sockets:  # type: ignore[union-attr]
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeAnthropic:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- handlers ----------------------------------------------------------------------------
    def _error_response(self, status: int, error_type: str, msg: str) -> web.Response:
        headers = {"request-id": _id("req")}
        if status in (429, 529):
            headers["retry-after-ms"] = str(self.retry_after_ms)
        body = {"type": "error", "error": {"type": error_type, "message": msg}}
        return web.json_response(body, status=status, headers=headers)

    def _validate(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "request body must be a JSON object"
        for key in ("model", "max_tokens", "messages"):
            if key not in body:
                return f"{key}: Field required"
        messages = body["messages"]
        if not isinstance(messages, list) or not messages:
            return "messages: at least one message is required"
        if messages[0].get("role") != "user":
            return 'messages: first message must use the "user" role'
        for prev, cur in itertools.pairwise(messages):
            if prev.get("role") == cur.get("role"):
                return 'messages: roles must alternate between "user" and "assistant"'
        # Every tool_use must be answered by a tool_result in the next user message.
        for i, msg in enumerate(messages):
            if msg.get("role") != "assistant" or not isinstance(msg.get("content"), list):
                continue
            ids = {b.get("id") for b in msg["content"] if b.get("type") == "tool_use"}
            if not ids:
                continue
            nxt = messages[i + 1]["content"] if i + 1 < len(messages) else None
            answered = (
                {b.get("tool_use_id") for b in nxt if isinstance(b, dict)} if isinstance(nxt, list) else set()
            )
            if i + 1 < len(messages) and not ids <= answered:
                return (
                    f"messages.{i + 1}: `tool_use` ids were found without `tool_result` blocks "
                    f"immediately after: {', '.join(sorted(ids - answered))}"
                )
        for tool in body.get("tools") or []:
            name = tool.get("name", "")
            if not name or not all(c.isalnum() or c in "_-" for c in name) or len(name) > 128:
                return f"tools: name {name!r} must match '^[a-zA-Z0-9_-]{{1,128}}$'"
        return None

    async def _messages(self, request: web.Request) -> web.Response:
        key = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix(
            "Bearer "
        )
        if not key:
            return self._error_response(401, "authentication_error", "x-api-key header is required")
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return self._error_response(400, "invalid_request_error", "request body is not valid JSON")
        self.requests.append(body)
        self.headers.append({k.lower(): v for k, v in request.headers.items()})
        self.api_keys.append(key)
        problem = self._validate(body)
        if problem:
            return self._error_response(400, "invalid_request_error", problem)
        if self.queue:
            scripted = self.queue.pop(0)
        elif self.default is not None:
            scripted = self.default(body)
        else:
            return self._error_response(500, "api_error", "fake Anthropic server: no scripted response left")
        if scripted.get("status", 200) != 200:
            status = scripted["status"]
            return self._error_response(status, scripted["error_type"], scripted["message"])
        usage = scripted.get("usage") or {
            "input_tokens": estimate_tokens([body.get("system"), body["messages"], body.get("tools")]),
            "output_tokens": estimate_tokens(scripted["content"]),
        }
        usage = {"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, **usage}
        response = {
            "id": _id("msg"),
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": scripted["content"],
            "stop_reason": scripted["stop_reason"],
            "stop_sequence": None,
            "usage": usage,
        }
        return web.json_response(response, headers={"request-id": _id("req")})

    async def _count_tokens(self, request: web.Request) -> web.Response:
        body = await request.json()
        tokens = estimate_tokens([body.get("system"), body.get("messages"), body.get("tools")])
        return web.json_response({"input_tokens": tokens})

    async def _script(self, request: web.Request) -> web.Response:
        items = await request.json()
        if isinstance(items, dict):
            items = [items]
        self.push(*items)
        return web.json_response({"queued": len(self.queue)})

    async def _recorded(self, request: web.Request) -> web.Response:
        return web.json_response(self.requests)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A local fake of the Anthropic Messages API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8788)
    args = parser.parse_args(argv)

    async def serve() -> None:
        fake = await FakeAnthropic(args.host, args.port).start()
        print(f"Fake Anthropic API on {fake.base_url} (script it with POST /_fake/queue)")
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
