"""Scope filters compile to SQL that selects the right customers on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store.models import NpsResponse, Ticket, UsageMetric
from tests.triggers.conftest import NOW, add, add_customer
from triggers.filters import FilterError, select_customer_ids, validate_filters
from triggers.model import Filter, Scope

D = timedelta(days=1)


async def names(db, *filters, me="U_ME", customer=None):
    from store.models import Customer

    scope = Scope(customer=customer, filters=[Filter(field=f, op=o, value=v) for f, o, v in filters])
    ids = select_customer_ids(scope, now=NOW, me=me)
    async with db.session() as s:
        from sqlalchemy import select

        rows = await s.execute(select(Customer.name).where(Customer.id.in_(ids)).order_by(Customer.name))
        return [r[0] for r in rows]


async def test_every_filter_field(db):
    a = await add_customer(
        db,
        name="A",
        health_score=50,
        arr=120_000,
        renewal_date=NOW.date() + 30 * D,
        last_login_at=NOW - 14 * D,
        segment="Enterprise",
        tier="Gold",
        csm_slack_id="U_ME",
    )
    b = await add_customer(
        db,
        name="B",
        health_score=80,
        arr=20_000,
        renewal_date=NOW.date() + 31 * D,
        last_login_at=NOW - 13 * D,
        segment="SMB",
        tier="Silver",
        csm_slack_id="U_OTHER",
    )
    await add_customer(db, name="C")  # nothing known
    await add(
        db,
        NpsResponse(customer_id=a, score=9, responded_at=NOW - 30 * D),
        NpsResponse(customer_id=a, score=4, responded_at=NOW - D),
        NpsResponse(customer_id=b, score=10, responded_at=NOW - D),
        Ticket(customer_id=a, external_id="1", opened_at=NOW, updated_at=NOW),
        Ticket(customer_id=a, external_id="2", opened_at=NOW, updated_at=NOW),
        Ticket(customer_id=b, external_id="3", opened_at=NOW, updated_at=NOW, status="closed"),
        UsageMetric(customer_id=a, metric="x", value=50, occurred_at=NOW - D),
        UsageMetric(customer_id=a, metric="x", value=100, occurred_at=NOW - 8 * D),
    )
    assert await names(db, ("health_score", "<", 70)) == ["A"]
    assert await names(db, ("arr", ">=", 100000)) == ["A"]
    assert await names(db, ("renewal_in_days", "<=", 30)) == ["A"]
    assert await names(db, ("renewal_in_days", "==", 31)) == ["B"]
    assert await names(db, ("days_since_login", ">=", 14)) == ["A", "C"]  # never logged in counts as long ago
    assert await names(db, ("days_since_login", "<", 14)) == ["B"]
    assert await names(db, ("days_since_login", "==", 13)) == ["B"]
    assert await names(db, ("nps", "<=", 6)) == ["A"]  # the latest response counts
    assert await names(db, ("segment", "==", "enterprise")) == ["A"]
    assert await names(db, ("tier", "!=", "Gold")) == ["B", "C"]
    assert await names(db, ("owner", "==", "me")) == ["A"]
    assert await names(db, ("owner", "==", "<@U_OTHER>")) == ["B"]
    assert await names(db, ("open_tickets", ">=", 2)) == ["A"]
    assert await names(db, ("open_tickets", "==", 0)) == ["B", "C"]
    assert await names(db, ("usage_change_pct", "<=", -50)) == ["A"]
    assert await names(db, ("arr", ">", 10000), ("health_score", ">", 60)) == ["B"]
    assert await names(db, customer="b") == ["B"]


def test_bad_filters_say_what_is_wrong():
    assert (
        validate_filters([Filter(field="segment", op="<", value="SMB")])
        == "segment can only be compared with == or !="
    )
    assert (
        validate_filters([Filter(field="renewal_in_days", op="<", value=2.5)])
        == "renewal_in_days needs a whole number of days, not 2.5"
    )
    assert validate_filters([Filter(field="arr", op="<", value="lots")]) == "arr needs a number, not 'lots'"
    assert validate_filters([Filter(field="arr", op="<", value="$1,000")]) is None
    with pytest.raises(FilterError, match="needs to know who"):
        select_customer_ids(Scope(filters=[Filter(field="owner", op="==", value="me")]), now=NOW, me=None)
    with pytest.raises(ValueError):
        Filter(field="colour", op="==", value="red")
