"""A parsed `Schedule` -> the trigger of CONTRACTS §5: cron when cron can say it, else an RRULE."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from automations.nl.lexicon import DAY_NUMBER, WEEKDAYS
from automations.nl.schedule import Schedule, ScheduleError

DEFAULT_HOUR = 9
QUARTER_MONTHS = [1, 4, 7, 10]


def compress(numbers: list[int]) -> str:
    """[1,2,3,4,5] -> '1-5'; [0,6] -> '0,6'; runs of three or more become ranges."""
    values = sorted(set(numbers))
    parts: list[str] = []
    k = 0
    while k < len(values):
        j = k
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        if j - k >= 2:
            parts.append(f"{values[k]}-{values[j]}")
        else:
            parts.extend(str(v) for v in values[k : j + 1])
        k = j + 1
    return ",".join(parts)


def _times(sch: Schedule) -> list[tuple[int, int]]:
    if sch.times:
        return sorted(set(sch.times))
    return [(sch.default_hour if sch.default_hour is not None else DEFAULT_HOUR, 0)]


def _ordered_days(days: list[str]) -> list[str]:
    order = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    return sorted(set(days), key=order.index)


def build(sch: Schedule) -> dict[str, Any] | None:  # noqa: C901
    """The trigger dict, or None when no schedule was said."""
    if sch.once_date and not sch.freq:
        hour, minute = _times(sch)[0]
        at = datetime(sch.once_date.year, sch.once_date.month, sch.once_date.day, hour, minute)
        if sch.tz:
            at = at.replace(tzinfo=ZoneInfo(sch.tz))
        return {"kind": "once", "at": at.isoformat()}
    if not sch.freq:
        if sch.times and sch.days:
            sch.freq = "weekly"
        elif sch.times or sch.tz or sch.default_hour is not None:
            return None
        else:
            return None
    if sch.once_date:
        raise ScheduleError("it says both a one-off date and a repeating schedule")
    times = _times(sch)
    minutes = sorted({m for _, m in times})
    hours = sorted({h for h, _ in times})
    freq, interval = sch.freq, sch.interval
    tz = sch.tz

    days = compress([DAY_NUMBER[d] for d in sch.days]) if sch.days else "*"
    window = f"{sch.window[0]}-{sch.window[1]}" if sch.window else "*"
    if sch.window and freq not in ("minutely", "hourly"):
        raise ScheduleError("a window of hours goes with 'every hour' or 'every N minutes'")
    if freq == "minutely":
        return _cron(f"*/{interval} {window} * * {days}" if interval > 1 else f"* {window} * * {days}", tz)
    if freq == "hourly":
        step = f"/{interval}" if interval > 1 else ""
        hours = f"{window}{step}" if sch.window else ("*" + step)
        return _cron(f"{minutes[0] if sch.times else 0} {hours} * * {days}", tz)
    if len(minutes) > 1:
        raise ScheduleError("times with different minutes in one schedule (say them as two automations)")
    minute = minutes[0]
    hour_field = ",".join(str(h) for h in hours)
    by_time = f"BYHOUR={hour_field};BYMINUTE={minute}"

    if freq == "quarterly":
        freq, interval = "monthly", 1
        sch.months = sch.months or QUARTER_MONTHS
    if freq == "daily":
        if interval > 1:
            return _rrule(f"FREQ=DAILY;INTERVAL={interval};{by_time}", tz)
        dow = compress([DAY_NUMBER[d] for d in sch.days]) if sch.days else "*"
        return _cron(f"{minute} {hour_field} * * {dow}", tz)
    if freq == "weekly":
        days = sch.days or ["MO"]
        if interval > 1:
            return _rrule(
                f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={','.join(_ordered_days(days))};{by_time}", tz
            )
        return _cron(f"{minute} {hour_field} * * {compress([DAY_NUMBER[d] for d in days])}", tz)
    if freq == "monthly":
        month_part = f"BYMONTH={','.join(str(m) for m in sch.months)};" if sch.months else ""
        interval_part = f"INTERVAL={interval};" if interval > 1 else ""
        if sch.nth_days:
            return _rrule(
                f"FREQ=MONTHLY;{interval_part}{month_part}BYDAY={','.join(sch.nth_days)};{by_time}", tz
            )
        if sch.setpos is not None:
            return _rrule(
                f"FREQ=MONTHLY;{interval_part}{month_part}BYDAY={','.join(WEEKDAYS)};BYSETPOS={sch.setpos};{by_time}",
                tz,
            )
        monthdays = sch.monthdays or [1]
        if interval > 1 or any(d < 0 for d in monthdays):
            days = ",".join(str(d) for d in monthdays)
            return _rrule(f"FREQ=MONTHLY;{interval_part}{month_part}BYMONTHDAY={days};{by_time}", tz)
        months = (
            compress(sch.months) if sch.months and len(sch.months) != 4 else ",".join(map(str, sch.months))
        )
        return _cron(f"{minute} {hour_field} {compress(monthdays)} {months or '*'} *", tz)
    if freq == "yearly":
        if interval > 1:
            raise ScheduleError("every few years is beyond what a schedule here can say")
        month = sch.months[0] if sch.months else 1
        day = sch.monthdays[0] if sch.monthdays else 1
        return _cron(f"{minute} {hour_field} {day} {month} *", tz)
    return None


def _cron(cron: str, tz: str | None) -> dict[str, Any]:
    return {"kind": "schedule", "cron": cron, "timezone": tz}


def _rrule(rule: str, tz: str | None) -> dict[str, Any]:
    return {"kind": "schedule", "cron": None, "rrule": rule, "timezone": tz}
