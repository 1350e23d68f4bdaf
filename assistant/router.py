"""Where a direct message goes (CONTRACTS §3): a phrase matching a skill trigger runs that skill; a
scheduling or "when … then …" sentence becomes an automation preview; anything else goes to the
assistant (Claude with the registry, or the offline intent router).
Whether a sentence reads like an automation is the automations engine's call
(`automations.detect.looks_like_automation`).

The engines are optional: a deployment without skills or automations routes everything else to the
assistant. The router only decides and calls their public functions (`skills.match`/`run_phrase`,
`automations.preview`); the Slack surface renders what comes back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal

from assistant.claude import Progress
from assistant.history import Thread
from assistant.reply import AssistantReply

log = logging.getLogger(__name__)

try:  # the automations engine's detector: it parses the sentence, so it is the one test
    from automations.detect import looks_like_automation
except ImportError:  # a deployment without the automations room: nothing is taken for an automation
    looks_like_automation = None  # type: ignore[assignment]


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

    def is_automation(self, text: str) -> bool:
        """The automations engine's own test; False without the engine."""
        return (
            self.automations is not None and looks_like_automation is not None and looks_like_automation(text)
        )

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
        if self.automations is not None and self.is_automation(text):
            # The automations engine's own test: a schedule or an event plus an order, not a question.
            try:
                preview = await self.automations.preview(text, thread.user_id, team_id=thread.team_id)
            except ValueError as exc:  # ParseRefused: says what it did not understand
                return Routed(kind="automation", text=str(exc))
            return Routed(kind="automation", preview=preview)
        return Routed(kind="assistant", reply=await self.assistant.ask(text, thread, on_progress))
