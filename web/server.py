"""aiohttp server: /slack/events (Bolt), OAuth install, /api/events, /healthz, and engines' routes.

aiohttp, because Bolt's async client already depends on it: one HTTP stack for server and client,
no ASGI server to add, and Bolt ships an aiohttp adapter.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp

from bot.request import CsmBoltRequest
from bot.services import Services
from store.ingest import BatchError, ingest

log = logging.getLogger(__name__)

EventsHook = Callable[[list[tuple[int, str]]], Awaitable[None]]


async def _bolt_request(request: web.Request) -> CsmBoltRequest:
    return CsmBoltRequest(
        body=await request.text(), query=request.query_string, headers=dict(request.headers)
    )


def slack_routes(bolt: AsyncApp) -> list[web.RouteDef]:
    async def events(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(await bolt.async_dispatch(await _bolt_request(request)))

    async def install(request: web.Request) -> web.StreamResponse:
        flow = bolt.oauth_flow
        if flow is None:
            raise web.HTTPNotFound(
                text="Slack OAuth is not configured (set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)."
            )
        return await to_aiohttp_response(await flow.handle_installation(await _bolt_request(request)))

    async def redirect(request: web.Request) -> web.StreamResponse:
        flow = bolt.oauth_flow
        if flow is None:
            raise web.HTTPNotFound(text="Slack OAuth is not configured.")
        return await to_aiohttp_response(await flow.handle_callback(await _bolt_request(request)))

    return [
        web.post("/slack/events", events),
        web.get("/slack/install", install),
        web.get("/slack/oauth_redirect", redirect),
    ]


def api_routes(services: Services, on_events: EventsHook | None = None) -> list[web.RouteDef]:
    async def healthz(request: web.Request) -> web.Response:
        ok = await services.db.ping()
        return web.json_response({"status": "ok" if ok else "degraded", "db": "ok" if ok else "error"},
                                 status=200 if ok else 503)  # fmt: skip

    async def post_events(request: web.Request) -> web.Response:
        expected = services.settings.api_token
        if not expected:
            return web.json_response({"error": "the events API is disabled: set CSM_API_TOKEN"}, status=503)
        auth = request.headers.get("Authorization", "")
        given = auth[7:] if auth.startswith("Bearer ") else ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return web.json_response({"error": "missing or wrong bearer token"}, status=401)
        try:
            payload = json.loads(await request.text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.json_response({"error": "the body is not valid JSON"}, status=400)
        try:
            result = await ingest(services.db, payload)
        except BatchError as err:
            body: dict[str, Any] = {"error": err.message}
            if err.index is not None:
                body["index"] = err.index
            return web.json_response(body, status=err.status)
        if on_events is not None and result.touched:
            services.tasks.spawn(on_events(result.touched), what="evaluating triggers for new events")
        return web.json_response({"accepted": result.accepted}, status=202)

    return [web.get("/healthz", healthz), web.post("/api/events", post_events)]


def build_web_app(
    services: Services,
    bolt: AsyncApp | None,
    extra_routes: list[web.RouteDef] | None = None,
    on_events: EventsHook | None = None,
) -> web.Application:
    app = web.Application(client_max_size=8 * 1024 * 1024)
    routes = api_routes(services, on_events)
    if bolt is not None:
        routes += slack_routes(bolt)
    app.add_routes(routes + list(extra_routes or []))
    return app
