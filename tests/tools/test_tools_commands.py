"""`/csm tools`, `/csm run`, `/csm connect` and the approval buttons, through the real app and emulated Slack."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from store.base import utcnow
from store.models import Task
from tests.bot.conftest import assert_valid_blocks, reply_blocks
from tools.google.auth import GoogleConnections
from tools.google.oauth_web import read_link

USER = "U0CSMDANA"
TEAM = "T0CSMSBX"


async def test_tools_lists_by_category_and_words(tools_harness):
    h, _ = tools_harness
    _, [reply] = await h.command("tools")
    blocks = reply_blocks(reply)
    assert_valid_blocks(blocks)
    assert "gmail.send_email" in str(blocks) and "may ask approval" in str(blocks)
    _, [reply] = await h.command("tools calendar")
    text = str(reply_blocks(reply))
    assert "calendar.find_availability" in text and "gmail.send_email" not in text
    _, [reply] = await h.command("tools transcript")
    assert "zoom.get_transcript" in str(reply_blocks(reply))
    _, [reply] = await h.command("tools xyzzy")
    assert reply["text"].startswith("No tool or category matches 'xyzzy'")


async def test_run_types_values_and_names_bad_fields(tools_harness):
    h, _ = tools_harness
    _, [reply] = await h.command(
        'run tasks.create title="Send the revised SOW" customer=acme.com due_in_days=3'
    )
    assert reply["text"] == ":white_check_mark: `tasks.create` done.", reply["text"]
    async with h.runtime.services.db.session() as s:
        task = await s.scalar(select(Task).where(Task.title == "Send the revised SOW"))
    assert task.owner_slack_id == USER and task.due_date == utcnow().date() + timedelta(days=3)

    _, [reply] = await h.command("run tasks.create due_in_days=soon")
    assert "`title` is required" in reply["text"] and "`due_in_days`" in reply["text"]
    _, [reply] = await h.command("run tasks.create title=x colour=red")
    assert reply["text"].startswith("`colour` is not a field of tasks.create")
    _, [reply] = await h.command("run tasks.creat title=x")
    assert "Did you mean `tasks.create`" in reply["text"]
    _, [reply] = await h.command('run slack.send_message channel=#general text="hello from run"')
    assert reply["text"].endswith("done.")
    assert h.slack.channel_by_name("general").messages[-1]["text"] == "hello from run"
    _, [reply] = await h.command("run --dry-run tasks.create title=Later")
    assert reply["text"].startswith(":test_tube: Dry run")
    async with h.runtime.services.db.session() as s:
        assert await s.scalar(select(Task).where(Task.title == "Later")) is None


async def test_connect_google_gives_a_signed_personal_link(tools_harness):
    h, _ = tools_harness
    _, [reply] = await h.command("connect google")
    url = reply["text"].removeprefix("Connect Google: ")
    assert url.startswith("https://csm.example.com/oauth/google/start?s=")
    token = parse_qs(urlparse(url).query)["s"][0]
    assert read_link(h.runtime.services.settings, token) == (TEAM, USER)
    assert_valid_blocks(reply_blocks(reply))
    _, [reply] = await h.command("connect zoom")
    assert "Server-to-Server OAuth" in reply["text"]


async def test_gated_email_from_run_is_approved_with_the_button_once(tools_harness):
    h, gmail = tools_harness
    _, [reply] = await h.command('run gmail.send_email to=dana@acme.com subject=Hi body="See you Tuesday"')
    assert "/csm connect google" in reply["text"]
    access, refresh = gmail.issue_tokens("dana@ourco.com")
    settings = h.runtime.services.settings
    await GoogleConnections(h.runtime.services.db, settings).save(
        TEAM, USER, access_token=access, refresh_token=refresh, expires_at=utcnow() + timedelta(hours=1)
    )
    _, [reply] = await h.command('run gmail.send_email to=dana@acme.com subject=Hi body="See you Tuesday"')
    assert "waits for approval" in reply["text"]
    dm = h.slack.im_channel(USER).messages[-1]
    buttons = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    approve = next(b for b in buttons if b["action_id"] == "approval_approve")
    assert gmail.gmail.sent() == []
    await h.click("approval_approve", approve["value"], user=USER)
    _, replies = await h.click("approval_approve", approve["value"], user=USER)
    assert len(gmail.gmail.sent()) == 1
    assert "already approved" in replies[0]["text"]
