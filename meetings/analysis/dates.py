"""Due dates in what people say ("by Friday", "next Tuesday", "end of month"), resolved against the
meeting date.

Rules (docs/meetings.md): a bare weekday ("Friday", "by Friday", "this Friday") is the next such day
after the meeting; "next Friday" is the Friday of the following week (weeks start on Monday);
"this week" / "end of week" is this week's Friday, "next week" / "end of next week" next week's;
"today", "tonight", "this afternoon", "end of day", "right after this call" are the meeting date;
"in N days/weeks", "within a week", "in a couple of weeks" count from the meeting date; "end of
(the) month/quarter/year" is its last day; "December 4th", "the 30th", "12/4" are the next such date.
Hand-written rather than dateparser: the phrases are few, and this runs a thousand times faster.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from llm.text import NUMBER_WORDS

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
NUMBERS = {
    **{word: n for word, n in NUMBER_WORDS.items() if n <= 10},
    "a": 1,
    "an": 1,
    "a couple of": 2,
    "a couple": 2,
    "a few": 3,
    "couple of": 2,
}

_WD = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_NUM = r"(\d+|" + "|".join(sorted(map(re.escape, NUMBERS), key=len, reverse=True)) + ")"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_LEAD = r"(?:by |on |before |until |till |til |for |no later than |due |this coming |starting |from )?"
# Spelled ordinals ("the twenty-sixth"), as people say dates aloud.
_ORDINAL_WORDS = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()
    )
}
_ORDINAL_WORDS.update({f"twenty-{w}": 20 + i for w, i in list(_ORDINAL_WORDS.items())[:9]})
_ORDINAL_WORDS.update({"thirtieth": 30, "thirty-first": 31})
_ORD_WORD = r"(" + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) + r")"
# A deadline's lead ("by Friday") says more about when a task is due than an event's ("a demo for
# Thursday"): where a clause holds both, the deadline wins.
_DEADLINE_LEAD = re.compile(r"^(?:by|before|until|till|til|no later than|due)\b", re.I)
_EVENT_LEAD = re.compile(r"^(?:for|starting|from)\b", re.I)


@dataclass(frozen=True)
class DuePhrase:
    due: date
    start: int
    end: int
    text: str


def _end_of_month(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _friday_of_week(d: date, weeks_ahead: int = 0) -> date:
    monday = d - timedelta(days=d.weekday()) + timedelta(weeks=weeks_ahead)
    return monday + timedelta(days=4)


def _next_weekday(d: date, weekday: int) -> date:
    days = (weekday - d.weekday()) % 7 or 7
    return d + timedelta(days=days)


def _following_week_day(d: date, weekday: int) -> date:
    monday_next = d - timedelta(days=d.weekday()) + timedelta(weeks=1)
    return monday_next + timedelta(days=weekday)


def _month_day(d: date, month: int | None, day: int) -> date | None:
    if month is None:
        year, month_ = d.year, d.month
        for _ in range(3):
            if day <= calendar.monthrange(year, month_)[1]:
                candidate = date(year, month_, day)
                if candidate >= d:
                    return candidate
            month_ += 1
            if month_ == 13:
                year, month_ = year + 1, 1
        return None
    if not 1 <= day <= calendar.monthrange(d.year, month)[1]:
        return None
    candidate = date(d.year, month, day)
    return candidate if candidate >= d - timedelta(days=31) else date(d.year + 1, month, day)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word]


def _rules(meeting: date):
    m = meeting
    return [
        (
            rf"\b{_LEAD}(?:(?:the )?end of (?:the )?day|close of (?:business|play)|cob|eod) (?:on )?{_WD}\b"
            rf"|\b{_LEAD}{_WD},? (?:morning|afternoon|evening|end of day|eod|close of (?:business|play)|cob)\b",
            lambda g: _next_weekday(m, WEEKDAYS.index(g.group(1) or g.group(2))),
        ),
        (
            rf"\b{_LEAD}(?:the )?end of (?:the )?day (?:on )?tomorrow\b|\b{_LEAD}tomorrow,? (?:end of day|eod)\b",
            lambda g: m + timedelta(days=1),
        ),
        (rf"\b{_LEAD}(?:the )?end of (?:the )?next week\b", lambda g: _friday_of_week(m, 1)),
        (
            rf"\b{_LEAD}(?:the )?end of (?:the |this )?(?:week|wk)\b|\beow\b",
            lambda g: _friday_of_week(m) if m.weekday() < 5 else _friday_of_week(m, 1),
        ),
        (
            rf"\b{_LEAD}(?:the )?end of next month\b",
            lambda g: _end_of_month(_end_of_month(m) + timedelta(days=1)),
        ),
        (rf"\b{_LEAD}(?:the )?end of (?:the |this )?month\b|\beom\b", lambda g: _end_of_month(m)),
        (
            rf"\b{_LEAD}(?:the )?end of (?:the |this )?quarter\b|\beoq\b",
            lambda g: _end_of_month(date(m.year, ((m.month - 1) // 3) * 3 + 3, 1)),
        ),
        (rf"\b{_LEAD}(?:the )?end of (?:the |this )?year\b", lambda g: date(m.year, 12, 31)),
        (
            rf"\b{_LEAD}(?:the )?end of (?:the )?day\b|\beod\b|\b(?:later )?today\b|\btonight\b|\bthis (?:afternoon|morning|evening)\b|\b(?:right |straight |just )?after (?:this|the|our) (?:call|meeting)\b|\b(?:right |straight |just )after this\b|\bafter this(?=\s*(?:[.,;!?]|$))"
            # "I'll send those IDs now.", "... right away.": closing a promise, the meeting date
            r"|\b(?:right |straight )away(?=\s*[.!]?\s*$)|\b(?:right )?now(?=\s*[.!]?\s*$)"
            # "within the hour", "in the next ten minutes", "in the next couple of hours": today too
            r"|\b(?:within the (?:next )?|in the next )(?:(?:one )?hour|half hour|(?:few|couple of|two|three|ten|twenty|thirty) (?:hours|minutes))\b",
            lambda g: m,
        ),
        (
            r"\b(?:by |on |for )?(?:tomorrow|tmrw)\b(?: morning| afternoon| evening)?",
            lambda g: m + timedelta(days=1),
        ),
        (
            rf"\b{_LEAD}(?:early |late |the start of |the beginning of )?next week\b",
            lambda g: (
                _friday_of_week(m, 1)
                if not re.search(r"early|start|beginning", g.group(0))
                else _following_week_day(m, 0)
            ),
        ),
        (
            rf"\b{_LEAD}this week\b",
            lambda g: _friday_of_week(m) if m.weekday() < 5 else _friday_of_week(m, 1),
        ),
        (
            # "two weeks from today": counted from the meeting, and longer than the "today" inside it.
            # "in about six weeks", "for six weeks' time" (but "for six weeks" is how long, not when)
            rf"\b(?:in |within )?{_NUM} (day|week|business day)s? from (?:today|now|this call)\b|"
            rf"\b(?:in|within|over the next)(?: about| around| roughly)? {_NUM} (day|week|business day)s?\b|"
            rf"\bfor(?: about| around| roughly)? {_NUM} (day|week)s?'? time\b",
            lambda g: (
                m
                + (
                    timedelta(weeks=_number(g.group(1) or g.group(3) or g.group(5)))
                    if (g.group(2) or g.group(4) or g.group(6)) == "week"
                    else timedelta(days=_number(g.group(1) or g.group(3) or g.group(5)))
                )
            ),
        ),
        (
            rf"\b{_LEAD}(?:next {_WD}|{_WD} (?:of )?next week)\b",
            lambda g: _following_week_day(m, WEEKDAYS.index(g.group(1) or g.group(2))),
        ),
        (
            rf"\b{_LEAD}(?:this |first thing |every )?{_WD}\b",
            lambda g: _next_weekday(m, WEEKDAYS.index(g.group(1))),
        ),
        (
            # "Monday the twenty-eighth", "Tuesday the 25th", "Wednesday, March 14th": the date says which
            # Monday (the longer phrase wins over the weekday inside it)
            rf"\b{_LEAD}{_WD},? (?:the )?(?:{_ORD_WORD}|(\d{{1,2}})(?:st|nd|rd|th))(?!\s+thing)(?: of {_MONTH})?\b"
            rf"|\b{_LEAD}{_WD},? {_MONTH}\.? (?:the )?(?:{_ORD_WORD}|{_ORD})\b(?!:)",
            lambda g: (
                _month_day(
                    m,
                    MONTHS[g.group(4)[:3]] if g.group(4) else None,
                    _ORDINAL_WORDS[g.group(2)] if g.group(2) else int(g.group(3)),
                )
                if g.group(1)
                else _month_day(
                    m,
                    MONTHS[g.group(6)[:3]],
                    _ORDINAL_WORDS[g.group(7)] if g.group(7) else int(g.group(8)),
                )
            ),
        ),
        (
            rf"\b{_LEAD}{_MONTH}\.? {_ORD}\b(?!:)",
            lambda g: _month_day(m, MONTHS[g.group(1)[:3]], int(g.group(2))),
        ),
        (
            # "by March first", "on May twenty-fourth", "the first of March": spelled ordinals too
            rf"\b{_LEAD}{_MONTH}\.? (?:the )?{_ORD_WORD}\b|\b{_LEAD}the {_ORD_WORD} of {_MONTH}\b",
            lambda g: (
                None
                if g.group(0).lower().startswith("may")  # "we may first need to…"
                else _month_day(
                    m,
                    MONTHS[(g.group(1) or g.group(4))[:3]],
                    _ORDINAL_WORDS[g.group(2) or g.group(3)],
                )
            ),
        ),
        (
            # "by tenth of May", "by fifteenth June": a spelled day before its month, after a lead word
            rf"\b(?:by|on|before|until|till|no later than|due) {_ORD_WORD} (?:of )?{_MONTH}\b",
            lambda g: _month_day(m, MONTHS[g.group(2)[:3]], _ORDINAL_WORDS[g.group(1)]),
        ),
        (
            # "the 3rd of March", "by 10 February", "on 15th July": the day first, as most of the world
            # writes it ("5 may" only with "of" or a lead word: "the 5 may need…" is no date)
            rf"\b(?P<lead>{_LEAD})(?:the )?{_ORD} (?P<of>of )?{_MONTH}\b",
            lambda g: (
                None
                if g.group(4).lower() == "may" and not (g.group("of") or g.group("lead"))
                else _month_day(m, MONTHS[g.group(4)[:3]], int(g.group(2)))
            ),
        ),
        (
            r"\b(?:by |on |before |until )the (\d{1,2})(?:st|nd|rd|th)\b",
            lambda g: _month_day(m, None, int(g.group(1))),
        ),
        (
            rf"\b(?:by |on |before |until |till )the {_ORD_WORD}\b",
            lambda g: _month_day(m, None, _ORDINAL_WORDS[g.group(1)]),
        ),
        (
            r"\b(?:by |on |before |until )(\d{1,2})/(\d{1,2})\b",
            lambda g: _month_day(m, int(g.group(1)), int(g.group(2))) if 1 <= int(g.group(1)) <= 12 else None,
        ),
    ]


_COMPILED_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    compiled = _COMPILED_CACHE.get(pattern)
    if compiled is None:
        compiled = _COMPILED_CACHE[pattern] = re.compile(pattern, re.I)
    return compiled


# Said with no day of its own: "by two o'clock", "before noon" are the meeting date ("at 3:40 pm" says
# when something happened); "the twenty-sixth" after a task ("have it ready for you the 26th") is that
# day. Read only when nothing else in the text is a date ("by two o'clock tomorrow" is tomorrow).
_TIME_OF_DAY = re.compile(
    rf"\b(?:by|before|until|till) (?:about )?(?:\d{{1,2}}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|{_NUM} o'clock|"
    r"\d{1,2}(?::\d\d)? o'clock|noon|midday|lunch(?:time)?|close of (?:business|play)|cob)\b",
    re.I,
)
_BARE_DAY = re.compile(
    rf"\bthe (?:(\d{{1,2}})(?:st|nd|rd|th)|{_ORD_WORD})\b"
    r"(?=\s*(?:$|[,.;!?—–]|(?:and|so|if|then|at|when|or|with|as|because|latest|at the latest)\b))",
    re.I,
)


def _fallback_due(text: str, meeting_date: date) -> DuePhrase | None:
    """A time of day alone, then a bare ordinal day ("the first" and the like excepted: "the first thing")."""
    said = _TIME_OF_DAY.search(text)
    if said:
        return DuePhrase(meeting_date, said.start(), said.end(), said.group(0))
    said = _BARE_DAY.search(text)
    if said and (said.group(1) or said.group(2).lower() not in ("first", "second", "third")):
        day = int(said.group(1)) if said.group(1) else _ORDINAL_WORDS[said.group(2).lower()]
        try:
            return DuePhrase(_month_day(meeting_date, None, day), said.start(), said.end(), said.group(0))
        except ValueError:
            return None
    return None


@lru_cache(maxsize=8192)
def find_due(text: str, meeting_date: date) -> DuePhrase | None:
    """The earliest-placed due phrase in `text`, resolved; None when there is none."""
    found: list[DuePhrase] = []
    lowered = text.lower()
    for pattern, resolve in _rules(meeting_date):
        for match in _compiled(pattern).finditer(lowered):
            try:
                due = resolve(match)
            except (ValueError, KeyError):
                due = None
            if due is not None:
                found.append(DuePhrase(due, match.start(), match.end(), text[match.start() : match.end()]))
    if not found:
        return _fallback_due(text, meeting_date)

    # Prefer a deadline ("by Friday") to a bare time, and a bare time to an event's ("for Thursday");
    # then the phrase that starts first; on a tie the longest ("end of next week" over "next week").
    def rank(p: DuePhrase) -> int:
        return 0 if _DEADLINE_LEAD.match(p.text) else 2 if _EVENT_LEAD.match(p.text) else 1

    # "From Monday onwards", "starting in April": when something starts, never when it is due.
    found = [p for p in found if not re.match(r"(?:from|starting)\b", p.text, re.I)]
    # "Council passed the budget last Tuesday": a day gone by is no deadline.
    found = [p for p in found if not re.search(r"\b(?:last|past|previous)\s+$", lowered[: p.start])]
    # A phrase inside a longer one ("Thursday" in "Thursday next week") is not a second date.
    found = [
        p
        for p in found
        if not any(
            q is not p and q.start <= p.start and p.end <= q.end and (q.end - q.start) > (p.end - p.start)
            for q in found
        )
    ]
    if not found:
        return None
    return min(found, key=lambda p: (rank(p), p.start, -(p.end - p.start)))
