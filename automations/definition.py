"""The automation definition of CONTRACTS §5, as pydantic models.

Its JSON schema is what the Claude backend is asked to fill; the offline parser builds the same
objects. `AutomationDefinition.to_json()` is the wire shape of `csm automations parse --json`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tools.vocabulary import ACTION_TYPES, FILTER_FIELDS, FILTER_OPS, TRIGGER_TYPES

# Each trigger type's parameters: name -> required?
TRIGGER_PARAMS: dict[str, dict[str, bool]] = {
    "health_score_drop": {"drop": False, "within_days": False, "below": False},
    "no_login": {"days": True},
    "ticket_escalated": {"priority": False},
    "ticket_created": {"priority": False},
    "renewal_approaching": {"days": True},
    "nps_submitted": {"max_score": False, "min_score": False},
    "champion_left": {},
    "usage_spike": {"percent": True},
    "usage_drop": {"percent": True},
    "contract_milestone": {"milestone": True},
    "meeting_ended": {},
    "negative_sentiment": {"threshold": False},
    "payment_overdue": {"days": True},
}

TEXT_FIELDS = frozenset({"segment", "tier", "owner"})
OPS = FILTER_OPS

ACTION_PARAMS: dict[str, dict[str, bool]] = {
    "send_summary": {"to": True},
    "alert_csm": {},
    "send_slack": {"channel": True},
    "draft_email": {"template": False, "to": False},
    "send_email": {"template": False, "to": False},
    "create_task": {"title": True, "due_in_days": False},
    "run_playbook": {"playbook": True},
    "run_skill": {"skill": True},
    "create_meeting_notes": {},
    "update_health_score": {},
    "log_activity": {},
}
# Actions that reach the customer: the automation asks before each one.
CUSTOMER_FACING_ACTIONS = frozenset({"send_email"})

PLAYBOOK_SLUGS: tuple[str, ...] = (
    "renewal-90-day",
    "risk-mitigation",
    "expansion-opportunity",
    "onboarding-30-60-90",
    "qbr-preparation",
)


class ScheduleTrigger(BaseModel):
    """A recurring schedule: five-field crontab(5) (Sunday = 0), or an RRULE for what cron cannot say."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["schedule"] = "schedule"
    cron: str | None = Field(None, description="minute hour day-of-month month day-of-week; Sunday = 0")
    rrule: str | None = Field(
        None, description="RFC 5545 RRULE when cron cannot say it, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"
    )
    timezone: str | None = Field(None, description="IANA name when the text states one, else null")

    @model_validator(mode="after")
    def _one_rule(self) -> ScheduleTrigger:
        if bool(self.cron) == bool(self.rrule):
            raise ValueError("a schedule has exactly one of cron or rrule")
        if self.cron:
            from croniter import croniter

            if len(self.cron.split()) != 5 or not croniter.is_valid(self.cron):
                raise ValueError(f"not a five-field cron expression: {self.cron!r}")
        if self.rrule:
            from dateutil.rrule import rrulestr

            try:
                rrulestr("RRULE:" + self.rrule.removeprefix("RRULE:"), dtstart=datetime(2026, 1, 1))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"not an RRULE: {self.rrule!r}") from exc
        if self.timezone:
            _check_timezone(self.timezone)
        return self


class OnceTrigger(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["once"] = "once"
    at: str = Field(description="ISO 8601 date-time; with an offset when the text states a timezone")

    @field_validator("at")
    @classmethod
    def _iso(cls, value: str) -> str:
        datetime.fromisoformat(value)
        return value


class EventTrigger(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["trigger"] = "trigger"
    type: Literal[TRIGGER_TYPES]  # type: ignore[valid-type]
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _params(self) -> EventTrigger:
        allowed = TRIGGER_PARAMS[self.type]
        unknown = set(self.params) - set(allowed)
        if unknown:
            raise ValueError(f"{self.type} takes no parameter {', '.join(sorted(unknown))}")
        missing = [k for k, req in allowed.items() if req and k not in self.params]
        if missing:
            raise ValueError(f"{self.type} needs {', '.join(missing)}")
        if self.type == "health_score_drop" and not (
            "below" in self.params or {"drop", "within_days"} <= set(self.params)
        ):
            raise ValueError("health_score_drop needs {drop, within_days} or {below}")
        return self


Trigger = Annotated[ScheduleTrigger | OnceTrigger | EventTrigger, Field(discriminator="kind")]


class Filter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: Literal[FILTER_FIELDS]  # type: ignore[valid-type]
    op: Literal[OPS]  # type: ignore[valid-type]
    value: float | int | str

    @model_validator(mode="after")
    def _typed(self) -> Filter:
        if self.field in TEXT_FIELDS:
            if self.op not in ("==", "!="):
                raise ValueError(f"{self.field} compares with == or != only")
            self.value = str(self.value)
        elif isinstance(self.value, str):
            try:
                number = float(self.value)
            except ValueError as exc:
                raise ValueError(f"{self.field} compares with a number, not {self.value!r}") from exc
            self.value = int(number) if number.is_integer() else number
        elif isinstance(self.value, float) and self.value.is_integer():
            self.value = int(self.value)
        return self


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer: str | None = None
    filters: list[Filter] = Field(default_factory=list)


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal[ACTION_TYPES]  # type: ignore[valid-type]
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _params(self) -> Action:
        allowed = ACTION_PARAMS[self.type]
        unknown = set(self.params) - set(allowed)
        if unknown:
            raise ValueError(f"{self.type} takes no parameter {', '.join(sorted(unknown))}")
        missing = [k for k, req in allowed.items() if req and not self.params.get(k)]
        if missing:
            raise ValueError(f"{self.type} needs {', '.join(missing)}")
        to = self.params.get("to")
        if to is not None and to != "me" and not str(to).startswith("#"):
            raise ValueError('"to" is "me" or a #channel')
        channel = self.params.get("channel")
        if channel is not None and not str(channel).startswith("#"):
            raise ValueError("a channel is written with its #")
        return self


class AutomationDefinition(BaseModel):
    """CONTRACTS §5."""

    model_config = ConfigDict(extra="forbid")
    name: str
    trigger: Trigger
    scope: Scope = Field(default_factory=Scope)
    actions: list[Action] = Field(min_length=1)
    requires_approval: bool = False

    @model_validator(mode="after")
    def _approval(self) -> AutomationDefinition:
        if needs_approval(self.actions):
            self.requires_approval = True
        return self

    def to_json(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        trigger = data["trigger"]
        if trigger["kind"] == "schedule" and trigger.get("rrule") is None:
            trigger.pop("rrule", None)
        return data


def needs_approval(actions: list[Action]) -> bool:
    return any(a.type in CUSTOMER_FACING_ACTIONS for a in actions)


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {name!r}") from exc
