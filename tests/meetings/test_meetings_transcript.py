import pytest

from meetings.transcript import TranscriptError, parse_transcript

ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.500
Dana Lee: Hi Raj, thanks for joining.

2
00:00:04.600 --> 00:00:07.000
Dana Lee: Let's talk about the renewal.

3
00:00:08.000 --> 00:00:12.250
Raj Patel (Acme: IT): Sure. Note: we are evaluating Gainsight.

4
00:00:12.300 --> 00:00:15.000
and their price is lower.

5
00:00:16.000 --> 00:00:18.000
Raj Patel (Acme: IT): That's all from me.

6
00:00:18.500 --> 00:01:02.000 align:start position:0%
Dana Lee: Thanks &amp; talk soon.
"""


def test_zoom_vtt_speakers_turns_and_times():
    t = parse_transcript(ZOOM_VTT)
    assert t.format == "vtt"
    assert t.speakers == ["Dana Lee", "Raj Patel (Acme: IT)"]
    # consecutive cues of one speaker are one turn; the unlabeled cue continues Raj's turn
    assert [turn.speaker for turn in t.turns] == ["Dana Lee", "Raj Patel (Acme: IT)", "Dana Lee"]
    assert t.turns[0].text == "Hi Raj, thanks for joining. Let's talk about the renewal."
    assert t.turns[1].text.startswith("Sure. Note: we are evaluating Gainsight. and their price")
    assert t.turns[1].start == 8.0 and t.turns[1].end == 18.0
    assert t.turns[2].text == "Thanks & talk soon."
    assert t.duration_seconds == 62


def test_name_with_colon_once_is_still_split_at_the_label():
    vtt = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nDana Lee: Note: one thing.\n\n2\n00:00:03.000 --> 00:00:04.000\nDana Lee: Bye.\n"
    t = parse_transcript(vtt)
    assert t.speakers == ["Dana Lee"]
    assert t.turns[0].text == "Note: one thing. Bye."


def test_voice_tags_and_hourless_times():
    vtt = "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Mei Chen>Our sync failed.</v>\n\n00:04.000 --> 00:05.000\n<v Dana Lee>Sorry about that.\n"
    t = parse_transcript(vtt)
    assert t.speakers == ["Mei Chen", "Dana Lee"]
    assert t.turns[0].text == "Our sync failed."


def test_plain_lines_with_continuations_and_estimated_times():
    t = parse_transcript(
        "Dana Lee: Hi there everyone.\nthis line continues Dana.\nRaj Patel: Hello.\nRaj Patel: Second line.\n"
    )
    assert t.format == "plain" and not t.timed
    assert [turn.speaker for turn in t.turns] == ["Dana Lee", "Raj Patel"]
    assert t.turns[0].text == "Hi there everyone. this line continues Dana."
    assert t.turns[1].start > 0  # estimated at 150 words a minute


def test_timestamped_lines():
    t = parse_transcript(
        "[00:00:05] Dana Lee: Hi.\n[00:01:10] Raj Patel: Hello Dana.\n[1:02:03] Dana Lee: Bye.\n"
    )
    assert t.format == "timestamped"
    assert [turn.start for turn in t.turns] == [5.0, 70.0, 3723.0]
    assert t.turns[0].end == 70.0


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        ("", None, "empty"),
        ("   \n\n", None, "empty"),
        ("WEBVTT\n\n", None, "no cues"),
        ("1\n00:00:01.000 --> 00:00:02.000\nDana: hi\n", None, "not a WebVTT file"),
        ("Dana: hi\n", "call.vtt", "not a WebVTT file"),
        ("just some words without any speaker labels at all.\nand another line.", None, "No speakers"),
        ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nhello there.\n", None, "No speakers"),
        ("WEBVTT\n\n1\n00:00:01.000 -> 00:00:02.000\nDana: hi\n", None, "without a timing line"),
        ("WEBVTT\n\n1\n00:00:99.000 --> 00:00:02.000\nDana: hi\n", None, "impossible time"),
        (b"\x00\x01\x02binary", None, "binary"),
        (b"\xff\xfe\xfa", None, "not UTF-8"),
    ],
)
def test_bad_input_is_refused_with_a_sentence(content, filename, message):
    with pytest.raises(TranscriptError) as info:
        parse_transcript(content, filename=filename)
    assert message in str(info.value)


def test_round_trip_text_is_parseable():
    t = parse_transcript(ZOOM_VTT)
    again = parse_transcript(t.to_text())
    assert again.speakers == t.speakers
    assert [round(turn.start) for turn in again.turns] == [round(turn.start) for turn in t.turns]


def test_a_stop_after_a_title_ends_no_sentence():
    from meetings.analysis.text import split_text

    assert split_text(
        "Daniel will send it to Mr. Bakare by Friday. Dr. Marchetti agreed. St. Brigid's too."
    ) == [
        "Daniel will send it to Mr. Bakare by Friday.",
        "Dr. Marchetti agreed.",
        "St. Brigid's too.",
    ]
