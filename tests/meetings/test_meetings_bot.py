"""The meeting bot over a replayed VTT: utterances in order, signals as they are said."""

import asyncio
from pathlib import Path

import pytest

from meetings.analysis.signals import detect_signals
from meetings.analysis.text import sentences_of, vendor_side
from meetings.bot import IncrementalSignalDetector, ReplayMeetingBot, VttReplaySource
from meetings.transcript import Transcript, parse_transcript

DATA = Path(__file__).resolve().parent.parent / "data" / "meetings"
CALLS = sorted(p.name for p in DATA.iterdir() if p.suffix in (".vtt", ".txt"))


class Clock:
    """asyncio.sleep stand-in: records what the replay asked to wait, without waiting."""

    def __init__(self):
        self.waits = []

    async def sleep(self, seconds):
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.mark.parametrize("name", CALLS)
async def test_incremental_signals_equal_the_batch_ones(name):
    bot = ReplayMeetingBot(speed=1e9)
    heard_when_signalled = []
    bot.on_signal_detected(lambda s: heard_when_signalled.append(len(bot.heard)))
    await bot.join_meeting(f"replay:{DATA / name}")
    await bot.start_transcription()
    await bot.wait_until_done()
    await bot.leave_meeting()
    transcript = parse_transcript((DATA / name).read_text())
    batch = detect_signals(sentences_of(transcript), vendor_side(transcript))
    assert {(s.category, s.speaker) for s in bot.signals} == {(s.category, s.speaker) for s in batch}
    assert len(bot.heard) == len(transcript.utterances)
    if heard_when_signalled:  # signals come while the call goes on, not at the end
        assert heard_when_signalled[0] < len(transcript.utterances)


async def test_replay_keeps_the_calls_clock_scaled():
    clock = Clock()
    transcript = parse_transcript((DATA / "qbr.vtt").read_text())
    source = VttReplaySource(transcript, speed=60, sleep=clock.sleep)
    bot = ReplayMeetingBot(source)
    spoken = []
    bot.on_utterance(lambda u: spoken.append(u.start))
    await bot.join_meeting("zoom-bot://not-used-with-a-source")
    await bot.start_transcription()
    await bot.wait_until_done()
    assert spoken == sorted(spoken) and len(spoken) == len(transcript.utterances)
    # the replay asked to wait about the call's length / 60 in total (never the whole call)
    assert sum(clock.waits) <= transcript.utterances[-1].start / 60 + 0.5
    assert sum(clock.waits) >= transcript.utterances[-1].start / 60 * 0.5


async def test_leaving_stops_the_stream():
    gate = asyncio.Event()

    async def slow(seconds):
        await gate.wait()

    transcript = parse_transcript((DATA / "qbr.vtt").read_text())
    bot = ReplayMeetingBot(VttReplaySource(transcript, speed=1, sleep=slow))
    await bot.join_meeting("x")
    await bot.start_transcription()
    await asyncio.sleep(0.01)
    await bot.leave_meeting()
    assert len(bot.heard) < len(transcript.utterances)
    assert not bot.joined


async def test_live_meetings_are_refused_with_an_explanation():
    bot = ReplayMeetingBot()
    with pytest.raises(NotImplementedError, match="docs/meetings.md"):
        await bot.join_meeting("https://zoom.us/j/123")
    with pytest.raises(RuntimeError, match="join a meeting first"):
        await bot.start_transcription()


# The tuning calls and a set where customers host the call and a vendor voice joins unintroduced.
SIDE_CALLS = [DATA / name for name in CALLS] + sorted(
    p for p in (DATA / "heldout102").iterdir() if p.suffix in (".vtt", ".txt")
)


@pytest.mark.parametrize("path", SIDE_CALLS, ids=lambda p: p.name)
def test_the_live_side_tally_decides_as_the_whole_call_read_again_would(path):
    """After every utterance, the side the live detector's running tally gives each speaker is the one
    `vendor_side` gives reading the call so far from its start (as the bot did before the tally)."""
    transcript = parse_transcript(path.read_text())
    detector = IncrementalSignalDetector()
    changes = 0
    before = set()
    for utterance in transcript.utterances:
        detector.feed(utterance)
        live = detector.sides.update(detector.turns).vendor()
        assert live == vendor_side(Transcript(turns=detector.turns, format="live", timed=True))
        changes += live != before
        before = live
    assert before == vendor_side(transcript)
    assert changes >= 1


def test_a_colleague_introduced_in_a_later_cue_of_the_hosts_turn_is_the_vendor_live():
    """The host's second turn arrives in two cues; the second introduces a colleague who has already said
    hello. Live, the tally reads the growing turn again and puts him on the vendor's side at once."""
    transcript = parse_transcript(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nAlyssa Brandt: Hi Denise, good to see you.\n\n"
        "2\n00:00:03.500 --> 00:00:05.000\nDenise Kowalczyk: Hi Alyssa.\n\n"
        "3\n00:00:05.500 --> 00:00:07.000\nArjun Mehta: Hello, both.\n\n"
        "4\n00:00:07.500 --> 00:00:09.000\nAlyssa Brandt: Thanks for joining.\n\n"
        "5\n00:00:09.100 --> 00:00:12.000\nAlyssa Brandt: I've brought Arjun along from our support team.\n\n"
        "6\n00:00:12.500 --> 00:00:15.000\nDenise Kowalczyk: Great, we have a lot to cover.\n"
    )
    detector = IncrementalSignalDetector()
    sides = []
    for utterance in transcript.utterances:
        detector.feed(utterance)
        sides.append(detector.sides.update(detector.turns).vendor())
    assert "Arjun Mehta" not in sides[3]
    assert sides[4] == sides[5] == {"Alyssa Brandt", "Arjun Mehta"} == vendor_side(transcript)


async def test_a_vendor_colleague_nobody_introduced_is_not_heard_as_the_customer_live():
    """The account executive joins late and opens with the renewal price: live, his words wait until he
    has said enough to be judged, then count for nothing; the customer's are heard, during the call."""
    transcript = parse_transcript(
        "Alyssa Brandt: Hi Denise, thanks for making the time today.\n"
        "Denise Kowalczyk: Of course. I'll be honest, the uplift on the renewal quote is a problem for us. "
        "Our CFO has frozen new spend and our board wants every contract reviewed. We need a lower number.\n"
        "Marcus Oyelaran: Sorry I'm late. Budgets have been cut everywhere this year, I know.\n"
        "Denise Kowalczyk: They have.\n"
        "Marcus Oyelaran: If we restructure on a multi-year, I can look at moving you to a lighter package. "
        "I'll fold that into the options on Friday. And I'll send you a comparison of the two tiers so you can "
        "take it to your CFO.\n"
        "Denise Kowalczyk: That would help. Our team really relies on the scheduling module, so we can't lose "
        "it. Can you keep that in the lighter package?\n"
        "Marcus Oyelaran: Yes, we can keep scheduling in. I'll get our finance team to confirm the numbers.\n"
        "Alyssa Brandt: Great. Thanks both.\n"
    )
    bot = ReplayMeetingBot(VttReplaySource(transcript, speed=1e9))
    heard_when_signalled = []
    bot.on_signal_detected(lambda s: heard_when_signalled.append(len(bot.heard)))
    await bot.join_meeting("x")
    await bot.start_transcription()
    await bot.wait_until_done()
    assert {s.speaker for s in bot.signals} == {"Denise Kowalczyk"}
    assert "budget" in {s.category for s in bot.signals}
    assert heard_when_signalled[0] < len(transcript.utterances)
    batch = detect_signals(sentences_of(transcript), vendor_side(transcript))
    assert {(s.category, s.speaker) for s in bot.signals} == {(s.category, s.speaker) for s in batch}


async def test_a_yes_after_a_hedge_takes_up_the_ask_live_as_in_the_batch():
    transcript = parse_transcript(
        "Grace Whitfield: Thanks for the time today, Trent.\n"
        "Trent Maddock: No worries, Grace.\n"
        "Grace Whitfield: Would you be willing to speak at our user conference in August?\n"
        "Trent Maddock: Ah, mate. Public speaking.\n"
        "Trent Maddock: Look, yeah, alright. If Leonora's running by then, I'll do it.\n"
    )
    bot = ReplayMeetingBot(VttReplaySource(transcript, speed=1e9))
    await bot.join_meeting("x")
    await bot.start_transcription()
    await bot.wait_until_done()
    await bot.leave_meeting()
    live = {(s.category, s.speaker) for s in bot.signals}
    assert ("advocacy", "Trent Maddock") in live
    batch = detect_signals(sentences_of(transcript), vendor_side(transcript))
    assert live == {(s.category, s.speaker) for s in batch}
