"""The engines' durable state: approvals, audit, triggers, playbooks, skills, automations, schedules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, utcnow


class Approval(Base):
    """A gated tool call waiting for (or past) a human decision."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_name: Mapped[str] = mapped_column(String(100))
    input: Mapped[dict[str, Any]] = mapped_column(default=dict)
    preview: Mapped[dict[str, Any]] = mapped_column(default=dict)
    requester: Mapped[str] = mapped_column(String(50), index=True)
    approvers: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # pending | approved | rejected | expired | executed | failed
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    caller_kind: Mapped[str | None] = mapped_column(String(30))  # slack | trigger | playbook | skill | ...
    caller_ref: Mapped[str | None] = mapped_column(String(200))
    # The rest of the caller's ToolContext (team_id, session, extra), to run the call on their behalf.
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    channel: Mapped[str | None] = mapped_column(String(50))
    message_ts: Mapped[str | None] = mapped_column(String(50))
    thread_ts: Mapped[str | None] = mapped_column(String(50))
    decided_by: Mapped[str | None] = mapped_column(String(50))
    decided_at: Mapped[datetime | None]
    executed_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(100))
    tool_name: Mapped[str] = mapped_column(String(100))
    input: Mapped[dict[str, Any]] = mapped_column(default=dict)
    outcome: Mapped[str] = mapped_column(String(30))  # success | error | pending_approval | denied
    error: Mapped[str | None] = mapped_column(Text)
    approval_id: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[float | None] = mapped_column(Float)
    caller_kind: Mapped[str | None] = mapped_column(String(30))


class ToolSetting(Base):
    """Per-tool overrides of the code-defined registry (the PRD's `mcp_tools` table)."""

    __tablename__ = "mcp_tools"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    requires_approval: Mapped[bool | None] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TriggerRule(Base):
    __tablename__ = "trigger_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    trigger_type: Mapped[str] = mapped_column(String(50), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actions: Mapped[list[Any]] = mapped_column(default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    run_mode: Mapped[str] = mapped_column(String(20), default="parallel")
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=0)
    owner_slack_id: Mapped[str | None] = mapped_column(String(50))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    automation_id: Mapped[int | None] = mapped_column(Integer)
    last_fired_at: Mapped[datetime | None]
    fire_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TriggerFiring(Base):
    """One firing of a rule for one customer and one cause; the unique key makes it fire once."""

    __tablename__ = "trigger_firings"
    __table_args__ = (UniqueConstraint("rule_id", "customer_id", "cause"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("trigger_rules.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    cause: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="fired")  # fired | actioned | failed | snoozed
    snoozed_until: Mapped[datetime | None]
    fired_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Playbook(Base):
    __tablename__ = "playbooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(30))
    stages: Mapped[list[Any]] = mapped_column(default=list)
    triggers: Mapped[list[Any]] = mapped_column(default=list)
    variables: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(20), default="builtin")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaybookExecution(Base):
    __tablename__ = "playbook_executions"

    id: Mapped[int] = mapped_column(primary_key=True)
    playbook_id: Mapped[int] = mapped_column(ForeignKey("playbooks.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    started_by: Mapped[str | None] = mapped_column(String(50))
    anchor_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="active")  # active|paused|completed|cancelled
    # "playbook_id:customer_id" while active or paused, NULL after: one live execution per pair.
    active_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    current_stage: Mapped[int] = mapped_column(Integer, default=0)
    stage_statuses: Mapped[list[Any]] = mapped_column(default=list)
    action_results: Mapped[list[Any]] = mapped_column(default=list)
    # Values for the template's declared variables, given when the playbook was started.
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    channel: Mapped[str | None] = mapped_column(String(50))
    thread_ts: Mapped[str | None] = mapped_column(String(50))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class PlaybookActionRun(Base):
    """One action of one execution; (execution, stage, action) is unique so a restart never repeats it."""

    __tablename__ = "playbook_action_runs"
    __table_args__ = (UniqueConstraint("execution_id", "stage_index", "action_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    execution_id: Mapped[int] = mapped_column(ForeignKey("playbook_executions.id", ondelete="CASCADE"))
    stage_index: Mapped[int] = mapped_column(Integer)
    action_index: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # pending | running | awaiting_approval | completed | skipped | failed | overdue
    approval_id: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Skill(Base):
    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("team_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(50), default="")
    slug: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    trigger_patterns: Mapped[list[Any]] = mapped_column(default=list)
    steps: Mapped[list[Any]] = mapped_column(default=list)
    variables: Mapped[list[Any]] = mapped_column(default=list)
    approval_policy: Mapped[list[Any]] = mapped_column(default=list)
    markdown: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(20), default="user")  # builtin | user | shared
    created_by: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SkillRun(Base):
    __tablename__ = "skill_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_slug: Mapped[str] = mapped_column(String(100), index=True)
    skill_name: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[str] = mapped_column(String(50), default="")
    user_id: Mapped[str | None] = mapped_column(String(50))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="running")
    # running | awaiting_approval | completed | failed | aborted
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    steps: Mapped[list[Any]] = mapped_column(default=list)
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    approval_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str | None] = mapped_column(String(50))
    thread_ts: Mapped[str | None] = mapped_column(String(50))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class Automation(Base):
    __tablename__ = "automations"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_slack_id: Mapped[str] = mapped_column(String(50), index=True)
    name: Mapped[str] = mapped_column(String(200))
    natural_language: Mapped[str] = mapped_column(Text)
    definition: Mapped[dict[str, Any]] = mapped_column(default=dict)
    echo: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | paused | deleted
    trigger_rule_id: Mapped[int | None] = mapped_column(Integer)
    last_run_at: Mapped[datetime | None]
    next_run_at: Mapped[datetime | None] = mapped_column(index=True)
    run_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AutomationRun(Base):
    """A run and its trace; (automation, fire time) is unique so a slot runs once."""

    __tablename__ = "automation_runs"
    __table_args__ = (UniqueConstraint("automation_id", "fire_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    automation_id: Mapped[int] = mapped_column(ForeignKey("automations.id", ondelete="CASCADE"))
    fire_time: Mapped[datetime]
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="running")
    trace: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class JobRun(Base):
    """The durable scheduler's ledger: one row per (job, fire time), claimed by one process."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "fire_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(200))
    fire_time: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default="due")  # due | running | done | failed
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
