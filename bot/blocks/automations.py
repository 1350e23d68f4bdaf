"""Block Kit for automations: the preview, the list, a run's trace, the edit modal, the App Home section."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.blocks.common import actions, button, context, divider, header, section, sections

SAVE, TEST, EDIT, CANCEL = "automation_save", "automation_test", "automation_edit", "automation_cancel"
PICK = "automation_pick_customer"
PAUSE, RESUME, DELETE, LAST_RUN = (
    "automation_pause",
    "automation_resume",
    "automation_delete",
    "automation_last_run",
)
EDIT_CALLBACK, EDIT_BLOCK, EDIT_INPUT = "automation_edit_modal", "automation_text", "text"
VALUE_LIMIT = 2000
STATUS_EMOJI = {
    "active": ":large_green_circle:",
    "paused": ":double_vertical_bar:",
    "done": ":white_check_mark:",
}
OUTCOME_EMOJI = {
    "done": ":white_check_mark:",
    "would": ":eyes:",
    "awaiting_approval": ":hourglass_flowing_sand:",
    "failed": ":x:",
    "skipped": ":fast_forward:",
}


def pack(text: str, definition: dict[str, Any] | None = None, customer: str | None = None) -> str:
    """A button value: the sentence, and the parsed definition when it fits Slack's 2000 characters."""
    data: dict[str, Any] = {"t": text}
    if customer:
        data["c"] = customer
    if definition is not None:
        with_def = json.dumps({**data, "d": definition}, separators=(",", ":"))
        if len(with_def) <= VALUE_LIMIT:
            return with_def
    return json.dumps(data, separators=(",", ":"))[:VALUE_LIMIT]


def unpack(value: str) -> dict[str, Any]:
    try:
        data = json.loads(value)
        return data if isinstance(data, dict) else {"t": str(value)}
    except ValueError:
        return {"t": value}


def when(t: datetime | None) -> str:
    if t is None:
        return "—"
    return f"<!date^{int(t.timestamp())}^{{date_short_pretty}} {{time}}|{t:%Y-%m-%d %H:%M %Z}>"


def preview_blocks(preview: Any) -> tuple[str, list[Any]]:
    d = preview.definition
    blocks: list[Any] = [header("New automation"), section(f"*{preview.echo}*")]
    facts = []
    if preview.next_runs:
        facts.append(
            "Next runs: "
            + ", ".join(f"{t:%a %d %b %H:%M}" for t in preview.next_runs)
            + f" ({preview.timezone})"
        )
    else:
        facts.append("Runs whenever the event happens.")
    if d.requires_approval:
        facts.append(":lock: Emails to customers wait for your approval each time.")
    if preview.note:
        facts.append(preview.note)
    blocks.append(context(*facts))
    for warning in preview.warnings:
        blocks.append(context(f":information_source: {warning}"))
    if preview.errors:
        blocks.extend(sections(":warning: " + "\n:warning: ".join(preview.errors)))
    value = pack(preview.text, d.to_json())
    if preview.customer_choices:
        blocks.append(section(f"Which customer do you mean by *{d.scope.customer}*?"))
        blocks.append(
            actions(
                *[button(name, PICK, pack(preview.text, None, name)) for name in preview.customer_choices]
            )
        )
        blocks.append(actions(button("Edit", EDIT, pack(preview.text)), button("Cancel", CANCEL, "x")))
        return f"Which customer do you mean by {d.scope.customer}?", blocks
    buttons = [
        button("Test run", TEST, value),
        button("Edit", EDIT, pack(preview.text)),
        button("Cancel", CANCEL, "x"),
    ]
    if preview.ok:
        buttons.insert(0, button("Save", SAVE, value, style="primary"))
    blocks.append(actions(*buttons))
    return f"New automation: {preview.echo}", blocks


def trace_blocks(title: str, trace: dict[str, Any]) -> tuple[str, list[Any]]:
    """What a run did (or, for a test run, would do): customers matched, each action with its result."""
    customers = trace.get("customers") or []
    names = ", ".join(c["name"] for c in customers[:20]) + (
        f" and {len(customers) - 20} more" if len(customers) > 20 else ""
    )
    blocks: list[Any] = [
        section(f"*{title}*"),
        context(f"{len(customers)} customers matched" + (f": {names}" if names else "")),
    ]
    lines = []
    for a in trace.get("actions") or []:
        emoji = OUTCOME_EMOJI.get(a.get("outcome", ""), ":white_circle:")
        who = f" · {a['customer']}" if a.get("customer") else ""
        tool = f" `{a['tool']}`" if a.get("tool") else ""
        detail = ""
        if a.get("outcome") == "would":
            detail = _would(a)
        elif a.get("error"):
            detail = a["error"]
            if a.get("tool", "").startswith("gmail.") and a.get("input"):
                detail = f"{_would(a)}, but: {a['error']}"
        elif a.get("approval_id"):
            detail = f"waiting for approval #{a['approval_id']}"
        lines.append(f"{emoji} {a['type']}{tool}{who}" + (f"\n      {detail}" if detail else ""))
    if trace.get("error"):
        lines.append(f":x: {trace['error']}")
    blocks.extend(sections("\n".join(lines) or "_No action had anything to do._"))
    return title, blocks


def _would(a: dict[str, Any]) -> str:
    inp = a.get("input") or {}
    if a.get("tool") == "slack.send_message":
        first = str(inp.get("text", "")).splitlines()[:3]
        return f"would post to {inp.get('channel')}: " + " / ".join(first)
    if a.get("tool", "").startswith("gmail."):
        return f"would {'draft' if 'draft' in a['tool'] else 'send (after approval)'} to {', '.join(inp.get('to', []))}: “{inp.get('subject')}”"
    if a.get("tool") == "tasks.create":
        due = f", due in {inp['due_in_days']} days" if inp.get("due_in_days") is not None else ""
        return f"would create the task “{inp.get('title')}”{due}"
    result = a.get("result") or {}
    return f"would {result.get('would') if isinstance(result.get('would'), str) else 'run ' + str(a.get('tool'))}"


def list_blocks(rows: list[Any], last_status: dict[int, str]) -> tuple[str, list[Any]]:
    if not rows:
        return "You have no automations yet.", [
            section("You have no automations yet."),
            context("Make one: `/csm automate every Monday at 9am, send me a summary of at-risk customers`"),
        ]
    blocks: list[Any] = [header(f"Your automations ({len(rows)})")]
    for row in rows:
        emoji = STATUS_EMOJI.get(row.status, ":white_circle:")
        event = (row.definition or {}).get("trigger", {}).get("kind") == "trigger"
        nxt = "on its event" if event else when(row.next_run_at)
        facts = [
            f"Status: {row.status}",
            f"Next run: {nxt if row.status == 'active' else '—'}",
            f"Last run: {when(row.last_run_at)}"
            + (f" ({last_status[row.id]})" if row.id in last_status else ""),
        ]
        blocks.append(section(f"{emoji} *#{row.id}* {row.echo or row.name}\n" + " · ".join(facts)))
        toggle = (
            button("Pause", PAUSE, str(row.id))
            if row.status == "active"
            else button("Resume", RESUME, str(row.id))
        )
        elements = [
            toggle,
            button("Show last run", LAST_RUN, str(row.id)),
            button("Delete", DELETE, str(row.id), style="danger"),
        ]
        if row.status == "done":
            elements = elements[1:]
        blocks.append(actions(*elements))
    blocks.append(context("New one: `/csm automate …`"))
    return f"{len(rows)} automations", blocks


def edit_modal(text: str, channel: str = "", problem: str | None = None) -> View:
    blocks: list[Any] = [
        section("Say when and what, e.g. _every Monday at 9am, send me a summary of at-risk customers_.")
    ]
    if problem:
        blocks.append(divider())
        blocks.extend(sections(f":warning: {problem}"))
    element = PlainTextInputElement(
        action_id=EDIT_INPUT, multiline=True, max_length=1000, initial_value=text or None
    )
    blocks.append(InputBlock(block_id=EDIT_BLOCK, label=PlainTextObject(text="Automation"), element=element))
    return View(
        type="modal", callback_id=EDIT_CALLBACK, title=PlainTextObject(text="Edit automation"),
        submit=PlainTextObject(text="Preview"), close=PlainTextObject(text="Cancel"),
        private_metadata=channel[:3000], blocks=blocks,
    )  # fmt: skip


def home_blocks(rows: list[Any]) -> list[Any]:
    live = [r for r in rows if r.status in ("active", "paused")]
    blocks: list[Any] = [divider(), header("Automations")]
    if not live:
        blocks.append(
            context(
                "None yet. Try `/csm automate every Monday at 9am, send me a summary of at-risk customers`."
            )
        )
        return blocks
    for row in live[:10]:
        nxt = (
            when(row.next_run_at)
            if row.status == "active" and row.next_run_at
            else ("paused" if row.status == "paused" else "on its event")
        )
        blocks.append(section(f"{STATUS_EMOJI.get(row.status, '')} {row.echo or row.name}\nNext run: {nxt}"))
    if len(live) > 10:
        blocks.append(context(f"…and {len(live) - 10} more: `/csm automations`"))
    return blocks
