"""Helpers for the trigger tests: crafted customers and data at a fixed `NOW`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from store.models import Customer, TriggerRule
from triggers.model import RuleSpec

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def add_customer(db, **fields: Any) -> int:
    fields.setdefault("name", "Acme")
    fields.setdefault("csm_slack_id", "U_CSM")
    async with db.transaction() as s:
        c = Customer(**fields)
        s.add(c)
        await s.flush()
        return c.id


async def add(db, *rows: Any) -> None:
    async with db.transaction() as s:
        for r in rows:
            s.add(r)


async def add_rule(db, type: str, params: dict | None = None, **extra: Any) -> int:
    spec = RuleSpec(
        slug=extra.pop("slug", type.replace("_", "-")),
        name=extra.pop("name", type),
        type=type,
        params=params or {},
        actions=extra.pop("actions", [{"type": "alert_csm"}]),
        **extra,
    )
    async with db.transaction() as s:
        r = TriggerRule(
            slug=spec.slug,
            name=spec.name,
            trigger_type=spec.type,
            params=spec.params,
            scope=spec.scope.model_dump(exclude_none=True),
            actions=[a.model_dump() for a in spec.actions],
            enabled=True,
            run_mode=spec.run_mode,
            cooldown_minutes=spec.cooldown_minutes,
            owner_slack_id="U_OWNER",
            is_default=False,
            fire_count=0,
        )
        s.add(r)
        await s.flush()
        return r.id


@pytest.fixture
def alerts() -> list:
    return []


async def another_handle(db):
    """A second, independent Database on the same database (what a second process would have)."""

    from sqlalchemy import text

    from store import Database

    if db.is_sqlite:
        return Database(db.url)
    async with db.session() as s:
        schema = (await s.execute(text("SELECT current_schema()"))).scalar_one()
    return Database(db.url, connect_args={"options": f"-csearch_path={schema}"})


@pytest.fixture
async def slack_app(demo_db, slack_sandbox):
    """The real app on the demo portfolio against the emulated Slack, with the clock off."""
    from aiohttp.test_utils import TestClient, TestServer

    import app
    from tests.bot.conftest import SlackHarness, settings_for

    runtime = await app.build(
        settings_for(slack_sandbox, demo_db.url), db=demo_db, migrate=False, scheduler=False
    )
    await runtime.start()
    client = TestClient(TestServer(runtime.web_app))
    await client.start_server()
    yield SlackHarness(client, slack_sandbox, runtime)
    await client.close()
    await runtime.services.tasks.drain()
