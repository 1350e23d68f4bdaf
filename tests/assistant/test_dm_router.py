"""DM routing: skills first, then automation sentences, else the assistant (CONTRACTS §3)."""

from __future__ import annotations

import pytest

from assistant.router import DmRouter
from assistant.service import Assistant
from automations.detect import looks_like_automation
from bench.intent_accuracy import load_labeled

AUTOMATIONS = [
    "every monday at 9am send me a digest of my at-risk accounts",
    "when a champion leaves, start the risk mitigation playbook",
    "whenever acme's health drops below 50 then alert me",
    "if an nps comes in under 6, create a task to call them",
    "remind me every other friday to review renewals",
    "post a weekly summary of renewals to #cs-team",
    "on mondays email me customers with no login in 14 days",
    "tomorrow at 10am remind me to call globex",
    "on the first business day of the month send me the renewals report",
]
QUESTIONS = [
    "what renews every quarter?",
    "when does globex renew",
    "how is acme doing every week?",
    "is usage down at wayne",
    "start the renewal playbook for acme",
]


@pytest.mark.parametrize("text", AUTOMATIONS)
def test_automation_sentences(text: str) -> None:
    assert looks_like_automation(text)


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_are_not_automations(text: str) -> None:
    assert not looks_like_automation(text)


def test_no_labeled_assistant_question_is_taken_for_an_automation() -> None:
    taken = [r["text"] for r in load_labeled() if looks_like_automation(r["text"])]
    assert taken == []


async def test_without_engines_everything_goes_to_the_assistant(portfolio, registry, thread) -> None:
    router = DmRouter(Assistant(portfolio, registry))
    routed = await router.route("every monday send me at-risk accounts", thread)
    assert routed.kind == "assistant"
    routed = await router.route("how is acme doing?", thread)
    assert routed.kind == "assistant" and routed.reply.intent == "snapshot"


async def test_a_skill_trigger_runs_the_skill(portfolio, registry, thread) -> None:
    from skills.engine import SkillEngine

    reports = []

    async def on_report(report) -> None:
        reports.append(report)

    skills = SkillEngine(portfolio, registry, on_report=on_report)
    stored = await skills.library.list(thread.team_id)
    assert stored, "built-in skills are installed"
    phrase = stored[0].skill.trigger.patterns[0].text
    router = DmRouter(Assistant(portfolio, registry), skills=skills)
    sample = phrase.replace("{customer}", "Acme Corp")
    routed = await router.route(sample, thread)
    assert routed.kind == "skill", phrase
    assert routed.skill.report is not None or routed.skill.question
    plain = await router.route("how is acme doing?", thread)
    assert plain.kind == "assistant"


async def test_an_automation_sentence_becomes_a_preview(portfolio, registry, settings, thread) -> None:
    from automations.service import AutomationService

    router = DmRouter(
        Assistant(portfolio, registry), automations=AutomationService(portfolio, registry, settings)
    )
    routed = await router.route("every monday at 9am send me a digest of my at-risk accounts", thread)
    assert routed.kind == "automation" and routed.preview is not None
    assert routed.preview.definition.trigger.kind == "schedule"
    assert routed.preview.definition.trigger.cron == "0 9 * * 1"
    refused = await router.route("every monday at 9am frobnicate the wibble", thread)
    assert refused.kind == "automation" and refused.text and refused.preview is None
