"""Text pieces the offline language backends share."""

from __future__ import annotations

from collections.abc import Container

# Numbers people say in words, shared by the automation parser and meeting due dates.
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}

SUFFIXES = (
    ("ations", "at"),
    ("ation", "at"),
    ("ies", "y"),
    ("ing", ""),
    ("als", ""),
    ("al", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
    ("e", ""),
)


def stem(word: str, keep: Container[str] = ()) -> str:
    """A light suffix stripper: renewals/renewing -> renew, escalated/escalation -> escalat.
    Words in `keep` (placeholders, say) and short words are left alone."""
    if word in keep or len(word) <= 4:
        return word
    for suffix, replacement in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + replacement
    return word
