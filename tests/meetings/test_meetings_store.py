"""Storing analyses: matching a customer, once per meeting, the hooks told, bad input refused."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from meetings.matching import match_customer
from meetings.service import MeetingFacts, MeetingService
from meetings.transcript import TranscriptError
from store.models import MeetingAnalysis


async def count(db) -> int:
    async with db.session() as s:
        return await s.scalar(select(func.count()).select_from(MeetingAnalysis))


MATCH_CASES = [
    (["dana@ourco.com", "raj@acme.com"], "Weekly sync", "acme"),
    (["dana@ourco.com", "raj@eu.acme.com"], None, "acme"),  # a subdomain of the customer's
    (["dana@ourco.com"], "Globex Logistics renewal", "globex"),
    (["dana@ourco.com"], "globex logistics / QBR prep", "globex"),
    (["dana@ourco.com", "x@gmail.com"], "Internal planning", None),
    ([], "Initech kickoff", "initech"),
    (["sam@initech.io"], "Acme renewal", "initech"),  # an email beats the topic
    (["dana@acme.com"], None, "acme"),
]


async def test_match_customer(db, customers):
    async with db.session() as s:
        for emails, topic, expected in MATCH_CASES:
            found = await match_customer(s, emails=emails, topic=topic, own_domains=["ourco.com"])
            assert (found.id if found else None) == (customers[expected] if expected else None), (
                emails,
                topic,
            )


async def test_our_own_domain_never_matches(db, customers):
    async with db.session() as s:
        assert await match_customer(s, emails=["csm@acme.com"], own_domains=["acme.com"]) is None


async def test_analysis_stored_once_and_hooks_told_once(db, customers, transcript):
    posted, evaluated = [], []

    async def on_analysis(stored):
        posted.append(stored)

    async def on_meeting_analyzed(stored):
        evaluated.append(stored.customer.id)

    service = MeetingService(
        db, own_domains=("ourco.com",), on_analysis=on_analysis, on_meeting_analyzed=on_meeting_analyzed
    )
    facts = MeetingFacts(
        meeting_id="uuid-1==",
        topic="Acme renewal",
        host_email="dana@ourco.com",
        started_at=datetime(2026, 11, 18, 15, 0, tzinfo=UTC),
    )
    text = transcript("renewal_competitor.vtt")
    results = await asyncio.gather(
        *(service.analyze_and_store(text, facts) for _ in range(3)), return_exceptions=True
    )
    stored = [r for r in results if not isinstance(r, Exception)]
    assert stored and sum(1 for r in stored if r.created) == 1
    assert await count(db) == 1
    assert len(posted) == 1 and evaluated == [customers["acme"]]

    first = posted[0]
    assert first.customer.name == "Acme" and first.customer.slack_channel == "C_ACME"
    assert any(s.category == "competitor" for s in first.result.signals)
    # due dates resolve against the meeting's own day
    assert any(a.due and a.due.isoformat() == "2026-11-20" for a in first.result.action_items)

    again = await service.analyze_and_store(text, facts)  # Zoom's retry
    assert again.created is False and again.id == first.id
    assert again.result.to_contract() == first.result.to_contract()
    assert len(posted) == 1

    listed = await service.recent(customers["acme"])
    assert [m.id for m in listed] == [first.id]
    assert (await service.get(first.id)).result.meeting.speakers == ["Dana Lee", "Raj Patel", "Mei Chen"]


async def test_unmatched_meeting_is_stored_without_customer_then_assigned(db, customers, transcript):
    told = []

    async def hook(stored):
        told.append(stored.customer.id if stored.customer else None)

    service = MeetingService(db, own_domains=("ourco.com",), on_analysis=hook)
    stored = await service.analyze_and_store(
        transcript("quiet_status.txt"), MeetingFacts(meeting_id="m-2", topic="Monthly check-in")
    )
    assert stored.customer is None and told == [None]
    assigned = await service.assign_customer(stored.id, customers["globex"])
    assert assigned.customer.name == "Globex Logistics"
    assert told == [None, customers["globex"]]
    assert await service.assign_customer(9999, customers["globex"]) is None


@pytest.mark.parametrize(
    "bad", ["", "WEBVTT\n\n", "no speakers here at all.", "00:00:01.000 --> 00:00:02.000\nA: b"]
)
async def test_bad_transcript_stores_nothing(db, customers, bad):
    service = MeetingService(db)
    with pytest.raises(TranscriptError):
        await service.analyze_and_store(bad, MeetingFacts(meeting_id="bad", topic="Acme"))
    assert await count(db) == 0


async def test_failed_analysis_releases_the_claim(db, customers, transcript):
    class Broken:
        name = "broken"

        async def analyze(self, transcript, *, meeting_date, context=None):
            raise RuntimeError("the analyser fell over")

    with pytest.raises(RuntimeError):
        await MeetingService(db, analyzer=Broken()).analyze_and_store(
            transcript("qbr.vtt"), MeetingFacts(meeting_id="m-3")
        )
    assert await count(db) == 0
    stored = await MeetingService(db).analyze_and_store(transcript("qbr.vtt"), MeetingFacts(meeting_id="m-3"))
    assert stored.created and await count(db) == 1
