"""Slack event ids we have handled: Slack retries with the same `event_id`, we act once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from store.db import Database
from store.models import ProcessedSlackEvent


async def claim_event(db: Database, event_id: str) -> bool:
    """True the first time `event_id` is seen (across processes), False on every retry."""
    try:
        async with db.transaction() as session:
            session.add(ProcessedSlackEvent(event_id=event_id))
        return True
    except IntegrityError:
        return False


async def forget_older_than(db: Database, days: int = 7) -> int:
    async with db.transaction() as session:
        result = await session.execute(
            delete(ProcessedSlackEvent).where(
                ProcessedSlackEvent.received_at < datetime.now(UTC) - timedelta(days=days)
            )
        )
        return result.rowcount or 0
