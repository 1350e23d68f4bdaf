"""The data layer: migrations match the models, SQLite write transactions do not lose updates."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, text

from store.crypto import SecretBox
from store.migrate import upgrade
from store.models import Customer


async def test_upgrade_twice_is_a_no_op(sqlite_db):
    await upgrade(sqlite_db)
    await upgrade(sqlite_db)
    async with sqlite_db.session() as s:
        assert (await s.execute(text("SELECT version_num FROM alembic_version"))).scalar() is not None


async def test_concurrent_writers_lose_no_update(sqlite_db):
    db = sqlite_db
    async with db.transaction() as s:
        s.add(Customer(name="Counter Co", arr=0))

    async def bump() -> None:
        async with db.transaction() as s:
            c = (await s.execute(select(Customer).where(Customer.name == "Counter Co"))).scalar_one()
            await asyncio.sleep(0)
            c.arr = (c.arr or 0) + 1

    await asyncio.gather(*(bump() for _ in range(20)))
    async with db.session() as s:
        c = (await s.execute(select(Customer).where(Customer.name == "Counter Co"))).scalar_one()
    assert c.arr == 20


def test_secret_box_round_trip():
    from cryptography.fernet import Fernet

    box = SecretBox(Fernet.generate_key())
    token = box.encrypt("ya29.secret")
    assert token != b"ya29.secret"
    assert box.decrypt(token) == "ya29.secret"


async def test_migrations_and_models_agree(sqlite_db):
    """Alembic's autogenerate finds nothing to add: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from store.base import metadata

    def diff(conn):
        ctx = MigrationContext.configure(conn, opts={"compare_type": False, "render_as_batch": True})
        return compare_metadata(ctx, metadata)

    async with sqlite_db.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []
