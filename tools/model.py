"""The shapes every engine codes against: a tool call's context and its result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class ToolContext:
    """Who is calling, for whom, and from where. Passed to `registry.invoke`."""

    user_id: str  # Slack user id of the person on whose behalf the call runs ("system" for sweeps)
    team_id: str = ""
    customer_id: int | None = None
    customer_name: str | None = None
    caller_kind: str = "slack"  # slack | trigger | playbook | skill | automation | assistant | mcp | cli
    caller_ref: str | None = None  # e.g. "skill_run:12", "playbook_action:7"
    channel: str | None = None  # where an approval request should be posted (else a DM)
    thread_ts: str | None = None
    dry_run: bool = False  # a test run: no writes, no external side effects
    session_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ToolResult(BaseModel):
    """The typed result of every invocation (PRD §1.1 MCPResult)."""

    success: bool
    data: Any = None
    error: str | None = None
    requires_approval: bool = False
    approval_id: int | None = None

    @classmethod
    def ok(cls, data: Any = None) -> ToolResult:
        return cls(success=True, data=data)

    @classmethod
    def fail(cls, error: str) -> ToolResult:
        return cls(success=False, error=error)

    @classmethod
    def pending(cls, approval_id: int, message: str | None = None) -> ToolResult:
        return cls(
            success=False,
            requires_approval=True,
            approval_id=approval_id,
            error=message or f"pending approval {approval_id}",
        )


@dataclass(frozen=True)
class ApprovalOutcome:
    """What a resume hook receives when a gated call it made is decided (and, if approved, run)."""

    approval_id: int
    tool_name: str
    caller_kind: str | None
    caller_ref: str | None
    status: str  # executed | failed | rejected | expired
    result: ToolResult | None
    decided_by: str | None = None
