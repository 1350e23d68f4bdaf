"""`csm serve`, `csm db upgrade`."""

from __future__ import annotations

import argparse
import asyncio


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="start the app (same as python app.py)")
    serve.set_defaults(func=_serve)
    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    up = db_sub.add_parser("upgrade", help="migrate the database to head")
    up.set_defaults(func=_db_upgrade)


def _serve(args: argparse.Namespace) -> int:
    import app

    return app.main()


def _db_upgrade(args: argparse.Namespace) -> int:
    from settings import load_settings
    from store import Database
    from store.migrate import upgrade

    async def run() -> None:
        settings = load_settings()
        db = Database(settings.database_url)
        try:
            await upgrade(db)
        finally:
            await db.dispose()
        print(f"Database at {settings.database_url} is at the latest schema.")

    asyncio.run(run())
    return 0
