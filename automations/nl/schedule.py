"""Schedules in words -> crontab(5) (Sunday = 0), an RFC 5545 RRULE, or a one-off date.

A small grammar over the tokens: frequency ("every other Friday", "quarterly", "every 15 minutes"),
days ("mon, wed and fri", "weekdays", "monday through friday"), month days ("the 1st and 15th"),
ordinal days ("first Monday of the month", "last business day of the quarter"), times ("9am",
"17:00", "noon", "at 9 and 5pm"), timezones ("ET", "London time", "America/Chicago"), and one-off
dates read with dateparser ("tomorrow at 3pm", "December 3rd", "12/1").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from automations.nl.lexicon import (
    DAY_NUMBER,
    DAY_PARTS,
    DAYS,
    MONTHS,
    ORDINAL_WORDS,
    WEEKDAYS,
)
from automations.nl.tokens import Sentence

SLOT = "schedule"
_UNITS = {
    "minute": "minutely",
    "minutes": "minutely",
    "mins": "minutely",
    "min": "minutely",
    "hour": "hourly",
    "hours": "hourly",
    "hrs": "hourly",
    "day": "daily",
    "days": "daily",
    "week": "weekly",
    "weeks": "weekly",
    "month": "monthly",
    "months": "monthly",
    "quarter": "quarterly",
    "quarters": "quarterly",
    "year": "yearly",
    "years": "yearly",
}
_ADVERBS = {
    "daily": ("daily", 1),
    "nightly": ("daily", 1),
    "weekly": ("weekly", 1),
    "biweekly": ("weekly", 2),
    "fortnightly": ("weekly", 2),
    "monthly": ("monthly", 1),
    "quarterly": ("quarterly", 1),
    "yearly": ("yearly", 1),
    "annually": ("yearly", 1),
    "hourly": ("hourly", 1),
}
NOT_SCHEDULE_AFTER_EVERY = frozenset(
    {"time", "times", "meeting", "meetings", "call", "calls", "customer", "of"}
)


class ScheduleError(ValueError):
    """The text states a schedule that cannot exist (February 31st, 25:00)."""


@dataclass
class Schedule:
    freq: str | None = None
    interval: int = 1
    days: list[str] = field(default_factory=list)
    monthdays: list[int] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    nth_days: list[str] = field(default_factory=list)  # RRULE BYDAY with ordinals: 1MO, -1FR
    setpos: int | None = None  # business days: BYDAY=MO..FR;BYSETPOS=n
    times: list[tuple[int, int]] = field(default_factory=list)
    default_hour: int | None = None
    tz: str | None = None
    once_date: date | None = None
    window: tuple[int, int] | None = None  # "between 9am and 5pm": hours of an hourly schedule
    found: bool = False

    def set_freq(self, freq: str, interval: int = 1) -> None:
        if self.freq in (None, "weekly", "daily") or freq not in ("weekly", "daily"):
            if not (self.freq == "quarterly" and freq == "monthly"):
                self.freq = freq
        if interval > 1:
            self.interval = interval
        self.found = True


def _days_list(s: Sentence, i: int) -> tuple[list[str], int]:
    """'monday', 'mon, wed and fri', 'tuesday and thursday', 'monday through friday'."""
    days: list[str] = []
    j = i
    while s.free(j) and s.low(j) in DAYS:
        days.append(DAYS[s.low(j)])
        k = j + 1
        if s.low(k) in ("through", "thru", "to", "-") and s.low(k + 1) in DAYS:
            a, b = DAY_NUMBER[days[-1]], DAY_NUMBER[DAYS[s.low(k + 1)]]
            order = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
            days.extend(order[a + 1 : b + 1])
            j = k + 2
            continue
        if s.low(k) in (",", "and", "&", "or") and s.low(k + 1) in DAYS:
            j = k + 1
            continue
        if s.low(k) == "," and s.low(k + 1) == "and" and s.low(k + 2) in DAYS:
            j = k + 2
            continue
        j = k
    return days, j


def _month_day(s: Sentence, i: int) -> tuple[int, int, int] | None:
    """'January 1st', 'March 15', 'the 15th of March' -> (month, day, end)."""
    if s.low(i) in MONTHS and s.kind(i + 1) in ("ordinal", "number") and isinstance(s.toks[i + 1].value, int):
        month, day = MONTHS[s.low(i)], s.toks[i + 1].value
        return month, day, i + 2
    j = i + 1 if s.low(i) == "the" else i
    if s.kind(j) == "ordinal" and s.low(j + 1) == "of" and s.low(j + 2) in MONTHS:
        return MONTHS[s.low(j + 2)], s.toks[j].value, j + 3
    return None


def _check_date(month: int, day: int) -> None:
    limit = 29 if month == 2 else calendar.monthrange(2025, month)[1]
    if not 1 <= day <= limit:
        raise ScheduleError(f"{calendar.month_name[month]} {day} is not a date")


def extract(s: Sentence, now: datetime, skip: set[int] | None = None) -> Schedule:  # noqa: C901
    from automations.nl.schedule_parts import _date, _times, _zone_at

    sch = Schedule()
    skip = skip or set()
    n = len(s)
    i = 0
    while i < n:
        if i in skip or not s.free(i):
            i += 1
            continue
        low, kind = s.low(i), s.kind(i)
        start = i
        end: int | None = None

        if low in ("every", "each") and s.low(i + 1) not in NOT_SCHEDULE_AFTER_EVERY:
            end = _every(s, i + 1, sch)
        elif low in _ADVERBS and not (
            low in ("weekly", "daily", "monthly") and sch.found and _before_noun(s, i)
        ):
            freq, interval = _ADVERBS[low]
            sch.set_freq(freq, interval)
            end = i + 1
            if s.low(end) == "on" and (s.low(end + 1) in DAYS or s.low(end + 1) == "the"):
                end += 1
        elif low in ("weekly", "daily", "monthly") and sch.found:
            end = i + 1  # "a weekly summary" when the schedule is already said
        elif (
            low in ("between", "from")
            and s.kind(i + 1) == "time"
            and s.low(i + 2) in ("and", "to", "-", "until")
        ):
            first, last = s.toks[i + 1].value, s.toks[i + 3].value if s.kind(i + 3) == "time" else None
            if first is None or last is None or last[0] < first[0]:
                raise ScheduleError("that window of hours is not a window")
            sch.window = (first[0], last[0])
            end = i + 4
        elif low == "twice" and s.seq(i + 1, "a", "day") is not None:
            sch.set_freq("daily")
            end = i + 3
        elif low == "on" and s.low(i + 1) in ("weekdays", "weekends", "weekday", "weekend"):
            sch.set_freq("daily")
            sch.days = WEEKDAYS[:] if s.low(i + 1).startswith("weekday") else ["SA", "SU"]
            end = i + 2
        elif "-" in low and all(part in DAYS for part in low.split("-")) and len(low.split("-")) == 2:
            a, b = (DAY_NUMBER[DAYS[part]] for part in low.split("-"))
            order = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
            sch.days += order[a : b + 1] if a <= b else order[a:] + order[: b + 1]
            sch.set_freq("daily" if sorted(sch.days) == sorted(WEEKDAYS) else "weekly")
            end = i + 1
        elif s.seq(i, "?at", "the", "end", "of", "every|each|the", "month") is not None:
            end = s.seq(i, "?at", "the", "end", "of", "every|each|the", "month")
            sch.set_freq("monthly")
            sch.monthdays.append(-1)
        elif low in DAYS and _plural_day(low):
            days, end = _days_list(s, i)
            sch.days += days
            sch.set_freq("weekly")
            if s.low(start - 1) == "on" and s.free(start - 1):
                start -= 1
        elif low in ("weekdays",) and s.low(i - 1) != "on":
            sch.set_freq("daily")
            sch.days = WEEKDAYS[:]
            end = i + 1
        elif low in ORDINAL_WORDS or (kind == "ordinal" and _nth_follows(s, i + 1)):
            end = _nth(s, i, sch)
        elif kind == "ordinal" or (low == "the" and s.kind(i + 1) == "ordinal"):
            end = _monthdays(s, i, sch)
        elif kind == "time" or (low == "at" and s.kind(i + 1) in ("time", "number")) or low in DAY_PARTS:
            end = _times(s, i, sch)
        elif low in ("eod",) or s.seq(i, "end", "of", "day") is not None:
            sch.times.append((17, 0))
            end = i + 1 if low == "eod" else i + 3
        elif _zone_at(s, i) is not None:
            zone, end = _zone_at(s, i)  # type: ignore[misc]
            sch.tz = zone
        elif low in ("tomorrow", "today", "tonight") and s.low(i - 1) not in ("due", "by"):
            days = {"today": 0, "tonight": 0, "tomorrow": 1}[low]
            sch.once_date = now.date() + timedelta(days=days)
            if low == "tonight":
                sch.default_hour = 21
            end = i + 1
        elif kind in ("date",) or (low in MONTHS and s.kind(i + 1) in ("ordinal", "number")):
            end = _date(s, i, sch, now)
        elif (
            low in ("on", "next", "this")
            and s.low(i + 1) in DAYS
            and not _plural_day(s.low(i + 1))
            and not sch.found
        ):
            # "on Friday": the next one, once
            target = DAY_NUMBER[DAYS[s.low(i + 1)]]
            today = (now.weekday() + 1) % 7
            ahead = (target - today) % 7 or 7
            sch.once_date = now.date() + timedelta(days=ahead)
            end = i + 2
        if end is not None and end > start:
            s.take(start, end, SLOT)
            if s.low(start - 1) in ("on", "at") and s.free(start - 1):
                s.take(start - 1, start, SLOT)
            i = end
        else:
            i += 1
    return sch


def _plural_day(low: str) -> bool:
    return low.endswith("s") and low not in ("tues", "thurs")


def _before_noun(s: Sentence, i: int) -> bool:
    return s.low(i + 1) in ("summary", "digest", "report", "recap", "rundown", "update", "list", "overview")


def _nth_follows(s: Sentence, i: int) -> bool:
    return s.low(i) in DAYS or s.low(i) in ("business", "working", "weekday", "day")


def _every(s: Sentence, i: int, sch: Schedule) -> int | None:  # noqa: C901
    interval = 1
    if s.low(i) == "other":
        interval, i = 2, i + 1
    elif s.kind(i) == "number" and isinstance(s.toks[i].value, int) and s.low(i + 1) in _UNITS:
        interval, i = s.toks[i].value, i + 1
    low = s.low(i)
    if low in _UNITS:
        freq = _UNITS[low]
        if freq in ("minutely", "hourly") and interval > 1:
            sch.set_freq(freq, interval)
        else:
            sch.set_freq(freq, interval)
        end = i + 1
        if s.low(end) == "on" and s.low(end + 1) in DAYS:
            days, end = _days_list(s, end + 1)
            sch.days += days
            sch.set_freq("weekly", interval)
        return end
    if low in ("weekday", "weekdays"):
        sch.set_freq("daily")
        sch.days = WEEKDAYS[:]
        return i + 1
    if low in ("business", "working", "work") and s.low(i + 1) in ("day", "days"):
        sch.set_freq("daily")
        sch.days = WEEKDAYS[:]
        return i + 2
    if low in ("weekend", "weekends"):
        sch.set_freq("daily")
        sch.days = ["SA", "SU"]
        return i + 1
    if low in DAYS:
        days, end = _days_list(s, i)
        sch.days += days
        sch.set_freq("weekly", interval)
        return end
    if low in DAY_PARTS and low not in ("noon", "midday"):
        sch.set_freq("daily")
        sch.default_hour = DAY_PARTS[low]
        return i + 1
    if low in ORDINAL_WORDS or s.kind(i) == "ordinal":
        return _nth(s, i, sch)
    if low in MONTHS:
        md = _month_day(s, i)
        if md:
            month, day, end = md
            _check_date(month, day)
            sch.set_freq("yearly")
            sch.months, sch.monthdays = [month], [day]
            return end
    return None


def _nth(s: Sentence, i: int, sch: Schedule) -> int | None:
    """'first Monday of the month', 'last business day of each quarter', 'last day of every month'."""
    tok = s.toks[i]
    pos = tok.value if tok.kind == "ordinal" else ORDINAL_WORDS.get(tok.low)
    if pos is None:
        return None
    j = i + 1
    kind: str
    if s.low(j) in DAYS:
        kind, day = "dow", DAYS[s.low(j)]
        j += 1
    elif s.seq(j, "business|working", "day") is not None:
        kind, day, j = "business", "", j + 2
    elif s.low(j) == "weekday":
        kind, day, j = "business", "", j + 1
    elif s.low(j) == "day":
        kind, day, j = "day", "", j + 1
    elif s.low(j) == "of" and s.low(j + 1) in ("every", "each", "the") and s.low(j + 2) == "month":
        kind, day = "day", ""
    else:
        return None
    end = s.seq(j, "of|in", "?the|every|each", "month|quarter")
    if end is None:
        if sch.freq not in ("monthly", "quarterly"):  # "every quarter on the first business day"
            return None
        end, unit = j, "quarter" if sch.freq == "quarterly" else "month"
    else:
        unit = s.low(end - 1)
    sch.set_freq("monthly")
    if unit == "quarter":
        sch.freq = "quarterly"
    if kind == "dow":
        sch.nth_days.append(f"{pos}{day}")
    elif kind == "business":
        sch.setpos = pos
    else:
        sch.monthdays.append(pos)
    return end


def _monthdays(s: Sentence, i: int, sch: Schedule) -> int | None:
    j = i + 1 if s.low(i) == "the" else i
    days: list[int] = []
    while s.kind(j) == "ordinal":
        days.append(s.toks[j].value)
        if s.low(j + 1) in ("and", ",", "&") and (s.kind(j + 2) == "ordinal" or s.low(j + 2) == "the"):
            j += 3 if s.low(j + 2) == "the" else 2
            continue
        j += 1
    if not days:
        return None
    for d in days:
        if not 1 <= d <= 31:
            raise ScheduleError(f"there is no {d}th day of a month")
    if s.low(j) == "of" and s.low(j + 1) in MONTHS:  # "the 15th of March" (a date)
        return None
    sch.monthdays += days
    if sch.freq not in ("monthly", "quarterly", "yearly"):
        sch.set_freq("monthly")
    sch.found = True
    end = s.seq(j, "of", "?the|every|each", "month")
    return end or j
