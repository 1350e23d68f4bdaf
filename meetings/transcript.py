"""Meeting transcripts: Zoom WebVTT, `Speaker: text` lines and `[HH:MM:SS] Speaker: text` lines.

Everything is parsed into utterances (one cue or line, with its speaker and times) and turns
(consecutive utterances of one speaker merged). The cue format is parsed by hand: it is a dozen
lines of rules and a library would not help with the hard part, which is telling a speaker label
from text (Zoom writes `Name: text`, and display names may themselves contain colons).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

WORDS_PER_SECOND = 2.5  # 150 words a minute: the clock for transcripts that carry no times


class TranscriptError(ValueError):
    """The input is not a transcript we can read; the message says why, for a person."""


@dataclass
class Utterance:
    speaker: str | None
    text: str
    start: float  # seconds from the start of the meeting
    end: float


@dataclass
class Turn:
    speaker: str | None
    utterances: list[Utterance] = field(default_factory=list)

    @property
    def start(self) -> float:
        return self.utterances[0].start

    @property
    def end(self) -> float:
        return self.utterances[-1].end

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.utterances)


@dataclass
class Transcript:
    turns: list[Turn]
    format: str  # vtt | plain | timestamped
    timed: bool  # False when times were estimated from word counts

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for turn in self.turns:
            if turn.speaker:
                seen.setdefault(turn.speaker, None)
        return list(seen)

    @property
    def utterances(self) -> list[Utterance]:
        return [u for t in self.turns for u in t.utterances]

    @property
    def duration_seconds(self) -> int:
        if not self.turns:
            return 0
        return int(round(self.turns[-1].end - min(0.0, self.turns[0].start)))

    @property
    def word_count(self) -> int:
        return sum(len(u.text.split()) for u in self.utterances)

    def to_text(self) -> str:
        """The transcript as `[HH:MM:SS] Speaker: text` lines, one per turn (what is stored)."""
        return "\n".join(
            f"[{format_timestamp(t.start)}] {t.speaker or 'Unknown speaker'}: {t.text}" for t in self.turns
        )


def format_timestamp(seconds: float) -> str:
    total = max(0, int(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def parse_timestamp(value: str) -> float:
    """`HH:MM:SS(.mmm)` or `MM:SS(.mmm)` (comma or dot before the fraction) to seconds."""
    parts = value.strip().replace(",", ".").split(":")
    if len(parts) not in (2, 3):
        raise ValueError(value)
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[0]) if len(parts) == 3 else 0
    if minutes >= 60 or seconds >= 60:
        raise ValueError(value)
    return hours * 3600 + minutes * 60 + seconds


# ---------------------------------------------------------------- speaker labels

_LABEL_SEP = re.compile(r":\s")
_TAG = re.compile(r"</?(?:c|i|b|u|ruby|rt|lang)(?:\.[^>\s]*)?(?:\s[^>]*)?>|<\d{1,2}:\d{2}(?::\d{2})?\.\d{3}>")
_VOICE = re.compile(r"^\s*<v(?:\.[^\s>]*)?\s+([^>]+)>(.*?)(?:</v>)?\s*$", re.S)


_NAME_PARTICLES = {
    "de",
    "da",
    "del",
    "della",
    "di",
    "du",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "bin",
    "al",
    "ibn",
    "y",
    "of",
    "and",
}


def _looks_like_name(candidate: str) -> bool:
    words = candidate.split()
    if not words or len(words) > 8 or len(candidate) > 80:
        return False
    if re.search(r"[?!;\"]|\b\w{4,}\.(\s|$)|https?$", candidate):
        return False
    # Outside brackets every word of a display name is capitalised, bar particles (van, de, of).
    outside = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", candidate).split()
    if not outside:
        return False
    return all(not w[0].islower() or w in _NAME_PARTICLES for w in outside)


def _balanced(candidate: str) -> bool:
    return candidate.count("(") == candidate.count(")") and candidate.count("[") == candidate.count("]")


def _candidates(text: str) -> list[str]:
    """Every prefix of `text` that ends just before a `: ` and could be a display name."""
    out = []
    for match in _LABEL_SEP.finditer(text):
        prefix = text[: match.start()].strip()
        if _looks_like_name(prefix):
            out.append(prefix)
        if len(prefix) > 80:
            break
    return out


def _split_labels(texts: list[str]) -> list[tuple[str | None, str]]:
    """Split each text into (speaker, rest).

    A name may contain colons (`Raj Patel (Acme: IT): hello`), so the label is chosen with the
    whole file in view: the longest balanced candidate that starts at least two lines (a display
    name recurs; a phrase such as `Note:` rarely starts several lines of one person), else the
    shortest balanced candidate.
    """
    per_text = [_candidates(t) for t in texts]
    counts = Counter(c for cands in per_text for c in set(cands))
    result: list[tuple[str | None, str]] = []
    for text, cands in zip(texts, per_text, strict=True):
        balanced = [c for c in cands if _balanced(c)]
        if not balanced:
            result.append((None, text.strip()))
            continue
        recurring = [c for c in balanced if counts[c] >= 2]
        name = max(recurring, key=len) if recurring else min(balanced, key=len)
        rest = text.strip()[len(name) :].lstrip()[1:].strip()
        result.append((name, rest))
    return result


# ---------------------------------------------------------------- WebVTT

_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s+.*)?$"
)


def _clean_cue_text(text: str) -> str:
    text = _TAG.sub("", text)
    return html.unescape(re.sub(r"\s+", " ", text)).strip()


def parse_vtt(content: str) -> Transcript:
    lines = content.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].startswith("WEBVTT"):
        raise TranscriptError("This is not a WebVTT file: the first line must be 'WEBVTT'.")
    cues: list[tuple[float, float, str]] = []
    i = 1
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_index = next((k for k, b in enumerate(block[:2]) if "-->" in b), None)
        if timing_index is None:
            raise TranscriptError(f"This WebVTT file has a cue without a timing line: {block[0][:60]!r}.")
        match = _TIMING.match(block[timing_index])
        if not match:
            raise TranscriptError(
                f"This WebVTT file has a malformed timing line: {block[timing_index][:60]!r}."
            )
        try:
            start, end = parse_timestamp(match.group(1)), parse_timestamp(match.group(2))
        except ValueError as exc:
            raise TranscriptError(f"This WebVTT file has an impossible time: {exc}.") from None
        text = "\n".join(block[timing_index + 1 :])
        if text.strip():
            cues.append((start, end, text))
    if not cues:
        raise TranscriptError("This WebVTT file has no cues: the transcript is empty.")
    speakers: list[str | None] = []
    texts: list[str] = []
    plain_indexes: list[int] = []
    for idx, (_, _, raw) in enumerate(cues):
        voice = _VOICE.match(raw.replace("\n", " "))
        if voice:
            speakers.append(voice.group(1).strip())
            texts.append(_clean_cue_text(voice.group(2)))
        else:
            speakers.append(None)
            texts.append(_clean_cue_text(raw))
            plain_indexes.append(idx)
    for idx, (speaker, rest) in zip(
        plain_indexes, _split_labels([texts[k] for k in plain_indexes]), strict=True
    ):
        speakers[idx], texts[idx] = speaker, rest
    utterances = [
        Utterance(speaker, text, start, end)
        for (start, end, _), speaker, text in zip(cues, speakers, texts, strict=True)
        if text
    ]
    return _build("vtt", utterances, timed=True)


# ---------------------------------------------------------------- plain lines

_STAMPED = re.compile(r"^\s*\[?((?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\]?\s+(.*)$")


def parse_lines(content: str) -> Transcript:
    rows: list[tuple[float | None, str]] = []
    for line in content.lstrip("\ufeff").splitlines():
        if not line.strip():
            continue
        stamped = _STAMPED.match(line)
        if stamped:
            try:
                rows.append((parse_timestamp(stamped.group(1)), stamped.group(2).strip()))
                continue
            except ValueError:
                pass
        rows.append((None, line.strip()))
    if not rows:
        raise TranscriptError("The transcript is empty.")
    timed = any(t is not None for t, _ in rows)
    labels = _split_labels([text for _, text in rows])
    if not any(speaker for speaker, _ in labels):
        raise TranscriptError(
            "No speakers found: write one line per utterance as 'Speaker Name: text' "
            "(optionally preceded by [HH:MM:SS]), or give a Zoom WebVTT file."
        )
    utterances: list[Utterance] = []
    clock = 0.0
    for (stamp, _), (speaker, text) in zip(rows, labels, strict=True):
        if not text:
            continue
        if speaker is None and utterances:
            # A line without a label continues the previous speaker's words.
            prev = utterances[-1]
            prev.text = f"{prev.text} {text}"
            prev.end += len(text.split()) / WORDS_PER_SECOND
            clock = prev.end
            continue
        start = stamp if stamp is not None else clock
        length = len(text.split()) / WORDS_PER_SECOND
        utterances.append(Utterance(speaker, text, start, start + length))
        clock = start + length
    if timed:
        # A line ends where the next begins (when that is later): the file's own clock.
        for cur, nxt in zip(utterances, utterances[1:], strict=False):
            if nxt.start > cur.start:
                cur.end = nxt.start
    return _build("timestamped" if timed else "plain", utterances, timed=timed)


# ---------------------------------------------------------------- common


def _build(fmt: str, utterances: list[Utterance], *, timed: bool) -> Transcript:
    # A cue without a speaker continues the turn before it (Zoom omits the name when it cannot
    # tell who spoke; the previous voice is the best guess). At the very start it stays unknown.
    last: str | None = None
    for u in utterances:
        if u.speaker is None:
            u.speaker = last
        last = u.speaker
    turns: list[Turn] = []
    for u in utterances:
        if turns and turns[-1].speaker == u.speaker:
            turns[-1].utterances.append(u)
        else:
            turns.append(Turn(u.speaker, [u]))
    if not turns:
        raise TranscriptError("The transcript is empty.")
    transcript = Transcript(turns=turns, format=fmt, timed=timed)
    if not transcript.speakers:
        raise TranscriptError(
            "No speakers found: each cue should start with 'Speaker Name: '. "
            "Zoom writes them when the meeting's transcript has speaker names."
        )
    return transcript


def parse_transcript(content: str | bytes, *, filename: str | None = None) -> Transcript:
    """Parse any supported transcript; raises TranscriptError with a sentence for a person."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TranscriptError("The transcript is not UTF-8 text.") from None
    if "\x00" in content:
        raise TranscriptError("The transcript is a binary file, not text.")
    stripped = content.lstrip("\ufeff").strip()
    if not stripped:
        raise TranscriptError("The transcript is empty.")
    if stripped.startswith("WEBVTT"):
        return parse_vtt(stripped)
    looks_vtt = bool(filename and filename.lower().endswith(".vtt")) or any(
        _TIMING.match(line) for line in stripped.splitlines()[:20]
    )
    if looks_vtt:
        raise TranscriptError("This is not a WebVTT file: the first line must be 'WEBVTT'.")
    return parse_lines(stripped)
