"""The "Add a skill" modal's submission, and the poster of skill run reports."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.blocks.common import to_dicts
from bot.blocks.skills import ADD_BLOCK, ADD_CALLBACK, ADD_INPUT, add_modal, problem_lines, report_blocks
from bot.services import Services
from tools.model import ToolContext

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    @app.view(ADD_CALLBACK)
    async def add_skill(ack: Any, body: dict[str, Any], client: Any) -> None:
        engine = services.skills
        user = body["user"]["id"]
        team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        values = body["view"]["state"]["values"]
        markdown = (values.get(ADD_BLOCK, {}).get(ADD_INPUT, {}).get("value") or "").strip()
        if engine is None:
            await ack(
                response_action="errors", errors={ADD_BLOCK: "Skills are not available in this deployment."}
            )
            return
        checked = engine.library.check(markdown)
        if not checked.ok:
            # Every problem with its line, above the pasted text kept as it was.
            view = add_modal(
                body["view"].get("private_metadata", ""), markdown, problem_lines(checked.errors)
            )
            await ack(response_action="update", view=view.to_dict())
            return
        await ack()

        async def store() -> None:
            outcome = await engine.add(team, markdown, created_by=user)
            if outcome.stored is None:  # changed between the check and the save (another tool set)
                text = "The skill was not saved:\n" + "\n".join(problem_lines(outcome.result.errors))
            else:
                skill = outcome.stored.skill
                verb = "Replaced" if outcome.replaced else "Added"
                phrase = skill.trigger.patterns[0].text if skill.trigger.patterns else skill.id
                text = f"{verb} the skill *{skill.name}* (`{skill.id}`). Try it: `/csm skill {phrase}`"
                warnings = problem_lines(outcome.result.warnings, limit=5)
                if warnings:
                    text += "\nWarnings:\n" + "\n".join(warnings)
            await client.chat_postMessage(channel=user, text=text)

        services.tasks.spawn(store(), what="saving the skill")


async def post_report(services: Services, client: Any, report: Any) -> None:
    """Where a run reports: its thread or channel when it has one, else a DM to the user.

    Through `slack.send_message` (the one door, audited) when the registry has it, else the client.
    """
    text, blocks = report_blocks(report)
    channel = report.channel or report.user_id
    if not channel or channel == "system":
        log.info("skill run %s has nobody to report to: %s", report.run_id, text)
        return
    message: dict[str, Any] = {"channel": channel, "text": text, "blocks": to_dicts(blocks)}
    if report.thread_ts:
        message["thread_ts"] = report.thread_ts
    registry = services.registry
    if registry is not None and registry.get("slack.send_message") is not None:
        ctx = ToolContext(
            user_id=report.user_id,
            team_id=report.team_id,
            customer_id=report.customer_id,
            caller_kind="skill",
            caller_ref=f"skill_run:{report.run_id}",
        )
        result = await registry.invoke("slack.send_message", message, ctx)
        if not result.success:
            log.error("posting the report of skill run %s failed: %s", report.run_id, result.error)
        return
    await client.chat_postMessage(**message)
