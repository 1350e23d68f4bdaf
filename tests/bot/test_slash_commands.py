"""`/csm` over signed HTTP requests: ack, answer, errors, and Bolt's "payload" quirk."""

from __future__ import annotations

import time

from sandbox.driver import headers_for, sign, slash_command_body
from tests.bot.conftest import assert_valid_blocks, reply_blocks


async def test_help_is_acked_with_every_subcommand(harness):
    resp, _ = await harness.command("help")
    assert resp.status == 200
    body = await resp.json()
    assert "/csm customer NAME" in body["text"]
    assert_valid_blocks(body["blocks"])


async def test_customer_snapshot_is_answered_after_the_ack(harness):
    resp, replies = await harness.command("customer Acme Corp")
    assert resp.status == 200
    assert (await resp.text()) == ""
    assert len(replies) == 1
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    text = str(blocks)
    assert "Acme Corp" in text
    assert "$240k" in text  # ARR
    assert "Renewal" in text and "in 45 days" in text
    assert "Last login" in text
    assert "ACME-204" in text  # the open ticket
    assert replies[0]["response_type"] == "ephemeral"


async def test_customer_by_domain_and_case(harness):
    _, replies = await harness.command("customer ACME.COM")
    assert "Acme Corp" in str(reply_blocks(replies[0]))


async def test_no_exact_match_suggests_the_nearest(harness):
    _, replies = await harness.command("customer Acm")
    assert replies[0]["text"] == "No customer matches 'Acm'. Did you mean Acme Corp?"


async def test_payload_in_the_text_is_not_dropped(harness):
    _, replies = await harness.command("customer payload systems")
    assert len(replies) == 1
    assert "Payload Systems" in str(reply_blocks(replies[0]))


async def test_unknown_subcommand_gets_help_and_nearest(harness):
    resp, _ = await harness.command("custmer Acme")
    body = await resp.json()
    assert "Did you mean `/csm customer`?" in body["text"]
    assert_valid_blocks(body["blocks"])


async def test_bad_signature_is_rejected_and_nothing_happens(harness):
    before = len(harness.slack.calls)
    resp, replies = await harness.command("customer Acme Corp", secret="wrong-secret")
    assert resp.status == 401
    assert replies == []
    assert len(harness.slack.calls) == before


async def test_stale_signature_is_rejected(harness):
    body = slash_command_body("help", user_id="U0CSMDANA")
    headers = headers_for(body, "test-signing-secret")
    headers.update(sign("test-signing-secret", body, int(time.time()) - 60 * 10))
    resp = await harness.client.post("/slack/events", data=body, headers=headers)
    assert resp.status == 401


async def test_missing_signature_is_rejected(harness):
    body = slash_command_body("help", user_id="U0CSMDANA")
    resp = await harness.client.post(
        "/slack/events", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert resp.status == 401


async def test_view_customer_button(harness):
    from sqlalchemy import select

    from store.models import Customer

    async with harness.runtime.services.db.session() as s:
        cid = (await s.execute(select(Customer.id).where(Customer.name == "Globex"))).scalar()
    resp, replies = await harness.click("customer_view", str(cid), channel_id="C0GENERAL", message_ts="1.1")
    assert resp.status == 200
    assert "Globex" in str(reply_blocks(replies[0]))
