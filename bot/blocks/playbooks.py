"""Playbooks in Block Kit: the template list, the stage timeline, progress lines, the start button."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.common import actions, button, context, header, section
from playbooks.library import TemplateLibrary
from playbooks.runner import PlaybookProgress
from playbooks.views import ActionView, ExecutionView

STATUS_EMOJI = {
    "pending": ":white_circle:",
    "in_progress": ":large_blue_circle:",
    "running": ":hourglass_flowing_sand:",
    "awaiting_approval": ":raised_hand:",
    "overdue": ":warning:",
    "failed": ":x:",
    "completed": ":white_check_mark:",
    "skipped": ":fast_forward:",
    "rejected": ":no_entry_sign:",
    "active": ":arrow_forward:",
    "paused": ":double_vertical_bar:",
    "cancelled": ":black_square_for_stop:",
}
STATUS_WORDS = {
    "pending": "upcoming",
    "in_progress": "in progress",
    "awaiting_approval": "waiting for approval",
    "overdue": "overdue: run or skip",
    "failed": "needs attention",
}
PROGRESS_EMOJI = {
    "started": ":rocket:",
    "action_completed": ":white_check_mark:",
    "action_failed": ":x:",
    "awaiting_approval": ":raised_hand:",
    "action_rejected": ":no_entry_sign:",
    "action_skipped": ":fast_forward:",
    "stage_skipped": ":fast_forward:",
    "overdue": ":warning:",
    "paused": ":double_vertical_bar:",
    "resumed": ":arrow_forward:",
    "cancelled": ":black_square_for_stop:",
    "reanchored": ":calendar:",
    "completed": ":tada:",
}


def _day(value: date | None) -> str:
    return f"{value:%b} {value.day}, {value.year}" if value else "no date"


def _status(status: str) -> str:
    return (
        f"{STATUS_EMOJI.get(status, ':white_circle:')} {STATUS_WORDS.get(status, status.replace('_', ' '))}"
    )


def template_list_blocks(library: TemplateLibrary) -> tuple[str, list[Any]]:
    blocks: list[Any] = [header("Playbooks")]
    lines = []
    for slug, template in sorted(library.templates.items()):
        offsets = [s.day_offset for s in template.stages]
        span = f"days {offsets[0]:+d} to {offsets[-1]:+d} from the {template.anchor_label}"
        steps = sum(len(s.actions) for s in template.stages)
        gated = sum(1 for s in template.stages for a in s.actions if a.requires_approval)
        lines.append(
            f"*{template.name}* `{slug}`\n{template.description.strip()}\n"
            f"_{len(template.stages)} stages, {steps} steps ({gated} ask for approval), {span}_"
        )
    for line in lines:
        blocks.append(section(line))
    blocks.append(context("Start one: `/csm playbook start renewal-90-day Acme Corp [YYYY-MM-DD]`"))
    return "Playbooks: " + ", ".join(sorted(library.templates)), blocks


def next_action_blocks(view: ExecutionView) -> list[Any]:
    """The next action with the buttons the CSM needs: Run now / Skip, or Open approval."""
    nxt: ActionView | None = view.next_action
    if nxt is None or view.status not in ("active", "paused"):
        return []
    why = f"\n_{nxt.error}_" if nxt.error and nxt.status in ("failed", "overdue") else ""
    text = f"*Next:* {nxt.name} ({_day(nxt.due_date)}) {_status(nxt.status)}{why}"
    buttons = []
    if nxt.status == "awaiting_approval" and nxt.approval_id:
        buttons.append(
            button("Open approval", "playbook_open_approval", str(nxt.approval_id), style="primary")
        )
    elif nxt.status in ("pending", "overdue", "failed"):
        buttons.append(button("Run now", "playbook_run_now", str(nxt.run_id), style="primary"))
        buttons.append(button("Skip", "playbook_skip", str(nxt.run_id)))
    blocks: list[Any] = [section(text)]
    if len(view.overdue) > 1:
        blocks.append(
            section(
                f":warning: {len(view.overdue)} steps dated before today were not run. Run them all or skip them?"
            )
        )
        buttons += [
            button(f"Run all {len(view.overdue)} overdue", "playbook_overdue_run", str(view.id)),
            button("Skip all overdue", "playbook_overdue_skip", str(view.id)),
        ]
    if buttons:
        blocks.append(actions(*buttons, block_id=f"playbook_next_{view.id}"))
    return blocks


def timeline_blocks(view: ExecutionView, *, controls: bool = True) -> list[Any]:
    done, total = view.progress()
    title = f"{STATUS_EMOJI.get(view.status, '')} *{view.playbook_name}* for *{view.customer_name}*"
    meta = f"#{view.id} · {view.status} · {view.anchor_label} {_day(view.anchor_date)} · {done}/{total} steps done"
    blocks: list[Any] = [section(f"{title}\n_{meta}_")]
    lines = []
    for stage in view.stages:
        marker = "*" if stage.index == view.current_stage and view.status in ("active", "paused") else ""
        note = f" ({stage.note})" if stage.note else ""
        lines.append(
            f"{STATUS_EMOJI.get(stage.status, ':white_circle:')} {_day(stage.date)}  {marker}{stage.name}{marker}{note}"
        )
    blocks.append(section("\n".join(lines)))
    blocks.extend(next_action_blocks(view))
    if controls and view.status in ("active", "paused"):
        toggle = (
            button("Pause", "playbook_pause", str(view.id))
            if view.status == "active"
            else button("Resume", "playbook_resume", str(view.id), style="primary")
        )
        blocks.append(
            actions(
                toggle,
                button("Cancel playbook", "playbook_cancel", str(view.id), style="danger"),
                block_id=f"playbook_controls_{view.id}",
            )
        )
    return blocks


def status_blocks(views: list[ExecutionView], scope: str) -> tuple[str, list[Any]]:
    if not views:
        return f"No playbook is running {scope}.", [
            section(
                f"No playbook is running {scope}. Start one with `/csm playbook start TEMPLATE CUSTOMER`."
            )
        ]
    blocks: list[Any] = [header(f"Playbooks running {scope}")]
    for view in views[:8]:
        blocks.extend(timeline_blocks(view))
    if len(views) > 8:
        blocks.append(
            context(
                f"{len(views) - 8} more not shown: ask for one customer with `/csm playbook status CUSTOMER`."
            )
        )
    text = "; ".join(f"#{v.id} {v.playbook_name} for {v.customer_name} ({v.status})" for v in views)
    return text, blocks


def home_blocks(views: list[ExecutionView]) -> list[Any]:
    blocks: list[Any] = [header("Active playbooks")]
    if not views:
        blocks.append(
            context("No playbook is running. Start one with `/csm playbook start TEMPLATE CUSTOMER`.")
        )
        return blocks
    for view in views[:6]:
        blocks.extend(timeline_blocks(view))
    if len(views) > 6:
        blocks.append(context(f"{len(views) - 6} more: `/csm playbook status`."))
    return blocks


def snapshot_blocks(views: list[ExecutionView]) -> list[Any]:
    """The lines `/csm customer` shows for the customer's active playbooks."""
    if not views:
        return [context("No active playbooks.")]
    lines = []
    for view in views:
        nxt = view.next_action
        upcoming = f", next: {nxt.name} ({_day(nxt.due_date)}, {_status(nxt.status)})" if nxt else ""
        done, total = view.progress()
        lines.append(
            f"{STATUS_EMOJI.get(view.status, '')} *{view.playbook_name}* #{view.id}: {done}/{total} steps{upcoming}"
        )
    return [section("*Active playbooks*\n" + "\n".join(lines))]


def progress_text(event: PlaybookProgress) -> str:
    emoji = PROGRESS_EMOJI.get(event.kind, ":small_blue_diamond:")
    if event.kind == "started":
        return f"{emoji} {event.text} (playbook #{event.execution_id})"
    return f"{emoji} {event.text}"


def start_button(slug: str, customer_id: int, label: str = "Start playbook") -> Any:
    """For alerts offering the matching playbook: value is `slug|customer_id`."""
    return button(label, "playbook_start", f"{slug}|{customer_id}", style="primary")
