"""`/csm playbook ...`, the buttons, the App Home timeline and the channel thread, on the emulated Slack."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from playbook_helpers import WORLD_TOOLS, AnyInput, World, recording_tool, values_yaml
from slack_sdk.web.async_client import AsyncWebClient

from playbooks.library import ENV_DIRS
from sandbox.slack import BOT_TOKEN
from tests.bot.conftest import SlackHarness, assert_valid_blocks, reply_blocks, settings_for
from tools.base import Tool, ToolRun

DANA = "U0CSMDANA"
ACME_CHANNEL = "C0CUST000"


def slack_send_message(sandbox: Any) -> Tool:
    """slack.send_message over the real Slack SDK to the emulated Slack (the wire format is real)."""
    client = AsyncWebClient(token=BOT_TOKEN, base_url=sandbox.api_url)

    async def handler(inp: AnyInput, run: ToolRun) -> dict[str, Any]:
        resp = await client.chat_postMessage(**inp.model_dump())
        return {"channel": resp["channel"], "ts": resp["ts"]}

    return Tool(
        name="slack.send_message",
        description="post",
        category="communication",
        input_model=AnyInput,
        handler=handler,
        side_effects=True,
    )


@pytest.fixture
async def demo_sqlite(tmp_path, demo_template):
    """The demo portfolio on SQLite only: the Slack surface is the same on both databases, and the
    engine's own tests run on both."""
    import shutil

    from store import Database

    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    database = Database(f"sqlite+aiosqlite:///{path}")
    yield database
    await database.dispose()


@pytest.fixture
async def slack(demo_sqlite, slack_sandbox, tmp_path, monkeypatch):
    import app

    (tmp_path / "values.yml").write_text(values_yaml())
    monkeypatch.setenv(ENV_DIRS, str(tmp_path))

    demo_db = demo_sqlite

    settings = settings_for(slack_sandbox, demo_db.url)
    runtime = await app.build(settings, db=demo_db, migrate=False, scheduler=False)
    registry = runtime.services.registry
    world = World()
    for name, category in WORLD_TOOLS:
        registry.register(recording_tool(name, category, world), replace=True)
    if registry.get("slack.send_message") is None:
        registry.register(slack_send_message(slack_sandbox))
    await runtime.start()
    client = TestClient(TestServer(runtime.web_app))
    await client.start_server()
    yield SlackHarness(client, slack_sandbox, runtime)
    await client.close()
    await runtime.services.tasks.drain()


def channel_messages(harness: SlackHarness, channel: str) -> list[dict[str, Any]]:
    return [c for c in harness.slack.calls_to("chat.postMessage") if c.get("channel") == channel]


async def test_list_shows_every_template(slack):
    _, [reply] = await slack.command("playbook list")
    assert_valid_blocks(reply_blocks(reply))
    for slug in (
        "renewal-90-day",
        "risk-mitigation",
        "expansion-opportunity",
        "onboarding-30-60-90",
        "qbr-preparation",
        "churn-save",
    ):
        assert slug in reply["text"]


async def test_start_shows_the_timeline_and_posts_progress_in_the_customers_thread(slack):
    _, [reply] = await slack.command("playbook start risk-mitigation Acme Corp")
    assert reply["text"].startswith("Started Risk mitigation for Acme Corp (playbook #")
    blocks = reply_blocks(reply)
    assert_valid_blocks(blocks)
    text = str(blocks)
    assert "Diagnose" in text and "Executive escalation" in text and "playbook_pause" in text
    posts = channel_messages(slack, ACME_CHANNEL)
    assert posts and "Started Risk mitigation for Acme Corp" in posts[0]["text"]
    first_ts = slack.slack.channels[ACME_CHANNEL].messages[0]["ts"]
    assert len(posts) > 1 and all(p.get("thread_ts") == first_ts for p in posts[1:])
    assert any("Flag the account to the team: done." in p["text"] for p in posts)

    _, [again] = await slack.command("playbook start risk-mitigation acme.com")
    assert "is already running for Acme Corp (playbook #" in again["text"]


async def test_a_past_anchor_offers_run_or_skip_for_the_overdue_steps(slack):
    _, [reply] = await slack.command("playbook start renewal-90-day Acme Corp")  # renews in 45 days
    assert "steps dated before today are overdue" in reply["text"]
    text = str(reply_blocks(reply))
    assert "playbook_overdue_run" in text and "playbook_overdue_skip" in text
    execution_id = reply["text"].split("#")[1].split(")")[0]
    _, [after] = await slack.click("playbook_overdue_skip", execution_id, channel_id="D1", message_ts="1.1")
    assert "playbook_overdue_run" not in str(reply_blocks(after))
    assert ":fast_forward:" in str(reply_blocks(after))


BAD_INPUT = [
    (
        "playbook start renwal-90 Acme Corp",
        "There is no playbook called 'renwal-90'. Did you mean renewal-90-day",
    ),
    (
        "playbook start churn-save Acme Crop",
        "There is no customer called 'Acme Crop'. Did you mean Acme Corp",
    ),
    (
        "playbook start qbr-preparation Globex 2027-13-45",
        "2027-13-45 is not a date; write it as YYYY-MM-DD",
    ),
    ("playbook start qbr-preparation", "Say which playbook and which customer"),
    ("playbook pause abc", "Which playbook? `/csm playbook pause 12`"),
    ("playbook resume 999", "There is no playbook #999"),
    ("playbook frobnicate", "I don't know `/csm playbook frobnicate`"),
]


async def test_bad_input_gets_a_sentence(slack):
    for text, answer in BAD_INPUT:
        _, [reply] = await slack.command(text)
        assert answer in reply["text"], text


async def test_status_pause_and_resume(slack):
    _, [started] = await slack.command("playbook start qbr-preparation Globex 2027-01-20")
    execution_id = started["text"].split("#")[1].split(")")[0]
    _, [status] = await slack.command("playbook status Globex")
    assert "QBR preparation for Globex" in status["text"] and "active" in status["text"]
    _, [paused] = await slack.command(f"playbook pause #{execution_id}")
    assert paused["text"].startswith("Paused QBR preparation for Globex")
    assert "playbook_resume" in str(reply_blocks(paused))
    _, [again] = await slack.command(f"playbook pause {execution_id}")
    assert "is paused, not active" in again["text"]
    _, [resumed] = await slack.command(f"playbook resume {execution_id}")
    assert resumed["text"].startswith("Resumed")
    _, [mine] = await slack.command("playbook status")
    assert f"#{execution_id} QBR preparation for Globex" in mine["text"]
    _, [moved] = await slack.command(f"playbook move {execution_id} 2027-02-03")
    assert moved["text"].endswith("QBR date Feb 3, 2027.")
    assert "Jan 13, 2027" in str(reply_blocks(moved))  # the -21 stage moved with the anchor


async def test_run_now_skip_and_open_approval_buttons(slack):
    executor = slack.runtime.services.playbooks
    view = await executor.start("expansion-opportunity", "Wonka Industries", started_by=DANA)
    case = next(a for a in view.actions if a.id == "case-doc")
    _, [after] = await slack.click("playbook_run_now", str(case.run_id), channel_id="D1", message_ts="1.2")
    assert after.get("replace_original") in (True, "true", "True")
    assert_valid_blocks(reply_blocks(after))
    ae = next(a for a in view.actions if a.id == "ae-task")
    await slack.click("playbook_skip", str(ae.run_id), channel_id="D1", message_ts="1.3")
    now = await executor.get(view.id)
    assert {a.id: a.status for a in now.actions}["case-doc"] == "completed"
    assert {a.id: a.status for a in now.actions}["ae-task"] == "skipped"

    email = next(a for a in now.actions if a.id == "discovery-email")
    gated = await executor.run_now(email.run_id, by=DANA)
    approval_id = next(a for a in gated.actions if a.id == "discovery-email").approval_id
    assert approval_id
    await slack.click("playbook_open_approval", str(approval_id), channel_id="D1", message_ts="1.4")
    dm = slack.slack.calls_to("chat.postMessage")[-1]
    assert (
        dm["channel"] == DANA
        and "approval_approve" in str(dm["blocks"])
        and "approval_reject" in str(dm["blocks"])
    )


async def test_app_home_and_customer_snapshot_show_active_playbooks(slack):
    await slack.command("playbook start onboarding-30-60-90 Initech")
    await slack.event({"type": "app_home_opened", "user": DANA, "tab": "home", "channel": "D1"})
    view = slack.slack.views[DANA]
    assert_valid_blocks(view["blocks"])
    text = str(view["blocks"])
    assert "Active playbooks" in text and "Onboarding (30-60-90)" in text and "Initech" in text
    assert "Open approval" in text  # the welcome email waits for approval
    _, [card] = await slack.command("customer Initech")
    assert "Active playbooks" in str(reply_blocks(card)) and "Onboarding (30-60-90)" in str(
        reply_blocks(card)
    )


async def test_start_button_from_an_alert(slack):
    from sqlalchemy import select

    from store.models import Customer

    async with slack.runtime.services.db.session() as s:
        stark = (await s.execute(select(Customer).where(Customer.name == "Stark Industries"))).scalar_one()
    await slack.click(
        "playbook_start", f"executive-sponsor-change|{stark.id}", channel_id="D1", message_ts="1.5"
    )
    dm = [c for c in slack.slack.calls_to("chat.postMessage") if c.get("channel") == DANA][-1]
    assert dm["text"].startswith("Started Executive sponsor change for Stark Industries")


async def test_a_customer_facing_step_is_approved_from_slack_and_the_playbook_goes_on(slack):
    _, [started] = await slack.command("playbook start onboarding-30-60-90 Initech")
    execution_id = int(started["text"].split("#")[1].split(")")[0])
    executor = slack.runtime.services.playbooks
    view = await executor.get(execution_id)
    welcome = next(a for a in view.actions if a.id == "welcome-email")
    assert welcome.status == "awaiting_approval"
    await slack.click("approval_approve", str(welcome.approval_id), channel_id="D1", message_ts="1.6")
    after = await executor.get(execution_id)
    assert next(a for a in after.actions if a.id == "welcome-email").status == "completed"
    channel = after.channel
    thread = [
        m
        for m in channel_messages(slack, channel)
        if "Send the welcome email: approved and done." in m["text"]
    ]
    assert len(thread) == 1 and thread[0].get("thread_ts") == after.thread_ts
    await slack.click("approval_approve", str(welcome.approval_id), channel_id="D1", message_ts="1.6")
    assert sum(1 for m in channel_messages(slack, channel) if "welcome email: approved" in m["text"]) == 1
