"""The meeting analysis as CONTRACTS §6 fixes it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

SIGNAL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "risk": ("competitor", "budget", "churn", "product_issue", "champion_change", "escalation"),
    "opportunity": ("expansion", "upsell", "referral", "advocacy"),
    "feedback": ("feature_request", "praise", "complaint"),
}
CATEGORY_TYPE = {c: t for t, cats in SIGNAL_CATEGORIES.items() for c in cats}

SignalType = Literal["risk", "opportunity", "feedback"]
SignalCategory = Literal[
    "competitor",
    "budget",
    "churn",
    "product_issue",
    "champion_change",
    "escalation",
    "expansion",
    "upsell",
    "referral",
    "advocacy",
    "feature_request",
    "praise",
    "complaint",
]
TIMESTAMP_PATTERN = r"^\d{2,}:[0-5]\d:[0-5]\d$"


class MeetingInfo(BaseModel):
    duration_seconds: int = Field(ge=0)
    speakers: list[str]


class ActionItem(BaseModel):
    owner: str | None
    text: str = Field(min_length=1)
    due: date | None = None


class SentimentResult(BaseModel):
    overall: float = Field(ge=-1, le=1)
    speakers: dict[str, float]

    @model_validator(mode="after")
    def _bounded(self) -> SentimentResult:
        for name, score in self.speakers.items():
            if not -1 <= score <= 1:
                raise ValueError(f"sentiment of {name} is outside [-1, 1]")
        return self


class Signal(BaseModel):
    type: SignalType
    category: SignalCategory
    speaker: str | None
    quote: str
    timestamp: str = Field(pattern=TIMESTAMP_PATTERN)

    @model_validator(mode="after")
    def _category_fits_type(self) -> Signal:
        if CATEGORY_TYPE[self.category] != self.type:
            raise ValueError(
                f"category {self.category} is a {CATEGORY_TYPE[self.category]} signal, not {self.type}"
            )
        return self


class Topic(BaseModel):
    title: str
    start: str = Field(pattern=TIMESTAMP_PATTERN)
    end: str = Field(pattern=TIMESTAMP_PATTERN)


class FollowUpEmail(BaseModel):
    subject: str
    body: str


class MeetingAnalysisResult(BaseModel):
    meeting: MeetingInfo
    summary: str
    action_items: list[ActionItem]
    sentiment: SentimentResult
    signals: list[Signal]
    topics: list[Topic]
    follow_up_email: FollowUpEmail

    def to_contract(self) -> dict:
        """The JSON object of CONTRACTS §6 (dates as YYYY-MM-DD)."""
        return self.model_dump(mode="json")
