"""`csm seed demo`, `csm import customers FILE.csv`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from settings import load_settings
from store import Database
from store.migrate import upgrade


def register(sub: argparse._SubParsersAction) -> None:
    seed = sub.add_parser("seed", help="load data")
    seed_sub = seed.add_subparsers(dest="seed_command", metavar="WHAT", required=True)
    demo = seed_sub.add_parser("demo", help="demo customers, events and meetings")
    demo.set_defaults(func=_seed_demo)

    imp = sub.add_parser("import", help="import data")
    imp_sub = imp.add_subparsers(dest="import_command", metavar="WHAT", required=True)
    customers = imp_sub.add_parser("customers", help="upsert customers from a CSV file")
    customers.add_argument("file", type=Path)
    customers.set_defaults(func=_import_customers)


async def _open_db() -> Database:
    db = Database(load_settings().database_url)
    await upgrade(db)
    return db


def _seed_demo(args: argparse.Namespace) -> int:
    from store.demo import seed_demo

    async def run() -> int:
        from meetings.demo import seed_demo_meetings

        db = await _open_db()
        try:
            created = await seed_demo(db)
            meetings = await seed_demo_meetings(db)
        finally:
            await db.dispose()
        if created == 0:
            print("The demo portfolio is already there; nothing changed.")
        else:
            print(f"Seeded {created} demo customers with 90 days of events, contacts, renewals and tickets.")
        if meetings:
            print(f"Analysed {meetings} demo meetings (`/csm meetings`).")
        return 0

    return asyncio.run(run())


def _import_customers(args: argparse.Namespace) -> int:
    from store.importer import import_customers

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"{args.file}: cannot read: {exc.strerror}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"{args.file}: not a UTF-8 text file", file=sys.stderr)
        return 1

    async def run() -> int:
        db = await _open_db()
        try:
            report = await import_customers(db, text)
        finally:
            await db.dispose()
        for warning in report.warnings:
            print(f"{args.file}: {warning}", file=sys.stderr)
        if report.errors:
            for error in report.errors:
                print(f"{args.file}: {error}", file=sys.stderr)
            print(
                f"Nothing was imported: fix the {len(report.errors)} error(s) above and run again.",
                file=sys.stderr,
            )
            return 1
        print(
            f"Imported {report.created + report.updated} customers ({report.created} new, {report.updated} updated)."
        )
        return 0

    return asyncio.run(run())
