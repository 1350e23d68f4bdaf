"""Natural-language automations: parser (offline and Claude), builder, runner and scheduler."""

from __future__ import annotations


def looks_like_automation(text: str) -> bool:
    """The DM router's hook: True when `text` reads like an automation to preview."""
    from automations.detect import looks_like_automation as detect

    return detect(text)


__all__ = ["looks_like_automation"]
