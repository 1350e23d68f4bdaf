"""A trigger rule's draft_email / send_email build a valid Gmail input: to the active champion, from a
shared template; without a champion the CSM is told. Real Gmail tools against the Google emulation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from settings import Settings
from store.models import Approval, Contact, TriggerFiring
from tests.triggers.conftest import NOW, add, add_customer, add_rule
from tools import build_registry, email_templates
from triggers.engine import TriggerEngine

D = timedelta(days=1)


@pytest.fixture
async def world(db, tmp_path, slack_sandbox):
    """A registry whose Gmail talks to the Google emulation (U0CSMDANA connected) and whose Slack is emulated."""
    from aiohttp.test_utils import TestServer

    from sandbox.google import GoogleSandbox
    from sandbox.slack import BOT_TOKEN
    from store.base import utcnow
    from tools.google.auth import GoogleConnections
    from tools.slack import make_client

    google = GoogleSandbox()
    server = TestServer(google.app())
    await server.start_server()
    url = str(server.make_url("/")).rstrip("/")
    settings = Settings(
        DATABASE_URL="sqlite+aiosqlite:///unused.db",
        CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        CSM_OWN_DOMAINS="ourco.com",
        CSM_DATA_DIR=str(tmp_path / "data"),
        GOOGLE_API_URL=url,
        GOOGLE_OAUTH_TOKEN_URL=url + "/token",
        GOOGLE_CLIENT_ID="cid",
        GOOGLE_CLIENT_SECRET="csecret",
        SLACK_API_URL=slack_sandbox.api_url,
        _env_file=None,
    )
    access, refresh = google.issue_tokens("csm@ourco.com")
    await GoogleConnections(db, settings).save(
        "", "U0CSMDANA", access_token=access, refresh_token=refresh, expires_at=utcnow() + timedelta(hours=1)
    )
    bot = make_client(settings, BOT_TOKEN)
    yield build_registry(db, settings, slack_client=lambda ctx: bot), google, slack_sandbox.slack
    await server.close()


async def test_draft_and_send_go_to_the_active_champion_with_a_template(db, world):
    registry, google, _ = world
    cid = await add_customer(db, name="Acme", csm_slack_id="U0CSMDANA", last_login_at=NOW - 20 * D)
    await add(
        db,
        Contact(customer_id=cid, name="Old Champ", email="old@acme.com", is_champion=True, status="left"),
        Contact(customer_id=cid, name="Dana Reyes", email="dana@acme.com", is_champion=True),
        Contact(customer_id=cid, name="Sam User", email="sam@acme.com"),
    )
    await add_rule(
        db,
        "no_login",
        {"days": 14},
        actions=[{"type": "draft_email", "params": {"template": "renewal reminder"}}, {"type": "send_email"}],
    )
    [fired] = await TriggerEngine(db, registry).sweep(NOW)
    draft, send = fired.actions
    assert draft["ok"] and draft["tool"] == "gmail.draft_email", draft
    [message_id] = google.gmail.drafts.values()
    message = google.gmail.messages[message_id]
    subject, body = email_templates.render("renewal", customer="Acme", first_name="Dana")
    assert google.gmail.header(message, "to") == "dana@acme.com"
    assert google.gmail.header(message, "subject") == subject == "Acme renewal: next steps"
    assert "Hi Dana," in body
    # send_email to a customer's address waits for the CSM's click (the Gmail tool's policy)
    assert send["ok"] and send["pending_approval"], send
    async with db.session() as s:
        approval = await s.get(Approval, send["pending_approval"])
    assert approval.tool_name == "gmail.send_email" and approval.status == "pending"
    assert approval.input["to"] == ["dana@acme.com"]
    assert approval.input["subject"] == email_templates.render("re-engagement", customer="Acme")[0]
    assert google.gmail.sent() == []


async def test_without_an_active_champion_the_csm_is_told(db, world):
    registry, google, slack = world
    cid = await add_customer(db, name="Globex", csm_slack_id="U0CSMDANA", last_login_at=NOW - 20 * D)
    await add(
        db, Contact(customer_id=cid, name="Gone", email="g@globex.com", is_champion=True, status="left")
    )
    await add_rule(db, "no_login", {"days": 14}, actions=[{"type": "draft_email"}])
    [fired] = await TriggerEngine(db, registry).sweep(NOW)
    [result] = fired.actions
    assert result["ok"] and result["skipped"] == "Globex has no active champion with an email address"
    assert google.gmail.drafts == {}
    [told] = slack.calls_to("chat.postMessage")
    assert told["channel"].startswith("D") and "no active champion" in told["text"]
    async with db.session() as s:
        firing = (await s.execute(select(TriggerFiring))).scalar_one()
    assert firing.status != "failed"  # nothing to retry: a retry would not find a champion either


def test_one_template_file_serves_every_caller():
    assert email_templates.find("renewal_reminder") == "renewal"
    assert email_templates.find("Re-engagement") == "re-engagement"
    assert email_templates.find("congratulations") is None
    assert email_templates.render("congratulations", customer="Acme")[0] == "Congratulations – Acme"
    assert email_templates.pick("draft a QBR invite for Acme") == "qbr"
    assert email_templates.pick("write to Acme") == "check-in"
    assert email_templates.for_trigger("payment_overdue") == "payment-reminder"
    with pytest.raises(ValueError, match="unknown placeholder"):
        email_templates.EmailTemplate(subject="{nope}", body="x")
