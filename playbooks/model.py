"""The playbook template model: what a YAML file in `playbooks/templates/` must say.

A playbook is a list of stages dated by a day offset from an anchor (the renewal date, the kickoff
date, the QBR date). Each stage holds actions; each action is one tool call through the registry,
with `{{variable}}` placeholders in its parameters, a due offset from its stage's date, and whether
the CSM must approve it before it runs.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PlaybookType = Literal["renewal", "onboarding", "risk", "expansion", "qbr", "custom"]
ActionType = Literal["email", "meeting", "task", "slack", "document", "call", "note"]
ConditionField = Literal[
    "health_score", "arr", "renewal_in_days", "days_since_login", "open_tickets", "segment", "tier"
]
ConditionOp = Literal["<", "<=", ">", ">=", "==", "!="]

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
TOOL_NAME = r"^[a-z_]+\.[a-z_]+$"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

# Variables every execution knows (see playbooks.variables.customer_variables).
BUILTIN_VARIABLES: dict[str, str] = {
    "customer_name": "the customer's name",
    "customer_domain": "the customer's domain",
    "customer_channel": "the customer's Slack channel",
    "arr": "annual recurring revenue, e.g. $120,000",
    "health_score": "the current health score (0-100)",
    "segment": "the customer's segment",
    "tier": "the customer's tier",
    "renewal_date": "the renewal date, YYYY-MM-DD",
    "renewal_date_text": "the renewal date in words, e.g. March 3, 2027",
    "days_to_renewal": "days from today to the renewal date",
    "champion_name": "the champion's name",
    "champion_email": "the champion's email",
    "exec_sponsor_name": "the executive sponsor's name",
    "exec_sponsor_email": "the executive sponsor's email",
    "csm": "the owning CSM's Slack user id",
    "csm_mention": "the owning CSM as a Slack mention",
    "playbook_name": "this playbook's name",
    "anchor_date": "the playbook's anchor date, YYYY-MM-DD",
    "anchor_date_text": "the anchor date in words",
    "stage_name": "the current stage's name",
    "stage_date": "the current stage's date, YYYY-MM-DD",
    "due_date": "this action's due date, YYYY-MM-DD",
    "due_date_text": "this action's due date in words",
    "today": "today, YYYY-MM-DD",
    "started_by": "the Slack user id of whoever started the playbook",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaybookVariable(_Strict):
    """A variable a template declares beyond the built-in ones; set when starting, else its default."""

    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    description: str = ""
    default: str | None = None


class StageCondition(_Strict):
    """An entry condition: the stage runs only if it holds when the stage comes due."""

    field: ConditionField
    op: ConditionOp
    value: float | str

    def describe(self) -> str:
        return f"{self.field} {self.op} {self.value}"


class PlaybookAction(_Strict):
    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    type: ActionType
    tool: str = Field(pattern=TOOL_NAME)
    params: dict[str, Any] = Field(default_factory=dict)
    due_offset_days: int = Field(0, ge=-365, le=365)
    requires_approval: bool = False
    description: str = ""

    def placeholders(self) -> set[str]:
        return set(_placeholders(self.params))


class PlaybookStage(_Strict):
    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    day_offset: int = Field(ge=-730, le=730)
    description: str = ""
    conditions: list[StageCondition] = Field(default_factory=list)
    actions: list[PlaybookAction] = Field(min_length=1)

    @field_validator("actions")
    @classmethod
    def _unique_action_ids(cls, actions: list[PlaybookAction]) -> list[PlaybookAction]:
        seen: set[str] = set()
        for action in actions:
            if action.id in seen:
                raise ValueError(f"two actions have the id {action.id!r}")
            seen.add(action.id)
        return actions


class AnchorRule(_Strict):
    """Where the anchor comes from when the CSM does not give one."""

    source: Literal["renewal_date", "today"]
    offset_days: int = 0


DEFAULT_ANCHORS: dict[str, AnchorRule] = {
    "renewal": AnchorRule(source="renewal_date"),
    "onboarding": AnchorRule(source="today"),
    "risk": AnchorRule(source="today"),
    "expansion": AnchorRule(source="today"),
    "qbr": AnchorRule(source="today", offset_days=21),
    "custom": AnchorRule(source="today"),
}


class PlaybookTemplate(_Strict):
    slug: str = Field(pattern=SLUG, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    type: PlaybookType
    anchor: AnchorRule | None = None
    anchor_label: str = "anchor date"
    triggers: list[str] = Field(default_factory=list)
    variables: list[PlaybookVariable] = Field(default_factory=list)
    stages: list[PlaybookStage] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> PlaybookTemplate:
        seen: set[str] = set()
        previous: int | None = None
        for stage in self.stages:
            if stage.id in seen:
                raise ValueError(f"two stages have the id {stage.id!r}")
            seen.add(stage.id)
            if previous is not None and stage.day_offset < previous:
                raise ValueError(
                    f"stage {stage.id!r} (day {stage.day_offset}) comes before the stage above it "
                    f"(day {previous}); list stages in date order"
                )
            previous = stage.day_offset
        known = set(BUILTIN_VARIABLES) | {v.name for v in self.variables}
        for si, stage in enumerate(self.stages):
            for ai, action in enumerate(stage.actions):
                unknown = sorted(action.placeholders() - known)
                if unknown:
                    raise ValueError(
                        f"stages.{si}.actions.{ai}.params: unknown variable {{{{{unknown[0]}}}}}; "
                        f"declare it under variables or use one of: {', '.join(sorted(known))}"
                    )
        return self

    @property
    def anchor_rule(self) -> AnchorRule:
        return self.anchor or DEFAULT_ANCHORS[self.type]

    def plan(self, anchor: date) -> list[PlannedStage]:
        """Every stage's and action's date for an anchor."""
        stages: list[PlannedStage] = []
        for si, stage in enumerate(self.stages):
            stage_date = anchor + timedelta(days=stage.day_offset)
            actions = [
                PlannedAction(
                    stage_index=si,
                    action_index=ai,
                    action=action,
                    due_date=stage_date + timedelta(days=action.due_offset_days),
                )
                for ai, action in enumerate(stage.actions)
            ]
            stages.append(PlannedStage(index=si, stage=stage, date=stage_date, actions=actions))
        return stages


class PlannedAction(BaseModel):
    stage_index: int
    action_index: int
    action: PlaybookAction
    due_date: date


class PlannedStage(BaseModel):
    index: int
    stage: PlaybookStage
    date: date
    actions: list[PlannedAction]


def _placeholders(value: Any) -> list[str]:
    if isinstance(value, str):
        return PLACEHOLDER.findall(value)
    if isinstance(value, dict):
        return [name for item in value.values() for name in _placeholders(item)]
    if isinstance(value, list):
        return [name for item in value for name in _placeholders(item)]
    return []


class MissingVariable(ValueError):
    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(", ".join(names))


def render(value: Any, variables: dict[str, Any]) -> Any:
    """Fill `{{name}}` placeholders. A string that is exactly one placeholder keeps the value's type.

    Plain substitution, no expressions. Raises MissingVariable naming every placeholder whose
    value is unknown (None) so the CSM can see what to fill in.
    """
    missing: list[str] = []

    def fill(item: Any) -> Any:
        if isinstance(item, str):
            whole = PLACEHOLDER.fullmatch(item.strip())
            if whole:
                found = variables.get(whole.group(1))
                if found is None:
                    missing.append(whole.group(1))
                return found

            def sub(match: re.Match[str]) -> str:
                found = variables.get(match.group(1))
                if found is None:
                    missing.append(match.group(1))
                    return ""
                return str(found)

            return PLACEHOLDER.sub(sub, item)
        if isinstance(item, dict):
            return {key: fill(val) for key, val in item.items()}
        if isinstance(item, list):
            return [fill(val) for val in item]
        return item

    result = fill(value)
    if missing:
        raise MissingVariable(sorted(set(missing)))
    return result
