"""An emulation of Zoom's API at the wire: Server-to-Server OAuth (`account_credentials`), meetings,
cloud recordings and the transcript download. Point ZOOM_OAUTH_URL at `<url>/oauth/token` and
ZOOM_API_URL at `<url>/v2`."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from aiohttp import web


def zoom_error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status, headers=headers)


@dataclass
class ZoomSandbox:
    account_id: str = "acct-1"
    client_id: str = "zoom-client"
    client_secret: str = "zoom-secret"
    host_email: str = "csm@ourco.com"
    token_ttl: timedelta = timedelta(hours=1)
    tokens: dict[str, datetime] = field(default_factory=dict)
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    recordings: dict[str, dict[str, Any]] = field(default_factory=dict)
    downloads: dict[str, bytes] = field(default_factory=dict)
    token_requests: int = 0
    calls: list[tuple[str, str]] = field(default_factory=list)
    failures: list[list[Any]] = field(default_factory=list)
    base_url: str = "http://127.0.0.1"

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_post("/oauth/token", self.token)
        r.add_get("/v2/users/{user}/meetings", self.list_meetings)
        r.add_post("/v2/users/{user}/meetings", self.create_meeting)
        r.add_get("/v2/meetings/{mid}", self.get_meeting)
        r.add_get("/v2/meetings/{mid}/recordings", self.get_recordings)
        r.add_get("/rec/download/{fid}", self.download)
        return app

    # -- helpers for tests and the demo ----------------------------------------------------------

    def expire_tokens(self) -> None:
        self.tokens = {t: datetime.now(UTC) - timedelta(seconds=1) for t in self.tokens}

    def fail_next(self, method: str, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        self.failures.append([method.upper(), path, status, headers or {}])

    def add_meeting(self, topic: str, start: datetime, duration: int = 30, *, transcript_vtt: str | None = None,
                    participants: list[str] = ()) -> dict[str, Any]:  # fmt: skip
        mid = str(80000000000 + len(self.meetings) + 1)
        uuid = base64.b64encode(secrets.token_bytes(16)).decode()
        m = {"uuid": uuid, "id": int(mid), "host_id": "h1", "host_email": self.host_email, "topic": topic, "type": 2,
             "status": "waiting", "start_time": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "duration": duration,
             "timezone": "UTC", "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "join_url": f"https://zoom.us/j/{mid}", "settings": {}, "_participants": list(participants)}  # fmt: skip
        self.meetings[mid] = m
        if transcript_vtt is not None:
            fid = secrets.token_hex(8)
            self.downloads[fid] = transcript_vtt.encode()
            self.recordings[mid] = {"uuid": uuid, "id": int(mid), "host_email": self.host_email, "topic": topic,
                                    "start_time": m["start_time"], "duration": duration, "recording_count": 1,
                                    "recording_files": [{"id": fid, "meeting_id": uuid, "file_type": "TRANSCRIPT",
                                    "file_extension": "VTT", "recording_type": "audio_transcript", "status": "completed",
                                    "file_size": len(transcript_vtt), "download_url": f"{self.base_url}/rec/download/{fid}"}]}  # fmt: skip
        return m

    # -- plumbing --------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.calls.append((request.method, request.path))
        for f in self.failures:
            if f[0] == request.method and f[1] == request.path:
                self.failures.remove(f)
                return zoom_error(f[2], f[2], f"Injected failure {f[2]}", f[3])
        if request.path.startswith(("/v2/", "/rec/")):
            token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            expiry = self.tokens.get(token)
            if expiry is None or expiry <= datetime.now(UTC):
                return zoom_error(401, 124, "Invalid access token.")
        return await handler(request)

    async def token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        auth = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if auth != expected:
            return web.json_response(
                {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}, status=401
            )
        if request.query.get("grant_type") != "account_credentials":
            return web.json_response(
                {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}, status=400
            )
        if request.query.get("account_id") != self.account_id:
            return web.json_response({"reason": "Invalid account_id", "error": "invalid_request"}, status=400)
        token = "eyJzoom." + secrets.token_urlsafe(24)
        self.tokens[token] = datetime.now(UTC) + self.token_ttl
        return web.json_response({"access_token": token, "token_type": "bearer", "expires_in": int(self.token_ttl.total_seconds()),
                                  "scope": "meeting:read:admin meeting:write:admin recording:read:admin", "api_url": "https://api.zoom.us"})  # fmt: skip

    @staticmethod
    def public(m: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in m.items() if not k.startswith("_")}

    async def list_meetings(self, request: web.Request) -> web.Response:
        kind = request.query.get("type", "scheduled")
        now = datetime.now(UTC)
        out = []
        for m in self.meetings.values():
            start = datetime.fromisoformat(m["start_time"].replace("Z", "+00:00"))
            past = start + timedelta(minutes=m["duration"]) < now
            if (kind == "previous_meetings") == past or kind == "scheduled":
                out.append(self.public(m))
        size = int(request.query.get("page_size", 30))
        return web.json_response(
            {"page_size": size, "total_records": len(out), "next_page_token": "", "meetings": out[:size]}
        )

    async def create_meeting(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not body.get("topic") or not body.get("start_time"):
            return zoom_error(400, 300, "Validation Failed.")
        text = body["start_time"]
        start = datetime.fromisoformat(text.replace("Z", "+00:00"))
        m = self.add_meeting(
            body["topic"], start if start.tzinfo else start.replace(tzinfo=UTC), int(body.get("duration", 30))
        )
        m.update(
            {
                "agenda": body.get("agenda", ""),
                "timezone": body.get("timezone", "UTC"),
                "settings": body.get("settings", {}),
            }
        )
        return web.json_response(self.public(m), status=201)

    def _meeting_key(self, raw: str) -> str | None:
        ident = unquote(unquote(raw))
        if ident in self.meetings:
            return ident
        return next((k for k, m in self.meetings.items() if m["uuid"] == ident), None)

    async def get_meeting(self, request: web.Request) -> web.Response:
        key = self._meeting_key(request.match_info["mid"])
        if key is None:
            return zoom_error(404, 3001, f"Meeting does not exist: {request.match_info['mid']}.")
        return web.json_response(self.public(self.meetings[key]))

    async def get_recordings(self, request: web.Request) -> web.Response:
        key = self._meeting_key(request.match_info["mid"])
        if key is None or key not in self.recordings:
            return zoom_error(404, 3301, "This recording does not exist.")
        return web.json_response(self.recordings[key])

    async def download(self, request: web.Request) -> web.Response:
        data = self.downloads.get(request.match_info["fid"])
        if data is None:
            return zoom_error(404, 3301, "File does not exist.")
        return web.Response(body=data, content_type="text/vtt")


class ZoomServer:
    """Runs a ZoomSandbox on a local port: ZOOM_API_URL = `url + "/v2"`, ZOOM_OAUTH_URL = `url + "/oauth/token"`;
    ZOOM_ACCOUNT_ID / ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET are the sandbox's fields."""

    def __init__(self, sandbox: ZoomSandbox | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox or ZoomSandbox()
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        s = self.sandbox
        return {"ZOOM_ACCOUNT_ID": s.account_id, "ZOOM_CLIENT_ID": s.client_id, "ZOOM_CLIENT_SECRET": s.client_secret,
                "ZOOM_API_URL": self.url + "/v2", "ZOOM_OAUTH_URL": self.url + "/oauth/token"}  # fmt: skip

    async def start(self) -> ZoomServer:
        self._runner = web.AppRunner(self.sandbox.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.sandbox.base_url = self.url
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
