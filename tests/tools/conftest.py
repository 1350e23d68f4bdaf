"""Fixtures of the tools room: settings and a registry with every built-in tool on the test database."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from settings import Settings
from tools import build_registry
from tools.model import ToolContext


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        DATABASE_URL="sqlite+aiosqlite:///unused.db",
        CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        CSM_OWN_DOMAINS="ourco.com",
        CSM_APPROVERS="UBOSS",
        CSM_DATA_DIR=str(tmp_path / "data"),
        _env_file=None,
    )


@pytest.fixture
def registry(db, settings):
    return build_registry(db, settings)


@pytest.fixture
def ctx() -> ToolContext:
    return ToolContext(user_id="UCSM", team_id="T1")
