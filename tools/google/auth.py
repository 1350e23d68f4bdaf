"""A user's Google connection: encrypted tokens in `OAuthConnection`, refresh at GOOGLE_OAUTH_TOKEN_URL,
and API clients built from the discovery documents bundled with google-api-python-client.

GOOGLE_API_URL replaces the discovery document's `rootUrl` (not `client_options.api_endpoint`, which
would drop each API's `servicePath` and leave media uploads pointed at googleapis.com), so every
request keeps its real path: `/gmail/v1/...`, `/calendar/v3/...`, `/upload/drive/v3/files`.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError
from sqlalchemy import select

from store.base import utcnow
from store.connections import find_connection
from store.crypto import SecretBox
from store.models import OAuthConnection
from tools.base import Tool, ToolError, ToolRun, TransientToolError
from tools.model import ToolContext

log = logging.getLogger(__name__)

SCOPES = [
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/calendar",
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/documents",
    "https://www.googleapis.com/auth/presentations",
]
REFRESH_MARGIN = timedelta(minutes=5)
HTTP_TIMEOUT_S = 30


@lru_cache(maxsize=32)
def _bundled_doc(api: str, version: str) -> str:
    doc = get_static_doc(api, version)
    if doc is None:
        raise RuntimeError(f"no bundled discovery document for {api} {version}")
    return doc


@lru_cache(maxsize=64)
def _parsed_doc(api: str, version: str, root_url: str | None) -> dict[str, Any]:
    doc = json.loads(_bundled_doc(api, version))
    if root_url:
        root = root_url.rstrip("/") + "/"
        doc["rootUrl"] = root
        doc["mtlsRootUrl"] = root
    return doc


def discovery_doc(api: str, version: str, root_url: str | None) -> dict[str, Any]:
    return copy.deepcopy(_parsed_doc(api, version, root_url))


class GoogleConnections:
    """Load, store and refresh users' Google tokens (encrypted at rest)."""

    def __init__(self, db: Any, settings: Any) -> None:
        self.db = db
        self.settings = settings
        self.box = SecretBox(settings.fernet_key)

    async def get(self, team_id: str, user_id: str) -> OAuthConnection | None:
        async with self.db.session() as s:
            return await find_connection(s, "google", team_id, user_id)

    async def save(
        self,
        team_id: str,
        user_id: str,
        *,
        access_token: str,
        refresh_token: str | None,
        expires_at: datetime | None,
        scopes: list[str] | None = None,
        account_email: str | None = None,
    ) -> None:
        """Insert or update the user's connection; a missing refresh token keeps the stored one."""
        async with self.db.transaction() as s:
            row = await s.scalar(
                select(OAuthConnection).where(
                    OAuthConnection.provider == "google",
                    OAuthConnection.team_id == team_id,
                    OAuthConnection.slack_user_id == user_id,
                )
            )
            if row is None:
                row = OAuthConnection(provider="google", team_id=team_id, slack_user_id=user_id)
                s.add(row)
            row.access_token_encrypted = self.box.encrypt(access_token)
            if refresh_token:
                row.refresh_token_encrypted = self.box.encrypt(refresh_token)
            row.expires_at = expires_at
            if scopes is not None:
                row.scopes = scopes
            if account_email:
                row.account_email = account_email
            row.updated_at = utcnow()

    def credentials(self, row: OAuthConnection) -> Credentials:
        expiry = row.expires_at.astimezone(UTC).replace(tzinfo=None) if row.expires_at else None
        return Credentials(
            token=self.box.decrypt(row.access_token_encrypted),
            refresh_token=self.box.decrypt(row.refresh_token_encrypted),
            token_uri=self.settings.google_oauth_token_url,
            client_id=self.settings.google_client_id,
            client_secret=self.settings.google_client_secret,
            scopes=row.scopes or None,
            expiry=expiry,
        )

    async def persist(self, ctx: ToolContext, creds: Credentials) -> None:
        expires = creds.expiry.replace(tzinfo=UTC) if creds.expiry else None
        await self.save(
            ctx.team_id,
            ctx.user_id,
            access_token=creds.token,
            refresh_token=creds.refresh_token,
            expires_at=expires,
        )

    async def session(self, ctx: ToolContext) -> GoogleSession:
        row = await self.get(ctx.team_id, ctx.user_id)
        if row is None:
            raise ToolError("You have not connected Google yet: run `/csm connect google`, then try again.")
        creds = self.credentials(row)
        if row.expires_at is not None and row.expires_at - utcnow() < REFRESH_MARGIN and creds.refresh_token:
            await asyncio.to_thread(_refresh, creds)
            await self.persist(ctx, creds)
        return GoogleSession(self, ctx, creds)


def _refresh(creds: Credentials) -> None:
    try:
        creds.refresh(google_auth_httplib2.Request(httplib2.Http(timeout=HTTP_TIMEOUT_S)))
    except RefreshError as exc:
        raise ToolError(
            "Google refused to renew your connection (it may have been revoked): run `/csm connect google` again."
        ) from exc


class GoogleSession:
    """API clients for one user; `run(request)` executes off the event loop and keeps renewed tokens."""

    def __init__(self, connections: GoogleConnections, ctx: ToolContext, creds: Credentials) -> None:
        self.connections = connections
        self.ctx = ctx
        self.creds = creds
        self._token = creds.token
        self._http = google_auth_httplib2.AuthorizedHttp(creds, http=httplib2.Http(timeout=HTTP_TIMEOUT_S))
        self._apis: dict[tuple[str, str], Any] = {}

    def api(self, name: str, version: str) -> Any:
        key = (name, version)
        if key not in self._apis:
            doc = discovery_doc(name, version, self.connections.settings.google_api_url)
            self._apis[key] = build_from_document(doc, http=self._http)
        return self._apis[key]

    async def run(self, request: Any) -> Any:
        try:
            return await asyncio.to_thread(request.execute)
        finally:
            if self.creds.token != self._token:  # google-auth renewed the token after a 401
                self._token = self.creds.token
                await self.connections.persist(self.ctx, self.creds)


def google(run: ToolRun) -> GoogleConnections:
    return run.deps.service("google", lambda: GoogleConnections(run.db, run.settings))


async def session(run: ToolRun) -> GoogleSession:
    return await google(run).session(run.ctx)


def _google_message(exc: HttpError) -> str:
    try:
        body = json.loads(exc.content.decode() if isinstance(exc.content, bytes) else exc.content)
        return str(body.get("error", {}).get("message") or exc.reason or "")
    except Exception:
        return str(exc.reason or "")


def translate_error(exc: Exception, tool: Tool) -> ToolError | None:
    """Google's HTTP errors as sentences; 429 and 5xx as transient (429 honours Retry-After)."""
    if isinstance(exc, RefreshError):
        return ToolError("Google refused to renew your connection: run `/csm connect google` again.")
    if not isinstance(exc, HttpError):
        if (
            isinstance(exc, (httplib2.HttpLib2Error, ConnectionError, OSError))
            and tool.provider in GOOGLE_PROVIDERS
        ):
            return TransientToolError(
                f"Could not reach Google ({exc.__class__.__name__}).", safe_to_retry=False
            )
        return None
    status = int(exc.resp.status)
    detail = _google_message(exc)
    if status == 429:
        retry_after = exc.resp.get("retry-after")
        try:
            wait = float(retry_after) if retry_after is not None else None
        except ValueError:
            wait = None
        return TransientToolError(f"Google is rate limiting us (429): {detail}", retry_after=wait)
    if status == 503:
        return TransientToolError(f"Google is unavailable (503): {detail}")
    if status >= 500:
        return TransientToolError(f"Google had an error ({status}): {detail}", safe_to_retry=False)
    if status == 401:
        return ToolError("Google no longer accepts your connection: run `/csm connect google` again.")
    if status == 403:
        return ToolError(f"Google denied access (403): {detail}")
    if status == 404:
        return ToolError(f"Google could not find it (404): {detail}")
    return ToolError(f"Google rejected the request ({status}): {detail}")


GOOGLE_PROVIDERS = {"gmail", "calendar", "drive", "docs", "slides"}
