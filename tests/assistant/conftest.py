"""Fixtures of the assistant room: the real registry on the demo portfolio, and a fake Claude."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from assistant.history import Thread
from sandbox.anthropic import FakeAnthropic
from settings import Settings
from store import Database
from store.demo import DEMO_USER
from tools import build_registry


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        DATABASE_URL="sqlite+aiosqlite:///unused.db",
        CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        CSM_OWN_DOMAINS="csm-agent.dev",
        CSM_DATA_DIR=str(tmp_path / "data"),
        _env_file=None,
    )


@pytest.fixture
async def sqlite_demo(tmp_path: Path, demo_template: Path):
    """The demo portfolio on SQLite only: most answers do not depend on the database engine."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    database = Database(f"sqlite+aiosqlite:///{path}")
    yield database
    await database.dispose()


@pytest.fixture
def portfolio(request: pytest.FixtureRequest):
    """`demo_db` (SQLite and PostgreSQL) for tests that also ask for it, else `sqlite_demo`."""
    name = "demo_db" if "demo_db" in request.fixturenames else "sqlite_demo"
    return request.getfixturevalue(name)


@pytest.fixture
def registry(portfolio, settings):
    return build_registry(portfolio, settings)


@pytest.fixture
def thread() -> Thread:
    return Thread(channel="D0DANA", thread_ts="1764000000.000100", user_id=DEMO_USER, team_id="T0DEMO")


@pytest.fixture
async def fake_claude():
    async with FakeAnthropic() as fake:
        yield fake
