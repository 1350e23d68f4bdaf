"""Trigger rules as data: the 13 trigger types with typed parameters, scope, actions, run mode.

A rule file (YAML) or an automation's `trigger` block validates into `RuleSpec`. The parameters of
each trigger type are a pydantic model, so a typo ("dayz: 14") is refused with a sentence.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tools.vocabulary import ACTION_TYPES, FILTER_FIELDS, FILTER_OPS, TRIGGER_TYPES

RunMode = Literal["single", "queued", "parallel"]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HealthScoreDropParams(_Params):
    """Either a drop of `drop` points within `within_days`, or the score falling `below` a line."""

    drop: int | None = Field(None, ge=1, le=100)
    within_days: int = Field(30, ge=1, le=365)
    below: int | None = Field(None, ge=1, le=100)

    @model_validator(mode="after")
    def _one_mode(self) -> HealthScoreDropParams:
        if (self.drop is None) == (self.below is None):
            raise ValueError("health_score_drop needs either `drop` (with `within_days`) or `below`")
        return self


class NoLoginParams(_Params):
    days: int = Field(ge=1, le=365)


class TicketParams(_Params):
    priority: str | None = None


class RenewalParams(_Params):
    """`days` is one mark (30) or several (90, 60, 30, 7): each mark fires once per renewal date."""

    days: list[int]

    @field_validator("days", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, int) else v

    @field_validator("days")
    @classmethod
    def _marks(cls, v: list[int]) -> list[int]:
        if not v or any(d < 0 or d > 730 for d in v):
            raise ValueError("renewal_approaching `days` must be between 0 and 730")
        return sorted(set(v))


class NpsParams(_Params):
    max_score: int | None = Field(None, ge=0, le=10)
    min_score: int | None = Field(None, ge=0, le=10)


class EmptyParams(_Params):
    pass


class UsageParams(_Params):
    percent: float = Field(gt=0, le=10_000)


class MilestoneParams(_Params):
    milestone: str | None = None  # None: any milestone
    days_before: int = Field(0, ge=0, le=365)


class SentimentParams(_Params):
    threshold: float = Field(-0.3, ge=-1, le=1)


class PaymentOverdueParams(_Params):
    days: int = Field(ge=0, le=365)


PARAMS_MODELS: dict[str, type[_Params]] = {
    "health_score_drop": HealthScoreDropParams,
    "no_login": NoLoginParams,
    "ticket_escalated": TicketParams,
    "ticket_created": TicketParams,
    "renewal_approaching": RenewalParams,
    "nps_submitted": NpsParams,
    "champion_left": EmptyParams,
    "usage_spike": UsageParams,
    "usage_drop": UsageParams,
    "contract_milestone": MilestoneParams,
    "meeting_ended": EmptyParams,
    "negative_sentiment": SentimentParams,
    "payment_overdue": PaymentOverdueParams,
}


def parse_params(trigger_type: str, params: dict[str, Any] | None) -> _Params:
    """Validate `params` for `trigger_type`; ValueError with a readable sentence otherwise."""
    model = PARAMS_MODELS.get(trigger_type)
    if model is None:
        raise ValueError(f"unknown trigger type {trigger_type!r}; one of: {', '.join(TRIGGER_TYPES)}")
    try:
        return model.model_validate(params or {})
    except ValidationError as exc:
        raise ValueError(f"{trigger_type}: {_first_error(exc)}") from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err['msg']}" if where else err["msg"]


class Filter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: Literal[FILTER_FIELDS]  # type: ignore[valid-type]
    op: Literal[FILTER_OPS]  # type: ignore[valid-type]
    value: float | int | str | None


class Scope(BaseModel):
    """One named customer, or filters on customer fields (all must hold); empty: every customer."""

    model_config = ConfigDict(extra="forbid")

    customer: str | None = None
    filters: list[Filter] = Field(default_factory=list)


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal[ACTION_TYPES]  # type: ignore[valid-type]
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _required(self) -> Action:
        needs = {
            "send_slack": "channel",
            "create_task": "title",
            "run_playbook": "playbook",
            "run_skill": "skill",
        }
        key = needs.get(self.type)
        if key and not self.params.get(key):
            raise ValueError(f"action {self.type} needs `{key}`")
        return self


class RuleSpec(BaseModel):
    """A trigger rule as written in a rule file."""

    model_config = ConfigDict(extra="forbid")

    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$")]
    name: str = Field(min_length=1, max_length=200)
    type: Literal[TRIGGER_TYPES]  # type: ignore[valid-type]
    params: dict[str, Any] = Field(default_factory=dict)
    scope: Scope = Field(default_factory=Scope)
    actions: list[Action] = Field(min_length=1)
    enabled: bool = True
    run_mode: RunMode = "parallel"
    cooldown_minutes: int = Field(0, ge=0)
    description: str | None = None

    @model_validator(mode="after")
    def _check_params(self) -> RuleSpec:
        self.params = parse_params(self.type, self.params).model_dump(exclude_none=True)
        return self


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[RuleSpec]

    @model_validator(mode="after")
    def _unique(self) -> RuleFile:
        seen: set[str] = set()
        for r in self.rules:
            if r.slug in seen:
                raise ValueError(f"rule slug {r.slug!r} appears twice")
            seen.add(r.slug)
        return self


class Rule(BaseModel):
    """A stored rule (store.models.TriggerRule) read back into typed form."""

    id: int
    slug: str
    name: str
    type: str
    params: Any
    scope: Scope
    actions: list[Action]
    enabled: bool
    run_mode: RunMode
    cooldown_minutes: int
    owner_slack_id: str | None = None
    is_default: bool = False

    @classmethod
    def from_row(cls, row: Any) -> Rule:
        return cls(
            id=row.id,
            slug=row.slug,
            name=row.name,
            type=row.trigger_type,
            params=parse_params(row.trigger_type, row.params),
            scope=Scope.model_validate(row.scope or {}),
            actions=[Action.model_validate(a) for a in row.actions or []],
            enabled=row.enabled,
            run_mode=row.run_mode if row.run_mode in ("single", "queued", "parallel") else "parallel",
            cooldown_minutes=row.cooldown_minutes,
            owner_slack_id=row.owner_slack_id,
            is_default=row.is_default,
        )
