"""The meetings engine as a tool: `meetings.create_notes` (triggers' and automations'
`create_meeting_notes`): the latest stored analysis of a customer's meeting, posted as notes
(summary, action items, signals) to the customer's Slack channel through the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from tools.base import Tool, ToolError, ToolInput, ToolRun, tool
from tools.customers import resolve_customer

if TYPE_CHECKING:
    from meetings.service import MeetingService, StoredMeeting

SIGNAL_MARK = {"risk": ":warning:", "opportunity": ":seedling:", "feedback": ":speech_balloon:"}


class CreateNotesInput(ToolInput):
    customer: str | None = Field(
        None,
        description="The customer: name, domain, external id or numeric id. Defaults to the customer in context.",
    )
    meeting_id: str | None = Field(
        None, description="The meeting (e.g. Zoom meeting id); defaults to the customer's latest analysed one"
    )


def notes_text(stored: StoredMeeting, customer: str) -> str:
    """The notes as Slack mrkdwn: title, summary, action items, signals."""
    r = stored.result
    when = stored.facts.started_at or stored.analyzed_at
    title = stored.facts.topic or f"Meeting {stored.facts.meeting_id}"
    lines = [f"*Meeting notes – {customer}: {title}*" + (f" ({when:%Y-%m-%d})" if when else ""), r.summary]
    lines.append("\n*Action items*" if r.action_items else "\n_No action items._")
    for item in r.action_items:
        extra = ", ".join(x for x in (item.owner, f"due {item.due:%Y-%m-%d}" if item.due else None) if x)
        lines.append(f"• {item.text}" + (f" ({extra})" if extra else ""))
    lines.append("\n*Signals*" if r.signals else "\n_No risk or opportunity signals._")
    for s in r.signals:
        who = f" – {s.speaker}" if s.speaker else ""
        lines.append(
            f"{SIGNAL_MARK.get(s.type, '•')} {s.category.replace('_', ' ')}: “{s.quote}”{who} [{s.timestamp}]"
        )
    return "\n".join(lines)


def meeting_tools(service: MeetingService, registry: Any) -> list[Tool]:
    tools: list[Tool] = []

    @tool(
        "meetings.create_notes",
        description="Post the notes of a customer's latest analysed meeting (summary, action items, "
        "risk and opportunity signals) in the customer's Slack channel.",
        category="intelligence",
        side_effects=True,
        retries=0,
        into=tools,
    )
    async def create_notes(inp: CreateNotesInput, run: ToolRun) -> dict[str, Any]:
        async with run.db.session() as s:
            customer = await resolve_customer(s, inp.customer, run.ctx)
            name, customer_id = customer.name, customer.id
        meetings = await service.recent(customer_id, limit=50)
        if inp.meeting_id:
            meetings = [m for m in meetings if m.facts.meeting_id == str(inp.meeting_id)]
            if not meetings:
                raise ToolError(f"No analysed meeting {inp.meeting_id} for {name}.")
        if not meetings:
            raise ToolError(
                f"{name} has no analysed meeting yet: notes come from a recorded call's transcript "
                "(Zoom, or `csm meetings analyze`)."
            )
        stored = meetings[0]
        text = notes_text(stored, name)
        posted = await registry.invoke(
            "slack.post_customer_update", {"customer": str(customer_id), "text": text}, run.ctx
        )
        if posted.requires_approval:
            return {
                "customer": name,
                "meeting_id": stored.facts.meeting_id,
                "analysis_id": stored.id,
                "text": text,
                "pending_approval": posted.approval_id,
            }
        if not posted.success:
            raise ToolError(posted.error or "the notes could not be posted")
        return {
            "customer": name,
            "meeting_id": stored.facts.meeting_id,
            "analysis_id": stored.id,
            "channel": posted.data["channel"],
            "ts": posted.data["ts"],
            "text": text,
        }

    return tools


def register_meeting_tools(registry: Any, service: MeetingService) -> None:
    registry.register_all(meeting_tools(service, registry))
