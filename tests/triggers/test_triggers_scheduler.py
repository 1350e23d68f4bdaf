"""The durable scheduler: crontab(5) weekdays, coalescing, exactly-once across instances, failover."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from store.models import JobRun
from tests.triggers.conftest import another_handle
from triggers.schedule import Schedule
from triggers.scheduler import DurableScheduler

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday
ROOT = Path(__file__).resolve().parents[2]


def test_cron_is_crontab5_sunday_is_zero():
    monday = Schedule.parse("0 9 * * 1").next_after(T0)
    assert monday == datetime(2026, 11, 30, 9, 0, tzinfo=UTC) and monday.strftime("%A") == "Monday"
    assert Schedule.parse("0 9 * * 0").next_after(T0).strftime("%A") == "Sunday"
    assert Schedule.parse("0 9 * * 7").next_after(T0).strftime("%A") == "Sunday"
    assert Schedule.parse("30 8 * * 1-5").next_after(T0) == datetime(2026, 11, 26, 8, 30, tzinfo=UTC)


def test_cron_in_a_timezone_follows_daylight_saving():
    ny = Schedule.parse("0 9 * * 1", "America/New_York")
    assert ny.next_after(T0) == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # EST
    assert ny.next_after(datetime(2026, 6, 1, tzinfo=UTC)) == datetime(2026, 6, 1, 13, 0, tzinfo=UTC)  # EDT


def test_rrule_every_other_friday_and_interval():
    fridays = Schedule.parse(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0", dtstart=datetime(2026, 11, 1)
    )
    got = list(fridays.between(T0, T0 + timedelta(days=30)))
    assert got == [datetime(2026, 11, 27, 16, 0, tzinfo=UTC), datetime(2026, 12, 11, 16, 0, tzinfo=UTC)]
    every = Schedule.parse(900)
    assert every.next_after(T0 + timedelta(seconds=1)) == T0 + timedelta(minutes=15)


def test_bad_schedules_are_refused_with_a_sentence():
    for spec, msg in [
        ("0 9 * *", "five-field"),
        ("FREQ=SOMETIMES", "not a valid RRULE"),
        ("61 * * * *", "five-field"),
    ]:
        with pytest.raises(ValueError, match=msg):
            Schedule.parse(spec)
    with pytest.raises(ValueError, match="unknown timezone"):
        Schedule.parse("0 9 * * 1", "Mars/Olympus")


def test_coalescing_picks_the_latest_missed_slot():
    every10 = Schedule.parse("*/10 * * * *")
    assert every10.latest_due(T0, T0 + timedelta(hours=1, minutes=3)) == T0 + timedelta(hours=1)
    assert every10.latest_due(T0, T0 + timedelta(minutes=9)) is None


async def runs_of(db, job="beat") -> list[JobRun]:
    async with db.session() as s:
        return list(
            (await s.execute(select(JobRun).where(JobRun.job == job).order_by(JobRun.fire_time))).scalars()
        )


async def test_two_instances_sharing_a_database_run_each_slot_once(db):
    other = await another_handle(db)
    ran: list[tuple[str, datetime]] = []
    a, b = DurableScheduler(db, instance_id="A"), DurableScheduler(other, instance_id="B")
    for sched in (a, b):

        async def job(fire_time, _who=sched.instance_id) -> None:
            await asyncio.sleep(0)
            ran.append((_who, fire_time))

        sched.add_job("beat", 60, job, now=T0)
    try:
        for minute in range(1, 6):
            now = T0 + timedelta(minutes=minute, seconds=1)
            await asyncio.gather(a.tick(now), b.tick(now), a.tick(now))
        if not db.is_sqlite:
            assert a.is_leader != b.is_leader  # one leader per database
    finally:
        await a.stop()
        await b.stop()
        await other.dispose()
    slots = Counter(t for _, t in ran)
    assert sorted(slots) == [T0 + timedelta(minutes=m) for m in range(1, 6)]
    assert set(slots.values()) == {1}
    assert all(r.status == "done" for r in await runs_of(db))


async def test_restart_after_missed_slots_runs_once(db):
    ran: list[datetime] = []

    async def job(fire_time) -> None:
        ran.append(fire_time)

    first = DurableScheduler(db, instance_id="first")
    first.add_job("beat", "*/10 * * * *", job, now=T0 - timedelta(minutes=1))
    await first.tick(T0 + timedelta(seconds=5))
    await first.stop()
    # Down for an hour; the new process starts at 11:03 and must run the 11:00 slot only.
    second = DurableScheduler(db, instance_id="second")
    second.add_job("beat", "*/10 * * * *", job, now=T0 + timedelta(hours=1, minutes=3))
    await second.tick(T0 + timedelta(hours=1, minutes=3))
    await second.tick(T0 + timedelta(hours=1, minutes=4))
    await second.stop()
    assert ran == [T0, T0 + timedelta(hours=1)]


async def test_a_failing_job_is_recorded_and_the_next_slot_still_runs(db):
    calls = []

    async def job() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Slack is down")

    s = DurableScheduler(db, instance_id="solo")
    s.add_job("beat", 60, job, now=T0)
    await s.tick(T0 + timedelta(minutes=1))
    await s.tick(T0 + timedelta(minutes=2))
    await s.stop()
    runs = await runs_of(db)
    assert [(r.status, r.error) for r in runs] == [("failed", "RuntimeError: Slack is down"), ("done", None)]


async def test_a_killed_leader_is_replaced(db):
    if db.is_sqlite:
        pytest.skip("leadership is a PostgreSQL advisory lock")
    other = await another_handle(db)
    ran: list[tuple[str, datetime]] = []
    a, b = DurableScheduler(db, instance_id="A"), DurableScheduler(other, instance_id="B")
    for sched in (a, b):

        async def job(fire_time, _who=sched.instance_id) -> None:
            ran.append((_who, fire_time))

        sched.add_job("beat", 60, job, now=T0)
    try:
        await a.tick(T0 + timedelta(minutes=1))
        await b.tick(T0 + timedelta(minutes=1, seconds=1))
        assert a.is_leader and not b.is_leader
        # A dies: its connection (and with it the session's advisory lock) goes away, it ticks no more.
        pid = (await a._leader_conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()  # type: ignore[union-attr]
        await a._leader_conn.invalidate()  # type: ignore[union-attr]
        # The server ends that session (and frees its lock) a moment after the socket closes.
        for _ in range(100):
            async with other.session() as s:
                alive = (
                    await s.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid})
                ).scalar_one()
            if not alive:
                break
            await asyncio.sleep(0.05)
        await b.tick(T0 + timedelta(minutes=2, seconds=1))
        assert b.is_leader
    finally:
        await b.stop()
        await other.dispose()
    assert sorted(t for _, t in ran) == [T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)]
    assert ran[-1][0] == "B"


async def test_two_processes_on_postgres_killed_leader(db, tmp_path):
    """Real processes, real clock: each 1-second slot runs once; SIGKILL the leader, the other takes over."""
    if db.is_sqlite:
        pytest.skip("needs PostgreSQL")
    async with db.session() as s:
        schema = (await s.execute(text("SELECT current_schema()"))).scalar_one()
    out = tmp_path / "runs.txt"
    await asyncio.to_thread(_two_processes_kill_leader, schema, out)
    fire_times = Counter(ln.split()[0] for ln in out.read_text().splitlines() if ln.strip())
    assert set(fire_times.values()) == {1}, fire_times


def _two_processes_kill_leader(schema: str, out: Path) -> None:
    out.touch()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        str(ROOT / "tests/triggers/sched_worker.py"),
        os.environ["CSM_TEST_POSTGRES_URL"],
        schema,
        str(out),
    ]
    procs = [
        subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]

    def lines() -> list[list[str]]:
        return [ln.split() for ln in out.read_text().splitlines() if ln.strip()]

    def wait_for(cond, timeout=30.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; runs so far: {lines()}")
            time.sleep(0.1)

    try:
        wait_for(lambda: len(lines()) >= 3)
        leader_pid = int(next(ln[1] for ln in lines() if ln[2] == "1"))
        leader = next(p for p in procs if p.pid == leader_pid)
        os.kill(leader.pid, signal.SIGKILL)
        leader.wait()
        killed_at = len(lines())
        survivor = next(p for p in procs if p is not leader)
        wait_for(
            lambda: sum(1 for ln in lines()[killed_at:] if int(ln[1]) == survivor.pid and ln[2] == "1") >= 3
        )
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait()
