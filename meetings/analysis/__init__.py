"""Meeting analysis: one interface, a Claude backend and an offline backend (DESIGN principle 4).

analyzer = make_analyzer(settings)
result = await analyzer.analyze(transcript, meeting_date=date(2026, 11, 20))
result.to_contract()  # the JSON of CONTRACTS §6
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from meetings.analysis.context import AnalysisContext
from meetings.analysis.models import MeetingAnalysisResult
from meetings.analysis.offline import OfflineAnalyzer
from meetings.transcript import Transcript


class MeetingAnalyzer(Protocol):
    name: str

    async def analyze(
        self, transcript: Transcript, *, meeting_date: date, context: AnalysisContext | None = None
    ) -> MeetingAnalysisResult: ...


def make_analyzer(settings: Any = None, client: Any = None) -> MeetingAnalyzer:
    """Claude when ANTHROPIC_API_KEY is set (falling back offline on any error), else offline."""
    if client is None and settings is not None:
        from llm.client import make_client

        client = make_client(settings)
    if client is None:
        return OfflineAnalyzer()
    from meetings.analysis.claude import ClaudeAnalyzer

    return ClaudeAnalyzer(client)


__all__ = ["AnalysisContext", "MeetingAnalysisResult", "MeetingAnalyzer", "OfflineAnalyzer", "make_analyzer"]
