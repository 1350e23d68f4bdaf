"""Times of day, timezones and one-off dates inside a schedule ("5:30pm ET", "December 3rd")."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from automations.nl.lexicon import DAY_PARTS, TIMEZONE_ABBREVIATIONS
from automations.nl.schedule import SLOT, Schedule, ScheduleError, _check_date, _month_day
from automations.nl.tokens import Sentence
from automations.nl.zones import city_zone, iana_zone


def _times(s: Sentence, i: int, sch: Schedule) -> int | None:
    j = i
    if s.low(j) == "at":
        j += 1
    got = False
    while True:
        tok = s.toks[j] if j < len(s) else None
        if tok is None or not s.free(j):
            break
        if tok.kind == "time":
            if tok.value is None:
                raise ScheduleError(f"{tok.text} is not a time of day")
            sch.times.append(tok.value)
        elif tok.low in DAY_PARTS and tok.low in ("noon", "midday", "midnight"):
            sch.times.append((DAY_PARTS[tok.low], 0))
        elif tok.low in DAY_PARTS:
            if s.low(j - 1) in ("the",) or sch.once_date or sch.found or s.low(j - 1) in ("tomorrow",):
                sch.default_hour = DAY_PARTS[tok.low]
            else:
                sch.default_hour = DAY_PARTS[tok.low]
                sch.set_freq("daily")
        elif tok.kind == "number" and isinstance(tok.value, int) and s.low(j - 1) in ("at", "and"):
            hour = tok.value
            if not 0 <= hour <= 23:
                raise ScheduleError(f"{hour} is not an hour of the day")
            if hour < 7 and sch.default_hour != 9:
                hour += 12
            sch.times.append((hour, 0))
        else:
            break
        got = True
        j += 1
        if s.low(j) == "and" and (
            s.kind(j + 1) == "time" or (s.kind(j + 1) == "number" and s.low(j - 2) != "")
        ):
            if s.kind(j + 1) in ("time", "number"):
                j += 1
                continue
        break
    if not got:
        return None
    if s.low(j) == "every" and s.low(j + 1) == "day":  # handled by the next pass
        return j
    return j


def _zone_at(s: Sentence, i: int) -> tuple[str, int] | None:
    if not s.free(i):
        return None
    tok = s.toks[i]
    low = tok.low
    if "/" in low:
        zone = iana_zone(low)
        if zone:
            return zone, i + 1
    if low in TIMEZONE_ABBREVIATIONS:
        after_time = s.kind(i - 1) in ("time", "number") or s.owner[i - 1] == SLOT if i else False
        if tok.text.isupper() or after_time or low in ("eastern", "pacific", "central", "mountain"):
            if low in ("central", "mountain") and not after_time:
                return None
            end = i + 1
            if s.low(end) == "time":
                end += 1
            return TIMEZONE_ABBREVIATIONS[low], end
    if s.low(i + 1) == "time" and tok.kind == "word":
        zone = city_zone(low)
        if zone:
            return zone, i + 2
    if s.low(i + 2) == "time" and tok.kind == "word":
        zone = city_zone(f"{low}_{s.low(i + 1)}")
        if zone:
            return zone, i + 3
    return None


def _date(s: Sentence, i: int, sch: Schedule, now: datetime) -> int | None:
    import dateparser

    md = _month_day(s, i)
    if md:
        month, day, end = md
        _check_date(month, day)
        yearly = sch.freq == "yearly" or any(s.low(k) in ("annually", "yearly") for k in range(len(s)))
        if yearly:
            sch.set_freq("yearly")
            sch.months, sch.monthdays = [month], [day]
            return end
        text = s.span(i, end)
    else:
        end = i + 1
        text = s.toks[i].text
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future"},
    )
    if parsed is None:
        raise ScheduleError(f"{text} is not a date")
    sch.once_date = parsed.date()
    return end


def zone_of(name: str | None) -> ZoneInfo | None:
    return ZoneInfo(name) if name else None
