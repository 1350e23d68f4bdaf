"""The Google OAuth web flow end to end: signed link → consent (emulated) → callback → tokens stored."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from store.models import OAuthConnection, OAuthPending
from tools.google.oauth_web import connect_url, read_link, routes, sign_link


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Deps:
    settings: Any
    db: Any
    google_auth_url: str
    on_google_connected: Any


async def _app(db, settings, google_sandbox):
    sandbox, gurl = google_sandbox
    port = _free_port()
    settings = settings.model_copy(
        update={
            "public_url": f"http://127.0.0.1:{port}",
            "google_api_url": gurl,
            "google_oauth_token_url": gurl + "/token",
            "google_client_id": "cid",
            "google_client_secret": "secret",
        }
    )
    connected: list[tuple] = []

    async def on_connected(team, user, email):
        connected.append((team, user, email))

    app = web.Application()
    app.add_routes(routes(Deps(settings, db, gurl + "/o/oauth2/v2/auth", on_connected)))
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    return server, settings, connected


async def test_connect_flow_stores_tokens_for_the_slack_user(db, settings, google_sandbox):
    sandbox, _ = google_sandbox
    server, settings, connected = await _app(db, settings, google_sandbox)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(connect_url(settings, "T1", "UCSM")) as resp:
                text = await resp.text()
                assert resp.status == 200, text
            assert "Google is connected as csm@ourco.com" in text
            # the consent request carried PKCE and offline access; the token call carried the verifier
            auth = sandbox.calls_to("GET", "/o/oauth2/v2/auth")[0].query
            assert auth["code_challenge_method"] == "S256" and auth["access_type"] == "offline"
            token_call = sandbox.calls_to("POST", "/token")[0].body
            assert token_call["code_verifier"] and token_call["grant_type"] == "authorization_code"
            async with db.session() as s:
                row = await s.scalar(select(OAuthConnection))
                pending = await s.scalar(select(func.count()).select_from(OAuthPending))
            assert (row.team_id, row.slack_user_id, row.account_email) == ("T1", "UCSM", "csm@ourco.com")
            assert row.refresh_token_encrypted and b"1//" not in row.refresh_token_encrypted
            assert pending == 0
            assert connected == [("T1", "UCSM", "csm@ourco.com")]
            # replaying the callback's state fails
            state = auth["state"]
            async with http.get(f"{settings.base_url}/oauth/google/callback?code=x&state={state}") as resp:
                assert resp.status == 400 and "already used" in await resp.text()
    finally:
        await server.close()


async def test_bad_links_and_declined_consent(db, settings, google_sandbox):
    server, settings, connected = await _app(db, settings, google_sandbox)
    try:
        async with aiohttp.ClientSession() as http:
            link = sign_link(settings, "T1", "UCSM")
            # one hex digit of the signature changed (replacing the last two with "00" left it whole when
            # they already were: a test that failed one run in 256)
            tampered = link[:-1] + ("1" if link[-1] == "0" else "0")
            async with http.get(f"{settings.base_url}/oauth/google/start?s={tampered}") as resp:
                assert resp.status == 400 and "not valid" in await resp.text()
            async with db.transaction() as s:
                s.add(
                    OAuthPending(
                        state="st1", provider="google", team_id="T1", slack_user_id="UCSM", code_verifier="v"
                    )
                )
            async with http.get(
                f"{settings.base_url}/oauth/google/callback?error=access_denied&state=st1"
            ) as resp:
                assert resp.status == 400 and "you declined access" in await resp.text()
        assert connected == []
    finally:
        await server.close()


def test_signed_link_expires(settings):
    token = sign_link(settings, "T1", "U1", now=1000.0)
    assert read_link(settings, token, now=1001.0) == ("T1", "U1")
    assert "expired" in read_link(settings, token, now=1000.0 + 16 * 60)
