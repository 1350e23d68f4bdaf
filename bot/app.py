"""The Bolt app: one AsyncApp, its Web API client, and every listener."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot import actions, commands, events, home
from bot.services import Services
from settings import Settings
from store.slack_events import claim_event

log = logging.getLogger(__name__)

BOT_SCOPES = [
    "app_mentions:read", "channels:history", "channels:join", "channels:read", "chat:write", "chat:write.public",
    "commands", "groups:history", "groups:read", "im:history", "im:read", "im:write", "mpim:read",
    "reactions:read", "reactions:write", "team:read", "users:read", "users:read.email",
]  # fmt: skip
USER_SCOPES = ["search:read"]


def make_web_client(settings: Settings, token: str | None = None) -> AsyncWebClient:
    """slack_sdk has no environment variable for the base URL: every client is built here."""
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=3)],
    )


def client_provider(services: Services, base: AsyncWebClient) -> Any:
    """`async (team_id) -> AsyncWebClient` for posting outside a request: the one bot token in
    single-workspace mode, the installation's bot token in OAuth mode."""
    s = services.settings
    if not s.oauth_configured:

        async def single(team_id: str = "") -> AsyncWebClient:
            return base

        return single
    store = AsyncSQLAlchemyInstallationStore(client_id=s.slack_client_id, engine=services.db.engine)
    cache: dict[str, AsyncWebClient] = {}

    async def per_team(team_id: str = "") -> AsyncWebClient | None:
        if team_id not in cache:
            bot = await store.async_find_bot(enterprise_id=None, team_id=team_id or None)
            if bot is None:
                return None
            cache[team_id] = make_web_client(s, bot.bot_token)
        return cache[team_id]

    return per_team


def _oauth_settings(services: Services) -> AsyncOAuthSettings:
    s = services.settings
    return AsyncOAuthSettings(
        client_id=s.slack_client_id,
        client_secret=s.slack_client_secret,
        scopes=BOT_SCOPES,
        user_scopes=USER_SCOPES,
        installation_store=AsyncSQLAlchemyInstallationStore(
            client_id=s.slack_client_id, engine=services.db.engine
        ),
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=services.db.engine),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        redirect_uri=f"{s.base_url}/slack/oauth_redirect" if s.public_url else None,
        state_validation_enabled=True,
    )


def build_slack_app(services: Services, client: AsyncWebClient | None = None) -> AsyncApp:
    s = services.settings
    kwargs: dict[str, Any] = {
        "signing_secret": s.slack_signing_secret or "unused-in-socket-mode",
        "client": client or make_web_client(s, None if s.oauth_configured else s.slack_bot_token),
        # Listeners ack at once and hand slow work to services.tasks (logged, reported, drainable);
        # Bolt's own background listeners would swallow errors and could not be awaited.
        "process_before_response": True,
        "raise_error_for_unhandled_request": False,
    }
    if s.oauth_configured:
        oauth = _oauth_settings(services)
        kwargs["oauth_settings"] = oauth
        kwargs["installation_store"] = oauth.installation_store
    app = AsyncApp(**kwargs)

    @app.middleware
    async def once_per_event(body: dict[str, Any], next: Any) -> Any:  # noqa: A002 (Bolt's argument name)
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not await claim_event(services.db, event_id):
            log.info("Slack retried event %s; already handled", event_id)
            return BoltResponse(status=200, body="")
        return await next()

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error(
            "unhandled error in a Slack listener (%s)",
            body.get("type") or body.get("command"),
            exc_info=error,
        )

    commands.register(app, services)
    actions.register(app, services)
    events.register(app, services)
    home.register(app, services)
    return app
