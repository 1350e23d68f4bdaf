"""Settings from the environment and an optional `.env` file (CONTRACTS §1)."""

from __future__ import annotations

import logging
import os
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

DEFAULT_MODEL = "claude-sonnet-4-5"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field("sqlite+aiosqlite:///./csm.db", alias="DATABASE_URL")
    port: int = Field(3000, alias="PORT")

    slack_bot_token: str | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(None, alias="SLACK_APP_TOKEN")
    slack_client_id: str | None = Field(None, alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(None, alias="SLACK_CLIENT_SECRET")
    slack_state_secret: str | None = Field(None, alias="SLACK_STATE_SECRET")
    slack_api_url: str = Field("https://slack.com/api/", alias="SLACK_API_URL")

    anthropic_api_key: str | None = Field(None, alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(None, alias="ANTHROPIC_BASE_URL")
    llm_model: str = Field(DEFAULT_MODEL, alias="CSM_LLM_MODEL")

    google_client_id: str | None = Field(None, alias="GOOGLE_CLIENT_ID")
    google_client_secret: str | None = Field(None, alias="GOOGLE_CLIENT_SECRET")
    google_api_url: str | None = Field(None, alias="GOOGLE_API_URL")
    google_oauth_token_url: str = Field("https://oauth2.googleapis.com/token", alias="GOOGLE_OAUTH_TOKEN_URL")
    google_auth_url: str = Field("https://accounts.google.com/o/oauth2/v2/auth", alias="GOOGLE_AUTH_URL")

    zoom_account_id: str | None = Field(None, alias="ZOOM_ACCOUNT_ID")
    zoom_client_id: str | None = Field(None, alias="ZOOM_CLIENT_ID")
    zoom_client_secret: str | None = Field(None, alias="ZOOM_CLIENT_SECRET")
    zoom_webhook_secret_token: str | None = Field(None, alias="ZOOM_WEBHOOK_SECRET_TOKEN")
    zoom_api_url: str = Field("https://api.zoom.us/v2", alias="ZOOM_API_URL")
    zoom_oauth_url: str = Field("https://zoom.us/oauth/token", alias="ZOOM_OAUTH_URL")

    api_token: str | None = Field(None, alias="CSM_API_TOKEN")
    encryption_key: str | None = Field(None, alias="CSM_ENCRYPTION_KEY")
    timezone: str = Field("UTC", alias="CSM_TIMEZONE")

    # Not in the contract table, but useful: where generated state (the Fernet key) lives,
    # the public base URL used in OAuth links, and the approval expiry.
    data_dir: Path = Field(Path("./data"), alias="CSM_DATA_DIR")
    public_url: str | None = Field(None, alias="CSM_PUBLIC_URL")
    own_domains: str = Field("", alias="CSM_OWN_DOMAINS")
    approvers: str = Field("", alias="CSM_APPROVERS")
    sweep_minutes: int = Field(15, alias="CSM_SWEEP_MINUTES")

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_signing_secret and (self.slack_bot_token or self.oauth_configured)) or bool(
            self.slack_app_token and self.slack_bot_token
        )

    @property
    def oauth_configured(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.anthropic_api_key)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def own_domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.own_domains.split(",") if d.strip()]

    @property
    def approver_list(self) -> list[str]:
        return [a.strip() for a in self.approvers.split(",") if a.strip()]

    @cached_property
    def fernet_key(self) -> bytes:
        """The Fernet key: CSM_ENCRYPTION_KEY, else one generated once into the data dir."""
        if self.encryption_key:
            return self.encryption_key.encode()
        from cryptography.fernet import Fernet

        path = self.data_dir / "encryption.key"
        if path.exists():
            return path.read_bytes().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        log.warning(
            "CSM_ENCRYPTION_KEY is not set: generated a key into %s. Back it up, or set CSM_ENCRYPTION_KEY; "
            "stored OAuth tokens cannot be read without it.",
            path,
        )
        return key


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
