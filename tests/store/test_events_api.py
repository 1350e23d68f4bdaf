"""POST /api/events (CONTRACTS §2): all-or-nothing batches, limits, auth, derived state."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from store.models import (
    Contact,
    Customer,
    CustomerEvent,
    HealthScore,
    Login,
    NpsResponse,
    Ticket,
    UsageMetric,
)

AUTH = {"Authorization": "Bearer test-api-token"}


@pytest.fixture
async def api(db, slack_sandbox):
    import app
    from tests.bot.conftest import settings_for

    async with db.transaction() as s:
        s.add(Customer(name="Acme Corp", domain="acme.com", external_id="cus_acme"))
        s.add(Customer(name="Globex", domain="globex.com"))
    runtime = await app.build(settings_for(slack_sandbox, db.url), db=db, migrate=False, scheduler=False)
    client = TestClient(TestServer(runtime.web_app))
    await client.start_server()
    yield client, db
    await client.close()
    # The trigger evaluation an accepted batch starts runs after the answer: let it finish before the
    # database goes (on PostgreSQL, dropping the schema under it deadlocks).
    await runtime.services.tasks.drain()


async def count(db, model) -> int:
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar()


async def test_single_event_object_is_accepted(api):
    client, db = api
    resp = await client.post(
        "/api/events",
        json={
            "type": "login",
            "customer": "acme.com",
            "occurred_at": "2026-11-20T10:00:00Z",
            "data": {"user": "a@acme.com"},
        },
        headers=AUTH,
    )
    assert resp.status == 202
    assert await resp.json() == {"accepted": 1}
    async with db.session() as s:
        acme = (await s.execute(select(Customer).where(Customer.domain == "acme.com"))).scalar_one()
    assert acme.last_login_at.isoformat().startswith("2026-11-20T10:00")


async def test_batch_updates_derived_state(api):
    client, db = api
    batch = [
        {
            "type": "usage",
            "customer": "cus_acme",
            "occurred_at": "2026-11-20T10:00:00Z",
            "data": {"metric": "seats", "value": 40},
        },
        {
            "type": "health_score",
            "customer": "Acme Corp",
            "occurred_at": "2026-11-20T11:00:00Z",
            "data": {"score": 64},
        },
        {
            "type": "ticket",
            "customer": "acme.com",
            "occurred_at": "2026-11-20T12:00:00Z",
            "data": {"id": "T-1", "priority": "high", "status": "open", "escalated": False},
        },
        {
            "type": "ticket",
            "customer": "acme.com",
            "occurred_at": "2026-11-20T13:00:00Z",
            "data": {"id": "T-1", "priority": "urgent", "status": "open", "escalated": True},
        },
        {
            "type": "nps",
            "customer": "globex.com",
            "occurred_at": "2026-11-20T10:00:00Z",
            "data": {"score": 4, "comment": "slow", "respondent": "Pat"},
        },
        {
            "type": "stakeholder",
            "customer": "globex.com",
            "occurred_at": "2026-11-20T10:00:00Z",
            "data": {
                "name": "Pat Kim",
                "email": "pat@globex.com",
                "role": "VP",
                "status": "left",
                "champion": True,
            },
        },
        {
            "type": "contract",
            "customer": "globex.com",
            "data": {"milestone": "renewal", "date": "2027-02-01"},
        },
        {
            "type": "invoice",
            "customer": "globex.com",
            "data": {"id": "INV-1", "amount": 1000, "due_date": "2026-12-01", "status": "open"},
        },
        {
            "type": "meeting",
            "customer": "globex.com",
            "data": {"meeting_id": "123", "ended_at": "2026-11-20T10:00:00Z"},
        },
    ]
    resp = await client.post("/api/events", json=batch, headers=AUTH)
    assert resp.status == 202, await resp.text()
    assert (await resp.json())["accepted"] == 9
    async with db.session() as s:
        acme = (await s.execute(select(Customer).where(Customer.domain == "acme.com"))).scalar_one()
        globex = (await s.execute(select(Customer).where(Customer.domain == "globex.com"))).scalar_one()
        ticket = (await s.execute(select(Ticket))).scalar_one()
        champion = (await s.execute(select(Contact))).scalar_one()
    assert (acme.health_score, acme.health_band, acme.health_source) == (64, "at risk", "external")
    assert ticket.escalated and ticket.priority == "urgent" and ticket.escalated_at is not None
    assert champion.is_champion and champion.status == "left"
    assert str(globex.renewal_date) == "2027-02-01"
    assert await count(db, UsageMetric) == 1
    assert await count(db, NpsResponse) == 1
    assert await count(db, HealthScore) == 1
    assert await count(db, CustomerEvent) == 9


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        ({"type": "teleport", "customer": "acme.com", "data": {}}, "type"),
        ({"type": "nps", "customer": "acme.com", "data": {"score": 11}}, "data.score"),
        ({"type": "login", "customer": "nobody.example", "data": {}}, "customer"),
        ({"type": "usage", "customer": "acme.com", "data": {"metric": "x"}}, "data.value"),
        ("not an object", "expected a JSON object"),
    ],
)
async def test_bad_item_rejects_the_whole_batch(api, bad, needle):
    client, db = api
    good = {"type": "login", "customer": "acme.com", "data": {"user": "x"}}
    resp = await client.post("/api/events", json=[good, good, bad], headers=AUTH)
    assert resp.status == 400
    body = await resp.json()
    assert body["index"] == 2
    assert "item 2" in body["error"] and needle in body["error"]
    assert await count(db, Login) == 0
    assert await count(db, CustomerEvent) == 0


async def test_too_many_events(api):
    client, db = api
    item = {"type": "login", "customer": "acme.com", "data": {}}
    resp = await client.post("/api/events", json=[item] * 1001, headers=AUTH)
    assert resp.status == 413
    assert await count(db, Login) == 0
    resp = await client.post("/api/events", json=[item] * 1000, headers=AUTH)
    assert resp.status == 202


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "test-api-token"}]
)
async def test_wrong_token_is_401(api, headers):
    client, db = api
    resp = await client.post("/api/events", json={"type": "login", "customer": "acme.com"}, headers=headers)
    assert resp.status == 401
    assert await count(db, Login) == 0


async def test_invalid_json_is_400(api):
    client, _ = api
    resp = await client.post("/api/events", data="{nope", headers=AUTH)
    assert resp.status == 400


async def test_healthz(api):
    client, _ = api
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok", "db": "ok"}


async def test_events_api_is_503_until_a_token_is_set(db, slack_sandbox):
    import app
    from tests.bot.conftest import settings_for

    runtime = await app.build(
        settings_for(slack_sandbox, db.url, CSM_API_TOKEN=None), db=db, migrate=False, scheduler=False
    )
    client = TestClient(TestServer(runtime.web_app))
    await client.start_server()
    try:
        resp = await client.post("/api/events", json={"type": "login", "customer": "acme.com"})
        assert resp.status == 503
    finally:
        await client.close()
