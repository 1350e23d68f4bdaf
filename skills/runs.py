"""A skill run's state, kept durably in `store.models.SkillRun`, and the report made from it."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select, update

from skills.model import Skill
from store.base import utcnow
from store.models import SkillRun

StepStatus = Literal["pending", "completed", "skipped", "failed", "awaiting_approval", "rejected"]
RunStatus = Literal["running", "recovering", "awaiting_approval", "completed", "failed", "aborted"]


class StepState(BaseModel):
    number: int
    id: str
    title: str
    action: str
    params: dict[str, Any] = Field(default_factory=dict)
    condition: str | None = None
    on_error: str = "abort"
    requires_approval: bool = False
    status: StepStatus = "pending"
    attempts: int = 0
    duration_ms: float | None = None
    output: Any = None
    error: str | None = None
    approval_id: int | None = None


class RunState(BaseModel):
    id: int = 0
    skill_id: str
    skill_name: str
    team_id: str = ""
    user_id: str
    customer_id: int | None = None
    customer_name: str | None = None
    variables: dict[str, Any] = Field(default_factory=dict)
    status: RunStatus = "running"
    current_step: int = 0
    approval_id: int | None = None
    channel: str | None = None
    thread_ts: str | None = None
    steps: list[StepState] = Field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @classmethod
    def for_skill(cls, skill: Skill, **fields: Any) -> RunState:
        steps = [
            StepState(
                number=s.number,
                id=s.id,
                title=s.title,
                action=s.action or "",
                params=s.params,
                condition=s.condition,
                on_error=s.on_error,
                requires_approval=s.requires_approval,
            )
            for s in skill.steps
        ]
        return cls(skill_id=skill.id, skill_name=skill.name, steps=steps, **fields)

    def to_row(self) -> dict[str, Any]:
        return {
            "skill_slug": self.skill_id,
            "skill_name": self.skill_name,
            "team_id": self.team_id,
            "user_id": self.user_id,
            "customer_id": self.customer_id,
            "status": self.status,
            # __saved_at: when the run was last saved, for `claim_stale_runs` after a restart
            "variables": jsonable(
                {**self.variables, "__customer_name": self.customer_name, "__saved_at": utcnow().isoformat()}
            ),
            "steps": [s.model_dump(mode="json") for s in self.steps],  # outputs are already JSON
            "current_step": self.current_step,
            "approval_id": self.approval_id,
            "channel": self.channel,
            "thread_ts": self.thread_ts,
            "finished_at": self.finished_at,
        }

    @classmethod
    def from_row(cls, row: SkillRun) -> RunState:
        variables = dict(row.variables or {})
        customer_name = variables.pop("__customer_name", None)
        variables.pop("__saved_at", None)
        return cls(
            id=row.id,
            skill_id=row.skill_slug,
            skill_name=row.skill_name or row.skill_slug,
            team_id=row.team_id or "",
            user_id=row.user_id or "system",
            customer_id=row.customer_id,
            customer_name=customer_name,
            variables=variables,
            status=row.status,
            current_step=row.current_step,
            approval_id=row.approval_id,
            channel=row.channel,
            thread_ts=row.thread_ts,
            steps=[StepState.model_validate(s) for s in row.steps or []],
            started_at=row.started_at,
            finished_at=row.finished_at,
        )


def jsonable(value: Any) -> Any:
    """Tool outputs as plain JSON, whatever they held (dates, decimals...)."""

    def default(obj: Any) -> Any:
        if isinstance(obj, date | datetime):
            return obj.isoformat()
        if isinstance(obj, BaseModel):
            return obj.model_dump(mode="json")
        return str(obj)

    return json.loads(json.dumps(value, default=default))


async def insert_run(db: Any, state: RunState) -> int:
    async with db.transaction() as session:
        row = SkillRun(**state.to_row(), started_at=utcnow())
        session.add(row)
        await session.flush()
        state.id = row.id
        state.started_at = row.started_at
    return state.id


async def save_run(db: Any, state: RunState) -> None:
    async with db.transaction() as session:
        await session.execute(update(SkillRun).where(SkillRun.id == state.id).values(**state.to_row()))


async def load_run(db: Any, run_id: int) -> RunState | None:
    async with db.session() as session:
        row = await session.get(SkillRun, run_id)
        return RunState.from_row(row) if row is not None else None


def _saved_at(row: SkillRun) -> datetime:
    raw = (row.variables or {}).get("__saved_at")
    try:
        saved = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        saved = None
    return saved or row.started_at


async def claim_stale_runs(db: Any, older_than: datetime) -> list[int]:
    """Runs left `running` by a process that stopped (not saved since `older_than`), each claimed by
    one recovering process only."""
    async with db.session() as session:
        rows = (await session.scalars(select(SkillRun).where(SkillRun.status == "running"))).all()
        ids = [row.id for row in rows if _saved_at(row) < older_than]
    claimed = []
    for run_id in ids:
        async with db.transaction() as session:
            result = await session.execute(
                update(SkillRun)
                .where(SkillRun.id == run_id, SkillRun.status == "running")
                .values(status="recovering")
                .execution_options(synchronize_session=False)
            )
        if result.rowcount == 1:
            claimed.append(run_id)
    return claimed


async def claim_paused_run(db: Any, run_id: int, approval_id: int) -> bool:
    """Move a paused run back to running, once: only one caller of several wins."""
    async with db.transaction() as session:
        result = await session.execute(
            update(SkillRun)
            .where(
                SkillRun.id == run_id,
                SkillRun.status == "awaiting_approval",
                SkillRun.approval_id == approval_id,
            )
            .values(status="running")
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


async def recent_runs(
    db: Any, *, user_id: str | None = None, customer_id: int | None = None, limit: int = 5
) -> list[RunState]:
    """The latest runs, newest first, of a user or for a customer."""
    stmt = select(SkillRun).order_by(SkillRun.id.desc()).limit(limit)
    if user_id is not None:
        stmt = stmt.where(SkillRun.user_id == user_id)
    if customer_id is not None:
        stmt = stmt.where(SkillRun.customer_id == customer_id)
    async with db.session() as session:
        rows = (await session.scalars(stmt)).all()
    return [RunState.from_row(row) for row in rows]


# -- the report ------------------------------------------------------------------------------------


class StepReport(BaseModel):
    number: int
    title: str
    action: str
    status: StepStatus
    duration_ms: float | None = None
    attempts: int = 0
    summary: str = ""
    error: str | None = None
    approval_id: int | None = None


class SkillRunReport(BaseModel):
    run_id: int
    skill_id: str
    skill_name: str
    status: RunStatus
    user_id: str
    team_id: str = ""
    customer_id: int | None = None
    customer_name: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    approval_id: int | None = None
    steps: list[StepReport] = Field(default_factory=list)

    @classmethod
    def of(cls, state: RunState) -> SkillRunReport:
        return cls(
            run_id=state.id,
            skill_id=state.skill_id,
            skill_name=state.skill_name,
            status=state.status,
            user_id=state.user_id,
            team_id=state.team_id,
            customer_id=state.customer_id,
            customer_name=state.customer_name,
            channel=state.channel,
            thread_ts=state.thread_ts,
            approval_id=state.approval_id,
            steps=[
                StepReport(
                    number=s.number,
                    title=s.title,
                    action=s.action,
                    status=s.status,
                    duration_ms=s.duration_ms,
                    attempts=s.attempts,
                    summary=summarize(s.output) if s.status == "completed" else "",
                    error=s.error,
                    approval_id=s.approval_id,
                )
                for s in state.steps
            ],
        )


SUMMARY_LIMIT = 160


def summarize(output: Any, limit: int = SUMMARY_LIMIT) -> str:
    """One line about a step's output: scalars shown, lists counted, links preferred."""
    if output is None:
        return "done"
    if isinstance(output, dict):
        for key in ("url", "web_link", "link", "permalink", "document_url", "presentation_url"):
            if isinstance(output.get(key), str):
                return _cut(output[key], limit)
        parts = []
        for key, value in output.items():
            if isinstance(value, list):
                parts.append(f"{key}: {len(value)}")
            elif isinstance(value, dict):
                parts.append(f"{key}: {{…}}")
            elif value is not None:
                parts.append(f"{key}: {value}")
        return _cut(", ".join(parts) or "done", limit)
    if isinstance(output, list):
        return f"{len(output)} items"
    return _cut(str(output), limit)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
