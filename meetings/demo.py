"""Demo meetings for `csm seed demo` and the sandbox: sample calls analysed offline and stored
against the demo customers (matched by their names in the topics, as a Zoom meeting would be)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from meetings.analysis import OfflineAnalyzer
from meetings.service import MeetingFacts, MeetingService

SAMPLES = Path(__file__).with_name("samples")

# file, topic, days ago
DEMO_MEETINGS = [
    ("acme_renewal.vtt", "Acme Corp renewal", 2),
    ("umbrella_outage.txt", "Umbrella Corp outage review", 1),
    ("wayne_expansion.vtt", "Wayne Enterprises expansion", 5),
]


async def seed_demo_meetings(db, now: datetime | None = None) -> int:
    """Analyse and store the sample calls; returns how many were new (0 when already seeded)."""
    now = now or datetime.now(UTC)
    service = MeetingService(db, analyzer=OfflineAnalyzer())
    created = 0
    for name, topic, days_ago in DEMO_MEETINGS:
        started = (now - timedelta(days=days_ago)).replace(hour=16, minute=0, second=0, microsecond=0)
        stored = await service.analyze_and_store(
            (SAMPLES / name).read_text(),
            MeetingFacts(meeting_id=f"demo-{Path(name).stem}", topic=topic, started_at=started),
        )
        created += stored.created
    return created
