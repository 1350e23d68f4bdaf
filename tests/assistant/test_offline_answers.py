"""The offline assistant answers from the real registry on the demo portfolio."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from assistant.offline import OfflineAssistant
from assistant.present import days_until_period_end
from assistant.reply import Bullets, CustomerList, SnapshotCard, Suggestions
from store.base import utcnow
from store.models import Approval, AuditLog, Customer, ToolSetting
from tools.model import ToolContext


async def customers(db) -> dict[str, Customer]:
    async with db.session() as s:
        return {c.name: c for c in (await s.scalars(select(Customer))).all()}


async def test_snapshot_of_a_customer_named_loosely(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer("hows acme doing?", thread)
    acme = (await customers(portfolio))["Acme Corp"]
    assert reply.intent == "snapshot"
    card = reply.items[0]
    assert isinstance(card, SnapshotCard)
    assert (card.customer_id, card.health_score, card.arr) == (acme.id, acme.health_score, acme.arr)
    assert "Acme Corp" in reply.text and str(acme.health_score) in reply.text
    async with portfolio.session() as s:
        audited = (
            await s.scalars(select(AuditLog.tool_name).where(AuditLog.caller_kind == "assistant"))
        ).all()
    assert "customers.get_snapshot" in audited  # through the registry, not around it


async def test_renewals_in_n_days_are_the_database_renewals(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer(
        "which renewals are due in the next 60 days", thread
    )
    today = utcnow().date()
    expected = {
        c.name
        for c in (await customers(portfolio)).values()
        if c.csm_slack_id == thread.user_id
        and c.renewal_date
        and today <= c.renewal_date <= today + timedelta(days=60)
    }
    assert expected, "the demo portfolio has renewals in 60 days"
    listing = reply.items[0]
    assert isinstance(listing, CustomerList)
    assert {r.name for r in listing.rows} == expected
    days = [int(r.detail.split("renews in ")[1].split(" ")[0]) for r in listing.rows]
    assert days == sorted(days)
    assert all(r.suggested_playbook == "renewal-90-day" for r in listing.rows)


async def test_renewals_this_quarter_window() -> None:
    from datetime import date

    assert days_until_period_end("quarter", date(2026, 11, 25)) == 36  # to Dec 31
    assert days_until_period_end("month", date(2026, 2, 10)) == 18
    assert days_until_period_end("next_month", date(2026, 12, 30)) == 32  # to Jan 31
    assert days_until_period_end("week", date(2026, 11, 25)) == 4  # a Wednesday, to Sunday


async def test_at_risk_lists_low_health_with_playbook_buttons(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer("who is at risk?", thread)
    listing = reply.items[0]
    assert isinstance(listing, CustomerList)
    everyone = await customers(portfolio)
    assert listing.rows
    for row in listing.rows:
        assert everyone[row.name].health_score < 70
        assert everyone[row.name].csm_slack_id == thread.user_id
        assert row.suggested_playbook == "risk-mitigation"
    scores = [r.health_score for r in listing.rows]
    assert scores == sorted(scores)


async def test_no_logins_for_two_weeks(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer("who hasn't logged in for 2 weeks", thread)
    assert reply.intent == "usage"
    now = utcnow()
    mine = [c for c in (await customers(portfolio)).values() if c.csm_slack_id == thread.user_id]
    expected = {c.name for c in mine if c.last_login_at is None or (now - c.last_login_at).days >= 14}
    if expected:
        assert {r.name for r in reply.items[0].rows} == expected
    else:
        assert "Every customer of yours" in reply.text


async def test_usage_of_one_customer(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer("usage at wayne enterprises", thread)
    assert reply.intent == "usage"
    assert "Wayne Enterprises" in reply.text
    assert isinstance(reply.items[0], Bullets)
    assert any("week over week" in line for line in reply.items[0].lines)


async def test_open_tickets_escalated_first(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer("open tickets for umbrella", thread)
    assert reply.intent == "tickets"
    assert isinstance(reply.items[0], Bullets)
    assert "escalated" in reply.items[0].lines[0]


async def test_tasks_created_through_the_registry_are_listed(portfolio, registry, thread) -> None:
    ctx = ToolContext(user_id=thread.user_id)
    made = await registry.invoke(
        "tasks.create", {"title": "Send Globex the SOW", "customer": "Globex", "due_in_days": 2}, ctx
    )
    assert made.success
    reply = await OfflineAssistant(registry, portfolio).answer("what's on my plate", thread)
    assert reply.intent == "tasks"
    assert any("Send Globex the SOW" in line for line in reply.items[0].lines)


async def test_pending_approvals_are_listed(portfolio, registry, thread) -> None:
    async with portfolio.transaction() as s:
        s.add(ToolSetting(name="tasks.create", requires_approval=True))
    ctx = ToolContext(user_id=thread.user_id)
    pending = await registry.invoke("tasks.create", {"title": "Call Hooli"}, ctx)
    assert pending.requires_approval
    reply = await OfflineAssistant(registry, portfolio).answer("anything waiting for my approval?", thread)
    assert reply.intent == "approvals"
    assert reply.items[0].lines[0].startswith(f"#{pending.approval_id} `tasks.create`")
    async with portfolio.session() as s:
        assert (await s.get(Approval, pending.approval_id)).status == "pending"


async def test_draft_email_without_google_says_how_to_connect(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer(
        "draft a check-in email to Globex's champion", thread
    )
    assert reply.intent == "draft_email"
    assert "/csm connect google" in reply.text


async def test_unknown_says_what_it_can_do(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer("book me a flight to denver", thread)
    assert reply.intent == "unknown"
    assert isinstance(reply.items[0], Suggestions)
    assert len(reply.items[0].examples) >= 8


async def test_playbook_without_customer_asks_which(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer("start the renewal playbook", thread)
    assert reply.intent == "start_playbook"
    assert reply.text.startswith("Which customer?")


async def test_start_a_playbook_through_the_engine_tool(portfolio, registry, thread) -> None:
    from playbooks.executor import PlaybookExecutor
    from store.models import Playbook, PlaybookExecution

    executor = PlaybookExecutor(portfolio, registry)
    await executor.sync()
    reply = await OfflineAssistant(registry, portfolio).answer(
        "kick off the risk mitigation playbook for globex", thread
    )
    assert reply.intent == "start_playbook"
    assert reply.tools_called == ["playbooks.start"]
    async with portfolio.session() as s:
        row = (
            await s.execute(
                select(PlaybookExecution, Playbook.slug, Customer.name)
                .join(Playbook, Playbook.id == PlaybookExecution.playbook_id)
                .join(Customer, Customer.id == PlaybookExecution.customer_id)
            )
        ).one()
    assert (row.slug, row.name) == ("risk-mitigation", "Globex")
    assert "Globex" in reply.text and f"#{row[0].id}" in reply.text
    again = await OfflineAssistant(registry, portfolio).answer("start risk mitigation for globex", thread)
    assert "already" in again.text.lower()


async def test_draft_email_to_the_champion_lands_in_gmail(portfolio, settings, thread) -> None:
    from datetime import timedelta

    from aiohttp.test_utils import TestServer

    from sandbox.google import GoogleSandbox
    from store.demo import champion_of
    from tools import build_registry
    from tools.google.auth import GoogleConnections

    google = GoogleSandbox()
    server = TestServer(google.app())
    await server.start_server()
    try:
        url = str(server.make_url("/")).rstrip("/")
        settings = settings.model_copy(
            update={
                "google_api_url": url,
                "google_oauth_token_url": url + "/token",
                "google_client_id": "cid",
                "google_client_secret": "cs",
            }
        )
        access, refresh = google.issue_tokens("dana@csm-agent.dev")
        await GoogleConnections(portfolio, settings).save(
            thread.team_id,
            thread.user_id,
            access_token=access,
            refresh_token=refresh,
            expires_at=utcnow() + timedelta(hours=1),
        )
        registry = build_registry(portfolio, settings)
        reply = await OfflineAssistant(registry, portfolio).answer(
            "draft a renewal email to globex's champion", thread
        )
    finally:
        await server.close()
    globex = (await customers(portfolio))["Globex"]
    champion = await champion_of(portfolio, globex.id)
    assert reply.intent == "draft_email" and reply.tools_called == ["gmail.draft_email"]
    assert champion.email in reply.text and "Globex renewal" in reply.text
    (message_id,) = google.gmail.drafts.values()
    saved = json.dumps(google.gmail.messages[message_id])
    assert champion.email in saved and "Globex renewal: next steps" in saved


async def test_meetings_and_their_signals(portfolio, registry, thread) -> None:
    from store.models import MeetingAnalysis

    acme = (await customers(portfolio))["Acme Corp"]
    async with portfolio.transaction() as s:
        s.add(
            MeetingAnalysis(
                platform="zoom",
                meeting_id="z-1",
                customer_id=acme.id,
                topic="Acme weekly sync",
                started_at=utcnow() - timedelta(days=2),
                summary="Acme wants SSO fixed before renewal. They are evaluating a competitor.",
                customer_signals=[
                    {
                        "type": "risk",
                        "category": "competitor",
                        "speaker": "Raj",
                        "quote": "We are looking at Gainsight",
                    }
                ],
                action_items=[{"owner": "Dana", "text": "send the SSO fix date", "due": None}],
            )
        )
    reply = await OfflineAssistant(registry, portfolio).answer("what came out of the last acme call?", thread)
    assert reply.intent == "meetings"
    (line,) = reply.items[0].lines
    assert (
        "Acme weekly sync" in line
        and "risk/competitor" in line
        and "Gainsight" in line
        and "1 action item" in line
    )
    nothing = await OfflineAssistant(registry, portfolio).answer("recent meetings with globex", thread)
    assert nothing.text == "No analysed meetings with Globex in the last 30 days."


async def test_offline_gated_action_reports_its_outcome_in_the_thread(portfolio, registry, thread) -> None:
    from assistant.service import Assistant
    from playbooks.executor import PlaybookExecutor

    await PlaybookExecutor(portfolio, registry).sync()
    async with portfolio.transaction() as s:
        s.add(ToolSetting(name="playbooks.start", requires_approval=True))
    followups = []

    async def on_followup(where, reply) -> None:
        followups.append((where, reply.text))

    assistant = Assistant(portfolio, registry, on_followup=on_followup)
    reply = await assistant.ask("start the renewal playbook for acme", thread)
    (approval_id,) = reply.approval_ids
    assert f"waits for approval #{approval_id}" in reply.text
    decision = await registry.approvals.decide(approval_id, thread.user_id, approve=False)
    assert decision.ok
    assert followups == [
        (
            thread,
            f"Approval #{approval_id} (playbooks.start) was rejected by <@{thread.user_id}>; nothing was done.",
        )
    ]


async def test_usage_drops_across_the_portfolio(portfolio, registry, thread) -> None:
    reply = await OfflineAssistant(registry, portfolio).answer("whose usage dropped this week?", thread)
    assert reply.intent == "usage"
    listing = reply.items[0]
    assert isinstance(listing, CustomerList)
    wayne = next(r for r in listing.rows if r.name == "Wayne Enterprises")  # the demo's usage_drop scenario
    change = int(wayne.detail.split(" ")[1].rstrip("%"))
    assert change <= -30 and wayne.suggested_playbook == "risk-mitigation"
    everyone = await customers(portfolio)
    assert all(everyone[r.name].csm_slack_id == thread.user_id for r in listing.rows)


async def test_customers_trending_down_are_the_health_drops(portfolio, registry) -> None:
    from assistant.history import Thread

    globex = (await customers(portfolio))["Globex"]  # the demo's health_drop scenario
    raj = Thread(channel="D0RAJ", thread_ts="1764000000.000300", user_id=globex.csm_slack_id)
    reply = await OfflineAssistant(registry, portfolio).answer("show me customers trending down", raj)
    assert reply.intent == "at_risk"
    falling = reply.items[0]
    assert isinstance(falling, Bullets) and falling.title == "Health falling fastest (30 days)"
    line = next(x for x in falling.lines if x.startswith("Globex:"))
    peak, now = (int(v) for v in line.split(": ")[1].split(" (")[0].split(" → "))
    assert peak - now >= 10 and now == globex.health_score


async def test_email_recipients_are_checked_against_the_contacts(portfolio, registry, thread) -> None:
    from store.models import Contact

    stark = (await customers(portfolio))["Stark Industries"]  # the demo's champion_left scenario
    async with portfolio.session() as s:
        people = (await s.scalars(select(Contact).where(Contact.customer_id == stark.id))).all()
    left = next(c for c in people if c.status == "left")
    offline = OfflineAssistant(registry, portfolio)
    champion = await offline.answer("draft an email to stark's champion", thread)
    assert champion.text.startswith("Stark Industries has no active champion with an email on record.")
    gone = await offline.answer(f"draft a note to {left.name.split()[0].lower()} at stark", thread)
    assert gone.text.startswith(f"{left.name} has left Stark Industries.")
    nobody = await offline.answer("email zebulon at stark", thread)
    assert nobody.text.startswith("I found no contact called Zebulon at Stark Industries")
