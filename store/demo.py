"""`csm seed demo`: a realistic portfolio, varied so that every default trigger rule fires somewhere.

The events go through the same path as `POST /api/events`, so the derived state (last login, usage
series, health history, tickets, stakeholders, timeline) is exactly what ingestion would build.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from store.customers import band_for
from store.db import Database
from store.ingest import _adapter, apply_event
from store.models import Contact, Contract, Customer, CustomerEvent, Login, UsageMetric

DEMO_DAYS = 90


@dataclass(frozen=True)
class DemoCsm:
    slack_id: str
    name: str
    email: str


CSMS = [
    DemoCsm("U0CSMDANA", "Dana Whitfield", "dana@csm-agent.dev"),
    DemoCsm("U0CSMRAJ", "Raj Mehta", "raj@csm-agent.dev"),
    DemoCsm("U0CSMLEA", "Lea Novak", "lea@csm-agent.dev"),
]
DEMO_USER = CSMS[0].slack_id  # the sandbox console's user

# name, domain, ARR, segment, tier, scenario
PORTFOLIO: list[tuple[str, str, int, str, str, str]] = [
    ("Acme Corp", "acme.com", 240_000, "enterprise", "gold", "renewal_45"),
    ("Globex", "globex.com", 180_000, "enterprise", "gold", "health_drop"),
    ("Initech", "initech.com", 65_000, "mid-market", "silver", "no_login"),
    ("Umbrella Corp", "umbrella.com", 310_000, "enterprise", "platinum", "escalation"),
    ("Hooli", "hooli.com", 150_000, "enterprise", "gold", "detractor"),
    ("Stark Industries", "stark.com", 420_000, "enterprise", "platinum", "champion_left"),
    ("Wayne Enterprises", "wayne.com", 275_000, "enterprise", "platinum", "usage_drop"),
    ("Wonka Industries", "wonka.com", 90_000, "mid-market", "silver", "usage_spike"),
    ("Cyberdyne Systems", "cyberdyne.io", 130_000, "enterprise", "gold", "renewal_85"),
    ("Soylent", "soylent.co", 48_000, "smb", "bronze", "renewal_28"),
    ("Tyrell Corp", "tyrell.com", 205_000, "enterprise", "gold", "renewal_5"),
    ("Massive Dynamic", "massivedynamic.com", 160_000, "enterprise", "gold", "renewal_55"),
    ("Payload Systems", "payloadsystems.io", 72_000, "mid-market", "silver", "steady"),
    ("Vandelay Industries", "vandelay.com", 36_000, "smb", "bronze", "no_login_13"),
    ("Pied Piper", "piedpiper.com", 58_000, "mid-market", "silver", "steady"),
    ("Aperture Science", "aperture.com", 125_000, "enterprise", "gold", "steady"),
    ("Black Mesa", "blackmesa.org", 98_000, "mid-market", "silver", "declining"),
    ("Oscorp", "oscorp.com", 185_000, "enterprise", "gold", "steady"),
    ("Monarch Solutions", "monarch.io", 42_000, "smb", "bronze", "steady"),
    ("Dunder Mifflin", "dundermifflin.com", 28_000, "smb", "bronze", "declining"),
    ("Sterling Cooper", "sterlingcooper.com", 77_000, "mid-market", "silver", "steady"),
    ("Prestige Worldwide", "prestigeworldwide.com", 19_000, "smb", "bronze", "critical"),
    ("Bluth Company", "bluth.com", 54_000, "mid-market", "silver", "critical"),
    ("Nakatomi Trading", "nakatomi.co.jp", 230_000, "enterprise", "gold", "steady"),
    ("Oceanic Airlines", "oceanic.com", 140_000, "enterprise", "gold", "steady"),
    ("Virtucon", "virtucon.com", 88_000, "mid-market", "silver", "steady"),
    ("Gekko & Co", "gekko.com", 67_000, "mid-market", "silver", "steady"),
    ("Duff Brewing", "duff.com", 33_000, "smb", "bronze", "steady"),
    ("Krusty Krab", "krustykrab.com", 12_000, "smb", "bronze", "steady"),
    ("Bubba Gump Shrimp", "bubbagump.com", 24_000, "smb", "bronze", "steady"),
    ("Rekall", "rekall.com", 61_000, "mid-market", "silver", "steady"),
    ("Weyland-Yutani", "weyland.com", 390_000, "enterprise", "platinum", "steady"),
]

FIRST = [
    "Maya",
    "Jordan",
    "Priya",
    "Tom",
    "Elena",
    "Sam",
    "Chen",
    "Fatima",
    "Luis",
    "Grace",
    "Omar",
    "Hannah",
]
LAST = ["Lee", "Patel", "Garcia", "Kim", "Okafor", "Schmidt", "Rossi", "Nguyen", "Brown", "Cohen", "Silva"]
ROLES = ["VP Operations", "Director of IT", "Head of Analytics", "Procurement Lead", "Product Manager", "CFO"]
TICKET_SUBJECTS = [
    "SSO login loop after IdP change", "CSV export times out", "Dashboard shows stale data",
    "API rate limit errors", "Webhook retries duplicated", "Permission error for new admins",
    "Report scheduling fails on Mondays", "Slow search on large workspaces",
]  # fmt: skip


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-").replace("--", "-")


def channel_for(index: int) -> tuple[str, str]:
    """The demo customer's Slack channel: (id, name)."""
    return f"C0CUST{index:03d}", f"cust-{slug(PORTFOLIO[index][0])}"


def renewal_days(scenario: str, rng: random.Random) -> int:
    if scenario.startswith("renewal_"):
        return int(scenario.split("_")[1])
    return rng.randint(100, 330)


def _health_path(scenario: str, rng: random.Random) -> tuple[int, int]:
    """(score 90 days ago, score today)."""
    return {
        "health_drop": (84, 61),
        "declining": (72, 55),
        "critical": (45, 31),
        "escalation": (74, 58),
        "champion_left": (80, 66),
        "no_login": (70, 52),
        "detractor": (71, 63),
        "usage_drop": (79, 68),
    }.get(scenario, (rng.randint(70, 88), rng.randint(70, 92)))


def _events_for(index: int, scenario: str, rng: random.Random, now: datetime) -> list[dict[str, Any]]:
    name, domain = PORTFOLIO[index][0], PORTFOLIO[index][1]
    start = now - timedelta(days=DEMO_DAYS)
    events: list[dict[str, Any]] = []

    def ev(kind: str, at: datetime, **data: Any) -> None:
        events.append({"type": kind, "customer": domain, "occurred_at": at.isoformat(), "data": data})

    users = [
        f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}@{domain}" for _ in range(rng.randint(3, 6))
    ]
    silent_days = {"no_login": 20, "no_login_13": 13, "critical": 16}.get(scenario, 0)
    base_usage = rng.randint(40, 400)
    for day in range(DEMO_DAYS):
        at = start + timedelta(days=day, hours=rng.randint(8, 17), minutes=rng.randint(0, 59))
        days_ago = DEMO_DAYS - day
        last_active_day = silent_days and days_ago == silent_days + 1  # last login: silent_days and some hours ago
        if last_active_day or (days_ago > silent_days and (day % 7 not in (5, 6) or rng.random() < 0.3)):
            for user in rng.sample(users, k=rng.randint(1, len(users))):
                ev("login", at, user=user)
        factor = 1.0
        if scenario == "usage_drop" and days_ago <= 7:
            factor = 0.55
        elif scenario == "usage_spike" and days_ago <= 7:
            factor = 1.6
        elif scenario in ("declining", "critical"):
            factor = 1.0 - 0.4 * (day / DEMO_DAYS)
        if days_ago > silent_days:
            ev("usage", at, metric="active_users", value=round(base_usage * factor * rng.uniform(0.95, 1.05)))
    first, last = _health_path(scenario, rng)
    for week in range(13):
        at = start + timedelta(days=week * 7 + 1, hours=6)
        frac = week / 12
        score = round(first + (last - first) * frac)
        if scenario == "health_drop":  # steady, then a sharp fall in the last four weeks
            score = first if week < 9 else round(first + (last - first) * (week - 8) / 4)
        ev(
            "health_score",
            at,
            score=max(0, min(100, score + rng.randint(-1, 1) if week not in (0, 12) else score)),
        )
    ev("health_score", now - timedelta(hours=2), score=last)
    # Stakeholders: a champion and a few others.
    champion = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    ev(
        "stakeholder",
        start,
        name=champion,
        email=_email(champion, domain),
        role=rng.choice(ROLES),
        champion=True,
    )
    for _ in range(rng.randint(1, 3)):
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        ev(
            "stakeholder",
            start,
            name=person,
            email=_email(person, domain),
            role=rng.choice(ROLES),
            champion=False,
        )
    if scenario == "champion_left":
        ev("stakeholder", now - timedelta(days=3), name=champion, email=_email(champion, domain),
           status="left", champion=True)  # fmt: skip
    # Tickets.
    for n in range(rng.randint(0, 3)):
        opened = start + timedelta(days=rng.randint(0, DEMO_DAYS - 1))
        tid = f"{slug(name)[:4].upper()}-{100 + n}"
        ev("ticket", opened, id=tid, priority=rng.choice(["low", "normal", "high"]), status="open",
           subject=rng.choice(TICKET_SUBJECTS))  # fmt: skip
        if rng.random() < 0.6:
            ev("ticket", opened + timedelta(days=rng.randint(1, 5)), id=tid, status="closed")
    if scenario == "escalation":
        opened = now - timedelta(days=2)
        ev(
            "ticket",
            opened,
            id="UMB-911",
            priority="urgent",
            status="open",
            subject="Data sync outage in EU region",
        )
        ev(
            "ticket",
            opened + timedelta(hours=5),
            id="UMB-911",
            priority="urgent",
            status="open",
            escalated=True,
        )
    if scenario == "renewal_45":
        ev("ticket", now - timedelta(days=6), id="ACME-204", priority="high", status="open",
           subject="SSO login loop after IdP change")  # fmt: skip
    # NPS.
    nps = 3 if scenario == "detractor" else rng.randint(7, 10)
    ev("nps", now - timedelta(days=rng.randint(1, 5) if scenario == "detractor" else rng.randint(20, 80)),
       score=nps, respondent=champion,
       comment="Reporting has been unreliable this quarter." if scenario == "detractor" else "Solid product.")  # fmt: skip
    # Invoices and contract milestones.
    ev("invoice", start + timedelta(days=5), id=f"INV-{1000 + index}", amount=PORTFOLIO[index][2] / 4,
       due_date=(start + timedelta(days=35)).date().isoformat(), status="paid")  # fmt: skip
    ev("contract", start, milestone="kickoff", date=(start - timedelta(days=300)).date().isoformat())
    return events


def _email(person: str, domain: str) -> str:
    return f"{person.lower().replace(' ', '.')}@{domain}"


async def seed_demo(db: Database, now: datetime | None = None, seed: int = 42) -> int:
    """Create the demo portfolio. Refuses to seed twice (returns 0 when the customers exist)."""
    now = now or datetime.now(UTC)
    rng = random.Random(seed)
    async with db.transaction() as session:
        existing = (
            await session.execute(select(func.count(Customer.id)).where(Customer.domain == "acme.com"))
        ).scalar()
        if existing:
            return 0
        raw: list[dict[str, Any]] = []
        logins: list[dict[str, Any]] = []
        usage: list[dict[str, Any]] = []
        for index, (name, domain, arr, segment, tier, scenario) in enumerate(PORTFOLIO):
            renewal = now.date() + timedelta(days=renewal_days(scenario, rng))
            customer = Customer(
                name=name,
                domain=domain,
                external_id=f"cus_{slug(name)}",
                arr=float(arr),
                renewal_date=renewal,
                segment=segment,
                tier=tier,
                csm_slack_id=CSMS[index % len(CSMS)].slack_id,
                slack_channel=channel_for(index)[0],
            )
            session.add(customer)
            await session.flush()
            session.add(
                Contract(
                    customer_id=customer.id,
                    start_date=renewal - timedelta(days=365),
                    renewal_date=renewal,
                    arr=float(arr),
                    status="active",
                )  # fmt: skip
            )
            events = [_adapter.validate_python(e) for e in _events_for(index, scenario, rng, now)]
            events.sort(key=lambda e: e.occurred_at)
            # Logins and usage are the bulk of the data: insert those rows in bulk; the rest go
            # through the ingestion path one by one.
            for event in events:
                if event.type in ("login", "usage"):
                    data = event.data.model_dump(mode="json", exclude_none=True)
                    raw.append({"customer_id": customer.id, "type": event.type, "occurred_at": event.occurred_at,
                                "data": data, "received_at": now})  # fmt: skip
                    if event.type == "login":
                        logins.append({"customer_id": customer.id, "user": event.data.user,
                                       "occurred_at": event.occurred_at})  # fmt: skip
                        customer.last_login_at = max(
                            customer.last_login_at or event.occurred_at, event.occurred_at
                        )
                    else:
                        usage.append({"customer_id": customer.id, "metric": event.data.metric,
                                      "value": event.data.value, "occurred_at": event.occurred_at})  # fmt: skip
                else:
                    await apply_event(session, customer, event)
            customer.health_band = band_for(customer.health_score)
        await session.execute(insert(CustomerEvent), raw)
        await session.execute(insert(Login), logins)
        await session.execute(insert(UsageMetric), usage)
    return len(PORTFOLIO)


async def champion_of(db: Database, customer_id: int) -> Contact | None:
    async with db.session() as session:
        return (
            await session.execute(
                select(Contact).where(
                    Contact.customer_id == customer_id,
                    Contact.is_champion.is_(True),
                    Contact.status == "active",
                )  # fmt: skip
            )
        ).scalar()


def slack_directory() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The demo workspace as plain data: the CSMs (Slack users) and the customers' channels."""
    users = [
        {"id": c.slack_id, "name": c.name.split()[0].lower(), "real_name": c.name, "email": c.email}
        for c in CSMS
    ]
    channels = [dict(zip(("id", "name"), channel_for(i), strict=True)) for i in range(len(PORTFOLIO))]
    channels.append({"id": "C0GENERAL", "name": "general"})
    return users, channels
