"""`/csm tools [CATEGORY|WORDS]`, `/csm run TOOL key=value ...`, `/csm connect google|zoom|slack`."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.tools import (
    connect_google_blocks,
    connect_slack_blocks,
    connect_zoom_text,
    run_result_blocks,
    tools_blocks,
)
from bot.commands import CommandContext, subcommand


@subcommand("tools", usage="tools [CATEGORY]", example="tools communication", summary="the tools I can use")
async def tools_command(ctx: CommandContext) -> None:
    registry = ctx.services.registry
    words = " ".join(ctx.args).strip().lower()
    if not words:
        tools, title = registry.list(), f"Tools ({len(registry.names())})"
    elif words in registry.categories():
        tools, title = registry.list(words), f"Tools: {words}"
    else:
        tools, title = registry.search(words), f"Tools matching “{words}”"
    if not tools:
        await ctx.reply(
            f"No tool or category matches '{words}'. Categories: {', '.join(registry.categories())}."
        )
        return
    await ctx.reply(title, tools_blocks(tools, title))


def _field_schema(schema: dict[str, Any], name: str) -> dict[str, Any]:
    prop = schema.get("properties", {}).get(name, {})
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return option
    return prop


def parse_run_args(tool: Any, args: list[str]) -> dict[str, Any] | str:
    """key=value words into the tool's input: lists split at commas, objects as JSON or k:v pairs.
    Scalars stay text for the input model to type (its errors name the field). Returns a message on error."""
    schema = tool.input_schema()
    fields = list(schema.get("properties", {}))
    out: dict[str, Any] = {}
    for word in args:
        key, sep, value = word.partition("=")
        key = key.strip()
        if not sep or not key:
            return (
                f"Arguments are `key=value`; `{word}` has no `=`. Fields of {tool.name}: {', '.join(fields)}."
            )
        if key not in fields:
            return f"`{key}` is not a field of {tool.name}. Its fields: {', '.join(fields)}."
        kind = _field_schema(schema, key).get("type")
        if kind == "array":
            out[key] = [v.strip() for v in value.split(",") if v.strip()]
        elif kind == "object":
            try:
                out[key] = json.loads(value)
            except json.JSONDecodeError:
                pairs = [p.partition(":") for p in value.split(",") if p.strip()]
                if any(not sep2 for _k, sep2, _v in pairs):
                    return f"`{key}` takes JSON or `name:value,name:value`."
                out[key] = {k.strip(): v.strip() for k, _s, v in pairs}
        else:
            out[key] = value
    return out


@subcommand(
    "run",
    usage="run TOOL key=value ...",
    example='run tasks.create title="Send the SOW" customer=acme.com due_in_days=3',
    summary="run one tool (approval-gated tools ask first)",
)
async def run_command(ctx: CommandContext) -> None:
    from tools.model import ToolContext

    registry = ctx.services.registry
    args = list(ctx.args)
    dry_run = "--dry-run" in args
    args = [a for a in args if a != "--dry-run"]
    if not args:
        await ctx.reply(
            "Which tool? Try `/csm run customers.search health_below=60`, or `/csm tools` for the list."
        )
        return
    name = args[0]
    tool = registry.get(name)
    if tool is None:
        near = registry.nearest(name)
        hint = f" Did you mean {', '.join(f'`{n}`' for n in near)}?" if near else " `/csm tools` lists them."
        await ctx.reply(f"There is no tool named `{name}`.{hint}")
        return
    parsed = parse_run_args(tool, args[1:])
    if isinstance(parsed, str):
        await ctx.reply(parsed)
        return
    tool_ctx = ToolContext(user_id=ctx.user_id, team_id=ctx.team_id, caller_kind="slack", dry_run=dry_run)
    result = await registry.invoke(name, parsed, tool_ctx)
    text, blocks = run_result_blocks(name, result, dry_run)
    await ctx.reply(text, blocks)


@subcommand(
    "connect", usage="connect google|zoom|slack", example="connect google", summary="connect your accounts"
)
async def connect_command(ctx: CommandContext) -> None:
    from tools.google.auth import GoogleConnections
    from tools.google.oauth_web import connect_url

    settings = ctx.services.settings
    what = (ctx.args[0].lower() if ctx.args else "").strip()
    if what == "google":
        if not (settings.google_client_id and settings.google_client_secret):
            await ctx.reply(
                "Google is not set up yet: an admin creates an OAuth web client in Google Cloud (redirect URI "
                f"`{settings.base_url}/oauth/google/callback`) and sets GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET."
            )
            return
        row = await GoogleConnections(ctx.services.db, settings).get(ctx.team_id, ctx.user_id)
        account = (row.account_email or "your Google account") if row else None
        url = connect_url(settings, ctx.team_id, ctx.user_id)
        await ctx.reply(f"Connect Google: {url}", connect_google_blocks(url, account))
    elif what == "zoom":
        configured = bool(
            settings.zoom_account_id and settings.zoom_client_id and settings.zoom_client_secret
        )
        await ctx.reply(connect_zoom_text(configured))
    elif what == "slack":
        url = f"{settings.base_url}/slack/install" if settings.oauth_configured else None
        await ctx.reply("Authorise Slack search", connect_slack_blocks(url))
    else:
        await ctx.reply(
            "Connect what? `/csm connect google` (your mail, calendar, Drive), `/csm connect zoom`, or `/csm connect slack` (message search)."
        )
