"""The registry over MCP (an in-process MCP client), Claude tool definitions, and `csm tools list --json`."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator
from mcp.shared.memory import create_connected_server_and_client_session

from store.models import Customer
from tools.mcp_server import build_server
from tools.model import ToolContext


async def test_mcp_lists_calls_and_gates(google_registry):
    registry, sandbox = google_registry
    async with registry.db.transaction() as s:
        s.add(Customer(name="Acme Corp", domain="acme.com", health_score=42))
    server = build_server(registry, lambda: ToolContext(user_id="UCSM", team_id="T1", caller_kind="mcp"))
    async with create_connected_server_and_client_session(server) as client:
        listed = (await client.list_tools()).tools
        by_name = {t.name: t for t in listed}
        assert len(listed) == len(registry.list()) >= 30
        assert by_name["customers.search"].annotations.readOnlyHint is True
        assert by_name["gmail.send_email"].annotations.destructiveHint is True
        assert by_name["gmail.send_email"].inputSchema["required"] == ["to", "subject", "body"]

        found = await client.call_tool("customers.search", {"health_below": 50})
        assert not found.isError
        assert found.structuredContent["customers"][0]["name"] == "Acme Corp"

        bad = await client.call_tool("tasks.create", {"due_in_days": 2})
        assert bad.isError and "`title` is required" in bad.content[0].text
        unknown = await client.call_tool("gmail.send_mail", {})
        assert unknown.isError and "gmail.send_email" in unknown.content[0].text

        gated = await client.call_tool(
            "gmail.send_email", {"to": ["dana@acme.com"], "subject": "Renewal", "body": "Attached."}
        )
        assert not gated.isError
        approval_id = gated.structuredContent["pending_approval"]
        assert gated.content[0].text.startswith(f"pending approval {approval_id}")
    assert sandbox.gmail.sent() == []
    decision = await registry.approvals.decide(approval_id, "UBOSS", True)
    assert decision.ok and len(sandbox.gmail.sent()) == 1
    approval = await registry.approvals.get(approval_id)
    assert approval.caller_kind == "mcp" and approval.requester == "UCSM"


def test_tools_list_json_is_the_contract(capsys):
    from cli import main

    assert main(["tools", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 30
    for row in rows:
        assert set(row) == {
            "name",
            "description",
            "category",
            "input_schema",
            "requires_auth",
            "requires_approval",
        }
        Draft202012Validator.check_schema(row["input_schema"])
    send = next(r for r in rows if r["name"] == "gmail.send_email")
    assert send["requires_auth"] is True and send["requires_approval"] is True
    assert {"playbooks.start", "skills.run", "meetings.create_notes", "meetings.list_analyses"} <= {
        r["name"] for r in rows
    }  # the engines' tools too
    search = next(r for r in rows if r["name"] == "customers.search")
    assert search["requires_auth"] is False and search["requires_approval"] is False


def test_claude_definitions_round_trip_names(settings):
    from tools import build_registry

    registry = build_registry(None, settings)
    defs = registry.claude_tools()
    assert all("." not in d["name"] for d in defs)
    assert {registry.from_claude_name(d["name"]) for d in defs} == set(registry.names())


async def test_csm_mcp_serves_over_stdio_and_posts_approvals_in_slack(tmp_path, slack_sandbox):
    import os
    import sys

    from cryptography.fernet import Fernet
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    from sandbox.slack import BOT_TOKEN
    from store import Database
    from store.migrate import upgrade
    from store.models import ToolSetting

    url = f"sqlite+aiosqlite:///{tmp_path / 'mcp.db'}"
    db = Database(url)
    await upgrade(db)
    async with db.transaction() as s:  # an admin made activities.log ask first
        s.add(ToolSetting(name="activities.log", enabled=True, requires_approval=True))
        s.add(Customer(name="Acme Corp", domain="acme.com"))
    await db.dispose()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CSM_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "CSM_DATA_DIR": str(tmp_path),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack_sandbox.api_url,
    }
    args = ["-m", "cli", "mcp", "--user", "U0CSMDANA", "--team", "T0CSMSBX"]
    params = StdioServerParameters(command=sys.executable, args=args, env=env, cwd=os.getcwd())
    async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
        await client.initialize()
        names = {t.name for t in (await client.list_tools()).tools}
        assert {
            "gmail.send_email",
            "customers.get_snapshot",
            "zoom.get_transcript",
            "playbooks.start",
        } <= names
        created = await client.call_tool("tasks.create", {"title": "From MCP"})
        assert not created.isError, created.content
        assert created.structuredContent["owner"] == "U0CSMDANA"
        gated = await client.call_tool("activities.log", {"customer": "Acme", "summary": "Called Dana"})
        approval_id = gated.structuredContent["pending_approval"]
    dm = slack_sandbox.slack.im_channel("U0CSMDANA").messages[-1]
    assert dm["text"] == f"Approval needed: activities.log (#{approval_id})"
    buttons = [e["action_id"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["approval_approve", "approval_reject"]
