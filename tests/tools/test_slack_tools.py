"""Slack tools through slack_sdk's AsyncWebClient against the emulated Slack Web API."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from store.models import Activity, Customer
from tools.model import ToolContext

CTX = ToolContext(user_id="UCSM", team_id="T0CSMSBX")


async def test_messages_threads_reactions(slack_registry):
    registry, slack = slack_registry
    sent = await registry.invoke(
        "slack.send_message", {"channel": "#cust-globex", "text": "Hello Globex"}, CTX
    )
    assert sent.success, sent.error
    assert sent.data["channel"] == "C0CUST001"
    assert slack.channels["C0CUST001"].messages[-1]["text"] == "Hello Globex"

    dm = await registry.invoke("slack.send_message", {"channel": "U0CSMDANA", "text": "psst"}, CTX)
    assert slack.channels[dm.data["channel"]].is_im

    thread = await registry.invoke(
        "slack.create_thread",
        {"channel": "C0GENERAL", "text": "Weekly risks", "replies": ["Acme", "Globex"]},
        CTX,
    )
    replies = [
        m for m in slack.channels["C0GENERAL"].messages if m.get("thread_ts") == thread.data["thread_ts"]
    ]
    assert [m["text"] for m in replies] == ["Acme", "Globex"]

    reacted = await registry.invoke(
        "slack.add_reaction",
        {"channel": "C0GENERAL", "timestamp": thread.data["thread_ts"], "name": ":eyes:"},
        CTX,
    )
    assert reacted.success and slack.reactions[-1]["name"] == "eyes"


async def test_list_channels_and_errors_as_sentences(slack_registry):
    registry, slack = slack_registry
    listed = await registry.invoke("slack.list_channels", {"query": "globex"}, CTX)
    assert [c["name"] for c in listed.data["channels"]] == ["cust-globex"]
    missing = await registry.invoke("slack.send_message", {"channel": "#nowhere", "text": "x"}, CTX)
    assert missing.error == "There is no channel named #nowhere that the bot can see."
    slack.fail_next("chat.postMessage", status=200, error="not_in_channel")
    refused = await registry.invoke("slack.send_message", {"channel": "C0GENERAL", "text": "x"}, CTX)
    assert "invite it with `/invite @csm-agent`" in refused.error


async def test_rate_limit_is_retried_by_the_sdk_handler(slack_registry):
    registry, slack = slack_registry
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    sent = await registry.invoke("slack.send_message", {"channel": "C0GENERAL", "text": "after a 429"}, CTX)
    assert sent.success, sent.error
    assert len(slack.calls_to("chat.postMessage")) == 2


async def test_search_needs_a_user_token(slack_registry):
    registry, slack = slack_registry
    await registry.invoke(
        "slack.send_message", {"channel": "C0GENERAL", "text": "Acme renewal is at risk"}, CTX
    )
    found = await registry.invoke("slack.search_messages", {"query": "renewal"}, CTX)
    assert found.success, found.error
    assert found.data["messages"][0]["channel"] == "general"
    assert slack.calls[-1].token.startswith("xoxp-")
    nobody = await registry.invoke(
        "slack.search_messages", {"query": "renewal"}, replace(CTX, user_id="U0CSMRAJ")
    )
    assert "needs your own Slack user token" in nobody.error


async def test_customer_channel_and_update(slack_registry):
    registry, slack = slack_registry
    async with registry.db.transaction() as s:
        s.add(Customer(name="Globex", domain="globex.com"))
        s.add(Customer(name="Initech", domain="initech.com", slack_channel="#cust-initech"))
        s.add(Customer(name="Zorg Enterprises", domain="zorg.example"))
    by_name = await registry.invoke("slack.get_customer_channel", {"customer": "Globex"}, CTX)
    assert by_name.data["channel"] == {"id": "C0CUST001", "name": "cust-globex", "source": "matched by name"}
    on_file = await registry.invoke("slack.get_customer_channel", {"customer": "Initech"}, CTX)
    assert on_file.data["channel"]["id"] == "C0CUST002" and on_file.data["channel"]["source"] == "on file"
    none = await registry.invoke("slack.get_customer_channel", {"customer": "Zorg"}, CTX)
    assert none.data["channel"] is None

    posted = await registry.invoke(
        "slack.post_customer_update", {"customer": "Initech", "text": "Renewal signed"}, CTX
    )
    assert posted.success and slack.channels["C0CUST002"].messages[-1]["text"] == "Renewal signed"
    async with registry.db.session() as s:
        act = await s.scalar(select(Activity))
    assert act.kind == "slack_update" and act.summary == "Renewal signed"
    no_channel = await registry.invoke("slack.post_customer_update", {"customer": "Zorg", "text": "x"}, CTX)
    assert "Zorg Enterprises has no Slack channel" in no_channel.error


async def test_a_slack_connect_channel_asks_before_anything_is_posted(slack_registry):
    registry, slack = slack_registry
    slack.channels["C0CUST002"].ext_shared = True  # #cust-initech is shared with Initech
    async with registry.db.transaction() as s:
        s.add(Customer(name="Initech", domain="initech.com", slack_channel="#cust-initech"))

    update = await registry.invoke(
        "slack.post_customer_update", {"customer": "Initech", "text": "Renewal signed"}, CTX
    )
    assert update.requires_approval
    approval = await registry.approvals.get(update.approval_id)
    assert (
        approval.preview["reason"]
        == "#cust-initech is shared with people outside the workspace (Slack Connect)"
    )
    direct = await registry.invoke("slack.send_message", {"channel": "#cust-initech", "text": "hi"}, CTX)
    thread = await registry.invoke("slack.create_thread", {"channel": "C0CUST002", "text": "Q3 plan"}, CTX)
    assert direct.requires_approval and thread.requires_approval
    assert slack.calls_to("chat.postMessage") == []  # nothing reached the shared channel

    decision = await registry.approvals.decide(update.approval_id, "UCSM", True)
    assert decision.ok, decision.message
    assert slack.channels["C0CUST002"].messages[-1]["text"] == "Renewal signed"

    internal = await registry.invoke("slack.send_message", {"channel": "#cust-globex", "text": "fine"}, CTX)
    assert internal.success and not internal.requires_approval


async def test_when_slack_cannot_say_who_is_in_the_channel_it_asks(slack_registry):
    registry, slack = slack_registry
    slack.fail_next("conversations.info", status=500)
    sent = await registry.invoke("slack.send_message", {"channel": "#cust-globex", "text": "hello"}, CTX)
    assert sent.requires_approval
    assert (
        "could not check who slack.send_message would reach"
        in (await registry.approvals.get(sent.approval_id)).preview["reason"]
    )
    assert slack.calls_to("chat.postMessage") == []


async def test_a_channels_sharing_is_asked_once_a_minute(slack_registry, monkeypatch):
    import tools.slack

    registry, slack = slack_registry
    for text in ("one", "two", "three"):
        assert (
            await registry.invoke("slack.send_message", {"channel": "C0GENERAL", "text": text}, CTX)
        ).success
    assert len(slack.calls_to("conversations.info")) == 1

    slack.channels["C0GENERAL"].ext_shared = True  # shared since: noticed once the minute is up
    soon = await registry.invoke("slack.send_message", {"channel": "C0GENERAL", "text": "four"}, CTX)
    assert soon.success
    now = tools.slack._clock()
    monkeypatch.setattr(tools.slack, "_clock", lambda: now + tools.slack.SHARING_TTL + 1)
    late = await registry.invoke("slack.send_message", {"channel": "C0GENERAL", "text": "five"}, CTX)
    assert late.requires_approval and len(slack.calls_to("conversations.info")) == 2


async def test_a_workspace_that_cannot_tell_sharing_still_posts(slack_registry):
    registry, slack = slack_registry
    slack.fail_next("conversations.info", status=200, error="missing_scope")
    sent = await registry.invoke("slack.send_message", {"channel": "#cust-globex", "text": "hello"}, CTX)
    assert sent.success and not sent.requires_approval
    assert slack.channels["C0CUST001"].messages[-1]["text"] == "hello"
