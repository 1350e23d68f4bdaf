"""The Slack surface over signed requests: /csm automate, the preview's buttons, /csm automations, App Home."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from automations.service import AutomationService
from sandbox.driver import headers_for, view_submission_body
from store.models import Automation
from tests.automations.conftest import World, recording_tool
from tests.bot.conftest import SIGNING_SECRET, assert_valid_blocks, harness, reply_blocks  # noqa: F401
from tools import build_registry

USER = "U0CSMDANA"
DIGEST = "Every Monday at 9am, send me a summary of customers with health score below 70"


@pytest.fixture
async def slack(harness, world: World):  # noqa: F811
    services = harness.runtime.services
    registry = build_registry(services.db, services.settings)
    registry.register(recording_tool("slack.send_message", world), replace=True)
    services.registry = registry
    services.automations = AutomationService(services.db, registry, services.settings)
    return harness


def buttons(blocks: list[dict]) -> dict[str, str]:
    return {
        e["action_id"]: e.get("value", "") for b in blocks if b["type"] == "actions" for e in b["elements"]
    }


async def test_automate_previews_with_save_test_edit_cancel(slack):
    resp, replies = await slack.command(f"automate {DIGEST}", user=USER)
    assert resp.status == 200
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    assert "Every Monday at 09:00 UTC: send you a summary of customers with health score below 70" in str(
        blocks
    )
    assert set(buttons(blocks)) == {
        "automation_save",
        "automation_test",
        "automation_edit",
        "automation_cancel",
    }


async def test_not_understood_says_what_and_offers_nothing_to_save(slack):
    _, replies = await slack.command("automate every monday at 9am", user=USER)
    assert replies[0]["text"].startswith("I understood 'every monday at 9am' but not what to do. Try: ")
    assert not reply_blocks(replies[0])


async def test_save_then_list_pause_and_show_last_run(slack, world):
    _, replies = await slack.command(f"automate {DIGEST}", user=USER)
    value = buttons(reply_blocks(replies[0]))["automation_save"]
    _, saved = await slack.click("automation_save", value, user=USER)
    assert "Saved automation #" in saved[-1]["text"]
    async with slack.runtime.services.db.session() as s:
        row = (await s.execute(select(Automation))).scalar_one()
    assert row.owner_slack_id == USER and row.definition["trigger"]["cron"] == "0 9 * * 1"

    _, listed = await slack.command("automations", user=USER)
    blocks = reply_blocks(listed[0])
    assert_valid_blocks(blocks)
    assert set(buttons(blocks)) == {"automation_pause", "automation_last_run", "automation_delete"}
    _, paused = await slack.click("automation_pause", str(row.id), user=USER)
    assert paused[-1]["text"].startswith(f"Paused #{row.id}.")
    assert "automation_resume" in buttons(reply_blocks(paused[-1]))
    _, not_mine = await slack.click("automation_delete", str(row.id), user="U0SOMEONE")
    assert "Only the person" in not_mine[-1]["text"]

    await slack.runtime.services.automations.set_status(row.id, USER, "resume")
    from datetime import UTC, datetime

    await slack.runtime.services.automations.run_scheduled(row.id, datetime(2026, 11, 30, 9, tzinfo=UTC))
    _, shown = await slack.click("automation_last_run", str(row.id), user=USER)
    blocks = reply_blocks(shown[-1])
    assert_valid_blocks(blocks)
    assert "customers matched" in str(blocks) and "slack.send_message" in str(blocks)
    assert len(world.of("slack.send_message")) == 1


async def test_test_run_shows_what_would_happen_and_sends_nothing(slack, world):
    _, replies = await slack.command(f"automate {DIGEST}", user=USER)
    _, ran = await slack.click(
        "automation_test", buttons(reply_blocks(replies[0]))["automation_test"], user=USER
    )
    blocks = reply_blocks(ran[-1])
    assert_valid_blocks(blocks)
    assert "Test run (nothing was sent or changed)" in str(blocks)
    assert f"would post to {USER}" in str(blocks)
    assert world.calls == []
    async with slack.runtime.services.db.session() as s:
        assert (await s.execute(select(Automation))).first() is None


async def test_edit_opens_a_modal_and_its_submission_is_reparsed(slack):
    _, replies = await slack.command(f"automate {DIGEST}", user=USER)
    await slack.click("automation_edit", buttons(reply_blocks(replies[0]))["automation_edit"], user=USER,
                      channel_id="C0GENERAL")  # fmt: skip
    opened = slack.slack.calls_to("views.open")
    assert len(opened) == 1
    view = opened[0]["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert DIGEST in str(view)

    def submit(text: str):
        body = view_submission_body(view, {"automation_text": {"text": {"type": "plain_text_input", "value": text}}},
                                    user_id=USER)  # fmt: skip
        return slack.client.post("/slack/events", data=body, headers=headers_for(body, SIGNING_SECRET))

    bad = await submit("every tuesday at 9am")
    answer = await bad.json()
    assert answer["response_action"] == "errors" and "not what to do" in answer["errors"]["automation_text"]
    good = await submit("every tuesday at 9am send me a summary of my customers")
    assert good.status == 200
    await slack.runtime.services.tasks.drain()
    posted = slack.slack.calls_to("chat.postEphemeral")
    assert posted and "Every Tuesday at 09:00" in str(posted[-1])


async def test_app_home_lists_automations(slack):
    _, replies = await slack.command(f"automate {DIGEST}", user=USER)
    await slack.click("automation_save", buttons(reply_blocks(replies[0]))["automation_save"], user=USER)
    await slack.event({"type": "app_home_opened", "user": USER, "tab": "home", "channel": "D1"})
    view = slack.slack.views[USER]
    assert_valid_blocks(view["blocks"])
    assert "Automations" in str(view["blocks"]) and "Every Monday at 09:00" in str(view["blocks"])


async def test_an_ambiguous_customer_is_asked_with_buttons(slack):
    from store.models import Customer

    async with slack.runtime.services.db.transaction() as s:
        s.add(Customer(name="Acme Labs", domain="acmelabs.io"))
    _, replies = await slack.command(
        "automate after every meeting with acme, create meeting notes", user=USER
    )
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    assert "Which customer do you mean by *acme*?" in str(blocks) or "Which customer" in replies[0]["text"]
    picks = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "automation_pick_customer"
    ]
    assert [p["text"]["text"] for p in picks] == ["Acme Corp", "Acme Labs"]
    assert "automation_save" not in buttons(blocks)
    _, picked = await slack.click("automation_pick_customer", picks[1]["value"], user=USER)
    after = reply_blocks(picked[-1])
    assert "When a meeting ends (for Acme Labs)" in str(after) and "automation_save" in buttons(after)
