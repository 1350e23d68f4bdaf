"""Block Kit for `/csm tools`, `/csm run` and `/csm connect`."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.common import button, context, header, section, split_text

CATEGORY_TITLES = {
    "communication": ":speech_balloon: Communication",
    "calendar": ":calendar: Calendar",
    "documents": ":page_facing_up: Documents",
    "intelligence": ":bulb: Intelligence",
    "automation": ":gear: Automation",
    "customers": ":busts_in_silhouette: Customers",
}
CONNECTION_LABEL = {"google": "needs Google", "zoom": "needs Zoom", "slack_user": "needs your Slack token"}


def _fields(tool: Any) -> str:
    schema = tool.input_schema()
    required = set(schema.get("required", []))
    names = [f"{n}*" if n in required else n for n in schema.get("properties", {})]
    return " ".join(names)


def tool_line(tool: Any) -> str:
    flags = [CONNECTION_LABEL[tool.connection]] if tool.connection in CONNECTION_LABEL else []
    if tool.may_need_approval:
        flags.append("may ask approval")
    tail = f" _({', '.join(flags)})_" if flags else ""
    return f"`{tool.name}` {tool.description}{tail}\n      {_fields(tool)}"


def tools_blocks(tools: list[Any], title: str) -> list[Any]:
    blocks: list[Any] = [header(title)]
    by_category: dict[str, list[Any]] = {}
    for t in tools:
        by_category.setdefault(t.category, []).append(t)
    for category, items in by_category.items():
        text = f"*{CATEGORY_TITLES.get(category, category)}*\n" + "\n".join(tool_line(t) for t in items)
        blocks.extend(section(part) for part in split_text(text))
    blocks.append(
        context(
            "Run one with `/csm run TOOL key=value …` (quote values with spaces; * = required; lists are comma-separated)."
        )
    )
    return blocks


def _pretty(data: Any, limit: int = 2800) -> str:
    text = json.dumps(data, indent=1, ensure_ascii=False, default=str)
    if len(text) > limit:
        text = text[:limit] + "\n…"
    return f"```{text}```"


def run_result_blocks(tool_name: str, result: Any, dry_run: bool = False) -> tuple[str, list[Any]]:
    if result.requires_approval:
        text = (
            f":hourglass_flowing_sand: `{tool_name}` waits for approval #{result.approval_id}: "
            f"{(result.error or '').split(': ', 1)[-1]} The request with Approve / Reject buttons is in your DMs."
        )
        return text, [section(text)]
    if not result.success:
        text = f":x: {result.error}"
        return text, [section(text)]
    if dry_run:
        text = f":test_tube: Dry run of `{tool_name}`: nothing was done."
    else:
        text = f":white_check_mark: `{tool_name}` done."
    return text, [section(text), section(_pretty(result.data))]


def connect_google_blocks(url: str, account: str | None) -> list[Any]:
    state = f"You are connected as *{account}*. " if account else ""
    return [
        section(
            f"{state}Connect your Google account so I can read and send email, see your calendar and "
            "work with Drive, Docs and Slides on your behalf. Anything sent outside our domain still asks you first.",
            accessory=button(
                "Connect Google" if not account else "Reconnect Google",
                "connect_google_open",
                url=url,
                style="primary",
            ),
        ),
        context("The link is personal and works for 15 minutes."),
    ]


def connect_zoom_text(configured: bool) -> str:
    if configured:
        return (
            ":white_check_mark: Zoom is connected for the whole workspace (a Server-to-Server OAuth app), so there "
            "is nothing for you to do: meetings, recordings and transcripts are available to everyone."
        )
    return (
        "Zoom connects once for the whole account, not per person. A Zoom admin creates a *Server-to-Server OAuth* "
        "app in the Zoom App Marketplace with the scopes `meeting:read:admin`, `meeting:write:admin` and "
        "`recording:read:admin`, then whoever runs csm-agent sets `ZOOM_ACCOUNT_ID`, `ZOOM_CLIENT_ID` and "
        "`ZOOM_CLIENT_SECRET` (and `ZOOM_WEBHOOK_SECRET_TOKEN` for meeting-ended events) and restarts it."
    )


def connect_slack_blocks(install_url: str | None) -> list[Any]:
    if install_url is None:
        return [
            section("Searching Slack needs a user token, which this single-workspace install cannot grant.")
        ]
    return [
        section(
            "Searching Slack messages needs your own user token (Slack does not let bots search). Authorise the app "
            "once with the `search:read` scope:",
            accessory=button("Authorise Slack search", "connect_slack_open", url=install_url),
        )
    ]
