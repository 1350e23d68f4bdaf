"""Slack tools on slack_sdk's AsyncWebClient (base_url = SLACK_API_URL, rate-limit retry handler).

The bot client comes from the registry's `slack_client(ctx)` provider (app.py wires the
installation's bot token); without one, SLACK_BOT_TOKEN is used. `search_messages` needs the user's
own token (Slack lets only users search), from `slack_user_client(ctx)`.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
import weakref
from typing import Any

from pydantic import Field
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from store.models import Activity
from tools.base import Tool, ToolError, ToolInput, ToolRun, TransientToolError, tool
from tools.customers import CUSTOMER_FIELD, resolve_customer

TOOLS: list[Tool] = []

log = logging.getLogger(__name__)


def make_client(settings: Any, token: str | None) -> AsyncWebClient:
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )


async def bot_client(run: ToolRun) -> AsyncWebClient:
    provider = run.deps.slack_client
    if provider is not None:
        client = provider(run.ctx)
        client = await client if inspect.isawaitable(client) else client
        if client is not None:
            return client
    token = run.settings.slack_bot_token
    if not token:
        raise ToolError("Slack is not connected: install the app in the workspace (or set SLACK_BOT_TOKEN).")
    return run.deps.service("slack_bot", lambda: make_client(run.settings, token))


async def user_client(run: ToolRun) -> AsyncWebClient:
    provider = run.deps.slack_user_client
    client = provider(run.ctx) if provider else None
    client = await client if inspect.isawaitable(client) else client
    if client is None:
        from tools.registry import CONNECT_HINTS

        raise ToolError(CONNECT_HINTS["slack_user"])
    return client


def installation_user_tokens(settings: Any, db: Any) -> Any:
    """`slack_user_client` for multi-workspace installs: the user token a person granted when they
    authorised the app (OAuth v2 `authed_user`, scope search:read), from slack_sdk's installation store."""
    from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

    store = AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=db.engine)

    async def provider(ctx: Any) -> AsyncWebClient | None:
        found = await store.async_find_installation(
            enterprise_id=None, team_id=ctx.team_id or None, user_id=ctx.user_id
        )
        if found is None or not found.user_token or found.user_id != ctx.user_id:
            return None
        return make_client(settings, found.user_token)

    return provider


def translate_error(exc: Exception, tool: Tool) -> ToolError | None:
    if not isinstance(exc, SlackApiError):
        return None
    response = exc.response
    error = (response.get("error") if response is not None else None) or "unknown_error"
    status = getattr(response, "status_code", 200)
    if error == "ratelimited" or status == 429:
        retry = (getattr(response, "headers", None) or {}).get("Retry-After") or (
            getattr(response, "headers", None) or {}
        ).get("retry-after")
        return TransientToolError(
            "Slack is rate limiting us; try again shortly.", float(retry) if retry else None
        )
    if status >= 500:
        return TransientToolError(f"Slack had an error ({status}).", safe_to_retry=tool.read_only)
    messages = {
        "channel_not_found": "Slack could not find that channel: check the name or id, and invite the bot if it is private.",
        "not_in_channel": "The bot is not in that channel: invite it with `/invite @csm-agent`.",
        "is_archived": "That channel is archived.",
        "message_not_found": "Slack could not find that message (check the timestamp).",
        "already_reacted": "That reaction is already there.",
        "invalid_auth": "Slack refused the app's token: reinstall the app.",
        "not_authed": "Slack refused the app's token: reinstall the app.",
        "token_revoked": "The Slack token was revoked: reinstall the app.",
        "not_allowed_token_type": "Slack needs a user token for this, not the bot's.",
        "user_not_found": "Slack could not find that user.",
    }
    if error == "missing_scope":
        needed = response.get("needed") if response is not None else None
        return ToolError(
            f"The Slack app lacks the scope {needed or '(unknown)'}: reinstall it with that scope."
        )
    return ToolError(messages.get(error, f"Slack refused the request: {error}."))


async def resolve_channel(client: AsyncWebClient, channel: str) -> str:
    """A channel id from an id, a user id (their DM), `#name` or `name`."""
    text = channel.strip()
    if m := re.fullmatch(r"<#(C[A-Z0-9]+)(\|[^>]*)?>", text):
        return m.group(1)
    if m := re.fullmatch(r"<@([UW][A-Z0-9]+)(\|[^>]*)?>", text):
        text = m.group(1)
    if re.fullmatch(r"[CGD][A-Z0-9]{6,}", text):
        return text
    if re.fullmatch(r"[UW][A-Z0-9]{6,}", text):
        opened = await client.conversations_open(users=text)
        return opened["channel"]["id"]
    name = text.lstrip("#").lower()
    found = await find_channel(client, lambda c: c.get("name", "").lower() == name)
    if found is None:
        raise ToolError(f"There is no channel named #{name} that the bot can see.")
    return found["id"]


async def find_channel(client: AsyncWebClient, match: Any, limit: int = 2000) -> dict[str, Any] | None:
    cursor, seen = None, 0
    while seen < limit:
        page = await client.conversations_list(
            types="public_channel,private_channel", exclude_archived=True, limit=200, cursor=cursor
        )
        for c in page.get("channels", []):
            seen += 1
            if match(c):
                return c
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


# A channel's sharing rarely changes: its answer is kept a minute per client, so a burst of alerts to
# one channel asks Slack once, not once per post.
SHARING_TTL = 60.0
_clock = time.monotonic
_CANNOT_TELL = frozenset(
    {"missing_scope", "unknown_method", "method_not_supported_for_channel_type", "not_allowed_token_type"}
)
_sharing: weakref.WeakKeyDictionary[AsyncWebClient, dict[str, tuple[float, str | None]]] = (
    weakref.WeakKeyDictionary()
)


async def shared_outside(client: AsyncWebClient, channel_id: str) -> str | None:
    """Why a post in this conversation reaches another organisation (Slack Connect), else None."""
    known = _sharing.setdefault(client, {})
    cached = known.get(channel_id)
    if cached is not None and cached[0] > _clock():
        return cached[1]
    try:
        info = (await client.conversations_info(channel=channel_id))["channel"]
    except SlackApiError as exc:
        error = (exc.response or {}).get("error")
        if error == "channel_not_found":
            return None  # the post itself fails and says so
        if error in _CANNOT_TELL:
            # Not a moment's failure but what this workspace or conversation can answer (a token
            # without channels:read, a conversation type conversations.info refuses): asking before
            # every post would stop them all for good, so the post goes as it did before the check.
            log.warning("cannot tell whether %s is shared (%s); posting without asking", channel_id, error)
            known[channel_id] = (_clock() + SHARING_TTL, None)
            return None
        raise
    reason = None
    if info.get("is_ext_shared") or info.get("is_pending_ext_shared"):
        where = f"#{info['name']}" if info.get("name") else "this conversation"
        reason = f"{where} is shared with people outside the workspace (Slack Connect)"
    known[channel_id] = (_clock() + SHARING_TTL, reason)
    return reason


async def _channel_outside(inp: Any, run: ToolRun) -> str | None:
    client = await bot_client(run)
    return await shared_outside(client, await resolve_channel(client, inp.channel))


async def _customer_channel_outside(inp: Any, run: ToolRun) -> str | None:
    _, channel = await customer_channel(run, inp.customer)
    return None if channel is None else await shared_outside(await bot_client(run), channel["id"])


class SendMessageInput(ToolInput):
    channel: str = Field(min_length=1, description="Channel id, #name, or a user id for a DM")
    text: str = Field(min_length=1, max_length=40000, description="The message (also the notification text)")
    blocks: list[dict[str, Any]] | None = Field(None, description="Block Kit blocks")
    thread_ts: str | None = Field(None, description="Reply in this thread")


@tool(
    "slack.send_message",
    description="Post a message in a Slack channel, a thread, or a user's DM; asks first in a Slack Connect channel.",
    category="communication",
    approval_check=_channel_outside,
    side_effects=True,
    into=TOOLS,
)
async def send_message(inp: SendMessageInput, run: ToolRun) -> dict[str, Any]:
    client = await bot_client(run)
    channel = await resolve_channel(client, inp.channel)
    kwargs: dict[str, Any] = {"channel": channel, "text": inp.text}
    if inp.blocks:
        kwargs["blocks"] = inp.blocks
    if inp.thread_ts:
        kwargs["thread_ts"] = inp.thread_ts
    posted = await client.chat_postMessage(**kwargs)
    return {"channel": posted["channel"], "ts": posted["ts"], "thread_ts": inp.thread_ts}


class ListChannelsInput(ToolInput):
    query: str | None = Field(None, description="Words in the channel name")
    limit: int = Field(100, ge=1, le=1000)


@tool(
    "slack.list_channels",
    description="List the Slack channels the bot can see, optionally filtered by name.",
    category="communication",
    into=TOOLS,
)
async def list_channels(inp: ListChannelsInput, run: ToolRun) -> dict[str, Any]:
    client = await bot_client(run)
    words = (inp.query or "").lower().lstrip("#").split()
    out: list[dict[str, Any]] = []

    def keep(c: dict[str, Any]) -> bool:
        if all(w in c.get("name", "").lower() for w in words) and len(out) < inp.limit:
            out.append(
                {
                    "id": c["id"],
                    "name": c.get("name"),
                    "private": c.get("is_private", False),
                    "members": c.get("num_members"),
                }
            )
        return len(out) >= inp.limit

    await find_channel(client, keep, limit=5000)
    return {"count": len(out), "channels": out}


class SearchMessagesInput(ToolInput):
    query: str = Field(min_length=1, description="Slack search syntax, e.g. 'renewal in:#acme from:@dana'")
    count: int = Field(20, ge=1, le=100)


@tool(
    "slack.search_messages",
    description="Search Slack messages with the user's own token (Slack allows search for users only).",
    category="communication",
    connection="slack_user",
    into=TOOLS,
)
async def search_messages(inp: SearchMessagesInput, run: ToolRun) -> dict[str, Any]:
    client = await user_client(run)
    found = await client.search_messages(query=inp.query, count=inp.count)
    matches = (found.get("messages") or {}).get("matches", [])
    return {
        "total": (found.get("messages") or {}).get("total", len(matches)),
        "messages": [
            {
                "channel": (m.get("channel") or {}).get("name"),
                "channel_id": (m.get("channel") or {}).get("id"),
                "user": m.get("user") or m.get("username"),
                "text": m.get("text"),
                "ts": m.get("ts"),
                "permalink": m.get("permalink"),
            }
            for m in matches
        ],
    }


class ReactionInput(ToolInput):
    channel: str = Field(min_length=1)
    timestamp: str = Field(min_length=1, description="The message's ts")
    name: str = Field(min_length=1, description="Emoji name, e.g. white_check_mark")


@tool(
    "slack.add_reaction",
    description="Add an emoji reaction to a Slack message.",
    category="communication",
    side_effects=True,
    into=TOOLS,
)
async def add_reaction(inp: ReactionInput, run: ToolRun) -> dict[str, Any]:
    client = await bot_client(run)
    channel = await resolve_channel(client, inp.channel)
    await client.reactions_add(channel=channel, timestamp=inp.timestamp, name=inp.name.strip(":"))
    return {"channel": channel, "timestamp": inp.timestamp, "name": inp.name.strip(":")}


async def customer_channel(run: ToolRun, customer: str | None) -> tuple[Any, dict[str, Any] | None]:
    """(customer, {id, name, source}) — the channel on file, else one whose name contains theirs."""
    async with run.db.session() as s:
        c = await resolve_customer(s, customer, run.ctx)
    client = await bot_client(run)
    if c.slack_channel:
        return c, {
            "id": await resolve_channel(client, c.slack_channel),
            "name": c.slack_channel.lstrip("#"),
            "source": "on file",
        }
    slugs = {
        re.sub(r"[^a-z0-9]+", "-", c.name.lower()).strip("-"),
        (c.domain or "").split(".")[0].lower(),
    } - {""}
    found = await find_channel(client, lambda ch: any(s in ch.get("name", "").lower() for s in slugs))
    if found is None:
        return c, None
    return c, {"id": found["id"], "name": found.get("name"), "source": "matched by name"}


class CustomerChannelInput(ToolInput):
    customer: str | None = CUSTOMER_FIELD


@tool(
    "slack.get_customer_channel",
    description="The customer's Slack channel: the one on file, else a channel whose name contains theirs.",
    category="communication",
    into=TOOLS,
)
async def get_customer_channel(inp: CustomerChannelInput, run: ToolRun) -> dict[str, Any]:
    c, channel = await customer_channel(run, inp.customer)
    if channel is None:
        return {
            "customer": c.name,
            "channel": None,
            "note": f"{c.name} has no Slack channel on file or by name.",
        }
    return {"customer": c.name, "channel": channel}


class CustomerUpdateInput(ToolInput):
    customer: str | None = CUSTOMER_FIELD
    text: str = Field(min_length=1, max_length=40000)
    blocks: list[dict[str, Any]] | None = None


@tool(
    "slack.post_customer_update",
    description="Post an update in the customer's Slack channel and log it on their timeline; asks first when "
    "the channel is shared with the customer (Slack Connect).",
    category="communication",
    approval_check=_customer_channel_outside,
    side_effects=True,
    into=TOOLS,
)
async def post_customer_update(inp: CustomerUpdateInput, run: ToolRun) -> dict[str, Any]:
    c, channel = await customer_channel(run, inp.customer)
    if channel is None:
        raise ToolError(
            f"{c.name} has no Slack channel: set one with `csm import customers` (slack_channel)."
        )
    client = await bot_client(run)
    kwargs: dict[str, Any] = {"channel": channel["id"], "text": inp.text}
    if inp.blocks:
        kwargs["blocks"] = inp.blocks
    posted = await client.chat_postMessage(**kwargs)
    async with run.db.transaction() as s:
        s.add(
            Activity(
                customer_id=c.id,
                kind="slack_update",
                summary=inp.text[:500],
                data={"channel": posted["channel"], "ts": posted["ts"]},
                actor=run.ctx.user_id,
            )
        )
    return {"customer": c.name, "channel": posted["channel"], "ts": posted["ts"]}


class ThreadInput(ToolInput):
    channel: str = Field(min_length=1)
    text: str = Field(min_length=1, description="The thread's first message")
    replies: list[str] = Field(default_factory=list, description="Messages posted in the thread, in order")


@tool(
    "slack.create_thread",
    description="Start a Slack thread: a parent message and, optionally, replies under it; asks first in a "
    "Slack Connect channel.",
    category="communication",
    approval_check=_channel_outside,
    side_effects=True,
    into=TOOLS,
)
async def create_thread(inp: ThreadInput, run: ToolRun) -> dict[str, Any]:
    client = await bot_client(run)
    channel = await resolve_channel(client, inp.channel)
    parent = await client.chat_postMessage(channel=channel, text=inp.text)
    for reply in inp.replies:
        await client.chat_postMessage(channel=channel, text=reply, thread_ts=parent["ts"])
    return {"channel": parent["channel"], "thread_ts": parent["ts"], "replies": len(inp.replies)}
