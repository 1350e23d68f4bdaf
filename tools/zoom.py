"""Zoom: a thin async client (Server-to-Server OAuth) and the zoom.* tools.

Why not `zoomus`: it fetches its token in the constructor, with no timeout, and never refreshes it,
so a process that lives longer than the token's hour starts failing, and a slow Zoom blocks start-up.
This client asks for an `account_credentials` token on first use, caches it until a minute before
it expires, fetches a new one then (S2S OAuth has no refresh token) or after a 401, and puts a
timeout on every request. The meetings engine uses `ZoomClient.download_transcript` directly.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

import httpx
from pydantic import Field

from tools.base import Tool, ToolError, ToolInput, ToolRun, TransientToolError, tool

TOOLS: list[Tool] = []
EXPIRY_MARGIN_S = 60


class ZoomApiError(Exception):
    def __init__(
        self, status: int, message: str, code: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(f"Zoom answered {status}: {message}")
        self.status, self.message, self.code, self.retry_after = status, message, code, retry_after


def meeting_path_id(meeting_id: str | int) -> str:
    """Zoom wants a meeting UUID that starts with '/' or contains '//' URL-encoded twice."""
    text = str(meeting_id)
    if text.startswith("/") or "//" in text:
        return quote(quote(text, safe=""), safe="")
    return quote(text, safe="")


class ZoomClient:
    def __init__(self, settings: Any, http: httpx.AsyncClient | None = None, timeout: float = 20.0) -> None:
        if not (settings.zoom_account_id and settings.zoom_client_id and settings.zoom_client_secret):
            raise ToolError("Zoom is not set up: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET.")
        self.settings = settings
        self.api_url = settings.zoom_api_url.rstrip("/")
        self.http = http or httpx.AsyncClient(timeout=timeout)
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def token(self, *, renew: bool = False) -> str:
        async with self._lock:
            if renew or self._token is None or time.monotonic() >= self._expires_at:
                answer = await self.http.post(
                    self.settings.zoom_oauth_url,
                    params={"grant_type": "account_credentials", "account_id": self.settings.zoom_account_id},
                    auth=(self.settings.zoom_client_id, self.settings.zoom_client_secret),
                )
                body = _json(answer)
                if answer.status_code != 200 or "access_token" not in body:
                    reason = body.get("reason") or body.get("error") or answer.text[:200]
                    raise ZoomApiError(answer.status_code, f"the token request was refused ({reason})")
                self._token = body["access_token"]
                self._expires_at = time.monotonic() + int(body.get("expires_in", 3600)) - EXPIRY_MARGIN_S
            return self._token  # type: ignore[return-value]

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = await self._send(method, self.api_url + path, **kwargs)
        if answer.status_code == 204 or not answer.content:
            return {}
        return _json(answer)

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        for attempt in (0, 1):
            token = await self.token(renew=attempt == 1)
            answer = await self.http.request(
                method, url, headers={"Authorization": f"Bearer {token}"}, follow_redirects=True, **kwargs
            )
            if answer.status_code == 401 and attempt == 0:  # revoked or expired early: fetch anew once
                continue
            break
        if answer.status_code >= 400:
            body = _json(answer)
            retry = answer.headers.get("Retry-After")
            raise ZoomApiError(
                answer.status_code,
                str(body.get("message") or answer.reason_phrase),
                body.get("code"),
                float(retry) if retry and retry.replace(".", "", 1).isdigit() else None,
            )
        return answer

    async def list_meetings(
        self, user: str = "me", type: str = "upcoming", page_size: int = 30
    ) -> dict[str, Any]:
        return await self.request(
            "GET", f"/users/{quote(user)}/meetings", params={"type": type, "page_size": page_size}
        )

    async def get_meeting(self, meeting_id: str | int) -> dict[str, Any]:
        return await self.request("GET", f"/meetings/{meeting_path_id(meeting_id)}")

    async def create_meeting(self, body: dict[str, Any], user: str = "me") -> dict[str, Any]:
        return await self.request("POST", f"/users/{quote(user)}/meetings", json=body)

    async def get_recordings(self, meeting_id: str | int) -> dict[str, Any]:
        return await self.request("GET", f"/meetings/{meeting_path_id(meeting_id)}/recordings")

    async def download(self, url: str) -> bytes:
        return (await self._send("GET", url)).content

    async def download_transcript(self, meeting_id: str | int) -> tuple[dict[str, Any], str] | None:
        """(the recording listing, the transcript's WebVTT text), or None when there is no transcript yet."""
        recordings = await self.get_recordings(meeting_id)
        for f in recordings.get("recording_files", []):
            if f.get("file_type") == "TRANSCRIPT" or f.get("recording_type") == "audio_transcript":
                if f.get("status", "completed") != "completed":
                    return None
                return recordings, (await self.download(f["download_url"])).decode("utf-8", "replace")
        return None


def _json(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
        return body if isinstance(body, dict) else {"items": body}
    except ValueError:
        return {}


def translate_error(exc: Exception, tool: Tool) -> ToolError | None:
    if isinstance(exc, ZoomApiError):
        if exc.status == 429:
            return TransientToolError(f"Zoom is rate limiting us: {exc.message}", retry_after=exc.retry_after)
        if exc.status >= 500:
            return TransientToolError(
                f"Zoom had an error ({exc.status}): {exc.message}", safe_to_retry=exc.status == 503
            )
        if exc.status == 404:
            return ToolError(f"Zoom could not find it: {exc.message}")
        if exc.status in (401, 403):
            return ToolError(
                f"Zoom refused access ({exc.status}): {exc.message}. Check the S2S app's scopes."
            )
        return ToolError(f"Zoom rejected the request ({exc.status}): {exc.message}")
    if isinstance(exc, httpx.TransportError) and tool.provider == "zoom":
        return TransientToolError(
            f"Could not reach Zoom ({exc.__class__.__name__}).", safe_to_retry=tool.read_only
        )
    return None


def zoom_client(run: ToolRun) -> ZoomClient:
    return run.deps.service("zoom", lambda: ZoomClient(run.settings))


async def zoom_user(run: ToolRun, requested: str) -> str:
    """The Zoom user to act for. With a Server-to-Server app, "me" is the app's owner, not the CSM, so
    "me" becomes the caller's email from their Slack profile when the bot can read it."""
    if requested != "me" or run.deps.slack_client is None or not run.ctx.user_id.startswith(("U", "W")):
        return requested
    cache: dict[str, str] = run.deps.service("zoom_user_emails", dict)
    if run.ctx.user_id not in cache:
        from tools.slack import bot_client

        try:
            info = await (await bot_client(run)).users_info(user=run.ctx.user_id)
            cache[run.ctx.user_id] = ((info.get("user") or {}).get("profile") or {}).get("email") or "me"
        except Exception:  # no users:read.email scope, unknown user…: Zoom's own "me"
            return requested
    return cache[run.ctx.user_id]


def meeting_row(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": m.get("id"),
        "uuid": m.get("uuid"),
        "topic": m.get("topic"),
        "start_time": m.get("start_time"),
        "duration": m.get("duration"),
        "timezone": m.get("timezone"),
        "join_url": m.get("join_url"),
        "host_email": m.get("host_email"),
        "agenda": m.get("agenda"),
        "status": m.get("status"),
    }


class ListMeetingsInput(ToolInput):
    type: Literal["scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"] = "upcoming"
    user: str = Field("me", description="Zoom user id or email; 'me' is you (your Slack email)")
    customer: str | None = Field(None, description="Only meetings whose topic names this customer")
    page_size: int = Field(30, ge=1, le=300)


@tool(
    "zoom.list_meetings",
    description="List a Zoom user's upcoming, scheduled, live or previous meetings.",
    category="calendar",
    connection="zoom",
    into=TOOLS,
)
async def list_meetings(inp: ListMeetingsInput, run: ToolRun) -> dict[str, Any]:
    answer = await zoom_client(run).list_meetings(await zoom_user(run, inp.user), inp.type, inp.page_size)
    meetings = [meeting_row(m) for m in answer.get("meetings", [])]
    if inp.customer:
        from tools.customers import resolve_customer

        async with run.db.session() as s:
            c = await resolve_customer(s, inp.customer, run.ctx)
        words = {c.name.lower(), (c.domain or "").split(".")[0].lower()} - {""}
        meetings = [m for m in meetings if any(w in (m["topic"] or "").lower() for w in words)]
    return {"count": len(meetings), "meetings": meetings}


class MeetingInput(ToolInput):
    meeting_id: str = Field(min_length=1, description="The meeting number or UUID")


@tool(
    "zoom.get_meeting",
    description="One Zoom meeting's details: topic, time, duration, join link, agenda.",
    category="calendar",
    connection="zoom",
    into=TOOLS,
)
async def get_meeting(inp: MeetingInput, run: ToolRun) -> dict[str, Any]:
    return meeting_row(await zoom_client(run).get_meeting(inp.meeting_id))


class CreateMeetingInput(ToolInput):
    topic: str = Field(min_length=1, max_length=200)
    start_time: datetime = Field(description="ISO 8601")
    duration_minutes: int = Field(30, ge=1, le=1440)
    timezone: str | None = None
    agenda: str | None = Field(None, max_length=2000)
    user: str = Field("me", description="Zoom user id or email of the host; 'me' is you")
    waiting_room: bool = True


@tool(
    "zoom.create_meeting",
    description="Schedule a Zoom meeting and return its join link.",
    category="calendar",
    connection="zoom",
    side_effects=True,
    into=TOOLS,
)
async def create_meeting(inp: CreateMeetingInput, run: ToolRun) -> dict[str, Any]:
    start = inp.start_time
    if start.utcoffset() is not None:  # an absolute time: Zoom takes it in UTC with a Z
        start_time = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:  # a wall-clock time in `timezone`
        start_time = start.strftime("%Y-%m-%dT%H:%M:%S")
    body: dict[str, Any] = {
        "topic": inp.topic,
        "type": 2,
        "start_time": start_time,
        "duration": inp.duration_minutes,
        "timezone": inp.timezone or run.settings.timezone,
        "settings": {"waiting_room": inp.waiting_room, "auto_recording": "cloud"},
    }
    if inp.agenda:
        body["agenda"] = inp.agenda
    return meeting_row(await zoom_client(run).create_meeting(body, await zoom_user(run, inp.user)))


@tool(
    "zoom.get_recording",
    description="A past meeting's cloud recording files (video, audio, transcript, chat) with their status.",
    category="calendar",
    connection="zoom",
    into=TOOLS,
)
async def get_recording(inp: MeetingInput, run: ToolRun) -> dict[str, Any]:
    rec = await zoom_client(run).get_recordings(inp.meeting_id)
    files = [
        {
            k: f.get(k)
            for k in (
                "id",
                "file_type",
                "file_extension",
                "recording_type",
                "status",
                "file_size",
                "play_url",
            )
        }
        for f in rec.get("recording_files", [])
    ]
    return {
        "meeting_id": rec.get("id"),
        "uuid": rec.get("uuid"),
        "topic": rec.get("topic"),
        "start_time": rec.get("start_time"),
        "duration": rec.get("duration"),
        "files": files,
    }


@tool(
    "zoom.get_transcript",
    description="A past meeting's transcript (WebVTT from the cloud recording), when Zoom has made it.",
    category="intelligence",
    connection="zoom",
    timeout=60.0,
    into=TOOLS,
)
async def get_transcript(inp: MeetingInput, run: ToolRun) -> dict[str, Any]:
    found = await zoom_client(run).download_transcript(inp.meeting_id)
    if found is None:
        raise ToolError(
            f"Meeting {inp.meeting_id} has no transcript yet: Zoom makes it a while after the meeting ends."
        )
    rec, vtt = found
    return {
        "meeting_id": rec.get("id"),
        "topic": rec.get("topic"),
        "start_time": rec.get("start_time"),
        "vtt": vtt,
    }
