"""`POST /zoom/webhook` (CONTRACTS §2): Zoom's events, verified, answered at once, processed after.

- `endpoint.url_validation`: answers `{plainToken, encryptedToken}`, the token being the hex
  HMAC-SHA256 of `plainToken` keyed with ZOOM_WEBHOOK_SECRET_TOKEN.
- Every request must carry `x-zm-signature` = `v0=` + hex HMAC-SHA256 of
  `v0:{x-zm-request-timestamp}:{raw body}` (compared in constant time) and a timestamp within
  five minutes of now; otherwise 401 and nothing happens.
- `recording.transcript_completed` (and `recording.completed` when it lists a transcript): the
  transcript (the recording file whose `file_type` is TRANSCRIPT) is fetched through the registry's
  `zoom.get_transcript` tool, analysed, stored once and posted.
- `meeting.ended`: recorded as a `meeting` customer event when the meeting's customer is known, so
  the `meeting_ended` trigger fires without waiting for the transcript.
- `meeting.started`: logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy import select

from meetings.service import MeetingFacts, MeetingService
from meetings.transcript import TranscriptError
from tools.model import ToolContext

log = logging.getLogger(__name__)

TIMESTAMP_TOLERANCE_S = 300


@dataclass
class ZoomWebhookDeps:
    settings: Any
    meetings: MeetingService
    registry: Any  # tools.registry.Registry: zoom.get_transcript
    tasks: Any  # bot.tasks.BackgroundTasks (or anything with spawn(coro, what=...))
    db: Any = None
    # (customer_id, event type) -> evaluate its triggers; app.py wires TriggerEngine.evaluate_event
    on_customer_event: Callable[[int, str], Awaitable[Any]] | None = None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def encrypt_token(secret: str, plain_token: str) -> str:
    return hmac.new(secret.encode(), plain_token.encode(), hashlib.sha256).hexdigest()


def verify(secret: str, headers: Any, body: bytes, now: float | None = None) -> str | None:
    """None when the request is Zoom's, else why not (for the log)."""
    signature = headers.get("x-zm-signature", "")
    timestamp = headers.get("x-zm-request-timestamp", "")
    if not signature or not timestamp:
        return "missing x-zm-signature or x-zm-request-timestamp"
    try:
        ts = float(timestamp)
    except ValueError:
        return "malformed x-zm-request-timestamp"
    if ts > 1e12:  # milliseconds
        ts /= 1000
    if abs((now or time.time()) - ts) > TIMESTAMP_TOLERANCE_S:
        return "x-zm-request-timestamp is too old or in the future"
    if not hmac.compare_digest(signature.encode(), sign(secret, timestamp, body).encode()):
        return "x-zm-signature does not match"
    return None


def _parse_time(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _emails(obj: dict[str, Any]) -> tuple[str, ...]:
    """Participants' and invitees' addresses wherever Zoom put them in this payload."""
    found: list[str] = []
    for key in ("participants", "invitees", "meeting_invitees", "registrants"):
        for item in obj.get(key) or (obj.get("settings") or {}).get(key) or []:
            email = item.get("email") or item.get("user_email") if isinstance(item, dict) else item
            if isinstance(email, str) and "@" in email:
                found.append(email)
    participant = obj.get("participant") or {}
    if isinstance(participant, dict) and participant.get("email"):
        found.append(participant["email"])
    return tuple(dict.fromkeys(found))


def facts_from(obj: dict[str, Any]) -> MeetingFacts:
    return MeetingFacts(
        meeting_id=str(obj.get("uuid") or obj.get("id")),
        platform="zoom",
        topic=obj.get("topic"),
        host_email=obj.get("host_email"),
        started_at=_parse_time(obj.get("start_time")),
        emails=_emails(obj),
    )


def transcript_file(obj: dict[str, Any]) -> dict[str, Any] | None:
    for f in obj.get("recording_files") or []:
        if f.get("file_type") == "TRANSCRIPT":
            return f
    return None


class ZoomWebhook:
    def __init__(self, deps: ZoomWebhookDeps) -> None:
        self.deps = deps

    async def handle(self, request: web.Request) -> web.Response:
        secret = self.deps.settings.zoom_webhook_secret_token
        if not secret:
            return web.json_response(
                {"error": "Zoom webhooks are off: set ZOOM_WEBHOOK_SECRET_TOKEN to the app's secret token."},
                status=503,
            )
        body = await request.read()
        problem = verify(secret, request.headers, body)
        if problem:
            log.warning("refused a Zoom webhook: %s", problem)
            return web.json_response({"error": "invalid signature"}, status=401)
        try:
            event = json.loads(body)
            name = event["event"]
            payload = event.get("payload") or {}
        except (ValueError, KeyError, TypeError):
            return web.json_response({"error": "the body is not a Zoom event"}, status=400)
        if name == "endpoint.url_validation":
            plain = payload.get("plainToken")
            if not isinstance(plain, str) or not plain:
                return web.json_response({"error": "plainToken is missing"}, status=400)
            return web.json_response({"plainToken": plain, "encryptedToken": encrypt_token(secret, plain)})
        obj = payload.get("object") or {}
        if name in ("recording.transcript_completed", "recording.completed"):
            if transcript_file(obj) is not None:
                self.deps.tasks.spawn(
                    self.process_transcript(obj, event.get("download_token")),
                    what=f"analysing the transcript of Zoom meeting {obj.get('uuid') or obj.get('id')}",
                )
        elif name == "meeting.ended":
            self.deps.tasks.spawn(self.meeting_ended(obj), what="recording a Zoom meeting's end")
        elif name == "meeting.started":
            log.info("Zoom meeting %s (%s) started", obj.get("id"), obj.get("topic"))
        else:
            log.info("ignored Zoom event %s", name)
        return web.json_response({"status": "accepted"})

    async def process_transcript(self, obj: dict[str, Any], download_token: str | None) -> None:
        facts = facts_from(obj)
        if await self.deps.meetings.find(facts.platform, facts.meeting_id) is not None:
            log.info("Zoom meeting %s was analysed already; retry ignored", facts.meeting_id)
            return
        vtt = await self.fetch_transcript(obj, download_token)
        if vtt is None:
            return
        try:
            await self.deps.meetings.analyze_and_store(vtt, facts)
        except TranscriptError as exc:
            log.warning("Zoom meeting %s: the transcript cannot be analysed: %s", facts.meeting_id, exc)

    async def fetch_transcript(self, obj: dict[str, Any], download_token: str | None) -> str | None:
        meeting_id = str(obj.get("uuid") or obj.get("id"))
        data: dict[str, Any] = {"meeting_id": meeting_id}
        registry = self.deps.registry
        tool = registry.get("zoom.get_transcript") if registry is not None else None
        if tool is None:
            log.error("the zoom.get_transcript tool is not registered; cannot fetch meeting %s", meeting_id)
            return None
        fields = getattr(tool.input_model, "model_fields", {})
        file = transcript_file(obj) or {}
        if "download_url" in fields and file.get("download_url"):
            data["download_url"] = file["download_url"]
        if "download_token" in fields and download_token:
            data["download_token"] = download_token
        ctx = ToolContext(user_id="system", caller_kind="meetings", caller_ref=f"zoom:{meeting_id}")
        result = await registry.invoke("zoom.get_transcript", data, ctx)
        if not result.success:
            log.error("Zoom meeting %s: could not fetch the transcript: %s", meeting_id, result.error)
            return None
        return (result.data or {}).get("vtt")

    async def meeting_ended(self, obj: dict[str, Any]) -> None:
        """A `meeting` customer event for the meeting's customer, so `meeting_ended` can fire now."""
        db = self.deps.db or self.deps.meetings.db
        facts = facts_from(obj)
        from meetings.matching import match_customer
        from store.models import CustomerEvent

        async with db.session() as s:
            customer = await match_customer(
                s, emails=facts.emails, topic=facts.topic, own_domains=self.deps.meetings.own_domains
            )
        if customer is None:
            log.info("Zoom meeting %s (%s) ended; no customer matched yet", facts.meeting_id, facts.topic)
            return
        ended = _parse_time(obj.get("end_time")) or datetime.now(UTC)
        async with db.transaction() as s:
            seen = await s.scalar(
                select(CustomerEvent.id).where(
                    CustomerEvent.customer_id == customer.id,
                    CustomerEvent.type == "meeting",
                    CustomerEvent.data["meeting_id"].as_string() == facts.meeting_id,
                )
            )
            if seen is not None:
                return  # Zoom delivered this end twice
            s.add(
                CustomerEvent(
                    customer_id=customer.id,
                    type="meeting",
                    occurred_at=ended,
                    data={
                        "meeting_id": facts.meeting_id,
                        "ended_at": ended.isoformat(),
                        "topic": facts.topic,
                    },
                )
            )
        if self.deps.on_customer_event is not None:
            await self.deps.on_customer_event(customer.id, "meeting")


def routes(deps: ZoomWebhookDeps) -> list[web.RouteDef]:
    """The aiohttp routes app.py adds to the web server."""
    return [web.post("/zoom/webhook", ZoomWebhook(deps).handle)]
