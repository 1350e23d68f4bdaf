"""Fixtures of the playbooks room: the real registry on the test database, a customer, a clock.

The registry is the real one with its built-in tools (tasks.create and activities.log write real
rows). The Google and Slack tools talk to outside services; here they are registered as recording
tools into the same registry so the approval gate, audit log and resume hooks all run for real.
"""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.fernet import Fernet
from playbook_helpers import WORLD_TOOLS, World, recording_tool, values_yaml

from playbooks.executor import PlaybookExecutor, PlaybookProgress
from playbooks.library import ENV_DIRS
from settings import Settings
from store.models import Contact, Customer
from tools import build_registry


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        DATABASE_URL="sqlite+aiosqlite:///unused.db",
        CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        CSM_OWN_DOMAINS="ourco.com",
        CSM_DATA_DIR=str(tmp_path / "data"),
        _env_file=None,
    )


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def registry(db, settings, world):
    registry = build_registry(db, settings)
    for name, category in WORLD_TOOLS:
        registry.register(recording_tool(name, category, world), replace=True)
    return registry


@pytest.fixture
def progress() -> list[PlaybookProgress]:
    return []


@pytest.fixture
def workspace_dir(tmp_path, monkeypatch):
    """A playbook directory holding the workspace's values.yml (the Drive template ids)."""
    folder = tmp_path / "playbook-dir"
    folder.mkdir()
    (folder / "values.yml").write_text(values_yaml())
    monkeypatch.setenv(ENV_DIRS, str(folder))
    return folder


@pytest.fixture
def executor(db, registry, progress, workspace_dir) -> PlaybookExecutor:
    async def on_progress(event: PlaybookProgress) -> str | None:
        progress.append(event)
        return "1764000000.000100"

    return PlaybookExecutor(db, registry, on_progress=on_progress)


@pytest.fixture
async def acme(db) -> Customer:
    async with db.transaction() as s:
        customer = Customer(
            name="Acme Corp",
            domain="acme.com",
            external_id="acme-1",
            arr=120000,
            renewal_date=date(2027, 3, 1),
            health_score=55,
            csm_slack_id="UCSM",
            slack_channel="C_ACME",
        )
        s.add(customer)
        await s.flush()
        s.add(Contact(customer_id=customer.id, name="Dana Lee", email="dana@acme.com", is_champion=True))
        s.add(Contact(customer_id=customer.id, name="Raj Patel", email="raj@acme.com", role="VP Operations"))
    return customer
