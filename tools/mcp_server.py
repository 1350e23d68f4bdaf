"""The registry as an MCP server (`csm mcp`), on the low-level `mcp` 1.x `Server`.

Every tool is listed with its generated input schema and annotations from its approval policy;
every call goes through `registry.invoke` (validation, connection check, approval gate, audit).
A gated call answers "pending approval <id>": approving it in Slack runs it. Failures come back as
`isError` results carrying the registry's sentence.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import mcp.types as types
from mcp.server.lowlevel import Server

from tools.base import Tool
from tools.model import ToolContext

EXTERNAL_PROVIDERS = {"gmail", "calendar", "drive", "docs", "slides", "slack", "zoom"}


def annotations(tool: Tool) -> types.ToolAnnotations:
    return types.ToolAnnotations(
        title=tool.name,
        readOnlyHint=tool.read_only,
        destructiveHint=tool.side_effects and tool.may_need_approval,
        idempotentHint=tool.read_only,
        openWorldHint=tool.provider in EXTERNAL_PROVIDERS,
    )


def mcp_tool(tool: Tool) -> types.Tool:
    description = tool.description
    if tool.may_need_approval:
        description += " May need a person's approval in Slack before it runs."
    return types.Tool(
        name=tool.name,
        description=description,
        inputSchema=tool.input_schema(),
        annotations=annotations(tool),
    )


def _text(
    text: str, *, error: bool = False, structured: dict[str, Any] | None = None
) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], isError=error, structuredContent=structured
    )


def build_server(registry: Any, context: Callable[[], ToolContext], name: str = "csm-agent") -> Server:
    """An MCP server over `registry`; `context()` gives the ToolContext of each call."""
    server: Server = Server(
        name, instructions="Customer Success tools: customers, email, calendar, documents, Slack, Zoom."
    )

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        return [mcp_tool(t) for t in registry.list()]

    # The registry validates (its errors name the field), so the SDK's jsonschema pass is off.
    @server.call_tool(validate_input=False)
    async def call_tool(tool_name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        result = await registry.invoke(tool_name, arguments or {}, context())
        if result.requires_approval:
            return _text(
                f"{result.error or f'pending approval {result.approval_id}'} It has not run yet: it runs when "
                "approved in Slack (`/csm approvals`).",
                structured={"pending_approval": result.approval_id},
            )
        if not result.success:
            return _text(result.error or "The tool failed.", error=True)
        structured = result.data if isinstance(result.data, dict) else {"result": result.data}
        return _text(json.dumps(result.data, indent=2, default=str), structured=structured)

    return server


async def serve_stdio(registry: Any, context: Callable[[], ToolContext]) -> None:
    from mcp.server.stdio import stdio_server

    server = build_server(registry, context)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())
