"""Text pieces the offline language backends share."""

from __future__ import annotations

from collections.abc import Container

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
