"""`/csm skills`, `/csm skill ...` and the add-a-skill modal over signed requests to the real app."""

from __future__ import annotations

import json

from sandbox.driver import headers_for, view_submission_body
from tests.bot.conftest import SIGNING_SECRET, assert_valid_blocks, reply_blocks

GOOD = """# Renewal Prep Lite

## Trigger
- "renewal prep lite for {customer}"

## Steps

### 1. Snapshot
- Action: customers.get_snapshot

### 2. Task
- Action: tasks.create
- Params: { title: "Renewal prep for {{customer_name}}", colour: "red" }
"""

BROKEN = """# Broken

## Trigger
- "broken {customer"

## Steps

### 1. Snapshot
- Action: customers.get_snapshott
- On Error: sometimes
"""


async def submit_modal(h, markdown: str):
    modal = list(h.slack.modals.values())[-1]
    values = {"skill_markdown": {"markdown": {"type": "plain_text_input", "value": markdown}}}
    body = view_submission_body(modal, values, user_id="U0CSMDANA")
    resp = await h.client.post("/slack/events", data=body, headers=headers_for(body, SIGNING_SECRET))
    await h.runtime.services.tasks.drain()
    return resp


def dms(h, user: str = "U0CSMDANA") -> list[dict]:
    channel = h.slack.im_channel(user).id
    return [c for c in h.slack.calls_to("chat.postMessage") if c.get("channel") in (user, channel)]


async def test_skills_lists_the_builtins(slack_skills):
    _, replies = await slack_skills.command("skills")
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    text = json.dumps(blocks)
    assert "QBR Preparation" in text and "prepare QBR for {customer}" in text
    assert replies[0]["text"].startswith("12 skills") or int(replies[0]["text"].split()[0]) >= 12


async def test_skill_phrase_runs_and_reports_by_dm(slack_skills):
    _, replies = await slack_skills.command("skill risk review for Globex")
    assert replies[0]["text"] == "Running *Risk Review* for Globex; the report comes to you in a DM."
    posted = dms(slack_skills)
    assert len(posted) == 1
    blocks = posted[0]["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    assert_valid_blocks(blocks)
    assert posted[0]["text"] == "Risk Review for Globex finished"
    assert "Snapshot" in json.dumps(blocks) and "customers.get_snapshot" in json.dumps(blocks)


async def test_ambiguous_customer_is_a_question(slack_skills):
    _, replies = await slack_skills.command("skill risk review for Corp")
    assert replies[0]["text"].startswith('Which customer do you mean by "Corp"? It could be:')
    assert "Acme Corp" in replies[0]["text"] and "Tyrell Corp" in replies[0]["text"]
    assert dms(slack_skills) == []


async def test_unknown_phrase_gets_examples(slack_skills):
    _, replies = await slack_skills.command("skill make me a sandwich")
    assert replies[0]["text"].startswith('No skill matches "make me a sandwich". Try "')


async def test_add_modal_shows_errors_by_line_then_saves(slack_skills):
    h = slack_skills
    await h.command("skill add")
    assert len(h.slack.calls_to("views.open")) == 1
    modal = list(h.slack.modals.values())[-1]
    assert modal["callback_id"] == "skill_add"
    assert_valid_blocks(modal["blocks"])

    resp = await submit_modal(h, BROKEN)
    answer = await resp.json()
    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"]["blocks"])
    assert "line 4: malformed trigger pattern" in shown
    assert 'line 9: unknown tool \\"customers.get_snapshott\\"' in shown
    assert "line 10: On Error must be continue, abort or retry" in shown
    assert_valid_blocks(answer["view"]["blocks"])
    _, replies = await h.command("skills")
    assert "Broken" not in json.dumps(reply_blocks(replies[0]))

    resp = await submit_modal(h, GOOD)
    assert resp.status == 200 and (await resp.text()) in ("", "null")
    added = dms(h)[-1]["text"]
    assert added.startswith("Added the skill *Renewal Prep Lite* (`renewal-prep-lite`)")
    assert 'no param "colour"' in added  # a warning, not an error
    _, replies = await h.command("skill renewal prep lite for Acme Corp")
    assert replies[0]["text"].startswith("Running *Renewal Prep Lite* for Acme Corp")

    _, replies = await h.command("skill remove qbr-prep")
    assert "is built in and cannot be removed" in replies[0]["text"]
    _, replies = await h.command("skill remove Renewal Prep Lite")
    assert replies[0]["text"] == 'Removed the skill "Renewal Prep Lite".'
    _, replies = await h.command("skill remove renewal-prep-lite")
    assert replies[0]["text"].startswith('There is no skill called "renewal-prep-lite".')


async def test_runs_show_on_the_app_home_and_the_customer_card(slack_skills):
    h = slack_skills
    await h.command("skill risk review for Globex")
    await h.event({"type": "app_home_opened", "user": "U0CSMDANA", "tab": "home", "channel": "D1"})
    view = h.slack.views["U0CSMDANA"]
    assert_valid_blocks(view["blocks"])
    home = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Your recent skill runs" in home and "*Risk Review* · Globex · :white_check_mark: finished" in home
    _, replies = await h.command("customer Globex")
    card = reply_blocks(replies[0])
    assert_valid_blocks(card)
    text = json.dumps(card, ensure_ascii=False)
    assert "Recent skill runs" in text and "*Risk Review* · :white_check_mark: finished" in text
