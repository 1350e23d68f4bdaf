"""The PRD's three automation sentences, sent as DMs to the real app, come back as automation
previews (the engine's detector decides); a question still goes to the assistant."""

from __future__ import annotations

import pytest

from assistant.router import DmRouter
from assistant.service import Assistant
from tests.assistant.test_slack_dm import assert_valid_blocks, make_harness

PRD_SENTENCES = [
    "Every Monday at 9am, send me a summary of customers with health score below 70",
    "When a customer hasn't logged in for 14 days, draft a re-engagement email",
    "After every meeting with Acme Corp, create meeting notes and send follow-up",
]


@pytest.fixture
async def harness(portfolio, slack_sandbox, tmp_path):
    h, client = await make_harness(portfolio, slack_sandbox, tmp_path)
    yield h
    await client.close()


def action_ids(message: dict) -> set[str]:
    return {e.get("action_id") for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


async def test_prd_sentences_in_a_dm_get_an_automation_preview(harness) -> None:
    for text in PRD_SENTENCES:
        event = await harness.dm(text)
        (reply,) = harness.bot_replies(event["channel"], event["ts"])
        assert_valid_blocks(reply["blocks"])
        assert {"automation_save", "automation_test"} <= action_ids(reply), (text, reply["text"])

    event = await harness.dm("how is Acme doing?")
    (reply,) = harness.bot_replies(event["channel"], event["ts"])
    assert reply["blocks"][1]["text"]["text"] == "Acme Corp"  # the snapshot card, not a preview
    assert not action_ids(reply) & {"automation_save", "automation_test"}


async def test_the_router_asks_the_engine(portfolio, registry, settings, thread) -> None:
    from automations.service import AutomationService

    router = DmRouter(
        Assistant(portfolio, registry), automations=AutomationService(portfolio, registry, settings)
    )
    kinds = {}
    for text in PRD_SENTENCES:
        routed = await router.route(text, thread)
        kinds[text] = (routed.kind, routed.preview is not None and routed.preview.ok)
    assert set(kinds.values()) == {("automation", True)}, kinds
    assert [a.type for a in (await router.route(PRD_SENTENCES[2], thread)).preview.definition.actions][
        :1
    ] == ["create_meeting_notes"]
    question = await router.route("how is Acme doing?", thread)
    assert question.kind == "assistant" and question.reply.intent == "snapshot"
    # "every" and a verb are not enough: the engine's parser says this is a question
    assert (await router.route("what renews every quarter?", thread)).kind == "assistant"
