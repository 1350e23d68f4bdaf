"""What the assistant answers: text plus structured items the Slack surface renders as Block Kit."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field


class SnapshotCard(BaseModel):
    """One customer at a glance (rendered as a card with fields and buttons)."""

    kind: Literal["snapshot"] = "snapshot"
    customer_id: int
    name: str
    health_score: int | None = None
    health_band: str | None = None
    trend_change: int | None = None  # points over the last 30 days
    trend_direction: str | None = None
    arr: float | None = None
    renewal_date: str | None = None
    renewal_in_days: int | None = None
    days_since_login: int | None = None
    open_tickets: int = 0
    escalated_tickets: int = 0
    champions: list[str] = []
    latest_nps: int | None = None
    active_playbooks: list[str] = []
    open_tasks: int = 0
    recent_signals: list[str] = []


class CustomerRow(BaseModel):
    customer_id: int
    name: str
    detail: str  # one line in the CSM's words: "health 42 (down 18), renews in 23 days, $120k ARR"
    health_score: int | None = None
    suggested_playbook: str | None = None  # a button to start it


class CustomerList(BaseModel):
    """A list of customers, each with a snapshot button (and a playbook button when one fits)."""

    kind: Literal["customer_list"] = "customer_list"
    title: str
    rows: list[CustomerRow]
    more: int = 0  # how many more matched than are shown


class Bullets(BaseModel):
    """A titled list of plain lines (tickets, tasks, meetings, approvals...)."""

    kind: Literal["bullets"] = "bullets"
    title: str
    lines: list[str]
    more: int = 0


class Suggestions(BaseModel):
    """Example questions, rendered as a list the CSM can copy."""

    kind: Literal["suggestions"] = "suggestions"
    title: str
    examples: list[tuple[str, str]]  # (what, example)


Item = Annotated[SnapshotCard | CustomerList | Bullets | Suggestions, Field(discriminator="kind")]


class AssistantReply(BaseModel):
    text: str
    items: list[Item] = []
    approval_ids: list[int] = []  # approvals this answer created (their messages are posted by the registry)
    source: Literal["claude", "offline"] = "offline"
    intent: str | None = None
    notice: str | None = None  # e.g. "Claude is unavailable; answered offline"
    tools_called: list[str] = []

    def plain_text(self) -> str:
        """Everything as text: the notification fallback and what the thread history keeps."""
        parts = [p for p in (self.notice, self.text) if p]
        for item in self.items:
            parts.append(_item_text(item))
        return "\n\n".join(parts)


def _item_text(item: Any) -> str:
    if isinstance(item, SnapshotCard):
        return f"{item.name}: health {item.health_score}, renewal {item.renewal_date or 'not set'}"
    if isinstance(item, CustomerList):
        lines = [f"• {r.name}: {r.detail}" for r in item.rows]
        return "\n".join([f"*{item.title}*", *lines])
    if isinstance(item, Bullets):
        return "\n".join([f"*{item.title}*", *(f"• {line}" for line in item.lines)])
    if isinstance(item, Suggestions):
        return "\n".join([f"*{item.title}*", *(f"• {what}: “{ex}”" for what, ex in item.examples)])
    return ""
