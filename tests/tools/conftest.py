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
    from tests.conftest import zoom_emulation

    async with zoom_emulation(settings) as (sandbox, zoom_settings):
        registry = build_registry(db, zoom_settings)
        yield registry, sandbox
        await registry.aclose()


@pytest.fixture
async def slack_registry(db, settings, slack_sandbox):
    """A registry whose Slack tools use the emulated Web API: (registry, FakeSlack).

    The bot client comes from the provider (as app.py wires it); UCSM has granted a user token.
    """
    from sandbox.slack import BOT_TOKEN
    from tools.slack import make_client

    slack = slack_sandbox.slack
    settings = settings.model_copy(update={"slack_api_url": slack_sandbox.api_url})
    user_tokens = {"UCSM": slack.grant_user_token("UCSM")}
    bot = make_client(settings, BOT_TOKEN)

    def user_client(ctx):
        token = user_tokens.get(ctx.user_id)
        return make_client(settings, token) if token else None

    return build_registry(db, settings, slack_client=lambda ctx: bot, slack_user_client=user_client), slack


@pytest.fixture
async def tools_harness(demo_db, slack_sandbox, google_sandbox):
    """The real app (as tests/bot's harness) with Google pointed at the emulation."""
    from aiohttp.test_utils import TestClient, TestServer

    import app
    from tests.bot.conftest import SlackHarness, settings_for

    gsandbox, gurl = google_sandbox
    settings = settings_for(
        slack_sandbox,
        demo_db.url,
        GOOGLE_CLIENT_ID="cid",
        GOOGLE_CLIENT_SECRET="secret",
        GOOGLE_API_URL=gurl,
        GOOGLE_OAUTH_TOKEN_URL=gurl + "/token",
        CSM_PUBLIC_URL="https://csm.example.com",
    )
    runtime = await app.build(settings, db=demo_db, migrate=False, scheduler=False)
    await runtime.start()
    client = TestClient(TestServer(runtime.web_app))
    await client.start_server()
    yield SlackHarness(client, slack_sandbox, runtime), gsandbox
    await client.close()
    await runtime.services.tasks.drain()
    await runtime.services.registry.aclose()
