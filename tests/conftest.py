"""Shared fixtures: a fresh database per test (SQLite always; PostgreSQL when CSM_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import store.models  # noqa: F401
from store import Database
from store.base import metadata
from store.migrate import upgrade

POSTGRES_URL = os.environ.get("CSM_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once with Alembic; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    _build_sqlite_file(path, upgrade)
    return path


def _build_sqlite_file(path: Path, fill: Any) -> None:
    """Run `fill(database)` on the SQLite file at `path`, then fold its WAL in so copies are whole."""

    async def build() -> None:
        database = Database(f"sqlite+aiosqlite:///{path}")
        await fill(database)
        async with database.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await database.dispose()

    asyncio.run(build())


async def _postgres_database() -> tuple[Database, str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(POSTGRES_URL)  # type: ignore[arg-type]
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    db = Database(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})  # type: ignore[arg-type]
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return db, schema


async def _drop_postgres_schema(schema: str) -> None:
    admin = Database(POSTGRES_URL)  # type: ignore[arg-type]
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path):
    """A fresh, migrated database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "csm.db"
        shutil.copy(sqlite_template, path)
        database = Database(f"sqlite+aiosqlite:///{path}")
        yield database
        await database.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("CSM_TEST_POSTGRES_URL is not set")
    database, schema = await _postgres_database()
    yield database
    await database.dispose()
    await _drop_postgres_schema(schema)


@pytest.fixture
async def sqlite_db(tmp_path: Path, sqlite_template: Path):
    """SQLite only, for tests about SQLite itself or that need a file path."""
    path = tmp_path / "csm.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite+aiosqlite:///{path}")
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo portfolio; demo tests get a copy."""
    from store.demo import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    _build_sqlite_file(path, seed_demo)
    return path


@pytest.fixture(scope="session")
def postgres_demo_template() -> str | None:
    """A PostgreSQL database holding the migrated schema and the demo portfolio, built once per
    session; each demo test gets `CREATE DATABASE … TEMPLATE` of it (a file copy, not a re-seed)."""
    if not POSTGRES_URL:
        yield None
        return
    from store.demo import seed_demo

    name = f"csm_demo_tpl_{os.getpid()}"

    async def build() -> None:
        admin = Database(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        async with admin.engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        template = Database(_database_url(name))
        await upgrade(template)
        await seed_demo(template)
        await template.dispose()

    asyncio.run(build())
    yield name

    async def drop() -> None:
        admin = Database(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        async with admin.engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()

    asyncio.run(drop())


def _database_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgres"])
async def demo_db(
    request: pytest.FixtureRequest, tmp_path: Path, demo_template: Path, postgres_demo_template: str | None
):
    """A fresh database holding the demo portfolio (`csm seed demo`)."""
    if request.param == "sqlite":
        path = tmp_path / "demo.db"
        shutil.copy(demo_template, path)
        database = Database(f"sqlite+aiosqlite:///{path}")
        yield database
        await database.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("CSM_TEST_POSTGRES_URL is not set")
    template = postgres_demo_template
    name = f"t_demo_{uuid.uuid4().hex[:12]}"
    admin = Database(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    database = Database(_database_url(name))
    yield database
    await database.dispose()
    async with admin.engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture
async def slack_sandbox():
    """The emulated Slack Web API, with the demo workspace's users and channels."""
    from sandbox.slack import FakeSlack, SlackSandbox
    from store.demo import slack_directory

    sandbox = await SlackSandbox(FakeSlack.from_directory(*slack_directory())).start()
    yield sandbox
    await sandbox.stop()


@contextlib.asynccontextmanager
async def zoom_emulation(settings: Any):
    """The Zoom emulation on a local port and `settings` pointed at it: (sandbox, settings)."""
    from aiohttp.test_utils import TestServer

    from sandbox.zoom import ZoomSandbox

    sandbox = ZoomSandbox()
    server = TestServer(sandbox.app())
    await server.start_server()
    url = str(server.make_url("/")).rstrip("/")
    sandbox.base_url = url
    try:
        yield (
            sandbox,
            settings.model_copy(
                update={
                    "zoom_account_id": sandbox.account_id,
                    "zoom_client_id": sandbox.client_id,
                    "zoom_client_secret": sandbox.client_secret,
                    "zoom_api_url": url + "/v2",
                    "zoom_oauth_url": url + "/oauth/token",
                }
            ),
        )
    finally:
        await server.close()
