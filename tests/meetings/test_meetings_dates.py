from datetime import date

import pytest

from meetings.analysis.dates import find_due

WEDNESDAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("I'll send it by Friday", date(2026, 11, 20)),
        ("on Wednesday", date(2026, 11, 25)),  # a bare weekday is the next one after the meeting
        ("next Tuesday", date(2026, 11, 24)),
        ("next Friday", date(2026, 11, 27)),
        ("by end of month", date(2026, 11, 30)),
        ("by the end of the month", date(2026, 11, 30)),
        ("tomorrow morning", date(2026, 11, 19)),
        ("today", WEDNESDAY),
        ("right after this call", WEDNESDAY),
        ("by end of day Friday", date(2026, 11, 20)),
        ("in two weeks", date(2026, 12, 2)),
        ("within 3 days", date(2026, 11, 21)),
        ("by end of week", date(2026, 11, 20)),
        ("next week", date(2026, 11, 27)),
        ("by the end of next week", date(2026, 11, 27)),
        ("early next week", date(2026, 11, 23)),
        ("by December 4th", date(2026, 12, 4)),
        ("by the 30th", date(2026, 11, 30)),
        ("by the 3rd", date(2026, 12, 3)),
        ("end of quarter", date(2026, 12, 31)),
        ("by Jan 8", date(2027, 1, 8)),
        ("I'll have that with you by the twenty-sixth", date(2026, 11, 26)),
        ("I can have the metadata to you by March first", date(2027, 3, 1)),
        ("I'll send a written recap within the hour", WEDNESDAY),
        ("in the next ten minutes", WEDNESDAY),
        ("on December the third", date(2026, 12, 3)),
        ("by the first of December", date(2026, 12, 1)),
        ("give me till Friday", date(2026, 11, 20)),
        ("a demo on Thursday next week", date(2026, 11, 26)),
        # a deadline beats an event's time, whichever comes first
        ("get a demo in the diary for Thursday and send the invite today", WEDNESDAY),
        ("send the agenda for Monday's review by Friday", date(2026, 11, 20)),
        ("on Monday or Tuesday", date(2026, 11, 23)),
        ("by end of day tomorrow", date(2026, 11, 19)),
        # the day before the month, as most of the world writes it
        ("I send you the names by 10 February", date(2027, 2, 10)),
        ("on 15th December", date(2026, 12, 15)),
        ("by 5 May", date(2027, 5, 5)),
        # close of play / business on a weekday
        ("the full RCA by close of play Monday", date(2026, 11, 23)),
        ("by COB Friday", date(2026, 11, 20)),
        ("by the end of next week", date(2026, 11, 27)),
        # a weekday with its date: the date says which one
        ("I'll run the training on Monday the thirtieth", date(2026, 11, 30)),
        ("Tuesday the 8th I run the mapping workshop", date(2026, 12, 8)),
        ("the session on Thursday, December 3rd", date(2026, 12, 3)),
        ("Friday the fourth of December", date(2026, 12, 4)),
        ("on Monday the first thing", date(2026, 11, 23)),  # "the first thing" is no date
        ("share the updated mapping by tenth of December", date(2026, 12, 10)),
        ("confirm the final number by fifteenth January", date(2027, 1, 15)),
    ],
)
def test_due_phrases(phrase, expected):
    found = find_due(phrase, WEDNESDAY)
    assert found is not None and found.due == expected


@pytest.mark.parametrize(
    "phrase",
    [
        "in December",
        "the third week of December",
        "last quarter",
        "soon",
        "at 3:40 pm",
        "last Tuesday",
        "we may first need to check",
        "in the hour we had",
        "the 5 may need a second look",
    ],
)
def test_no_due_date(phrase):
    assert find_due(phrase, WEDNESDAY) is None


def test_year_end_rolls_over():
    assert find_due("by end of month", date(2026, 12, 28)).due == date(2026, 12, 31)
    assert find_due("next Monday", date(2026, 12, 30)).due == date(2027, 1, 4)


def test_a_time_of_day_alone_is_the_meeting_date_and_a_bare_ordinal_day_is_that_day():
    meeting = date(2028, 1, 17)
    assert find_due("draft a note and send it by two o'clock", meeting).due == meeting
    assert find_due("send it over by 3pm", meeting).due == meeting
    assert find_due("send it at two o'clock tomorrow", meeting).due == date(2028, 1, 18)  # the day wins
    assert find_due("have it ready for you to look at the twenty-sixth", meeting).due == date(2028, 1, 26)
    assert find_due("send it the 26th, latest", meeting).due == date(2028, 1, 26)
    for no_date in (
        "move to the fifth floor",
        "plan the fourth quarter",
        "take the third option",
        "the first thing",
    ):
        assert find_due(no_date, meeting) is None, no_date
