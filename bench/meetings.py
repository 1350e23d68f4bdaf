"""Speed of the offline meeting analyser on a 10,000-word Zoom transcript (target: ≤ 1 s), and of the
live meeting bot's signal detector fed the same call an utterance at a time.

    python bench/meetings.py

The transcript is the labeled calls of tests/data/meetings strung together as one long Zoom VTT
(times shifted, cues renumbered) until it holds 10,000 words. Baselines in the same run: parsing alone
for the analysis; for the live detector, the same detector deciding the call's sides by reading the
whole call so far again at every utterance (as it did before `SideTally`).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from meetings.analysis import OfflineAnalyzer  # noqa: E402
from meetings.analysis.text import vendor_side  # noqa: E402
from meetings.bot import IncrementalSignalDetector  # noqa: E402
from meetings.transcript import Transcript, format_timestamp, parse_transcript  # noqa: E402

DATA = ROOT / "tests" / "data" / "meetings"


def long_vtt(words: int = 10_000) -> str:
    cues: list[str] = ["WEBVTT", ""]
    clock, number, total = 0.0, 1, 0
    sources = [parse_transcript(p.read_text(), filename=p.name) for p in sorted(DATA.glob("*.vtt"))]
    sources += [parse_transcript(p.read_text(), filename=p.name) for p in sorted(DATA.glob("*.txt"))]
    fillers = ["", "So, ", "Well, ", "And ", "Right, ", "Okay, "]
    passes = 0
    while total < words:
        # Each pass through the calls opens its cues differently, so no sentence repeats verbatim
        # (the analyser's per-sentence caches get no free hits).
        filler = fillers[passes % len(fillers)]
        passes += 1
        for transcript in sources:
            offset = clock
            for u in transcript.utterances:
                start, end = offset + u.start, offset + max(u.end, u.start + 0.5)
                cues += [
                    str(number),
                    f"{format_timestamp(start)}.000 --> {format_timestamp(end)}.500",
                    f"{u.speaker}: {filler}{u.text[0].lower() if filler else u.text[0]}{u.text[1:]}",
                    "",
                ]
                number += 1
                total += len(u.text.split())
                clock = end + 1
                if total >= words:
                    return "\n".join(cues)
    return "\n".join(cues)


def clear_caches() -> None:
    from meetings.analysis.dates import find_due
    from meetings.analysis.signals import _categories_default, _signal_categories
    from meetings.analysis.text import _content_words

    for cache in (_categories_default, _signal_categories, _content_words, find_due):
        cache.cache_clear()


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        clear_caches()
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


class RereadingDetector(IncrementalSignalDetector):
    """The baseline: the sides decided from the whole call so far, read again at every utterance."""

    def _vendor(self) -> set[str]:
        return vendor_side(Transcript(turns=self.turns, format="live", timed=True))


def live(transcript: Transcript, detector_class: type[IncrementalSignalDetector]) -> int:
    detector = detector_class()
    found = sum(len(detector.feed(u)) for u in transcript.utterances)
    return found + len(detector.flush())


def main() -> None:
    text = long_vtt()
    transcript = parse_transcript(text)
    analyzer = OfflineAnalyzer()
    analyzer.analyze_now(transcript, meeting_date=date(2026, 11, 20))  # warm: lexicons load once
    parse_s = timed(lambda: parse_transcript(text))
    analyze_s = timed(lambda: analyzer.analyze_now(parse_transcript(text), meeting_date=date(2026, 11, 20)))
    result = analyzer.analyze_now(transcript, meeting_date=date(2026, 11, 20))
    print(
        f"transcript: {transcript.word_count} words, {len(transcript.turns)} turns, "
        f"{len(transcript.speakers)} speakers, {transcript.duration_seconds // 60} min"
    )
    print(f"baseline (parse only):        {parse_s * 1000:8.1f} ms")
    print(f"offline analysis (parse+all): {analyze_s * 1000:8.1f} ms   target <= 1000 ms")
    print(
        f"found: {len(result.action_items)} action items, {len(result.signals)} signals, "
        f"{len(result.topics)} topics"
    )
    rereading_s = timed(lambda: live(transcript, RereadingDetector), repeat=3)
    live_s = timed(lambda: live(transcript, IncrementalSignalDetector), repeat=3)
    found, found_rereading = live(transcript, IncrementalSignalDetector), live(transcript, RereadingDetector)
    print(
        f"live bot, {len(transcript.utterances)} utterances fed one at a time: "
        f"{live_s * 1000:8.1f} ms ({found} signals); baseline re-reading the call each time: "
        f"{rereading_s * 1000:8.1f} ms ({found_rereading} signals)"
    )


if __name__ == "__main__":
    main()
