"""Fixtures of the skills tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills.validate import NameCatalog

HERE = Path(__file__).parent


@pytest.fixture
def brief_catalog() -> NameCatalog:
    """The tool names every engine may rely on (issue 3), as data."""
    names = [line.strip() for line in (HERE / "tool_names.txt").read_text().splitlines() if line.strip()]
    return NameCatalog(names)


@pytest.fixture
def prd_qbr_prep() -> Path:
    """The PRD §5.1 example, byte for byte."""
    return HERE / "prd_qbr_prep.md"


@pytest.fixture
def skills_settings(tmp_path):
    from cryptography.fernet import Fernet

    from settings import Settings

    return Settings(
        DATABASE_URL="sqlite+aiosqlite:///unused.db",
        CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        CSM_OWN_DOMAINS="csm-agent.dev",
        CSM_DATA_DIR=str(tmp_path / "data"),
        _env_file=None,
    )


@pytest.fixture
def registry(demo_db, skills_settings):
    from tools import build_registry

    return build_registry(demo_db, skills_settings)


@pytest.fixture
def reports() -> list:
    return []


@pytest.fixture
def engine(demo_db, registry, reports):
    from skills.engine import SkillEngine

    async def on_report(report) -> None:
        reports.append(report)

    return SkillEngine(demo_db, registry, on_report=on_report, retry_backoff_s=0)


# The real app against the emulated Slack (tests/bot), with the skills engine composed as app.py does.
from tests.bot.conftest import harness  # noqa: E402, F401


@pytest.fixture
async def slack_skills(harness):  # noqa: F811
    """The app as app.py composes it (registry, skills engine and its report poster)."""
    assert harness.runtime.services.skills is not None
    return harness
