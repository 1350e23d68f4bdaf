"""Meeting analyses (CONTRACTS §6) as stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, utcnow


class MeetingAnalysis(Base):
    __tablename__ = "meeting_analyses"
    __table_args__ = (UniqueConstraint("platform", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), default="zoom")
    meeting_id: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    topic: Mapped[str | None] = mapped_column(String(500))
    host_email: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime | None]
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    transcript: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    action_items: Mapped[list[Any]] = mapped_column(default=list)
    sentiment_analysis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    overall_sentiment: Mapped[float | None] = mapped_column(Float)
    customer_signals: Mapped[list[Any]] = mapped_column(default=list)
    topics: Mapped[list[Any]] = mapped_column(default=list)
    follow_up_draft: Mapped[dict[str, Any]] = mapped_column(default=dict)
    posted_channel: Mapped[str | None] = mapped_column(String(50))
    posted_ts: Mapped[str | None] = mapped_column(String(50))
    analyzed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
