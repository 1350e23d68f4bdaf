"""Slack plumbing and user connections: processed events, OAuth tokens, conversations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, metadata, utcnow


class ProcessedSlackEvent(Base):
    """Slack retries an event with the same `event_id`; the primary key makes us handle it once."""

    __tablename__ = "processed_slack_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class OAuthConnection(Base):
    """A user's connection to Google (or another provider); tokens encrypted with Fernet."""

    __tablename__ = "oauth_connections"
    __table_args__ = (UniqueConstraint("provider", "team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(30))
    team_id: Mapped[str] = mapped_column(String(50), default="")
    slack_user_id: Mapped[str] = mapped_column(String(50))
    account_email: Mapped[str | None] = mapped_column(String(200))
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    access_token_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    refresh_token_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OAuthPending(Base):
    """State of an OAuth flow between start and callback (the PKCE code verifier lives here)."""

    __tablename__ = "oauth_pending"

    state: Mapped[str] = mapped_column(String(200), primary_key=True)
    provider: Mapped[str] = mapped_column(String(30))
    team_id: Mapped[str] = mapped_column(String(50), default="")
    slack_user_id: Mapped[str] = mapped_column(String(50))
    code_verifier: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationMessage(Base):
    """The assistant's history, per Slack thread."""

    __tablename__ = "conversation_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(50))
    thread_ts: Mapped[str] = mapped_column(String(50), index=True)
    role: Mapped[str] = mapped_column(String(20))
    content: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LlmUsage(Base):
    """Tokens used per user per day, for the assistant's daily limits."""

    __tablename__ = "llm_usage"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(50))
    day: Mapped[date]
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)


def _slack_sdk_tables() -> None:
    """slack_sdk's installation and OAuth state tables, in our metadata so Alembic migrates them."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")


_slack_sdk_tables()
