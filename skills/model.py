"""The parsed shape of a skill file and the diagnostics its validation reports."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

OnError = Literal["continue", "abort", "retry"]
VariableKind = Literal["required", "optional", "auto"]

# Variables every run has without declaring them (steps.N.output is handled separately).
BUILTIN_VARIABLES: dict[str, str] = {
    "customer_id": "the customer's id",
    "customer_name": "the customer's name",
    "user_id": "the Slack user running the skill",
    "today": "today's date (YYYY-MM-DD)",
    "quarter": "the current quarter, e.g. Q4 2026",
    "aggregated_data": "the outputs of every earlier step, keyed by step id",
    "event": "the trigger type when an event ran the skill (e.g. meeting_ended), else empty",
    "event_what": "the alert's line when an event ran the skill, else empty",
}


class Diagnostic(BaseModel):
    """One finding of the parser or the validator, printed as `PATH:LINE: message`."""

    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def format(self, path: str) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{path}:{self.line}: {prefix}{self.message}"


class TriggerPattern(BaseModel):
    text: str
    slots: list[str] = Field(default_factory=list)
    line: int = Field(default=0, exclude=True)


class TriggerEvent(BaseModel):
    event: str
    params: dict[str, Any] = Field(default_factory=dict)  # the trigger type's thresholds, e.g. days=60
    line: int = Field(default=0, exclude=True)


class SkillTrigger(BaseModel):
    patterns: list[TriggerPattern] = Field(default_factory=list)
    events: list[TriggerEvent] = Field(default_factory=list)


class SkillVariable(BaseModel):
    name: str
    description: str = ""
    kind: VariableKind = "optional"
    line: int = Field(default=0, exclude=True)


class SkillStep(BaseModel):
    id: str  # slug of the title, e.g. "gather_usage_metrics"
    number: int  # the heading's number, else its position (1-based)
    title: str
    action: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    condition: str | None = None
    on_error: OnError = "abort"
    requires_approval: bool = False
    line: int = Field(default=0, exclude=True)
    # Lines of individual keys, for diagnostics that point at the key rather than the heading.
    key_lines: dict[str, int] = Field(default_factory=dict, exclude=True)


class Skill(BaseModel):
    id: str  # slug, e.g. "qbr-prep"
    name: str
    description: str = ""
    trigger: SkillTrigger = Field(default_factory=SkillTrigger)
    variables: list[SkillVariable] = Field(default_factory=list)
    steps: list[SkillStep] = Field(default_factory=list)
    approval_policy: list[str] = Field(default_factory=list)

    def step_by_ref(self, ref: str) -> SkillStep | None:
        """A step by its number ("3") or its id ("gather_usage_metrics")."""
        for step in self.steps:
            if str(step.number) == ref or step.id == ref:
                return step
        return None


class ParseResult(BaseModel):
    """A parsed skill (None when the file is beyond repair) and every finding, errors first by line."""

    skill: Skill | None = None
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.skill is not None and not self.errors
