"""Benchmark: a full sweep of the default trigger rules over 10k and 100k customers.

Seeds N customers with 30 days of events (a login and a usage reading per customer per day in the
raw events table, the usage series, weekly health history, tickets, NPS, champions), then times:
- the floor: `SELECT count(*) FROM customer_events` (a full scan of the events table),
- the first sweep of the default rules (evaluation and recording of every firing, no Slack calls),
- a second sweep (everything has fired: the steady state of every later sweep),
- the first sweep again on the same data with its alerts delivered ("sweep+alerts"): each firing's
  alert built and handed to `on_alert` (a list here, Slack in the app), each outcome recorded.

The seed is a stress case, not a typical portfolio: logins are spread evenly over 30 days, so about
half the customers have been silent 14+ days and the first sweep records ~96k firings at 100k
customers (most of them no-login alerts). Later sweeps fire only on new causes.

    python bench/triggers.py                      # SQLite, 10k and 100k
    python bench/triggers.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/triggers.py --sizes 10000        # quicker

Targets: 100k customers ≤ 5 s on SQLite; the 100k/10k time ratio ≤ 12.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

import store.models  # noqa: E402, F401
from store import Database  # noqa: E402
from store.base import metadata  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from triggers.engine import TriggerEngine  # noqa: E402
from triggers.rules import install_default_rules  # noqa: E402

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DAYS = 30


def sqlite_ts(dt: datetime) -> str:
    """How store.base.UTCDateTime keeps a timestamp in SQLite."""
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def postgres_ts(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def seed_rows(n: int, ts: Callable[[datetime], str], seed: int = 7) -> dict[str, Iterator[tuple]]:
    """Rows per table, as generators of tuples in the column order of `COLUMNS` (timestamps as text)."""
    rnd = random.Random(seed)
    profile = []  # per customer: (last_login_days, usage_base, usage_change, health)
    for _ in range(n):
        change = rnd.choices([1.0, 0.55, 1.5], weights=[90, 5, 5])[0]
        profile.append((rnd.uniform(0, 30), rnd.uniform(50, 500), change, rnd.randint(30, 95)))

    def customers() -> Iterator[tuple]:
        for i, (login_days, _, _, health) in enumerate(profile, start=1):
            renewal = (NOW + timedelta(days=rnd.randint(-30, 400))).date().isoformat()
            yield (i, f"Customer {i}", f"c{i}.example.com", f"ext-{i}", rnd.randint(5, 500) * 1000.0, renewal,
                   health, f"U{i % 40:03d}", f"C{i:07d}", "active", ts(NOW - timedelta(days=login_days)),
                   ts(NOW - timedelta(days=400)), ts(NOW))  # fmt: skip

    def events() -> Iterator[tuple]:
        for day in range(DAYS):
            at = ts(NOW - timedelta(days=day, hours=2))
            for i, (login_days, base, change, _) in enumerate(profile, start=1):
                if day >= login_days:
                    yield (i, "login", at, f'{{"user": "u{i}@c{i}.example.com"}}', at)
                value = round(base * (change if day < 7 else 1.0), 1)
                yield (i, "usage", at, f'{{"metric": "events", "value": {value}}}', at)

    def usage() -> Iterator[tuple]:
        for day in range(DAYS):
            at = ts(NOW - timedelta(days=day, hours=2))
            for i, (_, base, change, _) in enumerate(profile, start=1):
                yield (i, "events", round(base * (change if day < 7 else 1.0), 1), at)

    def health() -> Iterator[tuple]:
        for week in range(5):
            at = ts(NOW - timedelta(days=7 * week + 1))
            for i, (_, _, _, score) in enumerate(profile, start=1):
                past = min(100, score + (20 if i % 25 == 0 and week >= 2 else 0))
                band = "healthy" if past >= 70 else "at risk" if past >= 40 else "critical"
                yield (i, past, band, "computed", "{}", at)

    def tickets() -> Iterator[tuple]:
        for i in range(1, n + 1):
            if i % 5 == 0:
                opened = ts(NOW - timedelta(days=rnd.randint(0, 20)))
                yield (i, f"T-{i}", "Something broke", "high", "open", i % 20 == 0, opened, opened)

    def nps() -> Iterator[tuple]:
        for i in range(1, n + 1):
            if i % 10 == 0:
                yield (
                    i,
                    rnd.randint(0, 10),
                    "comment",
                    f"p{i}@x",
                    ts(NOW - timedelta(days=rnd.randint(0, 20))),
                )

    def contacts() -> Iterator[tuple]:
        for i in range(1, n + 1):
            left = i % 100 == 0
            yield (i, f"Champion {i}", f"champ{i}@c{i}.example.com", "VP", True, "left" if left else "active",
                   ts(NOW - timedelta(days=2)) if left else None, ts(NOW - timedelta(days=300)))  # fmt: skip

    return {
        "customers": customers(),
        "customer_events": events(),
        "usage_metrics": usage(),
        "health_scores": health(),
        "tickets": tickets(),
        "nps_responses": nps(),
        "contacts": contacts(),
    }


COLUMNS = {
    "customers": "id, name, domain, external_id, arr, renewal_date, health_score, csm_slack_id, slack_channel, "
    "status, last_login_at, created_at, updated_at",
    "customer_events": "customer_id, type, occurred_at, data, received_at",
    "usage_metrics": "customer_id, metric, value, occurred_at",
    "health_scores": "customer_id, score, band, source, factors, recorded_at",
    "tickets": "customer_id, external_id, subject, priority, status, escalated, opened_at, updated_at",
    "nps_responses": "customer_id, score, comment, respondent, responded_at",
    "contacts": "customer_id, name, email, role, is_champion, status, left_at, created_at",
}


def seed_sqlite(path: Path, n: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    for table, rows in seed_rows(n, sqlite_ts).items():
        cols = COLUMNS[table]
        marks = ", ".join("?" * len(cols.split(",")))
        conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


def seed_postgres(url: str, schema: str, n: int) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, options=f"-csearch_path={schema}") as conn, conn.cursor() as cur:
        for table, rows in seed_rows(n, postgres_ts).items():
            with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers))"
        )
        conn.commit()
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE")


async def measure(db: Database) -> dict[str, float]:
    async with db.engine.connect() as conn:
        t = time.perf_counter()
        events = (await conn.execute(text("SELECT count(*) FROM customer_events"))).scalar_one()
        floor = time.perf_counter() - t
    await install_default_rules(db)
    engine = TriggerEngine(db)
    t = time.perf_counter()
    fired = await engine.sweep(NOW, run_actions=False)
    first = time.perf_counter() - t
    t = time.perf_counter()
    again = await engine.sweep(NOW + timedelta(minutes=15), run_actions=False)
    second = time.perf_counter() - t
    # The first sweep again, with its alerts delivered: every firing's alert is built and handed to
    # `on_alert` (app.py's Slack renderer; here a list) and each firing's outcome is recorded.
    async with db.transaction() as s:
        await s.execute(text("DELETE FROM trigger_firings"))
    alerts: list[Any] = []

    async def collect(alert: Any) -> None:
        alerts.append(alert)

    engine = TriggerEngine(db, on_alert=collect)
    t = time.perf_counter()
    delivered = await engine.sweep(NOW, run_actions=True)
    acting = time.perf_counter() - t
    assert len(alerts) == len(delivered) == len(fired), (len(alerts), len(delivered), len(fired))
    return {
        "events": events,
        "floor": floor,
        "first": first,
        "fired": len(fired),
        "second": second,
        "again": len(again),
        "acting": acting,
    }


async def run_sqlite(n: int, workdir: Path) -> dict[str, float]:
    path = workdir / f"bench-{n}.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade(db)
    await db.dispose()
    t = time.perf_counter()
    seed_sqlite(path, n)
    seeded = time.perf_counter() - t
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        return {"seed": seeded, **await measure(db)}
    finally:
        await db.dispose()
        for p in workdir.glob(f"bench-{n}.db*"):
            p.unlink()


async def run_postgres(url: str, n: int) -> dict[str, float]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        t = time.perf_counter()
        await asyncio.to_thread(seed_postgres, url, schema, n)
        seeded = time.perf_counter() - t
        return {"seed": seeded, **await measure(db)}
    finally:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def report(backend: str, results: dict[int, dict[str, float]]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{backend} (load average {load} on {os.cpu_count()} CPUs)")
    print(
        f"{'customers':>10} {'events':>10} {'seed s':>8} {'count(*) s':>11} {'sweep s':>8} {'fired':>7} {'2nd sweep s':>12}"
        f" {'sweep+alerts s':>15}"
    )
    for n, r in results.items():
        print(f"{n:>10,} {r['events']:>10,} {r['seed']:>8.1f} {r['floor']:>11.3f} {r['first']:>8.3f} {r['fired']:>7,} {r['second']:>12.3f} {r['acting']:>15.3f}")  # fmt: skip
    sizes = sorted(results)
    if len(sizes) >= 2:
        lo, hi = results[sizes[0]], results[sizes[-1]]
        print(f"ratio {sizes[-1] // 1000}k/{sizes[0] // 1000}k: sweep {hi['first'] / lo['first']:.1f}x, "
              f"2nd sweep {hi['second'] / lo['second']:.1f}x, count(*) floor {hi['floor'] / lo['floor']:.1f}x "
              "(target ≤ 12x)")  # fmt: skip
    big = results[sizes[-1]]
    print(
        f"{sizes[-1]:,} customers: sweep {big['first']:.2f} s = {big['first'] / big['floor']:.1f}x the count(*) floor"
    )


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--postgres", help="also run on this PostgreSQL URL")
    ap.add_argument("--no-sqlite", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as d:
            report("SQLite", {n: await run_sqlite(n, Path(d)) for n in sizes})
    if args.postgres:
        report("PostgreSQL", {n: await run_postgres(args.postgres, n) for n in sizes})


if __name__ == "__main__":
    asyncio.run(main())
