"""POST /zoom/webhook at the wire: signatures, URL validation, fast answers, work after."""

import hashlib
import hmac
import json
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.tasks import BackgroundTasks
from meetings.service import MeetingService
from meetings.webhook import ZoomWebhookDeps, routes
from store.models import CustomerEvent, MeetingAnalysis
from tools import build_registry

SECRET = "zoom-webhook-secret"


def signed_headers(body: bytes, secret: str = SECRET, ts: float | None = None) -> dict[str, str]:
    stamp = str(int(ts if ts is not None else time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "x-zm-signature": f"v0={digest}",
        "x-zm-request-timestamp": stamp,
        "content-type": "application/json",
    }


@pytest.fixture
async def webhook(db, meeting_settings, customers):
    """(client, tasks, service, registry) around a web app serving only the webhook routes."""
    registry = build_registry(db, meeting_settings)
    posted = []

    async def on_analysis(stored):
        posted.append(stored)

    service = MeetingService(db, own_domains=("ourco.com",), on_analysis=on_analysis)
    tasks = BackgroundTasks()
    evaluated = []

    async def on_customer_event(customer_id, kind):
        evaluated.append((customer_id, kind))

    deps = ZoomWebhookDeps(
        settings=meeting_settings, meetings=service, registry=registry, tasks=tasks, db=db,
        on_customer_event=on_customer_event,
    )  # fmt: skip
    app = web.Application()
    app.add_routes(routes(deps))
    client = TestClient(TestServer(app))
    await client.start_server()
    client.posted, client.evaluated = posted, evaluated
    yield client, tasks, service, registry
    await client.close()
    await registry.aclose() if hasattr(registry, "aclose") else None


async def post(client, event: dict, **kw) -> tuple[int, dict]:
    body = json.dumps(event).encode()
    headers = kw.pop("headers", None) or signed_headers(body, **kw)
    answer = await client.post("/zoom/webhook", data=body, headers=headers)
    return answer.status, await answer.json()


async def test_url_validation(webhook):
    client, *_ = webhook
    status, body = await post(
        client, {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}
    )
    assert status == 200
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert body == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-zm-signature": "v0=deadbeef", "x-zm-request-timestamp": str(int(time.time()))},
        "wrong-secret",
        "stale",
        "future",
    ],
)
async def test_bad_signatures_are_refused(webhook, headers):
    client, tasks, *_ = webhook
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}).encode()
    if headers == "wrong-secret":
        headers = signed_headers(body, secret="not-the-secret")
    elif headers == "stale":
        headers = signed_headers(body, ts=time.time() - 3600)
    elif headers == "future":
        headers = signed_headers(body, ts=time.time() + 3600)
    answer = await client.post("/zoom/webhook", data=body, headers=headers)
    assert answer.status == 401
    assert tasks.in_flight == 0


async def test_a_tampered_body_is_refused(webhook):
    client, *_ = webhook
    body = json.dumps(
        {"event": "meeting.ended", "payload": {"object": {"uuid": "u1", "topic": "Acme"}}}
    ).encode()
    headers = signed_headers(body)
    answer = await client.post("/zoom/webhook", data=body.replace(b"Acme", b"Evil"), headers=headers)
    assert answer.status == 401


async def test_without_a_secret_the_endpoint_says_what_to_set(db, meeting_settings):
    settings = meeting_settings.model_copy(update={"zoom_webhook_secret_token": None})
    deps = ZoomWebhookDeps(
        settings=settings, meetings=MeetingService(db), registry=None, tasks=BackgroundTasks()
    )
    app = web.Application()
    app.add_routes(routes(deps))
    async with TestClient(TestServer(app)) as client:
        answer = await client.post("/zoom/webhook", data=b"{}")
        assert answer.status == 503
        assert "ZOOM_WEBHOOK_SECRET_TOKEN" in (await answer.json())["error"]


async def test_not_an_event_is_a_400(webhook):
    client, *_ = webhook
    body = b"not json"
    answer = await client.post("/zoom/webhook", data=body, headers=signed_headers(body))
    assert answer.status == 400


async def test_meeting_ended_records_one_meeting_event_for_the_customer(webhook, db, customers):
    client, tasks, *_ = webhook
    event = {
        "event": "meeting.ended",
        "event_ts": 1732550000000,
        "payload": {"account_id": "acct", "object": {"uuid": "abc==", "id": 8123, "topic": "Acme weekly",
                                                     "host_email": "dana@ourco.com", "end_time": "2026-11-25T15:30:00Z"}},
    }  # fmt: skip
    for _ in range(2):  # Zoom retries
        status, _ = await post(client, event)
        assert status == 200
        await tasks.drain()
    async with db.session() as s:
        rows = (await s.execute(select(CustomerEvent).where(CustomerEvent.type == "meeting"))).scalars().all()
    assert [(r.customer_id, r.data["meeting_id"]) for r in rows] == [(customers["acme"], "abc==")]
    assert client.evaluated == [(customers["acme"], "meeting")]


async def test_a_recording_without_transcript_is_ignored(webhook, db):
    client, tasks, *_ = webhook
    event = {"event": "recording.completed", "download_token": "tok",
             "payload": {"object": {"uuid": "r1", "topic": "Acme", "recording_files": [{"file_type": "MP4"}]}}}  # fmt: skip
    status, _ = await post(client, event)
    assert status == 200 and tasks.in_flight == 0
    async with db.session() as s:
        assert (await s.execute(select(MeetingAnalysis))).first() is None


def transcript_completed(recording: dict, download_token: str = "dl-token") -> dict:
    """Zoom's recording.transcript_completed event for a recording listing."""
    return {
        "event": "recording.transcript_completed",
        "event_ts": int(time.time() * 1000),
        "download_token": download_token,
        "payload": {"account_id": "acct-1", "object": recording},
    }


async def test_transcript_completed_is_fetched_analysed_and_stored_once(
    db, customers, zoom_world, transcript
):
    from datetime import UTC, datetime

    sandbox, registry, settings = zoom_world
    meeting = sandbox.add_meeting(
        "Acme renewal",
        datetime(2026, 11, 18, 15, tzinfo=UTC),
        transcript_vtt=transcript("renewal_competitor.vtt"),
    )
    posted = []

    async def on_analysis(stored):
        posted.append(stored)

    service = MeetingService(db, own_domains=("ourco.com",), on_analysis=on_analysis)
    tasks = BackgroundTasks()
    app = web.Application()
    app.add_routes(
        routes(ZoomWebhookDeps(settings=settings, meetings=service, registry=registry, tasks=tasks))
    )
    async with TestClient(TestServer(app)) as client:
        event = transcript_completed(sandbox.recordings[str(meeting["id"])])
        for _ in range(3):  # Zoom retries until it hears 200 fast enough
            status, body = await post(client, event)
            assert status == 200 and body == {"status": "accepted"}
        await tasks.drain()
    async with db.session() as s:
        rows = (await s.execute(select(MeetingAnalysis))).scalars().all()
    assert len(rows) == 1 and len(posted) == 1
    row = rows[0]
    assert row.meeting_id == meeting["uuid"] and row.customer_id == customers["acme"]
    assert row.started_at.isoformat().startswith("2026-11-18T15:00")
    assert any(s["category"] == "competitor" for s in row.customer_signals)
    # due dates are resolved against the meeting's day, not today
    assert {"owner": "Dana Lee", "text": "send the roadmap deck", "due": "2026-11-20"} in row.action_items
    downloads = [c for c in sandbox.calls if c[1].startswith("/rec/download/")]
    assert len(downloads) >= 1


async def test_a_transcript_zoom_cannot_serve_stores_nothing(db, customers, zoom_world):
    sandbox, registry, settings = zoom_world
    service = MeetingService(db)
    tasks = BackgroundTasks()
    app = web.Application()
    app.add_routes(
        routes(ZoomWebhookDeps(settings=settings, meetings=service, registry=registry, tasks=tasks))
    )
    missing = {"uuid": "gone==", "id": 1, "topic": "Acme", "start_time": "2026-11-18T15:00:00Z",
               "recording_files": [{"file_type": "TRANSCRIPT", "download_url": "http://127.0.0.1:1/x"}]}  # fmt: skip
    async with TestClient(TestServer(app)) as client:
        status, _ = await post(client, transcript_completed(missing))
        assert status == 200
        await tasks.drain()
    async with db.session() as s:
        assert (await s.execute(select(MeetingAnalysis))).first() is None
