"""The health score: a weighted, explainable model, computed in bulk, kept as history.

Six factors, each scored 0..1 and weighted (points out of 100):

| factor | weight | 1.0 when | 0.0 when |
| --- | --- | --- | --- |
| usage trend (week over week, all metrics) | 25 | up 10% or more | down 50% or more |
| login recency | 20 | a login in the last 2 days | none for 30 days |
| support tickets | 15 | no open ticket | 3+ escalated (−0.35 each) or 10 open (−0.1 each) |
| latest NPS | 15 | 9–10 (7–8 give 0.7) | 0 (6 gives 0.4) |
| meeting sentiment (last 90 days) | 10 | average +0.5 or better | −0.5 or worse |
| champion | 15 | an active champion | the champion left and none is active |

A factor without data (no NPS yet, no meetings) is left out and the others' weights are scaled up to
100, so the score says what we know; with no data besides tickets there is no score. Bands: healthy
70–100, at risk 40–69, critical 0–39. A score supplied from outside (source "external") stays the
current score until newer input data arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, update

from store import Database
from store.customers import band_for
from store.models import Contact, Customer, HealthScore, MeetingAnalysis, NpsResponse, Ticket, UsageMetric
from triggers.filters import CLOSED_TICKET_STATUSES

WEIGHTS = {"usage": 25, "login": 20, "tickets": 15, "nps": 15, "sentiment": 10, "champion": 15}
LABELS = {
    "usage": "Usage trend",
    "login": "Login recency",
    "tickets": "Support tickets",
    "nps": "Latest NPS",
    "sentiment": "Meeting sentiment",
    "champion": "Champion",
}
CHUNK = 900  # customer ids per IN (...) list


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


@dataclass
class Inputs:
    last_login_at: datetime | None = None
    this_week: float | None = None
    last_week: float | None = None
    open_tickets: int = 0
    escalated: int = 0
    nps: int | None = None
    sentiment: float | None = None
    meetings: int = 0
    champions_active: int = 0
    champions_left: int = 0
    contacts: int = 0
    left_champion: str | None = None
    newest_input: datetime | None = None

    def saw(self, at: datetime | None) -> None:
        if at is not None and (self.newest_input is None or at > self.newest_input):
            self.newest_input = at


def factor_values(i: Inputs, now: datetime) -> dict[str, tuple[float, str]]:
    """Each factor with data: (value 0..1, what it is based on)."""
    out: dict[str, tuple[float, str]] = {}
    if i.last_week:
        pct = ((i.this_week or 0.0) - i.last_week) * 100.0 / i.last_week
        out["usage"] = (_clamp((pct + 50.0) / 60.0), f"usage {pct:+.0f}% week over week")
    if i.last_login_at is not None:
        days = max(0, int((now - i.last_login_at).total_seconds() // 86400))
        out["login"] = (_clamp(1 - (days - 2) / 28), f"last login {days} day{'s' if days != 1 else ''} ago")
    plain = i.open_tickets - i.escalated
    detail = f"{i.open_tickets} open ticket{'s' if i.open_tickets != 1 else ''}"
    if i.escalated:
        detail += f", {i.escalated} escalated"
    out["tickets"] = (_clamp(1 - 0.1 * plain - 0.35 * i.escalated), detail)
    if i.nps is not None:
        v = 1.0 if i.nps >= 9 else 0.7 if i.nps >= 7 else i.nps / 6 * 0.4
        out["nps"] = (v, f"latest NPS {i.nps}")
    if i.sentiment is not None:
        out["sentiment"] = (
            _clamp(i.sentiment + 0.5),
            f"meeting sentiment {i.sentiment:+.2f} over {i.meetings} meeting{'s' if i.meetings != 1 else ''}",
        )
    if i.champions_active:
        out["champion"] = (1.0, "an active champion")
    elif i.champions_left:
        who = f" ({i.left_champion})" if i.left_champion else ""
        out["champion"] = (0.0, f"champion left{who}, no replacement")
    elif i.contacts:
        out["champion"] = (0.4, "no champion named")
    return out


def score_from(i: Inputs, now: datetime) -> tuple[int, dict[str, Any]] | None:
    """(score, factors) or None when there is not enough data to say anything."""
    values = factor_values(i, now)
    if set(values) <= {"tickets"}:
        return None
    total_weight = sum(WEIGHTS[k] for k in values)
    factors: dict[str, Any] = {}
    score = 0.0
    for name, (value, detail) in values.items():
        weight = WEIGHTS[name] * 100.0 / total_weight
        points = weight * value
        score += points
        factors[name] = {
            "label": LABELS[name],
            "value": round(value, 3),
            "weight": round(weight, 2),
            "points": round(points, 2),
            "detail": detail,
        }
    return round(score), factors


async def gather_inputs(db: Database, ids: list[int] | None, now: datetime) -> dict[int, Inputs]:
    """Every factor's input for `ids` (every active customer when None), one query per factor."""
    week, fortnight, quarter = now - timedelta(days=7), now - timedelta(days=14), now - timedelta(days=90)
    out: dict[int, Inputs] = {}

    def where(col: Any) -> list[Any]:
        return [col.in_(ids)] if ids is not None else []

    async with db.session() as s:
        q = select(Customer.id, Customer.last_login_at).where(
            Customer.status == "active", *where(Customer.id)
        )
        for cid, last in await s.execute(q):
            out[cid] = Inputs(last_login_at=last)
            out[cid].saw(last)
        u = UsageMetric
        q = (
            select(
                u.customer_id,
                func.sum(case((u.occurred_at > week, u.value), else_=0.0)),
                func.sum(case((u.occurred_at <= week, u.value), else_=0.0)),
                func.max(u.occurred_at),
            )
            .where(u.occurred_at > fortnight, u.occurred_at <= now, *where(u.customer_id))
            .group_by(u.customer_id)
        )
        for cid, this_week, last_week, newest in await s.execute(q):
            if cid in out:
                out[cid].this_week, out[cid].last_week = float(this_week or 0), float(last_week or 0)
                out[cid].saw(newest)
        t = Ticket
        q = (
            select(
                t.customer_id,
                func.count(t.id),
                func.sum(case((t.escalated.is_(True), 1), else_=0)),
                func.max(t.updated_at),
            )
            .where(t.status.notin_(CLOSED_TICKET_STATUSES), *where(t.customer_id))
            .group_by(t.customer_id)
        )
        for cid, n, esc, newest in await s.execute(q):
            if cid in out:
                out[cid].open_tickets, out[cid].escalated = int(n), int(esc or 0)
                out[cid].saw(newest)
        n_ = NpsResponse
        rank = func.row_number().over(
            partition_by=n_.customer_id, order_by=(n_.responded_at.desc(), n_.id.desc())
        )
        latest = (
            select(n_.customer_id, n_.score, n_.responded_at, rank.label("rk"))
            .where(*where(n_.customer_id))
            .subquery()
        )
        for cid, score, at in await s.execute(
            select(latest.c.customer_id, latest.c.score, latest.c.responded_at).where(latest.c.rk == 1)
        ):
            if cid in out:
                out[cid].nps = int(score)
                out[cid].saw(at)
        ma = MeetingAnalysis
        q = (
            select(
                ma.customer_id, func.avg(ma.overall_sentiment), func.count(ma.id), func.max(ma.analyzed_at)
            )
            .where(
                ma.customer_id.is_not(None),
                ma.overall_sentiment.is_not(None),
                ma.analyzed_at >= quarter,
                *where(ma.customer_id),
            )
            .group_by(ma.customer_id)
        )
        for cid, avg, count, newest in await s.execute(q):
            if cid in out:
                out[cid].sentiment, out[cid].meetings = float(avg), int(count)
                out[cid].saw(newest)
        c = Contact
        champion = c.is_champion.is_(True)
        q = (
            select(
                c.customer_id,
                func.count(c.id),
                func.sum(case((champion & (c.status != "left"), 1), else_=0)),
                func.sum(case((champion & (c.status == "left"), 1), else_=0)),
                func.max(case((champion & (c.status == "left"), c.name), else_=None)),
                func.max(func.coalesce(c.left_at, c.joined_at)),
            )
            .where(*where(c.customer_id))
            .group_by(c.customer_id)
        )
        for cid, n, active, left, name, newest in await s.execute(q):
            if cid in out:
                i = out[cid]
                i.contacts, i.champions_active, i.champions_left, i.left_champion = (
                    int(n),
                    int(active or 0),
                    int(left or 0),
                    name,
                )
                i.saw(newest)
    return out


async def _latest_rows(db: Database, ids: list[int]) -> dict[int, tuple[str, datetime, int]]:
    """The latest history row per customer: (source, recorded_at, score)."""
    hs = HealthScore
    rank = func.row_number().over(partition_by=hs.customer_id, order_by=(hs.recorded_at.desc(), hs.id.desc()))
    out: dict[int, tuple[str, datetime, int]] = {}
    async with db.session() as s:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            sub = (
                select(hs.customer_id, hs.source, hs.recorded_at, hs.score, rank.label("rk"))
                .where(hs.customer_id.in_(chunk))
                .subquery()
            )
            q = select(sub.c.customer_id, sub.c.source, sub.c.recorded_at, sub.c.score).where(sub.c.rk == 1)
            for cid, source, at, score in await s.execute(q):
                out[cid] = (source, at, score)
    return out


class HealthModel:
    """Recomputes scores (on relevant events, and daily for everyone) and explains them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def recompute(
        self, customer_ids: list[int] | None = None, now: datetime | None = None
    ) -> dict[int, int]:
        """Score `customer_ids` (every active customer when None); returns {customer_id: score} written.

        A history row is added when the score changed or the last one is from an earlier day."""
        now = now or datetime.now(UTC)
        inputs = await gather_inputs(self.db, customer_ids, now)
        latest = await _latest_rows(self.db, list(inputs))
        rows, updates, written = [], [], {}
        for cid, i in inputs.items():
            result = score_from(i, now)
            if result is None:
                continue
            score, factors = result
            prev = latest.get(cid)
            if prev and prev[0] == "external" and (i.newest_input is None or i.newest_input <= prev[1]):
                continue  # the outside score stands until we have newer data than it
            if prev and prev[0] != "external" and prev[2] == score and prev[1].date() == now.date():
                continue
            band = band_for(score)
            rows.append(
                {
                    "customer_id": cid,
                    "score": score,
                    "band": band,
                    "source": "computed",
                    "factors": factors,
                    "recorded_at": now,
                }
            )
            updates.append(
                {"id": cid, "health_score": score, "health_band": band, "health_source": "computed"}
            )
            written[cid] = score
        async with self.db.transaction() as s:
            for start in range(0, len(rows), 2000):
                await s.execute(HealthScore.__table__.insert(), rows[start : start + 2000])
                await s.execute(update(Customer), updates[start : start + 2000])
        return written

    async def record_external(self, customer_id: int, score: int, at: datetime | None = None) -> None:
        """A score supplied from outside (a `health_score` event): history and current score."""
        at = at or datetime.now(UTC)
        score = max(0, min(100, int(score)))
        band = band_for(score)
        async with self.db.transaction() as s:
            s.add(
                HealthScore(
                    customer_id=customer_id,
                    score=score,
                    band=band,
                    source="external",
                    factors={},
                    recorded_at=at,
                )
            )
            await s.execute(
                update(Customer)
                .where(Customer.id == customer_id)
                .values(health_score=score, health_band=band, health_source="external")
            )

    async def top_factors(self, customer_id: int, n: int = 3) -> list[dict[str, Any]]:
        """The factors that moved the score most (vs the computed score a week or more earlier), else
        the ones costing the most points. Each: name, label, points, max_points, delta, detail."""
        hs = HealthScore
        async with self.db.session() as s:
            current = (
                await s.execute(
                    select(hs)
                    .where(hs.customer_id == customer_id, hs.source == "computed")
                    .order_by(hs.recorded_at.desc(), hs.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
            if current is None:
                return []
            base = (
                await s.execute(
                    select(hs)
                    .where(
                        hs.customer_id == customer_id,
                        hs.source == "computed",
                        hs.recorded_at <= current.recorded_at - timedelta(days=7),
                    )
                    .order_by(hs.recorded_at.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        before = base.factors if base is not None else {}
        out = []
        for name, f in current.factors.items():
            delta = f["points"] - before[name]["points"] if name in before else 0.0
            out.append(
                {
                    "name": name,
                    "label": f["label"],
                    "points": f["points"],
                    "max_points": f["weight"],
                    "delta": round(delta, 1),
                    "detail": f["detail"],
                }
            )
        if any(abs(f["delta"]) >= 0.5 for f in out):
            out.sort(key=lambda f: -abs(f["delta"]))
        else:
            out.sort(key=lambda f: -(f["max_points"] - f["points"]))
        return out[:n]
