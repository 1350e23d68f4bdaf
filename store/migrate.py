"""Run Alembic migrations to head, inside the caller's event loop, under a cross-process lock."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from filelock import FileLock
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from store.db import Database

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
ADVISORY_LOCK_KEY = 0x6373_6D00  # "csm\0": the start-up migration lock on PostgreSQL


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _upgrade_on(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _sqlite_lock_path(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database).resolve().with_suffix(".migrate.lock")


async def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate to `revision`. Two processes starting together: one migrates, the other waits."""
    if db.is_sqlite:
        lock_path = _sqlite_lock_path(db.url)
        lock = FileLock(str(lock_path)) if lock_path else None
        if lock:
            lock.acquire(timeout=120)
        try:
            async with db.engine.connect() as conn:
                await conn.run_sync(_upgrade_on, revision)
                await conn.commit()
        finally:
            if lock:
                lock.release()
        return
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
        await conn.commit()
        try:
            await conn.run_sync(_upgrade_on, revision)
            await conn.commit()
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK_KEY})
            await conn.commit()
