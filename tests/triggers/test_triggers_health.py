"""The health model: explainable factors, bands, history, external scores respected, top factors."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from store.models import Contact, Customer, HealthScore, MeetingAnalysis, NpsResponse, Ticket, UsageMetric
from tests.triggers.conftest import NOW, add, add_customer
from triggers.health import HealthModel, Inputs, band_for, score_from

D = timedelta(days=1)


def test_bands():
    assert [band_for(s) for s in (100, 70, 69, 40, 39, 0)] == [
        "healthy",
        "healthy",
        "at risk",
        "at risk",
        "critical",
        "critical",
    ]


def test_score_is_the_sum_of_weighted_factors():
    healthy = Inputs(
        last_login_at=NOW - D,
        this_week=120,
        last_week=100,
        nps=9,
        sentiment=0.6,
        champions_active=1,
        contacts=2,
    )
    score, factors = score_from(healthy, NOW)
    assert score == 100 and set(factors) == {"usage", "login", "tickets", "nps", "sentiment", "champion"}
    assert abs(sum(f["points"] for f in factors.values()) - score) < 0.5
    sick = Inputs(
        last_login_at=NOW - 30 * D,
        this_week=40,
        last_week=100,
        nps=2,
        sentiment=-0.6,
        champions_left=1,
        contacts=2,
        open_tickets=3,
        escalated=2,
        left_champion="Jane",
    )
    score, factors = score_from(sick, NOW)
    assert score < 40 and band_for(score) == "critical"
    assert factors["champion"]["detail"] == "champion left (Jane), no replacement"
    assert factors["tickets"]["detail"] == "3 open tickets, 2 escalated"


def test_missing_factors_are_left_out_and_weights_rescaled():
    score, factors = score_from(Inputs(last_login_at=NOW - D), NOW)
    assert set(factors) == {"login", "tickets"}
    assert abs(sum(f["weight"] for f in factors.values()) - 100) < 0.01 and score == 100
    assert score_from(Inputs(), NOW) is None  # tickets alone say nothing


async def test_recompute_writes_history_and_current_score(db):
    a = await add_customer(db, name="Healthy", last_login_at=NOW - D)
    b = await add_customer(db, name="Sick", last_login_at=NOW - 25 * D)
    await add(
        db,
        *[
            UsageMetric(customer_id=a, metric="m", value=10, occurred_at=NOW - d * D - timedelta(hours=1))
            for d in range(14)
        ],
        *[
            UsageMetric(
                customer_id=b,
                metric="m",
                value=10 if d >= 7 else 3,
                occurred_at=NOW - d * D - timedelta(hours=1),
            )
            for d in range(14)
        ],
        NpsResponse(customer_id=b, score=3, responded_at=NOW - D),
        Ticket(customer_id=b, external_id="T", escalated=True, opened_at=NOW, updated_at=NOW),
        Contact(customer_id=b, name="Jane", is_champion=True, status="left", left_at=NOW - D),
        MeetingAnalysis(meeting_id="m", customer_id=b, overall_sentiment=-0.5, analyzed_at=NOW - D),
    )
    model = HealthModel(db)
    written = await model.recompute(now=NOW)
    assert written[a] >= 70 and written[b] < 40
    async with db.session() as s:
        sick = await s.get(Customer, b)
        assert (sick.health_score, sick.health_band, sick.health_source) == (
            written[b],
            "critical",
            "computed",
        )
    assert await model.recompute(now=NOW + timedelta(hours=1)) == {}  # same day, same score: no new row
    top = await model.top_factors(b)
    assert len(top) == 3 and top[0]["points"] <= top[0]["max_points"]
    assert {t["name"] for t in top} <= {"usage", "login", "tickets", "nps", "sentiment", "champion"}


async def test_external_score_stands_until_newer_data(db):
    cid = await add_customer(db, name="Ext", last_login_at=NOW - 2 * D)
    model = HealthModel(db)
    await model.record_external(cid, 42, at=NOW - D)
    assert await model.recompute([cid], now=NOW) == {}
    async with db.session() as s:
        c = await s.get(Customer, cid)
        assert (c.health_score, c.health_source) == (42, "external")
        c_id = c.id
    async with db.transaction() as s:
        (await s.get(Customer, c_id)).last_login_at = NOW - timedelta(hours=1)
    assert cid in await model.recompute([cid], now=NOW)
    async with db.session() as s:
        rows = (
            (
                await s.execute(
                    select(HealthScore.source).where(HealthScore.customer_id == cid).order_by(HealthScore.id)
                )
            )
            .scalars()
            .all()
        )
    assert rows == ["external", "computed"]


async def test_top_factors_are_what_moved_the_score(db):
    cid = await add_customer(db, name="Mover", last_login_at=NOW - 10 * D - D)
    await add(
        db,
        Contact(customer_id=cid, name="Jane", is_champion=True, status="active"),
        NpsResponse(customer_id=cid, score=9, responded_at=NOW - 12 * D),
    )
    model = HealthModel(db)
    await model.recompute([cid], now=NOW - 10 * D)
    async with db.transaction() as s:
        jane = (await s.execute(select(Contact).where(Contact.customer_id == cid))).scalar_one()
        jane.status, jane.left_at = "left", NOW - D
    await model.recompute([cid], now=NOW)
    top = await model.top_factors(cid, n=2)
    assert top[0]["name"] == "champion" and top[0]["delta"] < 0
    assert top[1]["name"] == "login" and top[1]["delta"] < 0
