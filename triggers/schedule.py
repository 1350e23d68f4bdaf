"""When a job is due: crontab(5) (Sunday = 0), fixed intervals, or RFC 5545 RRULEs, in a timezone.

APScheduler 3's `CronTrigger.from_crontab` numbers weekdays from Monday = 0 (`0 9 * * 1` would fire on
Tuesdays), so cron here is croniter, which follows crontab(5). Fire times are deterministic (cron and
rrule slots; intervals anchored at the Unix epoch), so every process computes the same slots and the
(job, fire_time) key of a run is the same wherever it is computed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from dateutil.rrule import rrulestr

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_RRULE_START = datetime(2024, 1, 1)  # a Monday; pass `dtstart` for "every other ..." parity


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}; use an IANA name such as America/New_York") from None


@dataclass(frozen=True)
class Schedule:
    """Exactly one of `cron`, `interval`, `rrule`."""

    cron: str | None = None
    interval: timedelta | None = None
    rrule: str | None = None
    timezone: str = "UTC"
    dtstart: datetime | None = None

    def __post_init__(self) -> None:
        if sum(x is not None for x in (self.cron, self.interval, self.rrule)) != 1:
            raise ValueError("a schedule needs exactly one of cron, interval or rrule")
        zone(self.timezone)
        if self.cron is not None and (len(self.cron.split()) != 5 or not croniter.is_valid(self.cron)):
            raise ValueError(
                f"{self.cron!r} is not a five-field cron expression (minute hour day month weekday)"
            )
        if self.interval is not None and self.interval.total_seconds() < 1:
            raise ValueError("an interval must be at least one second")
        if self.rrule is not None:
            self._rrule()  # raises ValueError on a bad rule

    @classmethod
    def parse(
        cls, spec: str | int | float | timedelta, timezone: str | None = None, dtstart: datetime | None = None
    ) -> Schedule:
        """A cron string, an RRULE (`FREQ=...` or `RRULE:FREQ=...`), or an interval (seconds or timedelta)."""
        tz = timezone or "UTC"
        if isinstance(spec, timedelta):
            return cls(interval=spec, timezone=tz)
        if isinstance(spec, int | float):
            return cls(interval=timedelta(seconds=spec), timezone=tz)
        text = spec.strip()
        if text.upper().startswith(("FREQ=", "RRULE:", "DTSTART")):
            return cls(rrule=text, timezone=tz, dtstart=dtstart)
        return cls(cron=text, timezone=tz)

    def _rrule(self):  # type: ignore[no-untyped-def]
        tz = zone(self.timezone)
        start = self.dtstart or DEFAULT_RRULE_START
        start = start.astimezone(tz) if start.tzinfo else start.replace(tzinfo=tz)
        try:
            return rrulestr(self.rrule or "", dtstart=start)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{self.rrule!r} is not a valid RRULE: {exc}") from None

    def next_after(self, after: datetime) -> datetime | None:
        """The first fire time strictly after `after` (UTC-aware in, UTC-aware out)."""
        after = after.astimezone(UTC)
        if self.interval is not None:
            step = self.interval.total_seconds()
            n = int((after - EPOCH).total_seconds() // step) + 1
            return EPOCH + timedelta(seconds=n * step)
        tz = zone(self.timezone)
        local = after.astimezone(tz)
        if self.cron is not None:
            nxt = croniter(self.cron, local).get_next(datetime)
            return nxt.astimezone(UTC)
        nxt = self._rrule().after(local, inc=False)
        return nxt.astimezone(UTC) if nxt is not None else None

    def between(self, after: datetime, until: datetime, limit: int = 10_000) -> Iterator[datetime]:
        """Fire times in (after, until]."""
        t = after
        for _ in range(limit):
            nxt = self.next_after(t)
            if nxt is None or nxt > until:
                return
            yield nxt
            t = nxt

    def latest_due(self, after: datetime, now: datetime) -> datetime | None:
        """The last fire time in (after, now]: missed slots collapse into one run (coalescing)."""
        if self.interval is not None:
            step = self.interval.total_seconds()
            n = int((now.astimezone(UTC) - EPOCH).total_seconds() // step)
            t = EPOCH + timedelta(seconds=n * step)
            return t if t > after else None
        tz = zone(self.timezone)
        local = now.astimezone(tz)
        if self.cron is not None:
            t = croniter(self.cron, local + timedelta(seconds=1)).get_prev(datetime).astimezone(UTC)
        else:
            prev = self._rrule().before(local, inc=True)
            t = prev.astimezone(UTC) if prev is not None else None
        return t if t is not None and t > after else None
