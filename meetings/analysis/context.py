"""What the analysers may know about a meeting beyond its transcript."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AnalysisContext:
    topic: str | None = None  # the meeting's title, e.g. "Acme renewal"
    customer_name: str | None = None
    author: str | None = None  # who signs the follow-up email (the host, a CSM)
    internal_speakers: frozenset[str] = field(default_factory=frozenset)  # the vendor's side of the call
