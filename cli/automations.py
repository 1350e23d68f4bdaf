"""`csm automations parse "TEXT" [--json]` (CONTRACTS §4)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    auto = sub.add_parser("automations", help="natural-language automations")
    auto_sub = auto.add_subparsers(dest="automations_command", metavar="COMMAND", required=True)
    parse = auto_sub.add_parser("parse", help="parse a sentence into an automation definition")
    parse.add_argument(
        "text", nargs="+", help='e.g. "every Monday at 9am, send me a summary of at-risk customers"'
    )
    parse.add_argument("--json", action="store_true", help="print the definition as JSON")
    parse.add_argument("--now", help="read relative dates from this ISO time (default: now)")
    parse.add_argument("--offline", action="store_true", help="do not use Claude even when a key is set")
    parse.set_defaults(func=_parse)


async def _customer_names(url: str) -> list[str] | None:
    """The customers the database knows, when there is a database to ask (never creates one)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if not path or path == ":memory:" or not Path(path).exists():
            return None
    from automations.builder import customer_names
    from store import Database

    db = Database(url)
    try:
        return await customer_names(db)
    except Exception:
        return None
    finally:
        await db.dispose()


async def _run(args: argparse.Namespace) -> int:
    from automations.describe import echo
    from automations.nl.parser import ParseRefused
    from automations.parsing import parse
    from automations.timing import effective_timezone, next_runs
    from llm.client import make_client
    from settings import load_settings

    settings = load_settings()
    text = " ".join(args.text)
    try:
        now = datetime.fromisoformat(args.now) if args.now else None
    except ValueError:
        print(
            f"--now {args.now!r} is not an ISO date-time (e.g. 2026-11-25T12:00:00+00:00).", file=sys.stderr
        )
        return 2
    names = await _customer_names(settings.database_url)
    client = None if args.offline else make_client(settings)
    try:
        result = await parse(text, client=client, now=now, customer_names=names, timezone=None)
    except ParseRefused as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if result.note:
        print(result.note, file=sys.stderr)
    definition = result.definition
    if args.json:
        print(json.dumps(definition.to_json(), indent=2, ensure_ascii=False))
        return 0
    tz = effective_timezone(definition, None, settings.timezone)
    print(echo(definition, tz))
    runs = next_runs(definition, tz, now=now)
    if runs:
        print("Next runs: " + ", ".join(t.strftime("%a %d %b %Y %H:%M %Z") for t in runs))
    print(json.dumps(definition.to_json(), indent=2, ensure_ascii=False))
    return 0


def _parse(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))
