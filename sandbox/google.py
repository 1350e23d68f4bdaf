"""An emulation of Google's REST APIs at the wire: the OAuth endpoints, Gmail, Calendar (with freeBusy),
Drive (files, upload, copy, permissions), Docs and Slides batchUpdate. Real paths, real JSON, so the
real google-api-python-client and google-auth talk to it when GOOGLE_API_URL and
GOOGLE_OAUTH_TOKEN_URL point here. State lives in memory; every request is recorded in `calls`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from sandbox.google_apis import ACCOUNT, BODY, RAW, DriveDocs, Gmail, google_error
from sandbox.google_apis import dt as _dt


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    account: str | None


@dataclass
class Failure:
    method: str
    path: re.Pattern[str]
    status: int
    headers: dict[str, str]
    times: int


@dataclass
class GoogleSandbox:
    """State and handlers. `app()` returns the aiohttp application."""

    default_account: str = "csm@ourco.com"
    token_ttl: timedelta = timedelta(hours=1)
    calls: list[Call] = field(default_factory=list)
    access_tokens: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gmail = Gmail(self)
        self.drive = DriveDocs(self)
        self.events: dict[str, dict[str, Any]] = {}
        self.busy: dict[str, list[tuple[datetime, datetime]]] = {}

    # -- test helpers ----------------------------------------------------------------------------

    def issue_tokens(self, account: str | None = None) -> tuple[str, str]:
        account = account or self.default_account
        access, refresh = "ya29." + secrets.token_urlsafe(16), "1//" + secrets.token_urlsafe(16)
        self.access_tokens[access] = (account, datetime.now(UTC) + self.token_ttl)
        self.refresh_tokens[refresh] = account
        return access, refresh

    def expire_access_tokens(self) -> None:
        past = datetime.now(UTC) - timedelta(seconds=1)
        self.access_tokens = {t: (a, past) for t, (a, _e) in self.access_tokens.items()}

    def fail_next(
        self, method: str, path: str, status: int, *, times: int = 1, headers: dict[str, str] | None = None
    ) -> None:
        """The next `times` requests matching (method, path regex) answer `status`."""
        self.failures.append(Failure(method.upper(), re.compile(path), status, headers or {}, times))

    def calls_to(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == method.upper() and re.fullmatch(path, c.path)]

    def set_busy(self, email: str, intervals: list[tuple[datetime, datetime]]) -> None:
        self.busy[email.lower()] = intervals

    def add_event(
        self, summary: str, start: datetime, end: datetime, attendees: list[str] = (), **extra: Any
    ) -> dict[str, Any]:
        eid = secrets.token_hex(8)
        self.events[eid] = {
            "kind": "calendar#event", "id": eid, "status": "confirmed", "summary": summary,
            "start": {"dateTime": start.isoformat()}, "end": {"dateTime": end.isoformat()},
            "attendees": [{"email": a, "responseStatus": "needsAction"} for a in attendees],
            "htmlLink": f"https://calendar.google.com/event?eid={eid}", "organizer": {"email": self.default_account},
            **extra,
        }  # fmt: skip
        return self.events[eid]

    # -- plumbing --------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=50 * 1024**2)
        r = app.router
        r.add_get("/o/oauth2/v2/auth", self.authorize)
        r.add_post("/token", self.token)
        self.gmail.routes(r)
        r.add_get("/calendar/v3/calendars/{cal}/events", self.list_events)
        r.add_post("/calendar/v3/calendars/{cal}/events", self.insert_event)
        r.add_get("/calendar/v3/calendars/{cal}/events/{eid}", self.get_event)
        r.add_patch("/calendar/v3/calendars/{cal}/events/{eid}", self.patch_event)
        r.add_post("/calendar/v3/freeBusy", self.freebusy)
        self.drive.routes(r)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        raw = await request.read()
        ctype = request.content_type
        body: Any = raw.decode("utf-8", "replace") if raw else None
        if raw and ctype == "application/json":
            body = json.loads(raw)
        elif raw and ctype == "application/x-www-form-urlencoded":
            body = dict(await request.post())
        account = None
        if not request.path.startswith(("/token", "/o/oauth2")):
            auth = request.headers.get("Authorization", "")
            entry = self.access_tokens.get(auth.removeprefix("Bearer ").strip())
            if entry is None or entry[1] <= datetime.now(UTC):
                self.calls.append(Call(request.method, request.path, dict(request.query), body, None))
                return google_error(401, "Request had invalid authentication credentials.", "authError")
            account = entry[0]
        request[ACCOUNT] = account
        request[BODY] = body
        request[RAW] = raw
        self.calls.append(Call(request.method, request.path, dict(request.query), body, account))
        for f in self.failures:
            if f.times > 0 and f.method == request.method and f.path.fullmatch(request.path):
                f.times -= 1
                return google_error(f.status, f"Injected failure {f.status}", "rateLimitExceeded", f.headers)
        return await handler(request)

    # -- OAuth -----------------------------------------------------------------------------------

    async def authorize(self, request: web.Request) -> web.Response:
        """Consent granted at once, as `login_hint` or the default account."""
        q = request.query
        if q.get("response_type") != "code" or not q.get("redirect_uri"):
            return web.Response(status=400, text="response_type=code and redirect_uri are required")
        code = secrets.token_urlsafe(12)
        self.codes[code] = {
            "account": q.get("login_hint") or self.default_account, "redirect_uri": q["redirect_uri"],
            "challenge": q.get("code_challenge"), "method": q.get("code_challenge_method", "plain"),
            "client_id": q.get("client_id"), "scope": q.get("scope", ""),
        }  # fmt: skip
        raise web.HTTPFound(q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")}))

    async def token(self, request: web.Request) -> web.Response:
        form = request[BODY] or {}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            info = self.codes.pop(form.get("code", ""), None)
            if info is None or info["redirect_uri"] != form.get("redirect_uri"):
                return web.json_response(
                    {"error": "invalid_grant", "error_description": "Bad code or redirect_uri"}, status=400
                )
            if info["challenge"]:
                verifier = form.get("code_verifier", "")
                digest = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                )
                expected = digest if info["method"] == "S256" else verifier
                if expected != info["challenge"]:
                    return web.json_response(
                        {"error": "invalid_grant", "error_description": "code_verifier mismatch"}, status=400
                    )
            access, refresh = self.issue_tokens(info["account"])
            return web.json_response({"access_token": access, "expires_in": int(self.token_ttl.total_seconds()),
                                      "refresh_token": refresh, "scope": info["scope"], "token_type": "Bearer"})  # fmt: skip
        if grant == "refresh_token":
            account = self.refresh_tokens.get(form.get("refresh_token", ""))
            if account is None:
                return web.json_response(
                    {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
                    status=400,
                )
            access = "ya29." + secrets.token_urlsafe(16)
            self.access_tokens[access] = (account, datetime.now(UTC) + self.token_ttl)
            return web.json_response({"access_token": access, "expires_in": int(self.token_ttl.total_seconds()),
                                      "scope": form.get("scope", ""), "token_type": "Bearer"})  # fmt: skip
        return web.json_response({"error": "unsupported_grant_type"}, status=400)

    # -- Calendar --------------------------------------------------------------------------------

    async def list_events(self, request: web.Request) -> web.Response:
        q = request.query
        lo = _dt(q["timeMin"]) if "timeMin" in q else None
        hi = _dt(q["timeMax"]) if "timeMax" in q else None
        words = (q.get("q") or "").lower().split()
        items = []
        for e in self.events.values():
            start, end = _dt(e["start"]["dateTime"]), _dt(e["end"]["dateTime"])
            if (lo and end <= lo) or (hi and start >= hi) or e.get("status") == "cancelled":
                continue
            text = json.dumps([e.get("summary"), e.get("description"), e.get("attendees")]).lower()
            if all(w in text for w in words):
                items.append(e)
        items.sort(key=lambda e: _dt(e["start"]["dateTime"]))
        items = items[: int(q.get("maxResults", 250))]
        return web.json_response({"kind": "calendar#events", "timeZone": "UTC", "items": items})

    async def insert_event(self, request: web.Request) -> web.Response:
        body = request[BODY] or {}
        if not body.get("start") or not body.get("end"):
            return google_error(400, "Missing time range.", "required")
        e = self.add_event(body.get("summary", ""), _dt(body["start"]["dateTime"]), _dt(body["end"]["dateTime"]),
                           [a["email"] for a in body.get("attendees", [])])  # fmt: skip
        e.update({k: v for k, v in body.items() if k in ("description", "location")})
        e["start"], e["end"] = body["start"], body["end"]
        if body.get("conferenceData") and request.query.get("conferenceDataVersion") == "1":
            e["hangoutLink"] = f"https://meet.google.com/{e['id'][:3]}-{e['id'][3:7]}-{e['id'][7:]}"
        e["sendUpdates"] = request.query.get("sendUpdates", "false")
        return web.json_response(e)

    async def get_event(self, request: web.Request) -> web.Response:
        e = self.events.get(request.match_info["eid"])
        return web.json_response(e) if e else google_error(404, "Not Found", "notFound")

    async def patch_event(self, request: web.Request) -> web.Response:
        e = self.events.get(request.match_info["eid"])
        if e is None:
            return google_error(404, "Not Found", "notFound")
        e.update(request[BODY] or {})
        return web.json_response(e)

    async def freebusy(self, request: web.Request) -> web.Response:
        body = request[BODY] or {}
        lo, hi = _dt(body["timeMin"]), _dt(body["timeMax"])
        calendars: dict[str, Any] = {}
        for item in body.get("items", []):
            cid = item["id"]
            if cid in ("primary", request[ACCOUNT]):
                spans = [
                    (_dt(e["start"]["dateTime"]), _dt(e["end"]["dateTime"])) for e in self.events.values()
                ]
            elif cid.lower() in self.busy:
                spans = self.busy[cid.lower()]
            else:
                calendars[cid] = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
                continue
            busy = [
                {"start": s.isoformat(), "end": t.isoformat()} for s, t in sorted(spans) if t > lo and s < hi
            ]
            calendars[cid] = {"busy": busy}
        return web.json_response({"kind": "calendar#freeBusy", "timeMin": body["timeMin"], "timeMax": body["timeMax"],
                                  "calendars": calendars})  # fmt: skip


class GoogleServer:
    """Runs a GoogleSandbox on a local port: GOOGLE_API_URL = `url`, GOOGLE_OAUTH_TOKEN_URL = `url + "/token"`,
    and the consent page (for the web flow's `google_auth_url`) at `url + "/o/oauth2/v2/auth"`."""

    def __init__(self, sandbox: GoogleSandbox | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox or GoogleSandbox()
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def auth_url(self) -> str:
        return self.url + "/o/oauth2/v2/auth"

    async def start(self) -> GoogleServer:
        self._runner = web.AppRunner(self.sandbox.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()


def seed_demo(sandbox: GoogleSandbox, customers: list[dict[str, str]]) -> dict[str, str]:
    """Demo mail, meetings and templates. `customers`: [{name, domain, contact_name, contact_email}].
    Returns the template ids: {"qbr_doc": ..., "qbr_deck": ...}."""
    me = sandbox.default_account
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    asks = [
        (
            "Renewal pricing",
            "Could you send the renewal pricing by Friday? Our CFO reviews budgets next week.",
        ),
        (
            "Export is failing",
            "The CSV export has failed for three days. This is blocking our reporting, please help.",
        ),
        (
            "Adding 40 seats",
            "We are onboarding the support team and need 40 more seats. Can you send a quote?",
        ),
    ]
    for i, c in enumerate(customers):
        subject, body = asks[i % len(asks)]
        first = sandbox.gmail.add_message(
            f"{c['contact_name']} <{c['contact_email']}>", me, subject, body, when=now - timedelta(days=3 + i)
        )
        if i % 2:
            sandbox.gmail.add_message(me, c["contact_email"], "Re: " + subject, "Thanks, on it. I will follow up tomorrow.",
                                      when=now - timedelta(days=2 + i), thread_id=first["threadId"])  # fmt: skip
        start = now + timedelta(days=1 + i, hours=2)
        sandbox.add_event(f"{c['name']} sync", start, start + timedelta(minutes=30), [c["contact_email"], me])
    doc = sandbox.drive.add_file(
        "QBR template", "application/vnd.google-apps.document",
        "Quarterly Business Review: {{customer_name}}\nARR {{arr}} · renewal {{renewal_date}} · health {{health_score}}\n"
        "Prepared {{today}}",
    )  # fmt: skip
    deck = sandbox.drive.add_file(
        "QBR deck template", "application/vnd.google-apps.presentation",
        "{{customer_name}} QBR\f{{customer_name}} health: {{health_score}}\fRenewal on {{renewal_date}}",
    )  # fmt: skip
    return {"qbr_doc": doc["id"], "qbr_deck": deck["id"]}
