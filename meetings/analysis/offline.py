"""The offline analyser: every processor run locally, no network, no model download."""

from __future__ import annotations

from datetime import date

from meetings.analysis.actions import extract_action_items
from meetings.analysis.context import AnalysisContext
from meetings.analysis.models import MeetingAnalysisResult, MeetingInfo
from meetings.analysis.sentiment import analyze_sentiment
from meetings.analysis.sentiment_weighing import weigh_sentiment
from meetings.analysis.signal_weighing import weigh
from meetings.analysis.signals import detect_signals
from meetings.analysis.summary import follow_up_email, summarize
from meetings.analysis.text import sentences_of, vendor_side
from meetings.analysis.topics import segment_topics
from meetings.transcript import Transcript


class OfflineAnalyzer:
    """`weigh_signals=False` keeps the sentence rules' signals as they are, without the whole call's
    weighing (signal_weighing): what the live bot reports, and what that weighing is trained on.
    `weigh_sentiment=False` keeps the lexicon's speaker scores, without the whole call's weighing of
    each speaker's stance (sentiment_weighing)."""

    name = "offline"

    def __init__(self, *, weigh_signals: bool = True, weigh_sentiment: bool = True) -> None:
        self.weigh_signals = weigh_signals
        self.weigh_sentiment = weigh_sentiment

    async def analyze(
        self, transcript: Transcript, *, meeting_date: date, context: AnalysisContext | None = None
    ) -> MeetingAnalysisResult:
        return self.analyze_now(transcript, meeting_date=meeting_date, context=context)

    def analyze_now(
        self, transcript: Transcript, *, meeting_date: date, context: AnalysisContext | None = None
    ) -> MeetingAnalysisResult:
        context = context or AnalysisContext()
        speakers = transcript.speakers
        sentences = sentences_of(transcript)
        vendor = vendor_side(transcript, context.internal_speakers or None)
        action_items = extract_action_items(sentences, speakers, meeting_date)
        said = detect_signals(sentences, vendor)
        signals = weigh(said, sentences, vendor) if self.weigh_signals else said
        sentiment = analyze_sentiment(sentences, speakers, vendor)
        if self.weigh_sentiment:
            sentiment = weigh_sentiment(sentiment, sentences, vendor, said)
        duration = transcript.duration_seconds
        topics = segment_topics(sentences, duration, speakers)
        author = context.author or next(
            (s for s in speakers if s in vendor), speakers[0] if speakers else None
        )
        return MeetingAnalysisResult(
            meeting=MeetingInfo(duration_seconds=duration, speakers=speakers),
            summary=summarize(sentences, speakers, duration, signals, action_items, topics),
            action_items=action_items,
            sentiment=sentiment,
            signals=signals,
            topics=topics,
            follow_up_email=follow_up_email(
                speakers=speakers,
                author=author,
                action_items=action_items,
                topics=topics,
                meeting_date=meeting_date,
                subject_hint=context.topic,
            ),
        )
