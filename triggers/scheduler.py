"""The durable scheduler: APScheduler is only the clock; the database says what ran.

Every `tick`:
1. Leadership. On PostgreSQL one process per database holds `pg_try_advisory_lock` on a dedicated
   connection; the others retry on every tick, so when the leader dies (its connection closes and
   the lock goes with it) a follower takes over within a tick. On SQLite the process leads.
2. The leader materialises due work: for each job, the latest slot after the job's last run (or
   after the job was added) that is not in the future becomes a `job_runs` row, unique on
   (job, fire_time). Slots missed during downtime collapse into that one run.
3. Every process claims due rows of jobs it knows: `SELECT ... FOR UPDATE SKIP LOCKED` on
   PostgreSQL, the process-local lock plus SQLite's `BEGIN IMMEDIATE` on SQLite; runs them and
   records done/failed. A row is claimed by one process, so a slot runs once.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import socket
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from store import Database
from store.models import JobRun
from triggers.schedule import Schedule
from triggers.sql import insert_ignore

log = logging.getLogger(__name__)

JobFunc = Callable[..., Awaitable[Any]]


@dataclass
class Job:
    name: str
    schedule: Schedule
    func: JobFunc
    added_at: datetime
    wants_fire_time: bool


class DurableScheduler:
    def __init__(
        self,
        db: Database,
        *,
        tick_seconds: float = 5.0,
        instance_id: str | None = None,
        stale_after: timedelta = timedelta(hours=1),
        default_timezone: str = "UTC",
    ) -> None:
        self.db = db
        self.tick_seconds = tick_seconds
        self.instance_id = instance_id or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.stale_after = stale_after
        self.default_timezone = default_timezone
        self.jobs: dict[str, Job] = {}
        self._claim_lock = asyncio.Lock()
        self._lead_lock = asyncio.Lock()
        self._leader_conn: AsyncConnection | None = None
        self._is_leader = False
        self._clock: AsyncIOScheduler | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- jobs -------------------------------------------------------------------------------------

    def add_job(
        self,
        name: str,
        schedule: str | int | float | timedelta | Schedule,
        func: JobFunc,
        timezone: str | None = None,
        *,
        dtstart: datetime | None = None,
        now: datetime | None = None,
    ) -> Job:
        """Register (or replace) a job. `schedule`: a crontab(5) line, an RRULE, an interval in
        seconds or a timedelta. `func()` or `func(fire_time)` is awaited once per slot."""
        sched = (
            schedule
            if isinstance(schedule, Schedule)
            else Schedule.parse(schedule, timezone or self.default_timezone, dtstart)
        )
        params = inspect.signature(func).parameters
        job = Job(name, sched, func, now or datetime.now(UTC), wants_fire_time=len(params) >= 1)
        self.jobs[name] = job
        return job

    def remove_job(self, name: str) -> None:
        self.jobs.pop(name, None)

    def next_run(self, name: str, now: datetime | None = None) -> datetime | None:
        job = self.jobs.get(name)
        return job.schedule.next_after(now or datetime.now(UTC)) if job else None

    # -- leadership -------------------------------------------------------------------------------

    @property
    def is_leader(self) -> bool:
        return self._is_leader

    async def lock_key(self, conn: AsyncConnection) -> int:
        where = (
            await conn.execute(text("SELECT current_database() || '.' || current_schema()"))
        ).scalar_one()
        return zlib.crc32(f"csm-scheduler:{where}".encode()) & 0x7FFFFFFF

    async def _check_leadership(self) -> bool:
        async with self._lead_lock:
            return await self._lead()

    async def _lead(self) -> bool:
        if self.db.is_sqlite:
            self._is_leader = True
            return True
        if self._leader_conn is not None:
            try:
                await self._leader_conn.execute(text("SELECT 1"))
                await self._leader_conn.commit()
                self._is_leader = True
                return True
            except Exception:
                log.warning("scheduler %s lost its leader connection", self.instance_id)
                await self._drop_leader_conn()
        conn = await self.db.engine.connect()
        try:
            key = await self.lock_key(conn)
            got = (await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})).scalar_one()
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if got:
            self._leader_conn = conn
            self._is_leader = True
            log.info("scheduler %s is the leader", self.instance_id)
            return True
        await conn.close()
        self._is_leader = False
        return False

    async def _drop_leader_conn(self) -> None:
        conn, self._leader_conn, self._is_leader = self._leader_conn, None, False
        if conn is not None:
            try:
                await conn.invalidate()
            except Exception:
                log.debug("closing the leader connection failed", exc_info=True)

    # -- the tick ---------------------------------------------------------------------------------

    async def tick(self, now: datetime | None = None, *, wait: bool = True) -> list[JobRun]:
        """One beat: lead if possible, materialise due runs (leader), claim and run due runs."""
        now = now or datetime.now(UTC)
        try:
            if await self._check_leadership():
                await self._materialise(now)
        except Exception:
            log.exception("scheduler %s could not materialise due runs", self.instance_id)
        claimed = await self._claim(now)
        tasks = [self._spawn(run) for run in claimed]
        if wait and tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        return claimed

    async def _materialise(self, now: datetime) -> None:
        if not self.jobs:
            return
        async with self.db.session() as s:
            q = (
                select(JobRun.job, func.max(JobRun.fire_time))
                .where(JobRun.job.in_(list(self.jobs)))
                .group_by(JobRun.job)
            )
            last = dict((await s.execute(q)).all())
        rows = []
        for name, job in self.jobs.items():
            after = last.get(name) or job.added_at
            due = job.schedule.latest_due(after, now)
            if due is not None:
                rows.append({"job": name, "fire_time": due, "status": "due"})
        async with self.db.transaction() as s:
            if rows:
                await s.execute(insert_ignore(self.db.dialect, JobRun, ["job", "fire_time"]), rows)
            await s.execute(
                update(JobRun)
                .where(JobRun.status == "running", JobRun.claimed_at < now - self.stale_after)
                .values(status="failed", finished_at=now, error="abandoned: the process running it stopped")
            )

    async def _claim(self, now: datetime, limit: int = 20) -> list[JobRun]:
        if not self.jobs:
            return []
        q = (
            select(JobRun)
            .where(JobRun.status == "due", JobRun.fire_time <= now, JobRun.job.in_(list(self.jobs)))
            .order_by(JobRun.fire_time, JobRun.id)
            .limit(limit)
        )
        if not self.db.is_sqlite:
            q = q.with_for_update(skip_locked=True)
        async with self._claim_lock, self.db.transaction() as s:
            runs = list((await s.execute(q)).scalars().all())
            for run in runs:
                run.status, run.claimed_by, run.claimed_at = "running", self.instance_id, now
        return runs

    def _spawn(self, run: JobRun) -> asyncio.Task[Any]:
        task = asyncio.create_task(self._run(run), name=f"job:{run.job}:{run.fire_time.isoformat()}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, run: JobRun) -> None:
        job = self.jobs.get(run.job)
        error = None
        try:
            if job is None:
                raise RuntimeError(f"job {run.job} is no longer registered here")
            await (job.func(run.fire_time) if job.wants_fire_time else job.func())
        except Exception as exc:
            log.exception("scheduled job %s (%s) failed", run.job, run.fire_time)
            error = f"{type(exc).__name__}: {exc}"
        async with self.db.transaction() as s:
            await s.execute(
                update(JobRun)
                .where(JobRun.id == run.id)
                .values(status="failed" if error else "done", finished_at=datetime.now(UTC), error=error)
            )

    # -- the clock --------------------------------------------------------------------------------

    def start(self) -> None:
        """Start ticking every `tick_seconds` on the running event loop."""
        if self._clock is not None:
            return
        self._clock = AsyncIOScheduler(timezone="UTC")
        self._clock.add_job(
            self._beat, "interval", seconds=self.tick_seconds, max_instances=1, coalesce=True,
            next_run_time=datetime.now(UTC), id="csm-durable-tick",
        )  # fmt: skip
        self._clock.start()

    async def _beat(self) -> None:
        try:
            await self.tick(wait=False)
        except Exception:
            log.exception("scheduler tick failed")

    async def stop(self, *, wait_for_jobs: bool = True) -> None:
        if self._clock is not None:
            self._clock.shutdown(wait=False)
            self._clock = None
        if wait_for_jobs and self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._leader_conn is not None:
            conn, self._leader_conn, self._is_leader = self._leader_conn, None, False
            try:  # the lock belongs to the session: unlock before the connection goes back to the pool
                await conn.execute(text("SELECT pg_advisory_unlock_all()"))
                await conn.commit()
                await conn.close()
            except Exception:
                log.debug("releasing the leader lock failed; dropping the connection", exc_info=True)
                await conn.invalidate()
