"""meetings.create_notes (automations' and triggers' create_meeting_notes): the latest stored analysis
posted as notes in the customer's channel through the registry, against the emulated Slack."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from meetings.registry_tools import register_meeting_tools
from meetings.service import MeetingFacts, MeetingService
from store.models import Activity, Customer
from tools import build_registry
from tools.model import ToolContext

CTX = ToolContext(user_id="U0CSMDANA", caller_kind="automation", caller_ref="automation:1")


@pytest.fixture
async def notes_world(db, meeting_settings, slack_sandbox):
    from sandbox.slack import BOT_TOKEN
    from tools.slack import make_client

    settings = meeting_settings.model_copy(update={"slack_api_url": slack_sandbox.api_url})
    bot = make_client(settings, BOT_TOKEN)
    registry = build_registry(db, settings, slack_client=lambda ctx: bot)
    service = MeetingService(db, own_domains=("ourco.com",))
    register_meeting_tools(registry, service)
    async with db.transaction() as s:
        acme = Customer(name="Acme", domain="acme.com", slack_channel="C0CUST000", csm_slack_id="U0CSMDANA")
        quiet = Customer(name="Quiet Co", domain="quiet.co", slack_channel="C0CUST001")
        s.add_all([acme, quiet])
    return registry, service, slack_sandbox.slack


async def test_notes_of_the_latest_meeting_are_posted_in_the_customer_channel(db, notes_world, transcript):
    registry, service, slack = notes_world
    older = await service.analyze_and_store(
        transcript("happy_renewal.vtt"),
        MeetingFacts(meeting_id="m-old", topic="Acme kickoff", host_email="dana@ourco.com",
                     started_at=datetime(2026, 11, 10, 15, tzinfo=UTC), emails=("raj@acme.com",)),
    )  # fmt: skip
    latest = await service.analyze_and_store(
        transcript("renewal_competitor.vtt"),
        MeetingFacts(meeting_id="m-new", topic="Acme renewal", host_email="dana@ourco.com",
                     started_at=datetime(2026, 11, 18, 15, tzinfo=UTC), emails=("raj@acme.com",)),
    )  # fmt: skip
    assert older.customer and latest.customer

    result = await registry.invoke("meetings.create_notes", {"customer": "Acme"}, CTX)
    assert result.success, result.error
    assert (result.data["meeting_id"], result.data["channel"]) == ("m-new", "C0CUST000")
    [post] = slack.calls_to("chat.postMessage")
    assert post["channel"] == "C0CUST000" and post["text"] == result.data["text"]
    text = post["text"]
    assert text.startswith("*Meeting notes – Acme: Acme renewal* (2026-11-18)")
    assert latest.result.summary in text
    assert "*Action items*" in text and latest.result.action_items[0].text in text
    assert "competitor" in text and latest.result.signals[0].quote in text
    async with db.session() as s:
        assert (
            await s.scalar(Activity.__table__.select().where(Activity.kind == "slack_update"))
        ) is not None

    chosen = await registry.invoke("meetings.create_notes", {"customer": "Acme", "meeting_id": "m-old"}, CTX)
    assert chosen.success and chosen.data["meeting_id"] == "m-old"


async def test_no_meeting_says_so_and_posts_nothing(db, notes_world):
    registry, _, slack = notes_world
    none = await registry.invoke("meetings.create_notes", {"customer": "Quiet Co"}, CTX)
    assert not none.success and "Quiet Co has no analysed meeting yet" in none.error
    wrong = await registry.invoke("meetings.create_notes", {"customer": "Quiet Co", "meeting_id": "x"}, CTX)
    assert not wrong.success and "No analysed meeting x for Quiet Co" in wrong.error
    assert slack.calls_to("chat.postMessage") == []
