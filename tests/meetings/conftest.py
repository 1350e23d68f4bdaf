"""Fixtures of the meetings room."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from settings import Settings
from store.models import Customer

DATA = Path(__file__).resolve().parent.parent / "data" / "meetings"
SECRET = "zoom-webhook-secret"


@pytest.fixture
def meeting_settings(tmp_path) -> Settings:
    return Settings(
        DATABASE_URL="sqlite+aiosqlite:///unused.db",
        CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        CSM_OWN_DOMAINS="ourco.com",
        CSM_DATA_DIR=str(tmp_path / "data"),
        ZOOM_WEBHOOK_SECRET_TOKEN=SECRET,
        _env_file=None,
    )


@pytest.fixture
async def customers(db):
    """Acme (acme.com, channel C_ACME, CSM U_DANA) and Globex (no domain)."""
    async with db.transaction() as s:
        acme = Customer(name="Acme", domain="acme.com", slack_channel="C_ACME", csm_slack_id="U_DANA")
        globex = Customer(name="Globex Logistics", domain=None, csm_slack_id="U_PRIYA")
        initech = Customer(name="Initech", domain="initech.io")
        s.add_all([acme, globex, initech])
        await s.flush()
        return {"acme": acme.id, "globex": globex.id, "initech": initech.id}


@pytest.fixture
def transcript():
    """The text of a labeled transcript of tests/data/meetings."""
    return lambda name: (DATA / name).read_text()


@pytest.fixture
async def zoom_world(db, meeting_settings):
    """The Zoom emulation on a local port and a registry whose zoom.* tools talk to it."""
    from tests.conftest import zoom_emulation
    from tools import build_registry

    async with zoom_emulation(meeting_settings) as (sandbox, settings):
        registry = build_registry(db, settings)
        yield sandbox, registry, settings
        await registry.aclose()
