"""The meetings engine: a transcript in, an analysis stored once per meeting, the customer matched,
and the callbacks app.py wires (posting to Slack, trigger evaluation) told.

One analysis per meeting however often Zoom retries: the row is claimed first (the unique
(platform, meeting_id) constraint decides who analyses), filled when the analysis is done, and
released if the analysis fails so a later delivery can try again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from meetings.analysis import AnalysisContext, MeetingAnalyzer, OfflineAnalyzer
from meetings.analysis.models import MeetingAnalysisResult
from meetings.matching import match_customer
from meetings.transcript import Transcript, parse_transcript
from store.base import utcnow
from store.models import Customer, MeetingAnalysis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeetingFacts:
    """What we know about a meeting besides its words (from Zoom, or the CLI)."""

    meeting_id: str
    platform: str = "zoom"
    topic: str | None = None
    host_email: str | None = None
    host_name: str | None = None
    started_at: datetime | None = None
    emails: tuple[str, ...] = ()  # participants' and invitees' addresses


@dataclass(frozen=True)
class CustomerRef:
    id: int
    name: str
    slack_channel: str | None
    csm_slack_id: str | None

    @classmethod
    def of(cls, c: Customer) -> CustomerRef:
        return cls(c.id, c.name, c.slack_channel, c.csm_slack_id)


@dataclass
class StoredMeeting:
    id: int
    facts: MeetingFacts
    customer: CustomerRef | None
    result: MeetingAnalysisResult
    created: bool = True  # False when this meeting had been analysed before
    analyzed_at: datetime | None = None


class AnalysisInProgress(RuntimeError):
    """Another delivery of the same meeting is being analysed right now."""


AnalysisHook = Callable[[StoredMeeting], Awaitable[None]]


def result_of(row: MeetingAnalysis) -> MeetingAnalysisResult:
    sentiment = dict(row.sentiment_analysis or {})
    speakers = sentiment.pop("speaker_list", None) or list(sentiment.get("speakers", {}))
    return MeetingAnalysisResult.model_validate(
        {
            "meeting": {"duration_seconds": row.duration_seconds or 0, "speakers": speakers},
            "summary": row.summary or "",
            "action_items": row.action_items or [],
            "sentiment": {
                "overall": sentiment.get("overall", 0.0),
                "speakers": sentiment.get("speakers", {}),
            },
            "signals": row.customer_signals or [],
            "topics": row.topics or [],
            "follow_up_email": row.follow_up_draft or {"subject": "", "body": ""},
        }
    )


def facts_of(row: MeetingAnalysis) -> MeetingFacts:
    return MeetingFacts(
        meeting_id=row.meeting_id,
        platform=row.platform,
        topic=row.topic,
        host_email=row.host_email,
        started_at=row.started_at,
    )


@dataclass
class MeetingService:
    db: Any
    analyzer: MeetingAnalyzer = field(default_factory=OfflineAnalyzer)
    own_domains: tuple[str, ...] = ()
    on_analysis: AnalysisHook | None = None  # post it (app.py wires bot rendering)
    on_meeting_analyzed: AnalysisHook | None = None  # evaluate meeting_ended / negative_sentiment

    async def analyze_and_store(
        self,
        transcript: str | bytes | Transcript,
        facts: MeetingFacts,
        *,
        meeting_date: date | None = None,
        internal_speakers: frozenset[str] = frozenset(),
    ) -> StoredMeeting:
        """Parse (TranscriptError on bad input, nothing stored), claim, analyse, store, tell."""
        if not isinstance(transcript, Transcript):
            transcript = parse_transcript(transcript)
        existing = await self.find(facts.platform, facts.meeting_id)
        if existing is not None:
            return existing
        async with self.db.session() as s:
            customer = await match_customer(
                s, emails=facts.emails, topic=facts.topic, own_domains=self.own_domains
            )
            customer_ref = CustomerRef.of(customer) if customer else None
        try:
            async with self.db.transaction() as s:
                row = MeetingAnalysis(
                    platform=facts.platform,
                    meeting_id=facts.meeting_id,
                    customer_id=customer_ref.id if customer_ref else None,
                    topic=facts.topic,
                    host_email=facts.host_email,
                    started_at=facts.started_at,
                    transcript=transcript.to_text(),
                )
                s.add(row)
                await s.flush()
                row_id = row.id
        except IntegrityError:
            existing = await self.find(facts.platform, facts.meeting_id)
            if existing is None:
                raise AnalysisInProgress(f"meeting {facts.meeting_id} is being analysed") from None
            return existing
        try:
            day = meeting_date or (facts.started_at.date() if facts.started_at else date.today())
            context = AnalysisContext(
                topic=facts.topic,
                customer_name=customer_ref.name if customer_ref else None,
                author=facts.host_name,
                internal_speakers=internal_speakers,
            )
            result = await self.analyzer.analyze(transcript, meeting_date=day, context=context)
            data = result.to_contract()
            async with self.db.transaction() as s:
                row = await s.get(MeetingAnalysis, row_id)
                row.duration_seconds = result.meeting.duration_seconds
                row.summary = result.summary
                row.action_items = data["action_items"]
                row.sentiment_analysis = {**data["sentiment"], "speaker_list": result.meeting.speakers}
                row.overall_sentiment = result.sentiment.overall
                row.customer_signals = data["signals"]
                row.topics = data["topics"]
                row.follow_up_draft = data["follow_up_email"]
                row.analyzed_at = utcnow()
                analyzed_at = row.analyzed_at
        except BaseException:
            async with self.db.transaction() as s:
                await s.execute(delete(MeetingAnalysis).where(MeetingAnalysis.id == row_id))
            raise
        stored = StoredMeeting(row_id, facts, customer_ref, result, created=True, analyzed_at=analyzed_at)
        await self._tell(stored)
        return stored

    async def _tell(self, stored: StoredMeeting) -> None:
        for name, hook in (("posting", self.on_analysis), ("trigger evaluation", self.on_meeting_analyzed)):
            if hook is None:
                continue
            try:
                await hook(stored)
            except Exception:
                log.exception("meeting %s: %s failed", stored.facts.meeting_id, name)

    # -- reads ------------------------------------------------------------------------------------

    async def _stored(self, row: MeetingAnalysis) -> StoredMeeting | None:
        if row.summary is None:  # claimed, not analysed yet
            return None
        customer = None
        if row.customer_id is not None:
            async with self.db.session() as s:
                c = await s.get(Customer, row.customer_id)
                customer = CustomerRef.of(c) if c else None
        return StoredMeeting(
            row.id, facts_of(row), customer, result_of(row), created=False, analyzed_at=row.analyzed_at
        )

    async def find(self, platform: str, meeting_id: str) -> StoredMeeting | None:
        async with self.db.session() as s:
            row = (
                await s.execute(
                    select(MeetingAnalysis).where(
                        MeetingAnalysis.platform == platform, MeetingAnalysis.meeting_id == meeting_id
                    )
                )
            ).scalar_one_or_none()
        return await self._stored(row) if row else None

    async def get(self, analysis_id: int) -> StoredMeeting | None:
        async with self.db.session() as s:
            row = await s.get(MeetingAnalysis, analysis_id)
        return await self._stored(row) if row else None

    async def recent(self, customer_id: int | None = None, limit: int = 10) -> list[StoredMeeting]:
        stmt = select(MeetingAnalysis).where(MeetingAnalysis.summary.is_not(None))
        if customer_id is not None:
            stmt = stmt.where(MeetingAnalysis.customer_id == customer_id)
        stmt = stmt.order_by(MeetingAnalysis.analyzed_at.desc(), MeetingAnalysis.id.desc()).limit(limit)
        async with self.db.session() as s:
            rows = (await s.execute(stmt)).scalars().all()
        out = []
        for row in rows:
            stored = await self._stored(row)
            if stored:
                out.append(stored)
        return out

    async def mark_posted(self, analysis_id: int, channel: str | None, ts: str | None) -> None:
        async with self.db.transaction() as s:
            row = await s.get(MeetingAnalysis, analysis_id)
            if row is not None:
                row.posted_channel, row.posted_ts = channel, ts

    async def assign_customer(self, analysis_id: int, customer_id: int) -> StoredMeeting | None:
        """The CSM picked the customer of an unmatched meeting: record it and tell the hooks."""
        async with self.db.transaction() as s:
            row = await s.get(MeetingAnalysis, analysis_id)
            customer = await s.get(Customer, customer_id)
            if row is None or customer is None or row.summary is None:
                return None
            row.customer_id = customer.id
        stored = await self.get(analysis_id)
        if stored is not None:
            await self._tell(stored)  # now it goes to the customer's channel, and triggers see it
        return stored
