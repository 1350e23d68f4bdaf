"""The three PRD sentences through the real app (signed Slack requests, the events API, the demo portfolio):
preview -> Save -> scheduled or fired -> trace shown by "Show last run"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from store.models import Automation, Customer, TriggerFiring
from tests.bot.conftest import assert_valid_blocks, harness, reply_blocks  # noqa: F401

USER = "U0CSMDANA"
AUTH = {"Authorization": "Bearer test-api-token"}


def buttons(blocks: list[dict]) -> dict[str, str]:
    return {
        e["action_id"]: e.get("value", "") for b in blocks if b["type"] == "actions" for e in b["elements"]
    }


async def save(h, text: str) -> Automation:
    _, replies = await h.command(f"automate {text}", user=USER)
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    _, saved = await h.click("automation_save", buttons(blocks)["automation_save"], user=USER)
    assert "Saved automation #" in saved[-1]["text"], saved
    async with h.runtime.services.db.session() as s:
        return (await s.execute(select(Automation).order_by(Automation.id.desc()))).scalars().first()


async def last_run(h, automation_id: int) -> str:
    _, shown = await h.click("automation_last_run", str(automation_id), user=USER)
    blocks = reply_blocks(shown[-1])
    assert_valid_blocks(blocks)
    return str(blocks)


async def test_the_three_prd_sentences_end_to_end(harness):  # noqa: F811
    h = harness
    services = h.runtime.services

    # 1. A schedule: saved, then its Monday 09:00 slot runs on the durable scheduler.
    digest = await save(h, "Every Monday at 9am, send me a summary of customers with health score below 70")
    assert f"automation:{digest.id}" in services.scheduler.jobs
    slot = digest.next_run_at
    await services.scheduler.tick(now=slot + timedelta(seconds=5))
    await services.scheduler.stop(wait_for_jobs=True)
    shown = await last_run(h, digest.id)
    assert "customers matched" in shown and "slack.send_message" in shown

    # 2. An event: the sweep records who has not logged in for 14 days; the automation drafts for them.
    reengage = await save(h, "When a customer hasn't logged in for 14 days, draft a re-engagement email")
    await services.triggers.sweep()
    assert await services.automations.process_firings() >= 1
    shown = await last_run(h, reengage.id)
    assert "gmail.draft_email" in shown

    # 3. A meeting with Acme Corp arrives through the events API: notes and a follow-up for approval.
    follow = await save(h, "After every meeting with Acme Corp, create meeting notes and send follow-up")
    assert follow.definition["requires_approval"] is True
    event = {"type": "meeting", "customer": "acme.com", "occurred_at": datetime.now(UTC).isoformat(),
             "data": {"meeting_id": "zoom-e2e-1", "ended_at": datetime.now(UTC).isoformat()}}  # fmt: skip
    resp = await h.client.post("/api/events", json=event, headers=AUTH)
    assert resp.status == 202
    await services.tasks.drain()
    async with services.db.session() as s:
        acme = (await s.execute(select(Customer).where(Customer.name == "Acme Corp"))).scalar_one()
        firings = (
            (await s.execute(select(TriggerFiring).where(TriggerFiring.rule_id == follow.trigger_rule_id)))
            .scalars()
            .all()
        )
    assert [f.customer_id for f in firings] == [acme.id]  # only the named customer
    shown = await last_run(h, follow.id)
    assert "create_meeting_notes" in shown and "gmail.send_email" in shown
