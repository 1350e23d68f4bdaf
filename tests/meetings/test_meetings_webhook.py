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
