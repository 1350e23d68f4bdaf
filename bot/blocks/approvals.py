"""Approval messages: exactly what will happen, with Approve / Reject (and Edit for emails)."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.blocks.common import actions, button, context, header, section
from store.models import Approval

EDITABLE = {"gmail.send_email", "gmail.draft_email"}
EMAIL_FIELDS = [
    ("to", "To", False),
    ("cc", "Cc", False),
    ("subject", "Subject", False),
    ("body", "Body", True),
]
STATUS_LINE = {
    "executed": ":white_check_mark: Approved by <@{by}> and done.",
    "failed": ":x: Approved by <@{by}>, but it failed: {error}",
    "rejected": ":no_entry_sign: Rejected by <@{by}>; nothing was done.",
    "expired": ":hourglass: Expired on {expires}; nothing was done.",
    "approved": ":hourglass_flowing_sand: Approved by <@{by}>; running…",
}


def _value(v: Any) -> str:
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict):
        return _mapping(v)
    return str(v)


def _mapping(v: dict[str, Any], shown: int = 6) -> str:
    """A readable digest of a mapping: its first plain entries, and how many more there are."""
    plain = [(k, x) for k, x in v.items() if not isinstance(x, (dict, list)) and len(str(x)) <= 80]
    parts = [f"{k} = {x}" for k, x in plain[:shown]]
    more = len(v) - len(parts)
    if more:
        parts.append(f"… and {more} more")
    return "; ".join(parts) if parts else json.dumps(v)[:300]


def preview_lines(approval: Approval) -> list[str]:
    preview = dict(approval.preview or {})
    preview.pop("reason", None)
    lines = []
    for key, value in preview.items():
        if value in (None, "", [], {}):
            continue
        text = _value(value)
        if key == "body" or len(text) > 200:
            quoted = "\n".join("> " + line for line in text[:2500].splitlines())
            lines.append(f"*{key.replace('_', ' ').capitalize()}*\n{quoted}")
        else:
            lines.append(f"*{key.replace('_', ' ').capitalize()}:* {text}")
    return lines


def approval_blocks(approval: Approval, outcome: str | None = None) -> list[Any]:
    reason = (approval.preview or {}).get("reason")
    blocks: list[Any] = [header(f"Approval needed: {approval.tool_name}")]
    if reason:
        blocks.append(section(f"_{reason[:2900]}_"))
    body = "\n".join(preview_lines(approval)) or "_(no parameters)_"
    blocks.append(section(body[:2900]))
    requested = (
        f"Requested by <@{approval.requester}>"
        if approval.requester not in ("", "system")
        else "Requested by an automation"
    )
    blocks.append(context(f"#{approval.id} · {requested} · expires {approval.expires_at:%b %d %H:%M} UTC"))
    if outcome:
        blocks.append(section(outcome))
    elif approval.status == "pending":
        buttons = [
            button("Approve", "approval_approve", str(approval.id), style="primary"),
            button("Reject", "approval_reject", str(approval.id), style="danger"),
        ]
        if approval.tool_name in EDITABLE:
            buttons.append(button("Edit", "approval_edit", str(approval.id)))
        blocks.append(actions(*buttons, block_id=f"approval_{approval.id}"))
    return blocks


def outcome_line(approval: Approval) -> str:
    if approval.status == "rejected" and approval.error:  # withdrawn: its work was called off
        return f":no_entry_sign: Withdrawn: {approval.error[:500].rstrip('.')}; nothing was done."
    template = STATUS_LINE.get(approval.status, "Status: {status}")
    return template.format(
        by=approval.decided_by or "?",
        error=(approval.error or "unknown error")[:500],
        expires=f"{approval.expires_at:%b %d %H:%M} UTC",
        status=approval.status,
    )


def edit_modal(approval: Approval) -> dict[str, Any]:
    blocks: list[Any] = []
    for key, label, multiline in EMAIL_FIELDS:
        if key not in approval.input and key not in ("to", "subject", "body"):
            continue
        blocks.append(
            InputBlock(
                block_id=key,
                label=PlainTextObject(text=label),
                optional=key == "cc",
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=multiline,
                    initial_value=_value(approval.input.get(key, "")) or None,
                ),
            )
        )
    view = View(
        type="modal",
        callback_id="approval_edit_submit",
        private_metadata=str(approval.id),
        title=PlainTextObject(text="Edit before sending"),
        submit=PlainTextObject(text="Approve and send"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
    return view.to_dict()
