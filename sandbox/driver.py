"""Signed Slack requests, as Slack sends them: slash commands, interactivity payloads, events.

Used by the tests, the sandbox console and the benchmarks to drive an app over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from sandbox.slack import APP_ID, TEAM_ID

_counter = itertools.count(1)


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature headers for `body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{ts}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slash_command_body(
    text: str,
    *,
    user_id: str,
    channel_id: str = "C0GENERAL",
    response_url: str = "https://hooks.slack.com/commands/T0/1/x",
    command: str = "/csm",
    team_id: str = TEAM_ID,
) -> str:
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": team_id,
            "team_domain": "sandbox",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{next(_counter)}.{int(time.time())}.sandbox",
        }
    )


def block_action_body(
    action_id: str,
    value: str,
    *,
    user_id: str,
    channel_id: str | None = None,
    message_ts: str | None = None,
    response_url: str | None = None,
    container_type: str = "message",
    view: dict[str, Any] | None = None,
    block_id: str = "b",
) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "sandbox"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "deprecated-verification-token",
        "trigger_id": f"{next(_counter)}.{int(time.time())}.sandbox",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
        "is_enterprise_install": False,
    }
    if container_type == "view" and view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
        payload["view"] = view
    else:
        payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel_id}
        payload["channel"] = {"id": channel_id, "name": "sandbox"}
        payload["message"] = {"type": "message", "ts": message_ts, "text": ""}
    if response_url:
        payload["response_url"] = response_url
    return urlencode({"payload": json.dumps(payload)})


def view_submission_body(view: dict[str, Any], values: dict[str, Any], *, user_id: str) -> str:
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "sandbox"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "deprecated-verification-token",
        "trigger_id": f"{next(_counter)}.{int(time.time())}.sandbox",
        "view": {**view, "state": {"values": values}},
        "is_enterprise_install": False,
    }
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> str:
    return json.dumps(
        {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_counter):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": "U0BOTCSM", "is_bot": True}],
            "is_ext_shared_channel": False,
        }
    )


def headers_for(
    body: str, secret: str, *, json_body: bool = False, retry_num: int | None = None
) -> dict[str, str]:
    headers = sign(secret, body)
    headers["Content-Type"] = "application/json" if json_body else "application/x-www-form-urlencoded"
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers
