"""Google tools through google-api-python-client and google-auth against the wire-level emulation."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from store.base import utcnow
from store.models import Customer, OAuthConnection
from tools.model import ToolContext

CTX = ToolContext(user_id="UCSM", team_id="T1")


async def _acme(db) -> None:
    async with db.transaction() as s:
        s.add(
            Customer(
                name="Acme Corp", domain="acme.com", arr=120000, renewal_date=datetime(2027, 3, 1).date()
            )
        )


async def test_threads_by_customer_read_and_summarised(google_registry):
    registry, sandbox = google_registry
    await _acme(registry.db)
    first = sandbox.gmail.add_message(
        "Dana Lee <dana@acme.com>",
        "csm@ourco.com",
        "Renewal pricing",
        "Hi, can you send the revised pricing for the renewal by Friday? Our CFO needs it for budget review.",
    )
    sandbox.gmail.add_message(
        "Other <x@globex.com>", "csm@ourco.com", "Unrelated", "Nothing to see here at all."
    )
    listed = await registry.invoke("gmail.list_threads", {"customer": "Acme"}, CTX)
    assert listed.success, listed.error
    assert [t["subject"] for t in listed.data["threads"]] == ["Renewal pricing"]
    thread = await registry.invoke("gmail.get_thread", {"thread_id": first["threadId"]}, CTX)
    assert "revised pricing" in thread.data["messages"][0]["body"]
    summary = await registry.invoke("gmail.summarize_threads", {"customer": "acme.com"}, CTX)
    assert summary.data["backend"] == "offline"
    [item] = summary.data["threads"]
    assert item["waiting_on"] == "us"
    assert any("pricing" in p for p in item["key_points"])
    assert "1 awaiting our reply" in summary.data["summary"]


async def test_internal_email_is_sent_at_once(google_registry):
    registry, sandbox = google_registry
    result = await registry.invoke(
        "gmail.send_email", {"to": ["boss@ourco.com"], "subject": "Acme update", "body": "All good."}, CTX
    )
    assert result.success, result.error
    [sent] = sandbox.gmail.sent()
    assert sandbox.gmail.header(sent, "to") == "boss@ourco.com"
    assert sandbox.gmail.header(sent, "subject") == "Acme update"


async def test_external_email_waits_for_approval_and_five_clicks_send_once(google_registry):
    registry, sandbox = google_registry
    pending = await registry.invoke(
        "gmail.send_email", {"to": ["dana@acme.com"], "subject": "Your renewal", "body": "Here it is."}, CTX
    )
    assert pending.requires_approval
    approval = await registry.approvals.get(pending.approval_id)
    assert approval.preview["to"] == ["dana@acme.com"] and "outside our domain" in approval.preview["reason"]
    assert sandbox.calls_to("POST", "/gmail/v1/users/me/messages/send") == []
    decisions = await asyncio.gather(
        *(registry.approvals.decide(pending.approval_id, u, True) for u in ["UCSM", "UBOSS"] * 2 + ["UCSM"])
    )
    assert sum(d.ok for d in decisions) == 1
    assert len(sandbox.calls_to("POST", "/gmail/v1/users/me/messages/send")) == 1
    assert (await registry.approvals.get(pending.approval_id)).status == "executed"


async def test_draft(google_registry):
    registry, sandbox = google_registry
    result = await registry.invoke(
        "gmail.draft_email", {"to": ["dana@acme.com"], "subject": "Draft", "body": "Later."}, CTX
    )
    assert result.success and result.data["draft_id"] in sandbox.gmail.drafts
    assert sandbox.gmail.sent() == []


async def test_expired_token_is_refreshed_at_the_token_url_and_stored_encrypted(google_registry):
    registry, sandbox = google_registry
    sandbox.expire_access_tokens()
    async with registry.db.transaction() as s:
        row = await s.scalar(select(OAuthConnection))
        row.expires_at = utcnow() - timedelta(minutes=1)
        old = row.access_token_encrypted
    result = await registry.invoke("drive.search", {"query": "x"}, CTX)
    assert result.success, result.error
    assert len(sandbox.calls_to("POST", "/token")) == 1
    async with registry.db.session() as s:
        row = await s.scalar(select(OAuthConnection))
    assert row.access_token_encrypted != old and b"ya29." not in row.access_token_encrypted
    assert row.expires_at > utcnow() + timedelta(minutes=50)


async def test_revoked_access_token_is_renewed_after_a_401(google_registry):
    registry, sandbox = google_registry
    sandbox.expire_access_tokens()  # the database still believes the token is fresh
    result = await registry.invoke("drive.search", {}, CTX)
    assert result.success, result.error
    assert len(sandbox.calls_to("POST", "/token")) == 1
    again = await registry.invoke("drive.search", {}, CTX)  # the renewed token was stored
    assert again.success and len(sandbox.calls_to("POST", "/token")) == 1


async def test_429_is_retried_after_retry_after_and_404_is_a_sentence(google_registry):
    registry, sandbox = google_registry
    sandbox.fail_next("GET", "/drive/v3/files", 429, headers={"Retry-After": "0"})
    result = await registry.invoke("drive.search", {}, CTX)
    assert result.success, result.error
    assert len(sandbox.calls_to("GET", "/drive/v3/files")) == 2
    missing = await registry.invoke("gmail.get_thread", {"thread_id": "nope"}, CTX)
    assert missing.error == "Google could not find it (404): Requested entity was not found."


async def test_unconnected_user_is_told_how_to_connect(google_registry):
    registry, _ = google_registry
    result = await registry.invoke("drive.search", {}, replace(CTX, user_id="UNEW"))
    assert "/csm connect google" in result.error


async def test_calendar_events_availability_and_invites(google_registry):
    registry, sandbox = google_registry
    await _acme(registry.db)
    now = datetime.now(UTC).replace(microsecond=0)
    sandbox.add_event(
        "Acme QBR", now + timedelta(days=1), now + timedelta(days=1, hours=1), ["dana@acme.com"]
    )
    sandbox.add_event(
        "Team sync", now + timedelta(days=2), now + timedelta(days=2, hours=1), ["boss@ourco.com"]
    )
    listed = await registry.invoke("calendar.list_events", {"customer": "Acme"}, CTX)
    assert [e["summary"] for e in listed.data["events"]] == ["Acme QBR"]

    sandbox.set_busy("dana@acme.com", [(now - timedelta(days=1), now + timedelta(days=30))])
    none_free = await registry.invoke("calendar.find_availability", {"attendees": ["dana@acme.com"]}, CTX)
    assert none_free.data["slots"] == []
    sandbox.set_busy("dana@acme.com", [])
    free = await registry.invoke(
        "calendar.find_availability",
        {"attendees": ["dana@acme.com", "ghost@nowhere.com"], "duration_minutes": 60},
        CTX,
    )
    assert free.data["slots"] and "ghost@nowhere.com" in free.data["note"]
    body = sandbox.calls_to("POST", "/calendar/v3/freeBusy")[-1].body
    assert [i["id"] for i in body["items"]] == ["primary", "dana@acme.com", "ghost@nowhere.com"]

    start = (now + timedelta(days=3)).isoformat()
    internal = await registry.invoke(
        "calendar.create_event",
        {"summary": "Prep", "start": start, "attendees": ["boss@ourco.com"], "add_meet": True},
        CTX,
    )
    assert internal.success, internal.error
    assert internal.data["meet"].startswith("https://meet.google.com/")
    external = await registry.invoke(
        "calendar.create_event", {"summary": "Acme call", "start": start, "attendees": ["dana@acme.com"]}, CTX
    )
    assert external.requires_approval
    updated = await registry.invoke(
        "calendar.update_event",
        {"event_id": internal.data["id"], "summary": "Prep v2", "add_attendees": ["amy@ourco.com"]},
        CTX,
    )
    assert updated.data["summary"] == "Prep v2"
    assert updated.data["attendees"] == ["boss@ourco.com", "amy@ourco.com"]


async def test_drive_folder_upload_share_and_templates(google_registry):
    registry, sandbox = google_registry
    await _acme(registry.db)
    folder = await registry.invoke("drive.create_folder", {"name": "Acme"}, CTX)
    assert folder.success, folder.error
    up = await registry.invoke(
        "drive.upload_file",
        {
            "name": "notes.md",
            "content": "# Acme notes\nRenewal risk",
            "mime_type": "text/markdown",
            "folder_id": folder.data["id"],
        },
        CTX,
    )
    assert up.success, up.error
    stored = sandbox.drive.files[up.data["id"]]
    assert stored["_text"] == "# Acme notes\nRenewal risk" and stored["parents"] == [folder.data["id"]]
    found = await registry.invoke("drive.search", {"query": "notes", "folder_id": folder.data["id"]}, CTX)
    assert [f["name"] for f in found.data["files"]] == ["notes.md"]

    shared = await registry.invoke("drive.share", {"file_id": up.data["id"], "email": "amy@ourco.com"}, CTX)
    assert shared.success and sandbox.drive.permissions[up.data["id"]][0]["emailAddress"] == "amy@ourco.com"
    gated = await registry.invoke(
        "drive.share", {"file_id": up.data["id"], "email": "dana@acme.com", "role": "writer"}, CTX
    )
    assert gated.requires_approval

    template = sandbox.drive.add_file(
        "QBR template",
        "application/vnd.google-apps.document",
        "QBR for {{customer_name}}: ARR {{arr}}, {{agenda}}",
    )
    pending = await registry.invoke(
        "docs.create_from_template",
        {
            "template_id": template["id"],
            "title": "Acme QBR",
            "customer": "Acme",
            "values": {"agenda": "roadmap"},
            "folder_id": folder.data["id"],
        },
        CTX,
    )
    approval = await registry.approvals.get(pending.approval_id)
    assert approval.preview["title"] == "Acme QBR" and approval.preview["folder_id"] == folder.data["id"]
    decision = await registry.approvals.decide(pending.approval_id, "UCSM", True)
    assert decision.ok, decision.message
    doc = sandbox.drive.files[decision.result.data["id"]]
    assert doc["_text"] == "QBR for Acme Corp: ARR $120,000, roadmap"
    assert sandbox.drive.files[template["id"]]["_text"].startswith("QBR for {{customer_name}}")

    deck = sandbox.drive.add_file(
        "Deck", "application/vnd.google-apps.presentation", "{{customer_name}} renews {{renewal_date}}"
    )
    pending = await registry.invoke(
        "slides.create_from_template",
        {"template_id": deck["id"], "title": "Acme deck", "customer": "Acme"},
        CTX,
    )
    decision = await registry.approvals.decide(pending.approval_id, "UBOSS", True)
    assert decision.result.data["placeholders_filled"] == 2
    assert sandbox.drive.files[decision.result.data["id"]]["_text"] == "Acme Corp renews 2027-03-01"


async def test_summary_by_claude_and_fallback_to_offline(google_registry):
    from llm.client import ClaudeClient
    from sandbox.anthropic import FakeAnthropic, error, message

    registry, sandbox = google_registry
    await _acme(registry.db)
    sandbox.gmail.add_message(
        "dana@acme.com", "csm@ourco.com", "Renewal pricing", "Can you send pricing by Friday?"
    )
    async with FakeAnthropic() as fake:
        registry.deps.llm = ClaudeClient("test-key", "claude-test", base_url=fake.base_url)
        fake.push(message("Renewal pricing: Dana wants pricing by Friday; we owe a reply."))
        by_claude = await registry.invoke("gmail.summarize_threads", {"customer": "Acme"}, CTX)
        assert by_claude.data["backend"] == "claude"
        assert by_claude.data["summary"].startswith("Renewal pricing: Dana wants pricing")
        assert "Can you send pricing by Friday?" in json.dumps(fake.requests[0]["messages"])
        fake.push(error(529), error(529), error(529))
        fallback = await registry.invoke("gmail.summarize_threads", {"customer": "Acme"}, CTX)
    assert fallback.success and fallback.data["backend"] == "offline"
    assert "1 awaiting our reply" in fallback.data["summary"]


async def test_moving_an_event_the_customer_is_invited_to_asks_first(google_registry):
    registry, sandbox = google_registry
    now = datetime.now(UTC).replace(microsecond=0)
    qbr = sandbox.add_event(
        "Acme QBR", now + timedelta(days=1), now + timedelta(days=1, hours=1), ["dana@acme.com"]
    )
    sync = sandbox.add_event(
        "Team sync", now + timedelta(days=2), now + timedelta(days=2, hours=1), ["boss@ourco.com"]
    )
    later = (now + timedelta(days=4)).isoformat()

    moved = await registry.invoke("calendar.update_event", {"event_id": qbr["id"], "start": later}, CTX)
    assert moved.requires_approval
    approval = await registry.approvals.get(moved.approval_id)
    assert approval.preview["reason"] == (
        "the change (start) is sent to people outside our domain: dana@acme.com"
    )
    assert sandbox.calls_to("PATCH", r"/calendar/v3/calendars/primary/events/.+") == []

    quiet = await registry.invoke(
        "calendar.update_event", {"event_id": qbr["id"], "description": "notes", "send_updates": False}, CTX
    )
    internal = await registry.invoke("calendar.update_event", {"event_id": sync["id"], "start": later}, CTX)
    assert quiet.success and internal.success, (quiet.error, internal.error)
    decision = await registry.approvals.decide(moved.approval_id, "UCSM", True)
    assert decision.ok, decision.message
    assert sandbox.events[qbr["id"]]["start"]["dateTime"].startswith(later[:16])
