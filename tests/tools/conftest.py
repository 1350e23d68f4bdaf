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


@pytest.fixture
async def google_sandbox():
    """The Google emulation on a local port: (sandbox state, base URL)."""
    from aiohttp.test_utils import TestServer

    from sandbox.google import GoogleSandbox

    sandbox = GoogleSandbox()
    server = TestServer(sandbox.app())
    await server.start_server()
    yield sandbox, str(server.make_url("/")).rstrip("/")
    await server.close()


@pytest.fixture
async def google_registry(db, settings, google_sandbox):
    """A registry whose Google tools talk to the emulation, with UCSM connected."""
    from tools.google.auth import GoogleConnections

    sandbox, url = google_sandbox
    settings = settings.model_copy(
        update={
            "google_api_url": url,
            "google_oauth_token_url": url + "/token",
            "google_client_id": "cid",
            "google_client_secret": "csecret",
        }
    )
    access, refresh = sandbox.issue_tokens("csm@ourco.com")
    from datetime import timedelta

    from store.base import utcnow

    await GoogleConnections(db, settings).save(
        "T1", "UCSM", access_token=access, refresh_token=refresh, expires_at=utcnow() + timedelta(hours=1)
    )
    return build_registry(db, settings), sandbox


@pytest.fixture
async def zoom_registry(db, settings):
    """A registry whose Zoom tools talk to the emulation: (registry, sandbox)."""
    from aiohttp.test_utils import TestServer

    from sandbox.zoom import ZoomSandbox

    sandbox = ZoomSandbox()
    server = TestServer(sandbox.app())
    await server.start_server()
    url = str(server.make_url("/")).rstrip("/")
    sandbox.base_url = url
    settings = settings.model_copy(
        update={
            "zoom_account_id": sandbox.account_id,
            "zoom_client_id": sandbox.client_id,
            "zoom_client_secret": sandbox.client_secret,
            "zoom_api_url": url + "/v2",
            "zoom_oauth_url": url + "/oauth/token",
        }
    )
    registry = build_registry(db, settings)
    yield registry, sandbox
    await registry.aclose()
    await server.close()
