"""Trigger phrase patterns: `"prepare QBR for {customer}"` checked, and compiled to a matcher."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.vocabulary import TRIGGER_TYPES

_SLOT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# The events a skill may run on: the trigger types of CONTRACTS §5.
EVENT_TYPES = TRIGGER_TYPES


# An event trigger without parameters uses the thresholds of the default alerts (CONTRACTS §3).
EVENT_DEFAULTS: dict[str, dict[str, object]] = {
    "health_score_drop": {"drop": 15, "within_days": 30},
    "no_login": {"days": 14},
    "renewal_approaching": {"days": 90},
    "nps_submitted": {"max_score": 6},
    "usage_spike": {"percent": 30},
    "usage_drop": {"percent": 30},
    "payment_overdue": {"days": 30},
}


class PatternError(ValueError):
    pass


@dataclass(frozen=True)
class Piece:
    literal: str | None = None  # normalized words, e.g. "prepare qbr for"
    slot: str | None = None


def split_pattern(pattern: str) -> list[Piece]:
    """Literal runs and `{slot}`s; raises PatternError when braces or slots are malformed."""
    pieces: list[Piece] = []
    buffer: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "}":
            raise PatternError(f'a "}}" without its "{{" at character {index + 1}')
        if char == "{":
            end = pattern.find("}", index + 1)
            if end < 0:
                raise PatternError(f'a "{{" without its "}}" at character {index + 1}')
            name = pattern[index + 1 : end].strip()
            if "{" in name:
                raise PatternError("slots cannot be nested")
            if not _SLOT_NAME.match(name):
                raise PatternError(f'"{{{name}}}" is not a slot name (letters, digits and _)')
            literal = " ".join(_WORD.findall("".join(buffer).lower()))
            if literal:
                pieces.append(Piece(literal=literal))
            elif pieces and pieces[-1].slot is not None:
                raise PatternError(f'slots "{{{pieces[-1].slot}}}" and "{{{name}}}" need words between them')
            buffer = []
            pieces.append(Piece(slot=name))
            index = end + 1
            continue
        buffer.append(char)
        index += 1
    literal = " ".join(_WORD.findall("".join(buffer).lower()))
    if literal:
        pieces.append(Piece(literal=literal))
    if not any(p.literal for p in pieces):
        raise PatternError("a pattern needs at least one word besides its slots")
    slots = [p.slot for p in pieces if p.slot]
    duplicates = {s for s in slots if slots.count(s) > 1}
    if duplicates:
        raise PatternError(f'slot "{{{sorted(duplicates)[0]}}}" appears twice')
    return pieces


def normalize_pattern(pattern: str) -> str:
    """The pattern as matching sees it, for duplicate detection."""
    return " ".join(
        p.literal if p.literal else "{" + (p.slot or "").lower() + "}" for p in split_pattern(pattern)
    )


def normalize_text(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class CompiledPattern:
    text: str
    regex: re.Pattern[str]
    literal_chars: int  # specificity: more literal text is a better match
    slots: tuple[str, ...]


_POLITE_PREFIX = r"(?:(?:please|pls|hey|hi|can you|could you|would you|will you|kindly)\W+)*"
_POLITE_SUFFIX = r"(?:\W+(?:please|pls|thanks|thank you|now))*"


def compile_pattern(pattern: str) -> CompiledPattern:
    """A case-insensitive regex over the original text: words separated by any punctuation or space."""
    pieces = split_pattern(pattern)
    parts: list[str] = []
    for piece in pieces:
        if piece.literal:
            parts.append(r"\W+".join(re.escape(word) for word in piece.literal.split()))
        else:
            parts.append(f"(?P<{piece.slot}>.+?)")
    body = r"\W+".join(parts)
    regex = re.compile(r"^\W*" + _POLITE_PREFIX + body + _POLITE_SUFFIX + r"\W*$", re.IGNORECASE)
    literal_chars = sum(len(p.literal or "") for p in pieces)
    slots = tuple(p.slot for p in pieces if p.slot)
    return CompiledPattern(pattern, regex, literal_chars, slots)
