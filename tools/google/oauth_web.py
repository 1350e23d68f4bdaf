"""The Google OAuth web flow: `/oauth/google/start` and `/oauth/google/callback` (aiohttp handlers).

`/csm connect google` shows `connect_url(settings, team, user)`: a link whose signed, expiring
token names the Slack user. Start checks it, stores a PKCE code verifier in `OAuthPending` under a
fresh random state and redirects to Google's consent (offline access). The callback takes the
pending row (once), exchanges the code at GOOGLE_OAUTH_TOKEN_URL with the verifier, reads the
account's address from Gmail's profile and stores the tokens encrypted.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from aiohttp import web
from sqlalchemy import delete, select

from store.base import utcnow
from store.models import OAuthPending
from tools.google.auth import SCOPES, GoogleConnections

log = logging.getLogger(__name__)

GOOGLE_AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"
LINK_TTL_S = 15 * 60
PENDING_TTL = timedelta(minutes=15)
START_PATH = "/oauth/google/start"
CALLBACK_PATH = "/oauth/google/callback"


def _key(settings: Any) -> bytes:
    return hashlib.sha256(b"csm-google-oauth-link:" + settings.fernet_key).digest()


def sign_link(settings: Any, team_id: str, user_id: str, now: float | None = None) -> str:
    payload = json.dumps(
        {"t": team_id, "u": user_id, "x": int((now or time.time()) + LINK_TTL_S)}, separators=(",", ":")
    )
    body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    sig = hmac.new(_key(settings), body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{sig}"


def read_link(settings: Any, token: str, now: float | None = None) -> tuple[str, str] | str:
    """(team_id, user_id), or a sentence saying what is wrong with the link."""
    body, _, sig = token.partition(".")
    expected = hmac.new(_key(settings), body.encode(), hashlib.sha256).hexdigest()[:32]
    if not body or not hmac.compare_digest(sig, expected):
        return "This connection link is not valid. Run `/csm connect google` in Slack for a new one."
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if data["x"] < (now or time.time()):
        return "This connection link has expired. Run `/csm connect google` in Slack for a new one."
    return data["t"], data["u"]


def connect_url(settings: Any, team_id: str, user_id: str) -> str:
    return f"{settings.base_url}{START_PATH}?" + urlencode({"s": sign_link(settings, team_id, user_id)})


def _page(title: str, text: str, status: int = 200) -> web.Response:
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body style='font-family:sans-serif;max-width:36em;margin:4em auto'><h2>{html.escape(title)}</h2><p>{html.escape(text)}</p></body></html>"
    )
    return web.Response(text=body, status=status, content_type="text/html")


def routes(deps: Any) -> list[web.RouteDef]:
    """`deps` has `settings` and `db`; optionally `google_auth_url` and
    `on_google_connected(team_id, user_id, email)` (an async callback, e.g. a DM saying it worked)."""
    settings, db = deps.settings, deps.db
    auth_url: str = getattr(deps, "google_auth_url", None) or GOOGLE_AUTH_URL
    on_connected: Callable[[str, str, str | None], Awaitable[None]] | None = getattr(
        deps, "on_google_connected", None
    )
    redirect_uri = settings.base_url + CALLBACK_PATH

    async def start(request: web.Request) -> web.Response:
        if not (settings.google_client_id and settings.google_client_secret):
            return _page(
                "Google is not configured",
                "An admin must set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (an OAuth web client whose redirect "
                f"URI is {redirect_uri}) before anyone can connect Google.",
                503,
            )
        who = read_link(settings, request.query.get("s", ""))
        if isinstance(who, str):
            return _page("Link not valid", who, 400)
        team_id, user_id = who
        verifier = secrets.token_urlsafe(64)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        state = secrets.token_urlsafe(32)
        async with db.transaction() as s:
            await s.execute(delete(OAuthPending).where(OAuthPending.created_at < utcnow() - PENDING_TTL))
            s.add(
                OAuthPending(
                    state=state,
                    provider="google",
                    team_id=team_id,
                    slack_user_id=user_id,
                    code_verifier=verifier,
                )
            )
        query = {
            "client_id": settings.google_client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": " ".join(SCOPES),
            "access_type": "offline",
            "prompt": "consent",
            "include_granted_scopes": "true",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        raise web.HTTPFound(f"{auth_url}?{urlencode(query)}")

    async def callback(request: web.Request) -> web.Response:
        q = request.query
        state = q.get("state", "")
        async with db.transaction() as s:
            pending = await s.scalar(
                select(OAuthPending).where(OAuthPending.state == state, OAuthPending.provider == "google")
            )
            if pending is not None:
                await s.delete(pending)
        if pending is None or pending.created_at < utcnow() - PENDING_TTL:
            return _page(
                "Link not valid",
                "This sign-in was already used or has expired. Run `/csm connect google` in Slack to start again.",
                400,
            )
        if q.get("error"):
            reason = "you declined access" if q["error"] == "access_denied" else f"Google said {q['error']}"
            return _page(
                "Google not connected",
                f"Nothing was connected because {reason}. You can close this tab.",
                400,
            )
        if not q.get("code"):
            return _page("Google not connected", "Google sent no authorisation code. Please try again.", 400)
        try:
            async with httpx.AsyncClient(timeout=30) as http:
                answer = await http.post(
                    settings.google_oauth_token_url,
                    data={
                        "grant_type": "authorization_code",
                        "code": q["code"],
                        "redirect_uri": redirect_uri,
                        "client_id": settings.google_client_id,
                        "client_secret": settings.google_client_secret,
                        "code_verifier": pending.code_verifier,
                    },
                )
            tokens = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("Google token exchange failed: %s", exc)
            return _page(
                "Google not connected", "Google's token service could not be reached. Please try again.", 502
            )
        if answer.status_code != 200 or "access_token" not in tokens:
            log.warning("Google token exchange refused: %s %s", answer.status_code, tokens)
            detail = tokens.get("error_description") or tokens.get("error") or answer.status_code
            return _page(
                "Google not connected", f"Google refused the sign-in ({detail}). Please try again.", 400
            )
        email = await _account_email(settings, tokens["access_token"])
        await GoogleConnections(db, settings).save(
            pending.team_id,
            pending.slack_user_id,
            access_token=tokens["access_token"],
            refresh_token=tokens.get("refresh_token"),
            expires_at=utcnow() + timedelta(seconds=int(tokens.get("expires_in", 3600))),
            scopes=(tokens.get("scope") or "").split() or SCOPES,
            account_email=email,
        )
        if on_connected is not None:
            try:
                await on_connected(pending.team_id, pending.slack_user_id, email)
            except Exception:
                log.exception("on_google_connected failed")
        who = f" as {email}" if email else ""
        return _page(
            "Google connected", f"Google is connected{who}. You can close this tab and go back to Slack."
        )

    return [web.get(START_PATH, start), web.get(CALLBACK_PATH, callback)]


async def _account_email(settings: Any, access_token: str) -> str | None:
    """The connected address, from Gmail's users.getProfile (the scopes we ask for include Gmail)."""
    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build_from_document

    from tools.google.auth import discovery_doc

    def fetch() -> str | None:
        import google_auth_httplib2
        import httplib2

        http = google_auth_httplib2.AuthorizedHttp(Credentials(access_token), http=httplib2.Http(timeout=15))
        service = build_from_document(discovery_doc("gmail", "v1", settings.google_api_url), http=http)
        return service.users().getProfile(userId="me").execute().get("emailAddress")

    try:
        return await asyncio.to_thread(fetch)
    except Exception as exc:  # the connection works without the address; say who it is when we can
        log.warning("could not read the Google account's address: %s", exc)
        return None
