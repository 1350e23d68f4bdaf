"""Zoom tools and client against the emulation: S2S OAuth token caching and renewal, meetings, transcripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tools.model import ToolContext
from tools.zoom import ZoomClient, meeting_path_id

CTX = ToolContext(user_id="UCSM", team_id="T1")
VTT = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nDana Lee: We are looking at a competitor.\n"


async def test_meetings_recordings_and_transcript(zoom_registry):
    registry, sandbox = zoom_registry
    past = datetime.now(UTC) - timedelta(days=1)
    m = sandbox.add_meeting("Acme Corp QBR", past, 45, transcript_vtt=VTT)
    sandbox.add_meeting("Globex onboarding", datetime.now(UTC) + timedelta(days=2))

    previous = await registry.invoke("zoom.list_meetings", {"type": "previous_meetings"}, CTX)
    assert previous.success, previous.error
    assert [x["topic"] for x in previous.data["meetings"]] == ["Acme Corp QBR"]
    upcoming = await registry.invoke("zoom.list_meetings", {}, CTX)
    assert [x["topic"] for x in upcoming.data["meetings"]] == ["Globex onboarding"]

    got = await registry.invoke("zoom.get_meeting", {"meeting_id": str(m["id"])}, CTX)
    assert got.data["duration"] == 45
    rec = await registry.invoke("zoom.get_recording", {"meeting_id": m["uuid"]}, CTX)
    assert rec.data["files"][0]["file_type"] == "TRANSCRIPT"
    transcript = await registry.invoke("zoom.get_transcript", {"meeting_id": str(m["id"])}, CTX)
    assert transcript.data["vtt"] == VTT
    assert sandbox.token_requests == 1  # one token, cached across five calls

    created = await registry.invoke(
        "zoom.create_meeting",
        {"topic": "Acme renewal", "start_time": "2026-12-01T15:00:00+00:00", "duration_minutes": 60},
        CTX,
    )
    assert created.success, created.error
    assert created.data["start_time"] == "2026-12-01T15:00:00Z" and created.data["join_url"].startswith(
        "https://zoom.us/j/"
    )


async def test_missing_transcript_and_unknown_meeting_are_sentences(zoom_registry):
    registry, sandbox = zoom_registry
    m = sandbox.add_meeting("No recording", datetime.now(UTC) - timedelta(hours=3))
    missing = await registry.invoke("zoom.get_transcript", {"meeting_id": str(m["id"])}, CTX)
    assert missing.error == "Zoom could not find it: This recording does not exist."
    unknown = await registry.invoke("zoom.get_meeting", {"meeting_id": "123"}, CTX)
    assert unknown.error == "Zoom could not find it: Meeting does not exist: 123."


async def test_token_renewed_after_401_and_429_retried(zoom_registry):
    registry, sandbox = zoom_registry
    await registry.invoke("zoom.list_meetings", {}, CTX)
    sandbox.expire_tokens()
    again = await registry.invoke("zoom.list_meetings", {}, CTX)
    assert again.success and sandbox.token_requests == 2
    sandbox.fail_next("GET", "/v2/users/me/meetings", 429, {"Retry-After": "0"})
    limited = await registry.invoke("zoom.list_meetings", {}, CTX)
    assert limited.success
    assert sandbox.calls.count(("GET", "/v2/users/me/meetings")) == 5  # 1 + (401, retry) + (429, retry)


async def test_token_fetched_anew_when_it_expires(zoom_registry):
    registry, sandbox = zoom_registry
    sandbox.token_ttl = timedelta(seconds=60)  # within the client's one-minute margin: stale at once
    client = ZoomClient(registry.settings)
    try:
        await client.list_meetings()
        await client.list_meetings()
    finally:
        await client.aclose()
    assert sandbox.token_requests == 2


async def test_bad_credentials_and_unconfigured_zoom(zoom_registry, db, settings):
    from tools import build_registry

    registry, sandbox = zoom_registry
    sandbox.client_secret = "rotated"
    refused = await registry.invoke("zoom.list_meetings", {}, CTX)
    assert "the token request was refused (Invalid client_id or client_secret)" in refused.error
    bare = build_registry(db, settings)
    result = await bare.invoke("zoom.list_meetings", {}, CTX)
    assert "ZOOM_ACCOUNT_ID" in result.error


def test_meeting_uuid_double_encoding():
    assert meeting_path_id("/abc==") == "%252Fabc%253D%253D"
    assert meeting_path_id("85746065432") == "85746065432"


async def test_me_is_the_csms_zoom_user_by_their_slack_email(zoom_registry, slack_sandbox):
    from sandbox.slack import BOT_TOKEN
    from tools import build_registry
    from tools.slack import make_client

    registry, sandbox = zoom_registry
    settings = registry.settings.model_copy(update={"slack_api_url": slack_sandbox.api_url})
    bot = make_client(settings, BOT_TOKEN)
    with_slack = build_registry(registry.db, settings, slack_client=lambda ctx: bot)
    try:
        ctx = ToolContext(user_id="U0CSMDANA", team_id="T0CSMSBX")
        assert (await with_slack.invoke("zoom.list_meetings", {}, ctx)).success
        assert (await with_slack.invoke("zoom.list_meetings", {"user": "raj@csm-agent.dev"}, ctx)).success
        assert (
            await with_slack.invoke("zoom.list_meetings", {}, CTX)
        ).success  # unknown Slack user: Zoom's "me"
    finally:
        await with_slack.aclose()
    paths = [p for m, p in sandbox.calls if m == "GET" and p.endswith("/meetings")]
    assert paths == [
        "/v2/users/dana@csm-agent.dev/meetings",
        "/v2/users/raj@csm-agent.dev/meetings",
        "/v2/users/me/meetings",
    ]
