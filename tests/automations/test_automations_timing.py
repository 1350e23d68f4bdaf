"""Next run times: crontab(5) weekdays, RRULEs, one-offs, timezones and daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime

from automations.definition import AutomationDefinition
from automations.nl.parser import parse_offline
from automations.timing import effective_timezone, next_runs


def defn(text: str, now: datetime) -> AutomationDefinition:
    return parse_offline(text, now=now).definition


def test_monday_is_monday_in_crontab5():
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday
    runs = next_runs(defn("every monday at 9am send me a summary", now), "UTC", now=now)
    assert [r.strftime("%a %Y-%m-%d %H:%M") for r in runs] == [
        "Mon 2026-11-30 09:00", "Mon 2026-12-07 09:00", "Mon 2026-12-14 09:00",
    ]  # fmt: skip


def test_new_york_morning_stays_nine_across_the_spring_change():
    now = datetime(2027, 3, 2, 12, tzinfo=UTC)  # DST starts in New York on Sunday 14 March 2027
    d = defn("every monday at 9am ET send me a summary", now)
    tz = effective_timezone(d, "Europe/Paris", "UTC")
    assert tz == "America/New_York"  # the stated timezone wins over the user's
    runs = next_runs(d, tz, now=now)
    assert [r.strftime("%H:%M") for r in runs] == ["09:00", "09:00", "09:00"]
    assert [r.astimezone(UTC).hour for r in runs] == [14, 13, 13]


def test_user_timezone_then_workspace_default():
    d = defn("every day at 8am send me a summary", datetime(2026, 11, 25, tzinfo=UTC))
    assert effective_timezone(d, "Asia/Tokyo", "UTC") == "Asia/Tokyo"
    assert effective_timezone(d, None, "Europe/London") == "Europe/London"


def test_first_business_day_skips_the_weekend():
    now = datetime(2027, 4, 15, tzinfo=UTC)  # 1 May 2027 is a Saturday
    runs = next_runs(defn("on the first business day of the month send me a summary", now), "UTC", now=now)
    assert runs[0].strftime("%a %Y-%m-%d %H:%M") == "Mon 2027-05-03 09:00"


def test_every_other_friday_is_two_weeks_apart():
    now = datetime(2026, 11, 25, tzinfo=UTC)
    runs = next_runs(defn("every other friday at 4pm send me a summary", now), "UTC", now=now)
    assert [(b - a).days for a, b in zip(runs, runs[1:], strict=False)] == [14, 14]
    assert all(r.strftime("%a %H:%M") == "Fri 16:00" for r in runs)


def test_once_runs_once():
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    d = defn("tomorrow at 3pm send me a summary", now)
    assert [r.isoformat() for r in next_runs(d, "America/Chicago", now=now)] == ["2026-11-26T15:00:00-06:00"]


def test_rrule_keeps_local_time_across_the_autumn_change():
    now = datetime(2026, 10, 20, tzinfo=UTC)  # London leaves summer time on Sunday 25 October 2026
    d = defn("every other friday at 4pm London time send me a summary", now)
    runs = next_runs(d, "Europe/London", now=now, count=3)
    assert [r.strftime("%a %H:%M") for r in runs] == ["Fri 16:00"] * 3
    assert [r.utcoffset().total_seconds() for r in runs] == [3600.0, 0.0, 0.0]
