"""`csm tools list [--json]` (CONTRACTS §4) and `csm mcp` (the registry as an MCP server on stdio)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    tools = sub.add_parser("tools", help="the tool registry")
    tools_sub = tools.add_subparsers(dest="tools_command", metavar="COMMAND", required=True)
    listing = tools_sub.add_parser("list", help="list every tool")
    listing.add_argument(
        "--json", action="store_true", help="as JSON (name, description, category, input_schema…)"
    )
    listing.add_argument("--category", help="only this category")
    listing.set_defaults(func=_list)

    mcp = sub.add_parser("mcp", help="serve the tool registry over MCP on stdio")
    mcp.add_argument(
        "--user", default=None, help="Slack user id the calls act for (default: $CSM_MCP_USER or 'mcp')"
    )
    mcp.add_argument("--team", default="", help="Slack team id of that user")
    mcp.set_defaults(func=_mcp)


def full_registry(db: object, settings: object, **kwargs: object) -> object:
    """The registry as the running app has it: the built-in tools plus those the engines add
    (playbooks.start, skills.run, meetings.create_notes, the assistant's look-ups…)."""
    from assistant.lookups import register_lookup_tools
    from meetings.registry_tools import register_meeting_tools
    from meetings.service import MeetingService
    from playbooks.executor import PlaybookExecutor
    from skills.engine import SkillEngine
    from tools import build_registry

    registry = build_registry(db, settings, **kwargs)
    PlaybookExecutor(db, registry, timezone=settings.timezone)  # type: ignore[arg-type, attr-defined]
    SkillEngine(db, registry)
    register_lookup_tools(registry)
    register_meeting_tools(registry, MeetingService(db))  # notes from stored analyses only
    return registry


def _list(args: argparse.Namespace) -> int:
    from settings import load_settings

    registry: Any = full_registry(None, load_settings())
    if args.category and args.category not in registry.categories():
        print(
            f"No category {args.category!r}; categories: {', '.join(registry.categories())}", file=sys.stderr
        )
        return 2
    tools = registry.list(args.category)
    if args.json:
        print(json.dumps([registry.describe(t) for t in tools], indent=2))
        return 0
    for t in tools:
        flags = [
            f
            for f, on in (
                ("needs " + t.connection, t.connection != "none"),
                ("may ask approval", t.may_need_approval),
            )
            if on
        ]
        print(f"{t.name:32} {t.category:14} {t.description}" + (f"  [{'; '.join(flags)}]" if flags else ""))
    return 0


def _mcp(args: argparse.Namespace) -> int:
    import os

    from llm.client import make_client
    from settings import load_settings
    from store import Database
    from store.migrate import upgrade
    from tools.mcp_server import serve_stdio
    from tools.model import ToolContext

    settings = load_settings()
    user = args.user or os.environ.get("CSM_MCP_USER") or "mcp"

    async def run() -> None:
        db = Database(settings.database_url)
        try:
            await upgrade(db)
            registry: Any = full_registry(db, settings, llm=make_client(settings))
            if settings.slack_bot_token or settings.oauth_configured:
                _post_approvals_in_slack(registry, settings, db)
            await serve_stdio(
                registry, lambda: ToolContext(user_id=user, team_id=args.team, caller_kind="mcp")
            )
        finally:
            await db.dispose()

    asyncio.run(run())
    return 0


def _post_approvals_in_slack(registry: object, settings: object, db: object) -> None:
    """With Slack credentials, gated MCP calls are posted to the requester like any other approval
    request (the running app executes them when someone clicks Approve), and slack.* tools work."""
    from bot.app import client_provider, make_web_client
    from bot.approvals import approval_poster
    from bot.services import Services

    services = Services(settings=settings, db=db)  # type: ignore[arg-type]
    services.registry = registry
    base = make_web_client(settings, None if settings.oauth_configured else settings.slack_bot_token)  # type: ignore[attr-defined]
    client_for = client_provider(services, base)
    registry.deps.slack_client = lambda ctx: client_for(ctx.team_id)  # type: ignore[attr-defined]
    registry.on_approval_requested = approval_poster(services, client_for)  # type: ignore[attr-defined]
