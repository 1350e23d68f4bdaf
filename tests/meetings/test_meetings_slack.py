"""`/csm meetings`, `/csm meeting ID`, the buttons and the App Home section, over signed requests."""

from datetime import UTC, datetime
from pathlib import Path

from bot.meetings import home_section, snapshot_section
from meetings.service import MeetingFacts
from store.models import Customer
from tests.bot.conftest import assert_valid_blocks, harness, reply_blocks  # noqa: F401 (fixture)

DATA = Path(__file__).resolve().parent.parent / "data" / "meetings"


async def store(harness, name: str, topic: str, meeting_id: str):  # noqa: F811
    return await harness.runtime.services.meetings.analyze_and_store(
        (DATA / name).read_text(),
        MeetingFacts(meeting_id=meeting_id, topic=topic, started_at=datetime(2026, 11, 18, 16, tzinfo=UTC)),
    )


async def test_meetings_list_and_one_meeting(harness):  # noqa: F811
    stored = await store(harness, "renewal_competitor.vtt", "Acme Corp renewal", "z-1")
    assert stored.customer is not None and stored.customer.name == "Acme Corp"

    _, replies = await harness.command("meetings Acme Corp")
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    assert len(stored.result.action_items) >= 7
    assert f"#{stored.id}" in str(blocks) and f"{len(stored.result.action_items)} action items" in str(blocks)

    _, replies = await harness.command(f"meeting {stored.id}")
    blocks = reply_blocks(replies[0])
    assert_valid_blocks(blocks)
    text = str(blocks)
    assert "Gainsight" in text and "Create task" in text and "Draft follow-up" in text
    assert text.count("meeting_create_task") == len(stored.result.action_items)

    _, replies = await harness.command("meetings")
    assert f"#{stored.id}" in str(reply_blocks(replies[0]))

    # bad input gets a sentence
    _, replies = await harness.command("meeting")
    assert "Which meeting?" in replies[0]["text"]
    _, replies = await harness.command("meeting 4242")
    assert replies[0]["text"].startswith("There is no analysed meeting #4242")
    _, replies = await harness.command("meetings Nosuchcustomer")
    assert replies[0]["text"].startswith("No customer matches 'Nosuchcustomer'")


async def test_open_button_and_customer_picker(harness):  # noqa: F811
    stored = await store(harness, "quiet_status.txt", "Monthly check-in", "z-2")
    assert stored.customer is None
    _, replies = await harness.click("meeting_view", str(stored.id))
    assert_valid_blocks(reply_blocks(replies[0]))

    async with harness.runtime.services.db.session() as s:
        acme = (await s.execute(Customer.__table__.select().where(Customer.name == "Acme Corp"))).first()
    _, replies = await harness.click("meeting_pick_customer", f"{stored.id}:{acme.id}")
    assert replies[0]["text"] == f":white_check_mark: Meeting #{stored.id} now belongs to Acme Corp."
    again = await harness.runtime.services.meetings.get(stored.id)
    assert again.customer.name == "Acme Corp"

    # the App Home section and the customer snapshot section
    services = harness.runtime.services
    stored = await store(harness, "outage_escalation.txt", "Acme Corp outage review", "z-3")
    blocks = [b.to_dict() for b in await home_section(services, "U0CSMDANA")]
    assert_valid_blocks(blocks)
    assert "Acme Corp" in str(blocks) and "product issue" in str(blocks)
    snap = [b.to_dict() for b in await snapshot_section(services, stored.customer.id)]
    assert_valid_blocks(snap)
    assert f"#{stored.id}" in str(snap)


async def test_create_task_and_draft_follow_up_buttons(harness):  # noqa: F811
    from sqlalchemy import select

    from store.models import Task

    stored = await store(harness, "renewal_competitor.vtt", "Acme Corp renewal", "z-9")
    item = stored.result.action_items[0]
    _, replies = await harness.click("meeting_create_task", f"{stored.id}:0")
    assert replies[0]["text"].startswith(":white_check_mark: Task created: send the roadmap deck")
    async with harness.runtime.services.db.session() as s:
        task = (await s.execute(select(Task).where(Task.title.like("send the roadmap deck%")))).scalar_one()
    assert task.customer_id == stored.customer.id and task.due_date == item.due

    _, replies = await harness.click("meeting_create_task", f"{stored.id}:99")
    assert replies[0]["text"] == "That action item is no longer in the analysis."

    # Dana has not connected Google: the draft cannot be made, and she is told how to fix it
    _, replies = await harness.click("meeting_draft_followup", str(stored.id))
    assert "connect google" in replies[0]["text"].lower()

    _, replies = await harness.click("meeting_show_followup", str(stored.id))
    assert "send the roadmap deck" in replies[0]["text"]
