"""Block Kit for skills: the list, a run report, and the modal to paste a skill."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.blocks.common import context, divider, header, section, sections

ADD_CALLBACK = "skill_add"
ADD_BLOCK = "skill_markdown"
ADD_INPUT = "markdown"
MODAL_INPUT_LIMIT = 3000  # Slack's max_length for a plain-text input

STATUS_EMOJI = {
    "completed": ":white_check_mark:",
    "skipped": ":fast_forward:",
    "failed": ":x:",
    "rejected": ":no_entry_sign:",
    "awaiting_approval": ":hourglass_flowing_sand:",
    "pending": ":white_circle:",
}
RUN_HEADLINE = {
    "completed": "finished",
    "failed": "stopped at a failed step",
    "aborted": "stopped: an approval was rejected",
    "awaiting_approval": "is waiting for an approval",
    "running": "is running",
}


def skills_list_blocks(stored: list[Any]) -> tuple[str, list[Any]]:
    blocks: list[Any] = [header(f"Skills ({len(stored)})")]
    for item in stored:
        skill = item.skill
        phrases = " · ".join(f"`{p.text}`" for p in skill.trigger.patterns[:3]) or "_no phrase_"
        events = ", ".join(e.event for e in skill.trigger.events)
        source = "built-in" if item.source == "builtin" else "added by this workspace"
        lines = [f"*{skill.name}* (`{skill.id}`, {len(skill.steps)} steps, {source})", phrases]
        if events and item.source == "builtin":
            lines.append(f"Can run on: {events} (turn its rule on in `/csm triggers`)")
        elif events:
            lines.append(f"Runs on: {events}")
        blocks.append(section("\n".join(lines)))
    blocks.append(
        context(
            "Run one: `/csm skill prepare QBR for Acme Corp` · Add yours: `/csm skill add` · "
            "Remove: `/csm skill remove NAME`"
        )
    )
    return f"{len(stored)} skills", blocks


def _duration(ms: float | None) -> str:
    if ms is None:
        return ""
    return f" · {ms / 1000:.1f} s" if ms >= 1000 else f" · {ms:.0f} ms"


def report_blocks(report: Any) -> tuple[str, list[Any]]:
    """A run report: each step's status, time and output summary."""
    who = f" for {report.customer_name}" if report.customer_name else ""
    headline = f"{report.skill_name}{who} {RUN_HEADLINE.get(report.status, report.status)}"
    blocks: list[Any] = [section(f"*{headline}*")]
    lines = []
    for step in report.steps:
        emoji = STATUS_EMOJI.get(step.status, ":white_circle:")
        detail = step.summary if step.status == "completed" else (step.error or step.status.replace("_", " "))
        if step.status == "awaiting_approval" and step.approval_id:
            detail = f"waiting for approval #{step.approval_id}"
        retried = f" · {step.attempts} attempts" if step.attempts > 1 else ""
        lines.append(
            f"{emoji} *{step.number}. {step.title}* `{step.action}`{_duration(step.duration_ms)}{retried}"
        )
        if detail:
            lines.append(f"      {detail}")
    blocks.extend(sections("\n".join(lines)))
    blocks.append(context(f"Skill run #{report.run_id}"))
    return headline, blocks


def add_modal(channel_id: str = "", initial: str | None = None, problems: list[str] | None = None) -> View:
    blocks: list[Any] = [
        section(
            "Paste a skill written in markdown: a `# Title`, a `## Trigger` with quoted phrases, "
            "`## Variables` and `## Steps` with `### 1. Step` headings and `- Action: tool.name`."
        )
    ]
    if problems:
        blocks.append(divider())
        blocks.extend(sections("*Fix these first:*\n" + "\n".join(problems)))
    element = PlainTextInputElement(
        action_id=ADD_INPUT,
        multiline=True,
        max_length=MODAL_INPUT_LIMIT,
        placeholder=PlainTextObject(text='# QBR Preparation\n\n## Trigger\n- "prepare QBR for {customer}"'),
        initial_value=initial or None,
    )
    blocks.append(
        InputBlock(block_id=ADD_BLOCK, label=PlainTextObject(text="Skill markdown"), element=element)
    )
    return View(
        type="modal",
        callback_id=ADD_CALLBACK,
        title=PlainTextObject(text="Add a skill"),
        submit=PlainTextObject(text="Validate and save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=channel_id,
        blocks=blocks,
    )


def problem_lines(diagnostics: list[Any], limit: int = 15) -> list[str]:
    lines = [f"line {d.line}: {d.message}" for d in diagnostics[:limit]]
    if len(diagnostics) > limit:
        lines.append(f"… and {len(diagnostics) - limit} more")
    return lines


RUN_STATUS = {
    "completed": ":white_check_mark: finished",
    "failed": ":x: failed",
    "aborted": ":no_entry_sign: stopped",
    "awaiting_approval": ":hourglass_flowing_sand: waiting for approval",
    "running": ":arrows_counterclockwise: running",
    "recovering": ":arrows_counterclockwise: running",
}


def runs_blocks(reports: list[Any], *, title: str, with_customer: bool = True) -> list[Any]:
    """Recent skill runs, one line each (App Home, customer snapshot)."""
    if not reports:
        return []
    lines = []
    for report in reports:
        done = sum(1 for s in report.steps if s.status == "completed")
        who = f" · {report.customer_name}" if with_customer and report.customer_name else ""
        state = RUN_STATUS.get(report.status, report.status)
        lines.append(
            f"*{report.skill_name}*{who} · {state} · {done}/{len(report.steps)} steps · run #{report.run_id}"
        )
    return [header(title), *sections("\n".join(lines))]
