"""The real-time meeting bot, future-ready (PRD §4.3).

    bot = ReplayMeetingBot(speed=10)
    bot.on_utterance(print)
    bot.on_signal_detected(alert_the_csm)
    await bot.join_meeting("replay:/path/to/call.vtt")
    await bot.start_transcription()
    ...
    await bot.leave_meeting()

`MeetingBot` is the interface a live bot would implement. `ReplayMeetingBot` implements it over a
`TranscriptSource`: today `VttReplaySource`, which plays a WebVTT file back in (scaled) real time,
one cue at its own time, so signals are detected incrementally, as they would be in a live call.
Joining live Zoom calls is out of scope; docs/meetings.md says why and what it would take (a
`TranscriptSource` fed by the Zoom Meeting SDK or RTMS is the only missing piece).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from meetings.analysis.models import CATEGORY_TYPE, Signal
from meetings.analysis.side_model import MIN_SENTENCES
from meetings.analysis.signals import ANSWER_SENTENCES, accepts, asked_categories, signal_categories
from meetings.analysis.text import SideTally, split_text
from meetings.transcript import (
    Transcript,
    TranscriptError,
    Turn,
    Utterance,
    format_timestamp,
    parse_transcript,
)

log = logging.getLogger(__name__)

UtteranceCallback = Callable[[Utterance], Awaitable[None] | None]
SignalCallback = Callable[[Signal], Awaitable[None] | None]
Sleep = Callable[[float], Awaitable[Any]]


class MeetingBot(Protocol):
    async def join_meeting(self, meeting_url: str) -> None: ...
    async def start_transcription(self) -> None: ...
    def on_utterance(self, callback: UtteranceCallback) -> None: ...
    def on_signal_detected(self, callback: SignalCallback) -> None: ...
    async def leave_meeting(self) -> None: ...


class TranscriptSource(Protocol):
    def utterances(self) -> AsyncIterator[Utterance]: ...


class VttReplaySource:
    """A recorded transcript played back: each utterance is released at its start time / speed."""

    def __init__(self, transcript: Transcript, *, speed: float = 1.0, sleep: Sleep = asyncio.sleep) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.transcript = transcript
        self.speed = speed
        self.sleep = sleep

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: Any) -> VttReplaySource:
        path = Path(path)
        if not path.is_file():
            raise TranscriptError(f"{path} does not exist.")
        return cls(parse_transcript(path.read_bytes(), filename=path.name), **kwargs)

    async def utterances(self) -> AsyncIterator[Utterance]:
        loop = asyncio.get_running_loop()
        began = position = loop.time()
        for utterance in self.transcript.utterances:
            due = began + utterance.start / self.speed
            # The later of the loop's clock and where the sleeps so far should have brought us.
            wait = due - max(loop.time(), position)
            if wait > 0:
                await self.sleep(wait)
                position = due
            yield utterance


class IncrementalSignalDetector:
    """Signals from one utterance at a time, with the batch detector's rules: the customer's voice
    only (the vendor side is re-estimated as the call goes), no questions, once per (category, speaker).
    A speaker's sentences wait until they have said enough for the side model to judge them
    (`MIN_SENTENCES`), so a vendor colleague nobody introduced is not heard as the customer in their
    first words; `flush()` hears whoever is still waiting when the call ends."""

    def __init__(self, internal_speakers: frozenset[str] = frozenset()) -> None:
        self.internal = internal_speakers
        self.turns: list[Turn] = []
        self.seen: set[tuple[str, str | None]] = set()
        self.held: dict[str, list[tuple[str, float]]] = {}  # sentences not yet heard as the customer's
        self.said: dict[str, int] = {}  # sentences each speaker has said so far
        self.asked: tuple[int, set[str]] | None = None  # (turn, categories) the vendor just asked for
        self.answered = 0  # sentences of the current turn before this utterance
        self.sides = SideTally()  # the vendor side, re-decided after each utterance from a running tally

    def _vendor(self) -> set[str]:
        if self.internal:
            return set(self.internal)
        return self.sides.update(self.turns).vendor()

    def feed(self, utterance: Utterance) -> list[Signal]:
        new_turn = not self.turns or self.turns[-1].speaker != utterance.speaker
        if new_turn:
            self.turns.append(Turn(utterance.speaker, [utterance]))
        else:
            self.turns[-1].utterances.append(utterance)
        if utterance.speaker is None:
            return []
        sentences = split_text(utterance.text)
        answered = 0 if new_turn else self.answered
        self.answered = answered + len(sentences)
        self.said[utterance.speaker] = self.said.get(utterance.speaker, 0) + len(sentences)
        self.held.setdefault(utterance.speaker, []).extend(
            (sentence, utterance.start) for sentence in sentences
        )
        if not self.internal and len({turn.speaker for turn in self.turns if turn.speaker}) < 2:
            return []  # one voice so far: nobody can be told apart from the CSM yet, so hold it
        vendor = self._vendor()
        found: list[Signal] = []
        turn = len(self.turns) - 1
        if utterance.speaker in vendor:
            for sentence in sentences:
                wanted = asked_categories(sentence) if sentence.rstrip().endswith("?") else set()
                if wanted:
                    self.asked = (turn, wanted)
        elif self.asked and turn == self.asked[0] + 1:
            # "Would you be a reference?" "Absolutely, I'd be happy to.": the yes is the signal, in the
            # answer's first sentences ("Hmm. Yeah, I reckon we'd be up for that.").
            for position, sentence in enumerate(sentences, start=answered):
                if position < ANSWER_SENTENCES and accepts(sentence):
                    for category in sorted(self.asked[1]):
                        found += self._signal(utterance.speaker, category, sentence, utterance.start)
                    self.asked = None
                    break
        elif new_turn:
            self.asked = None
        # Everyone judged and not (or no longer) on the vendor side has their held sentences looked at:
        # a speaker first taken for the CSM who turns out to be the customer is heard late, not never.
        return found + self._release(vendor, judged_only=True)

    def flush(self) -> list[Signal]:
        """The call is over: whoever is still waiting is judged on what they said."""
        if not self.turns:
            return []
        return self._release(self._vendor(), judged_only=False)

    def _release(self, vendor: set[str], *, judged_only: bool) -> list[Signal]:
        found: list[Signal] = []
        for speaker in list(self.held):
            if speaker in vendor or (judged_only and not self._judged(speaker)):
                continue
            for sentence, start in self.held.pop(speaker):
                found += self._signals(speaker, sentence, start)
        return found

    def _judged(self, speaker: str) -> bool:
        return bool(self.internal) or self.said.get(speaker, 0) >= MIN_SENTENCES

    def _signals(self, speaker: str, sentence: str, start: float) -> list[Signal]:
        return [
            s
            for category in signal_categories(sentence)
            for s in self._signal(speaker, category, sentence, start)
        ]

    def _signal(self, speaker: str, category: str, sentence: str, start: float) -> list[Signal]:
        if (category, speaker) in self.seen:
            return []
        self.seen.add((category, speaker))
        return [
            Signal(
                type=CATEGORY_TYPE[category],
                category=category,
                speaker=speaker,
                quote=sentence,
                timestamp=format_timestamp(start),
            )
        ]


async def _call(callback: Callable[[Any], Any], value: Any) -> None:
    try:
        result = callback(value)
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("a meeting bot callback failed")


class ReplayMeetingBot:
    """MeetingBot over a TranscriptSource. `join_meeting("replay:PATH")` plays a VTT file."""

    def __init__(
        self,
        source: TranscriptSource | None = None,
        *,
        speed: float = 1.0,
        internal_speakers: frozenset[str] = frozenset(),
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.source = source
        self.speed = speed
        self.sleep = sleep
        self.detector = IncrementalSignalDetector(internal_speakers)
        self._utterance_callbacks: list[UtteranceCallback] = []
        self._signal_callbacks: list[SignalCallback] = []
        self._task: asyncio.Task[None] | None = None
        self.joined = False
        self.heard: list[Utterance] = []
        self.signals: list[Signal] = []

    def on_utterance(self, callback: UtteranceCallback) -> None:
        self._utterance_callbacks.append(callback)

    def on_signal_detected(self, callback: SignalCallback) -> None:
        self._signal_callbacks.append(callback)

    async def join_meeting(self, meeting_url: str) -> None:
        if self.joined:
            raise RuntimeError("the bot is already in a meeting")
        if meeting_url.startswith("replay:"):
            self.source = VttReplaySource.from_file(
                meeting_url[len("replay:") :], speed=self.speed, sleep=self.sleep
            )
        elif self.source is None:
            raise NotImplementedError(
                "Joining live meetings is not supported: give a transcript source, or a 'replay:PATH' URL "
                "(docs/meetings.md explains what a live Zoom bot would need)."
            )
        self.joined = True

    async def start_transcription(self) -> None:
        if not self.joined or self.source is None:
            raise RuntimeError("join a meeting first")
        if self._task is None:
            self._task = asyncio.create_task(self._run(self.source))

    async def _run(self, source: TranscriptSource) -> None:
        async for utterance in source.utterances():
            self.heard.append(utterance)
            for callback in self._utterance_callbacks:
                await _call(callback, utterance)
            await self._report(self.detector.feed(utterance))
        await self._report(self.detector.flush())

    async def _report(self, signals: list[Signal]) -> None:
        for signal in signals:
            self.signals.append(signal)
            for callback in self._signal_callbacks:
                await _call(callback, signal)

    async def wait_until_done(self) -> None:
        """The replay has played out (a live source would end when the meeting does)."""
        if self._task is not None:
            await self._task

    async def leave_meeting(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            await self._report(self.detector.flush())  # left early: what was heard is judged now
        self.joined = False

    def transcript(self) -> Transcript | None:
        """What was heard so far, for the full analysis once the bot leaves."""
        turns: list[Turn] = []
        for u in self.heard:
            if turns and turns[-1].speaker == u.speaker:
                turns[-1].utterances.append(u)
            else:
                turns.append(Turn(u.speaker, [u]))
        return Transcript(turns=turns, format="live", timed=True) if turns else None
