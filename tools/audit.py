"""Audit rows, written before `invoke()` returns.

PostgreSQL: one Core INSERT. SQLite: a writer thread with its own sqlite3 connection takes rows from
a queue and commits whatever has queued up in one transaction (group commit); the caller awaits a
future the thread resolves. Through SQLAlchemy + aiosqlite the same insert costs a dozen thread
round trips (BEGIN IMMEDIATE, INSERT, COMMIT, pool reset) and measured ~3 ms a call on a busy
machine; this path is one round trip. Values go through the columns' own bind processors, so the
rows read back through the ORM exactly as if SQLAlchemy had written them.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import make_url

from store.db import BUSY_TIMEOUT_MS
from store.models import AuditLog

log = logging.getLogger(__name__)

IDLE_EXIT_S = 2.0
MAX_BATCH = 500
_COLUMNS = (
    "at",
    "actor",
    "tool_name",
    "input",
    "outcome",
    "error",
    "approval_id",
    "duration_ms",
    "caller_kind",
)


class AuditWriter:
    def __init__(self, db: Any) -> None:
        self.db = db
        self._path: str | None = None
        if db is not None and db.is_sqlite:
            database = make_url(db.url).database
            if database and database != ":memory:" and not database.startswith("file:"):
                self._path = database
        self._queue: queue.SimpleQueue[
            tuple[dict[str, Any], asyncio.AbstractEventLoop, asyncio.Future[None]]
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        dialect = sqlite_dialect.dialect()
        table = AuditLog.__table__
        self._procs = {
            name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in _COLUMNS
        }
        self._sql = (
            f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
        )

    async def write(self, row: dict[str, Any]) -> None:
        """Store one audit row (keys: the AuditLog columns, `at` included)."""
        if self._path is None:
            async with self.db.transaction() as s:
                await s.execute(insert(AuditLog).values(**row))
            return
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        self._queue.put((row, loop, fut))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="csm-audit-writer", daemon=True)
                self._thread.start()
        await fut

    def _params(self, row: dict[str, Any]) -> tuple[Any, ...]:
        out = []
        for name in _COLUMNS:
            value, proc = row.get(name), self._procs[name]
            out.append(proc(value) if proc is not None and value is not None else value)
        return tuple(out)

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)  # type: ignore[arg-type]
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")
        try:
            while True:
                try:
                    first = self._queue.get(timeout=IDLE_EXIT_S)
                except queue.Empty:
                    with self._lock:
                        if self._queue.empty():
                            self._thread = None
                            return
                    continue
                batch = [first]
                while len(batch) < MAX_BATCH:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                error: BaseException | None = None
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.executemany(self._sql, [self._params(row) for row, _l, _f in batch])
                    conn.execute("COMMIT")
                except Exception as exc:  # handed to every waiting caller
                    error = exc
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                for _row, loop, fut in batch:
                    try:
                        loop.call_soon_threadsafe(_settle, fut, error)
                    except RuntimeError:  # that caller's loop has closed
                        pass
        finally:
            conn.close()


def _settle(fut: asyncio.Future[None], error: BaseException | None) -> None:
    if fut.done():
        return
    if error is None:
        fut.set_result(None)
    else:
        fut.set_exception(error)
