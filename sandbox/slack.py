"""An emulated Slack Web API: the methods csm-agent calls, on the real paths and JSON shapes.

It keeps a small workspace (users, channels, messages, App Home views), records every call, and
serves `response_url`s. The tests and `csm sandbox` point `SLACK_API_URL` at it.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

TEAM_ID = "T0CSMSBX"
TEAM_NAME = "csm-agent sandbox"
BOT_USER_ID = "U0BOTCSM"
BOT_ID = "B0BOTCSM"
APP_ID = "A0CSMAPP"
BOT_TOKEN = "xoxb-sandbox-bot-token"
USER_TOKEN_PREFIX = "xoxp-sandbox-"


@dataclass
class SlackUser:
    id: str
    name: str
    real_name: str
    email: str | None = None
    tz: str = "UTC"
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "real_name": self.real_name,
            "is_bot": self.is_bot,
            "deleted": False,
            "tz": self.tz,
            "tz_offset": 0,
            "profile": {"real_name": self.real_name, "display_name": self.name, "email": self.email},
        }


@dataclass
class SlackChannel:
    id: str
    name: str
    is_im: bool = False
    user: str | None = None  # the other member of a DM
    messages: list[dict[str, Any]] = field(default_factory=list)
    ext_shared: bool = False  # a Slack Connect channel: members from another organisation

    def to_api(self) -> dict[str, Any]:
        if self.is_im:
            return {"id": self.id, "is_im": True, "user": self.user, "created": 0}
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": True,
            "is_private": False,
            "is_member": True,
            "is_archived": False,
            "is_shared": self.ext_shared,
            "is_ext_shared": self.ext_shared,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "created": 0,
            "topic": {"value": ""},
            "purpose": {"value": ""},
            "num_members": 3,
        }


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    result: dict[str, Any] | None = None  # what the method answered (None when it failed)


class SlackError(Exception):
    def __init__(self, error: str, status: int = 200) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


class FakeSlack:
    """The workspace state and the Web API methods over it."""

    def __init__(self) -> None:
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, SlackChannel] = {}
        self.calls: list[Call] = []
        self.views: dict[str, dict[str, Any]] = {}  # App Home view per user
        self.modals: dict[str, dict[str, Any]] = {}  # view id -> view
        self.ephemeral: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # what was posted to response_urls
        self.reactions: list[dict[str, Any]] = []
        self.user_tokens: dict[str, str] = {}  # token -> user id
        self.failures: dict[str, list[tuple[int, str | None, int | None]]] = defaultdict(list)
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self.base_url = ""
        self.add_user(SlackUser(BOT_USER_ID, "csm-agent", "csm-agent", is_bot=True))

    # -- workspace setup -------------------------------------------------------------------
    @classmethod
    def from_directory(cls, users: list[dict[str, str]], channels: list[dict[str, str]]) -> FakeSlack:
        slack = cls()
        for u in users:
            slack.add_user(SlackUser(u["id"], u["name"], u["real_name"], u.get("email")))
        for c in channels:
            slack.add_channel(c["id"], c["name"], ext_shared=bool(c.get("ext_shared")))
        return slack

    def add_user(self, user: SlackUser) -> SlackUser:
        self.users[user.id] = user
        return user

    def add_channel(self, channel_id: str, name: str, *, ext_shared: bool = False) -> SlackChannel:
        channel = SlackChannel(channel_id, name.lstrip("#"), ext_shared=ext_shared)
        self.channels[channel_id] = channel
        return channel

    def grant_user_token(self, user_id: str) -> str:
        token = f"{USER_TOKEN_PREFIX}{user_id.lower()}"
        self.user_tokens[token] = user_id
        return token

    def fail_next(
        self, method: str, status: int = 429, error: str | None = None, retry_after: int | None = 1
    ) -> None:
        """Make the next call of `method` fail (a 429 with Retry-After, a 5xx, or an `ok: false`)."""
        self.failures[method].append((status, error, retry_after))

    # -- inspection helpers for tests and the console ----------------------------------------
    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    def im_channel(self, user_id: str) -> SlackChannel:
        for ch in self.channels.values():
            if ch.is_im and ch.user == user_id:
                return ch
        ch = SlackChannel(f"D{next(self._ids):07d}", f"dm-{user_id}", is_im=True, user=user_id)
        self.channels[ch.id] = ch
        return ch

    def channel_by_name(self, name: str) -> SlackChannel | None:
        name = name.lstrip("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def new_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def response_url(self) -> str:
        return f"{self.base_url}/_sandbox/response/{next(self._ids)}"

    # -- method dispatch ------------------------------------------------------------------------
    def handle(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        call = Call(method, args, token)
        self.calls.append(call)
        if self.failures.get(method):
            status, error, retry_after = self.failures[method].pop(0)
            if error:
                raise SlackError(error, 200)
            raise SlackError("ratelimited" if status == 429 else "internal_error", status)
        if method not in ("oauth.v2.access",) and not token:
            raise SlackError("not_authed")
        if token and not (token == BOT_TOKEN or token in self.user_tokens or token.startswith("xoxb-")):
            raise SlackError("invalid_auth")
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            raise SlackError("unknown_method")
        call.result = {"ok": True, **handler(args, token)}
        return call.result

    def _channel(self, channel_id: str | None) -> SlackChannel:
        if not channel_id:
            raise SlackError("channel_not_found")
        if channel_id in self.channels:
            return self.channels[channel_id]
        if channel_id.startswith("#"):
            ch = self.channel_by_name(channel_id)
            if ch:
                return ch
        if channel_id in self.users:  # posting to a user id opens the DM, as Slack does
            return self.im_channel(channel_id)
        raise SlackError("channel_not_found")

    @staticmethod
    def _json_field(args: dict[str, Any], key: str) -> Any:
        value = args.get(key)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise SlackError(f"invalid_{key}") from exc
        return value

    def _message(self, args: dict[str, Any], user: str = BOT_USER_ID) -> dict[str, Any]:
        text = args.get("text") or ""
        blocks = self._json_field(args, "blocks")
        if not text and not blocks:
            raise SlackError("no_text")
        if blocks is not None and len(blocks) > 50:
            raise SlackError("invalid_blocks")
        msg: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": self.new_ts()}
        if blocks:
            msg["blocks"] = blocks
        if args.get("thread_ts"):
            msg["thread_ts"] = args["thread_ts"]
        if user == BOT_USER_ID:
            msg["bot_id"] = BOT_ID
        return msg

    def m_auth_test(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if token in self.user_tokens:
            uid = self.user_tokens[token]
            return {
                "url": "https://sandbox.slack.com/",
                "team": TEAM_NAME,
                "user": uid,
                "team_id": TEAM_ID,
                "user_id": uid,
            }
        return {
            "url": "https://sandbox.slack.com/",
            "team": TEAM_NAME,
            "user": "csm-agent",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def m_team_info(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"team": {"id": TEAM_ID, "name": TEAM_NAME, "domain": "sandbox"}}

    def m_bots_info(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"bot": {"id": BOT_ID, "app_id": APP_ID, "user_id": BOT_USER_ID, "name": "csm-agent"}}

    def m_chat_postMessage(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        msg = self._message(args)
        ch.messages.append(msg)
        return {"channel": ch.id, "ts": msg["ts"], "message": msg}

    def m_chat_postEphemeral(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        if not args.get("user"):
            raise SlackError("user_not_found")
        msg = self._message(args)
        self.ephemeral.append({"channel": ch.id, "user": args["user"], **msg})
        return {"message_ts": msg["ts"]}

    def m_chat_update(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        for msg in ch.messages:
            if msg["ts"] == args.get("ts"):
                new = self._message(args)
                msg.update({k: v for k, v in new.items() if k not in ("ts", "thread_ts")})
                if "blocks" not in new:
                    msg.pop("blocks", None)
                msg["edited"] = {"user": BOT_USER_ID, "ts": self.new_ts()}
                return {"channel": ch.id, "ts": msg["ts"], "text": msg["text"], "message": msg}
        raise SlackError("message_not_found")

    def m_chat_delete(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        before = len(ch.messages)
        ch.messages = [m for m in ch.messages if m["ts"] != args.get("ts")]
        if len(ch.messages) == before:
            raise SlackError("message_not_found")
        return {"channel": ch.id, "ts": args.get("ts")}

    def m_chat_getPermalink(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        ts = str(args.get("message_ts", "")).replace(".", "")
        return {"channel": ch.id, "permalink": f"https://sandbox.slack.com/archives/{ch.id}/p{ts}"}

    def m_views_publish(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        user = args.get("user_id")
        if user not in self.users:
            raise SlackError("user_not_found")
        view = self._json_field(args, "view")
        if not view or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        if len(view.get("blocks", [])) > 100:
            raise SlackError("invalid_arguments")
        view = {**view, "id": f"V{next(self._ids):08d}"}
        self.views[user] = view
        return {"view": view}

    def m_views_open(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not args.get("trigger_id"):
            raise SlackError("invalid_trigger_id")
        view = self._json_field(args, "view")
        if not view or view.get("type") != "modal":
            raise SlackError("invalid_arguments")
        view = {**view, "id": f"V{next(self._ids):08d}"}
        self.modals[view["id"]] = view
        return {"view": view}

    def m_views_update(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        view_id = args.get("view_id")
        if view_id not in self.modals:
            raise SlackError("not_found")
        view = {**self._json_field(args, "view"), "id": view_id}
        self.modals[view_id] = view
        return {"view": view}

    def m_views_push(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        return self.m_views_open(args, token)

    def m_conversations_list(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        chans = [c.to_api() for c in self.channels.values() if not c.is_im]
        return {"channels": chans, "response_metadata": {"next_cursor": ""}}

    def m_conversations_info(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"channel": self._channel(args.get("channel")).to_api()}

    def m_conversations_open(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        if not users or users[0] not in self.users:
            raise SlackError("user_not_found")
        return {"channel": self.im_channel(users[0]).to_api()}

    def m_conversations_join(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {"channel": self._channel(args.get("channel")).to_api()}

    def m_conversations_history(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        msgs = [m for m in ch.messages if not m.get("thread_ts") or m.get("thread_ts") == m["ts"]]
        return {"messages": list(reversed(msgs)), "has_more": False}

    def m_conversations_replies(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        ts = args.get("ts")
        msgs = [m for m in ch.messages if m["ts"] == ts or m.get("thread_ts") == ts]
        return {"messages": msgs, "has_more": False}

    def m_users_list(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        return {
            "members": [u.to_api() for u in self.users.values()],
            "response_metadata": {"next_cursor": ""},
        }

    def m_users_info(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        user = self.users.get(args.get("user", ""))
        if not user:
            raise SlackError("user_not_found")
        return {"user": user.to_api()}

    def m_users_lookupByEmail(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        for user in self.users.values():
            if user.email and user.email == args.get("email"):
                return {"user": user.to_api()}
        raise SlackError("users_not_found")

    def m_reactions_add(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        if not any(m["ts"] == args.get("timestamp") for m in ch.messages):
            raise SlackError("message_not_found")
        if not args.get("name"):
            raise SlackError("invalid_name")
        self.reactions.append({"channel": ch.id, "timestamp": args["timestamp"], "name": args["name"]})
        return {}

    def m_search_messages(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if token not in self.user_tokens:
            raise SlackError("not_allowed_token_type")
        query = str(args.get("query", "")).lower()
        matches = []
        for ch in self.channels.values():
            for m in ch.messages:
                if query and query in m.get("text", "").lower():
                    matches.append(
                        {
                            **m,
                            "channel": {"id": ch.id, "name": ch.name},
                            "permalink": f"https://sandbox.slack.com/archives/{ch.id}/p{m['ts']}",
                        }
                    )
        return {"query": args.get("query"), "messages": {"total": len(matches), "matches": matches}}

    def m_oauth_v2_access(self, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not args.get("code"):
            raise SlackError("invalid_code")
        return {
            "app_id": APP_ID,
            "authed_user": {
                "id": "U0INSTALL",
                "scope": "search:read",
                "access_token": self.grant_user_token("U0INSTALL"),
                "token_type": "user",
            },
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": BOT_TOKEN,
            "bot_user_id": BOT_USER_ID,
            "team": {"id": TEAM_ID, "name": TEAM_NAME},
            "enterprise": None,
            "is_enterprise_install": False,
        }


def _token_from(request: web.Request, args: dict[str, Any]) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        return auth[7:]
    return args.get("token")


def build_app(slack: FakeSlack) -> web.Application:
    async def api(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw = await request.text()
        if request.content_type == "application/json":
            args = json.loads(raw or "{}")
        else:
            args = dict(parse_qsl(raw, keep_blank_values=True))
        args.update({k: v for k, v in request.query.items() if k not in args})
        token = _token_from(request, args)
        args.pop("token", None)
        try:
            body = slack.handle(method, args, token)
        except SlackError as err:
            headers = {}
            if err.status == 429:
                headers["Retry-After"] = "1"
            return web.json_response({"ok": False, "error": err.error}, status=err.status, headers=headers)
        return web.json_response(body)

    async def response_url(request: web.Request) -> web.Response:
        payload = await request.json()
        slack.responses.append({"id": request.match_info["rid"], **payload})
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/api/{method}", api)
    app.router.add_get("/api/{method}", api)
    app.router.add_post("/_sandbox/response/{rid}", response_url)
    return app


class SlackSandbox:
    """Runs FakeSlack on a local port. `api_url` is what SLACK_API_URL should be set to."""

    def __init__(self, slack: FakeSlack | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.slack = slack or FakeSlack()
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def api_url(self) -> str:
        return f"{self.slack.base_url}/api/"

    async def start(self) -> SlackSandbox:
        self._runner = web.AppRunner(build_app(self.slack), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]
        self.slack.base_url = f"http://{self.host}:{self.port}"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
