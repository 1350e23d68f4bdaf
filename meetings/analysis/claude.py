"""The Claude analyser: one structured call, checked against the transcript; any failure (API
error, missing structure, an answer that breaks CONTRACTS §6) falls back to the offline analyser."""

from __future__ import annotations

import logging
from datetime import date

from pydantic import BaseModel, Field, ValidationError

from llm.client import ClaudeClient, LlmUnavailable
from meetings.analysis.context import AnalysisContext
from meetings.analysis.models import (
    SIGNAL_CATEGORIES,
    ActionItem,
    FollowUpEmail,
    MeetingAnalysisResult,
    MeetingInfo,
    SentimentResult,
    Signal,
    SignalCategory,
    SignalType,
    Topic,
)
from meetings.analysis.offline import OfflineAnalyzer
from meetings.transcript import Transcript, format_timestamp

log = logging.getLogger(__name__)


class _Action(BaseModel):
    owner: str | None = Field(
        description="the full name of the speaker who will do it, exactly as in the transcript"
    )
    text: str = Field(description="what to do, starting with a verb")
    due: date | None = Field(description="YYYY-MM-DD resolved against the meeting date, or null")


class _SpeakerScore(BaseModel):
    speaker: str
    score: float = Field(ge=-1, le=1)


class _Signal(BaseModel):
    type: SignalType
    category: SignalCategory
    speaker: str | None
    quote: str = Field(description="the speaker's words, verbatim")
    timestamp: str = Field(description="HH:MM:SS of the line the quote is in")


class _Topic(BaseModel):
    title: str
    start: str
    end: str


class ClaudeMeetingAnalysis(BaseModel):
    summary: str
    action_items: list[_Action]
    overall_sentiment: float = Field(ge=-1, le=1)
    speaker_sentiment: list[_SpeakerScore]
    signals: list[_Signal]
    topics: list[_Topic]
    follow_up_subject: str
    follow_up_body: str


SYSTEM = (
    "You analyse customer calls for a Customer Success Manager. Be faithful to the transcript: never "
    "invent commitments, dates or quotes. Action items are commitments someone made or requests someone "
    "accepted; not things already done, hypotheticals, or declined requests. Signals are the customer's "
    "voice. Signal categories: "
    + "; ".join(f"{t}: {', '.join(c)}" for t, c in SIGNAL_CATEGORIES.items())
    + ". Sentiment scores lie in [-1, 1]."
)


def _prompt(transcript: Transcript, meeting_date: date, context: AnalysisContext) -> str:
    lines = [
        f"Meeting date: {meeting_date.isoformat()} ({meeting_date:%A}).",
        f"Speakers: {', '.join(transcript.speakers)}.",
    ]
    if context.topic:
        lines.append(f"Meeting topic: {context.topic}.")
    if context.internal_speakers:
        lines.append(f"On the CSM's side: {', '.join(sorted(context.internal_speakers))}.")
    if context.author:
        lines.append(f"The follow-up email is written by {context.author} to the other participants.")
    lines += ["", "Transcript:", transcript.to_text()]
    return "\n".join(lines)


class ClaudeAnalyzer:
    name = "claude"

    def __init__(self, client: ClaudeClient, fallback: OfflineAnalyzer | None = None) -> None:
        self.client = client
        self.fallback = fallback or OfflineAnalyzer()

    async def analyze(
        self, transcript: Transcript, *, meeting_date: date, context: AnalysisContext | None = None
    ) -> MeetingAnalysisResult:
        context = context or AnalysisContext()
        try:
            answer = await self.client.structured(
                system=SYSTEM,
                prompt=_prompt(transcript, meeting_date, context),
                schema=ClaudeMeetingAnalysis,
                name="meeting_analysis",
            )
            assert isinstance(answer, ClaudeMeetingAnalysis)
            return self._checked(answer, transcript)
        except (LlmUnavailable, ValidationError, ValueError) as exc:
            log.warning("Claude meeting analysis failed (%s); using the offline analyser", exc)
            return await self.fallback.analyze(transcript, meeting_date=meeting_date, context=context)

    @staticmethod
    def _checked(answer: ClaudeMeetingAnalysis, transcript: Transcript) -> MeetingAnalysisResult:
        speakers = transcript.speakers
        known = set(speakers)
        end = format_timestamp(transcript.turns[-1].end) if transcript.turns else "00:00:00"

        def stamp(value: str) -> str:
            try:
                parts = [int(p) for p in value.split(":")]
            except ValueError:
                return "00:00:00"
            while len(parts) < 3:
                parts.insert(0, 0)
            return format_timestamp(parts[0] * 3600 + parts[1] * 60 + parts[2])

        scores = {s.speaker: s.score for s in answer.speaker_sentiment if s.speaker in known}
        return MeetingAnalysisResult(
            meeting=MeetingInfo(duration_seconds=transcript.duration_seconds, speakers=speakers),
            summary=answer.summary,
            action_items=[
                ActionItem(owner=a.owner if a.owner in known else None, text=a.text, due=a.due)
                for a in answer.action_items
            ],
            sentiment=SentimentResult(
                overall=answer.overall_sentiment, speakers={s: scores.get(s, 0.0) for s in speakers}
            ),
            signals=[
                Signal(
                    type=s.type,
                    category=s.category,
                    speaker=s.speaker if s.speaker in known else None,
                    quote=s.quote,
                    timestamp=stamp(s.timestamp),
                )
                for s in answer.signals
            ],
            topics=[
                Topic(title=t.title, start=stamp(t.start), end=stamp(t.end) if t.end else end)
                for t in answer.topics
            ],
            follow_up_email=FollowUpEmail(subject=answer.follow_up_subject, body=answer.follow_up_body),
        )
