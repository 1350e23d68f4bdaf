"""Where a direct message goes (CONTRACTS §3): a phrase matching a skill trigger runs that skill; a
scheduling or "when … then …" sentence becomes an automation preview; anything else goes to the
assistant (Claude with the registry, or the offline intent router).

The engines are optional: a deployment without skills or automations routes everything else to the
assistant. The router only decides and calls their public functions (`skills.match`/`run_phrase`,
`automations.preview`); the Slack surface renders what comes back.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

from assistant.claude import Progress
from assistant.history import Thread
from assistant.reply import AssistantReply

log = logging.getLogger(__name__)

_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
# "when X, do Y", "whenever X then Y", "if X then Y"
WHEN_THEN = re.compile(r"^\s*(when|whenever|if|once|as soon as)\b.+?(,|\bthen\b)\s*\w+", re.I)
SCHEDULE = re.compile(
    rf"\b(every|each)\s+(other\s+|\d+(st|nd|rd|th)?\s+)?(day|morning|evening|night|week|weekday|business day|month|"
    rf"quarter|year|hour|{_DAYS})s?\b"
    r"|\b(daily|weekly|monthly|quarterly|biweekly|fortnightly|nightly|hourly)\b"
    rf"|\bon\s+({_DAYS})s\b"
    r"|\b(tomorrow|tonight|today)\s+at\b"
    r"|\bfirst\s+(business\s+|working\s+)?day\s+of\s+(the|each|every)\s+month\b",
    re.I,
)
ACTION = re.compile(
    r"\b(send|post|remind|alert|notify|email|draft|create|run|start|tell|ping|message|share|give|"
    r"summari[sz]e|log|update|schedule|digest|report|list|show)\b",
    re.I,
)
QUESTION = re.compile(r"^\s*(what|which|who|whose|how|is|are|does|do|did|can|could|should|why|where)\b", re.I)


def looks_like_automation(text: str) -> bool:
    """A sentence that sets up something recurring or conditional rather than asking a question."""
    if WHEN_THEN.search(text):
        return True
    if QUESTION.search(text) or text.strip().endswith("?"):
        return False
    return bool(SCHEDULE.search(text) and ACTION.search(text))


@dataclass
class Routed:
    kind: Literal["skill", "automation", "assistant"]
    reply: AssistantReply | None = None  # kind == "assistant"
    skill: Any = None  # the skills engine's RunOutcome (its report, or the question to ask)
    preview: Any = None  # the automations engine's Preview
    text: str | None = None  # a sentence instead (an automation that was not understood)


class DmRouter:
    def __init__(self, assistant: Any, skills: Any = None, automations: Any = None) -> None:
        self.assistant = assistant
        self.skills = skills
        self.automations = automations

    async def route(self, text: str, thread: Thread, on_progress: Progress | None = None) -> Routed:
        if self.skills is not None and await self.skills.match(text, thread.team_id) is not None:
            outcome = await self.skills.run_phrase(
                text,
                user_id=thread.user_id,
                team_id=thread.team_id,
                channel=thread.channel,
                thread_ts=thread.thread_ts,
            )
            return Routed(kind="skill", skill=outcome)
        if self.automations is not None and looks_like_automation(text):
            try:
                preview = await self.automations.preview(text, thread.user_id, team_id=thread.team_id)
            except ValueError as exc:  # ParseRefused: says what it did not understand
                return Routed(kind="automation", text=str(exc))
            return Routed(kind="automation", preview=preview)
        return Routed(kind="assistant", reply=await self.assistant.ask(text, thread, on_progress))
