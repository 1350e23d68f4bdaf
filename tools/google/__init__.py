"""Google tools (Gmail, Calendar, Drive, Docs, Slides) through google-api-python-client."""

from __future__ import annotations

from tools.base import Tool


def google_tools() -> list[Tool]:
    from tools.google import calendar, drive, gmail

    return [*gmail.TOOLS, *calendar.TOOLS, *drive.TOOLS]
