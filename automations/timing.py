"""When an automation runs: its schedule for the durable scheduler, its timezone, its next runs.

Built on `triggers.schedule.Schedule` (croniter for crontab(5) with Sunday = 0, dateutil for RRULEs),
which computes slots in the local time of the zone, so 09:00 stays 09:00 across daylight saving.
A one-off (`once`) is an RRULE with COUNT=1 starting at its moment.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from automations.definition import AutomationDefinition, EventTrigger, OnceTrigger, ScheduleTrigger
from triggers.schedule import Schedule

ONCE_RULE = "FREQ=DAILY;COUNT=1"


def effective_timezone(defn: AutomationDefinition, user_tz: str | None, default_tz: str) -> str:
    """The stated timezone, else the user's Slack timezone, else CSM_TIMEZONE."""
    stated = getattr(defn.trigger, "timezone", None)
    return stated or user_tz or default_tz or "UTC"


def once_moment(trigger: OnceTrigger, tz: str) -> datetime:
    at = datetime.fromisoformat(trigger.at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(tz))
    return at


def schedule_of(defn: AutomationDefinition, tz: str, anchor: datetime | None = None) -> Schedule | None:
    """The scheduler's view of the trigger; None for event triggers.

    `anchor` (the automation's creation) fixes the parity of "every other ..." RRULEs."""
    t = defn.trigger
    if isinstance(t, EventTrigger):
        return None
    if isinstance(t, OnceTrigger):
        at = once_moment(t, tz)
        return Schedule(rrule=ONCE_RULE, timezone=tz, dtstart=at.astimezone(ZoneInfo(tz)))
    assert isinstance(t, ScheduleTrigger)
    if t.cron:
        return Schedule(cron=t.cron, timezone=tz)
    start = (anchor or datetime.now(UTC)).astimezone(ZoneInfo(tz)).replace(second=0, microsecond=0)
    start = start.replace(hour=0, minute=0)
    return Schedule(rrule=t.rrule, timezone=tz, dtstart=start)


def next_runs(
    defn: AutomationDefinition,
    tz: str,
    *,
    now: datetime | None = None,
    anchor: datetime | None = None,
    count: int = 3,
) -> list[datetime]:
    """The next `count` run times, in the automation's timezone."""
    schedule = schedule_of(defn, tz, anchor or now)
    if schedule is None:
        return []
    t = now or datetime.now(UTC)
    out: list[datetime] = []
    zone = ZoneInfo(tz)
    for _ in range(count):
        nxt = schedule.next_after(t)
        if nxt is None:
            break
        out.append(nxt.astimezone(zone))
        t = nxt
    return out
