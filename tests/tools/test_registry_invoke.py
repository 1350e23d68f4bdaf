"""registry.invoke at its boundary: validation, unknown names, dry run, retries, timeouts, audit."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import func, select

from store.models import AuditLog, Customer, Task
from tools.base import ToolInput, ToolRun, TransientToolError, tool


async def _count(db, model) -> int:
    async with db.session() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def test_unknown_tool_names_the_nearest(registry, ctx):
    result = await registry.invoke("tasks.creat", {"title": "x"}, ctx)
    assert not result.success
    assert "tasks.create" in result.error


async def test_invalid_input_names_the_field_and_changes_nothing(registry, ctx):
    result = await registry.invoke("tasks.create", {"due_in_days": "soon"}, ctx)
    assert not result.success
    assert "`title` is required" in result.error
    assert "`due_in_days`" in result.error
    result = await registry.invoke("tasks.create", {"title": "x", "colour": "red"}, ctx)
    assert "`colour` is not a field of tasks.create" in result.error
    assert await _count(registry.db, Task) == 0


async def test_task_is_created_and_audited(registry, ctx):
    async with registry.db.transaction() as s:
        s.add(Customer(name="Acme Corp", domain="acme.com"))
    result = await registry.invoke(
        "tasks.create", {"title": "Send SOW", "customer": "acme.com", "due_in_days": 3}, ctx
    )
    assert result.success, result.error
    assert result.data["customer"] == "Acme Corp"
    assert result.data["owner"] == "UCSM"
    async with registry.db.session() as s:
        audit = (await s.scalars(select(AuditLog))).all()
    assert [(a.tool_name, a.outcome, a.actor) for a in audit] == [("tasks.create", "success", "UCSM")]
    listed = await registry.invoke("tasks.list", {"customer": "Acme"}, ctx)
    assert [t["title"] for t in listed.data["tasks"]] == ["Send SOW"]


async def test_dry_run_writes_nothing(registry, ctx):
    result = await registry.invoke("tasks.create", {"title": "Call champion"}, replace(ctx, dry_run=True))
    assert result.success
    assert result.data["would"]["tool"] == "tasks.create"
    assert result.data["would"]["title"] == "Call champion"
    assert await _count(registry.db, Task) == 0
    assert await _count(registry.db, AuditLog) == 0


class Ping(ToolInput):
    n: int = 1


async def test_transient_errors_are_retried_honouring_retry_after(registry, ctx):
    calls: list[int] = []

    @tool("test.flaky", description="fails twice", category="automation")
    async def flaky(inp: Ping, run: ToolRun) -> dict:
        calls.append(inp.n)
        if len(calls) < 3:
            raise TransientToolError("rate limited", retry_after=0.01)
        return {"ok": True}

    registry.register(flaky)
    result = await registry.invoke("test.flaky", {}, ctx)
    assert result.success and result.data == {"ok": True}
    assert len(calls) == 3


async def test_unsafe_transient_error_on_a_side_effect_is_not_retried(registry, ctx):
    calls: list[int] = []

    @tool("test.send", description="500s", category="communication", side_effects=True)
    async def send(inp: Ping, run: ToolRun) -> dict:
        calls.append(1)
        raise TransientToolError("The provider answered 500.", safe_to_retry=False)

    registry.register(send)
    result = await registry.invoke("test.send", {}, ctx)
    assert not result.success and result.error == "The provider answered 500."
    assert len(calls) == 1


async def test_timeout_and_unexpected_errors_become_sentences(registry, ctx):
    @tool("test.slow", description="slow", category="automation", timeout=0.05)
    async def slow(inp: Ping, run: ToolRun) -> dict:
        await asyncio.sleep(5)
        return {}

    @tool("test.broken", description="broken", category="automation")
    async def broken(inp: Ping, run: ToolRun) -> dict:
        raise KeyError("boom")

    registry.register(slow)
    registry.register(broken)
    slow_result = await registry.invoke("test.slow", {}, ctx)
    assert "did not finish within 0.05 s" in slow_result.error
    broken_result = await registry.invoke("test.broken", {}, ctx)
    assert "failed unexpectedly (KeyError)" in broken_result.error
    assert "Traceback" not in broken_result.error


async def test_connection_check_says_how_to_connect(registry, ctx):
    @tool("test.mail", description="needs google", category="communication", connection="google")
    async def mail(inp: Ping, run: ToolRun) -> dict:
        raise AssertionError("must not run without a connection")

    registry.register(mail)
    result = await registry.invoke("test.mail", {}, ctx)
    assert "/csm connect google" in result.error


def test_catalogue_search_and_claude_names(registry):
    assert {t.name for t in registry.list("intelligence")} >= {
        "health.get_score",
        "analytics.get_usage_metrics",
    }
    assert registry.search("health trend")[0].name == "health.get_trend"
    defs = registry.claude_tools(["tasks.create"])
    assert defs[0]["name"] == "tasks_create"
    assert defs[0]["input_schema"]["required"] == ["title"]
    assert registry.from_claude_name("tasks_create") == "tasks.create"
    row = registry.describe(registry.get("tasks.create"))
    assert set(row) == {
        "name",
        "description",
        "category",
        "input_schema",
        "requires_auth",
        "requires_approval",
    }


async def test_concurrent_invokes_each_leave_an_audit_row_readable_through_the_orm(registry, ctx):
    from store.base import utcnow

    results = await asyncio.gather(
        *(registry.invoke("tasks.list", {"status": "any", "limit": n + 1}, ctx) for n in range(40))
    )
    assert all(r.success for r in results)
    async with registry.db.session() as s:
        rows = (await s.scalars(select(AuditLog).order_by(AuditLog.id))).all()
    assert len(rows) == 40
    assert sorted(r.input["limit"] for r in rows) == list(range(1, 41))
    assert all(r.at.tzinfo is not None and (utcnow() - r.at).total_seconds() < 60 for r in rows)
    assert all(r.caller_kind == "slack" and r.duration_ms >= 0 for r in rows)
    await registry.aclose()
