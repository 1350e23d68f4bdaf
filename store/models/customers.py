"""Customer data: accounts, people, raw events and the state derived from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, utcnow


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    domain: Mapped[str | None] = mapped_column(String(200), index=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    arr: Mapped[float | None] = mapped_column(Float)
    renewal_date: Mapped[date | None] = mapped_column(index=True)
    health_score: Mapped[int | None] = mapped_column(Integer, index=True)
    health_band: Mapped[str | None] = mapped_column(String(20))
    health_source: Mapped[str | None] = mapped_column(String(20))
    segment: Mapped[str | None] = mapped_column(String(50))
    tier: Mapped[str | None] = mapped_column(String(50))
    csm_slack_id: Mapped[str | None] = mapped_column(String(50), index=True)
    slack_channel: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="active")
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Contact(Base):
    """A stakeholder at a customer; `is_champion` marks the champion."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("customer_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    is_champion: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | left
    joined_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerEvent(Base):
    """A raw event as received by POST /api/events (or seeded)."""

    __tablename__ = "customer_events"
    __table_args__ = (
        Index("ix_customer_events_customer_type_time", "customer_id", "type", "occurred_at"),
        Index("ix_customer_events_type_time", "type", "occurred_at"),  # 0200: meeting_ended sweeps
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class HealthScore(Base):
    """Health score history: computed by us or supplied from outside (`source`)."""

    __tablename__ = "health_scores"
    __table_args__ = (
        Index("ix_health_scores_customer_time", "customer_id", "recorded_at"),
        Index("ix_health_scores_customer_time_score", "customer_id", "recorded_at", "score"),  # 0200
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="external")  # external | computed
    factors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class UsageMetric(Base):
    """One point of a usage series (metric, value, time)."""

    __tablename__ = "usage_metrics"
    __table_args__ = (
        Index("ix_usage_metrics_customer_time", "customer_id", "occurred_at"),
        # 0200: covering index of the week-over-week usage triggers
        Index("ix_usage_metrics_customer_metric_time_value", "customer_id", "metric", "occurred_at", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(100))
    value: Mapped[float] = mapped_column(Float)
    occurred_at: Mapped[datetime]


class Login(Base):
    __tablename__ = "logins"
    __table_args__ = (Index("ix_logins_customer_time", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    user: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime]


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("customer_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str | None] = mapped_column(String(500))
    priority: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_at: Mapped[datetime | None]
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class NpsResponse(Base):
    __tablename__ = "nps_responses"
    __table_args__ = (Index("ix_nps_responses_customer_time", "customer_id", "responded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    respondent: Mapped[str | None] = mapped_column(String(200))
    responded_at: Mapped[datetime]


class Contract(Base):
    """A contract term and its renewal."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date | None]
    renewal_date: Mapped[date | None]
    arr: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | renewed | churned
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)


class ContractMilestone(Base):
    """A dated contract milestone (`contract {milestone, date}` events): kickoff, go-live, renewal…"""

    __tablename__ = "contract_milestones"
    __table_args__ = (UniqueConstraint("customer_id", "milestone", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    milestone: Mapped[str] = mapped_column(String(100))
    date: Mapped[date]


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("customer_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(100))
    amount: Mapped[float] = mapped_column(Float)
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | paid | void
    paid_at: Mapped[datetime | None]


class Activity(Base):
    """The customer timeline: what happened, in the CSM's words."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_customer_time", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    owner_slack_id: Mapped[str | None] = mapped_column(String(50), index=True)
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | done | cancelled
    source: Mapped[str | None] = mapped_column(String(50))  # manual | meeting | playbook | trigger | skill
    source_ref: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
