"""`csm triggers sweep` (CONTRACTS §4) and `csm triggers list`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    trig = sub.add_parser("triggers", help="trigger rules")
    trig_sub = trig.add_subparsers(dest="triggers_command", metavar="COMMAND", required=True)
    sweep = trig_sub.add_parser("sweep", help="evaluate every enabled trigger once now and alert")
    sweep.add_argument(
        "--dry-run", action="store_true", help="show what would fire; record nothing, alert nobody"
    )
    sweep.set_defaults(func=_sweep)
    lst = trig_sub.add_parser("list", help="the trigger rules, their state and firing counts")
    lst.set_defaults(func=_list)


def _line(customer: str, rule: str, what: str, outcome: str = "") -> str:
    return f"{customer}: {what}  [{rule}]{'  ' + outcome if outcome else ''}"


def _outcome(actions: list[dict[str, Any]]) -> str:
    failed = [a for a in actions if not a.get("ok")]
    if not failed:
        return "alerted" if actions else ""
    return "; ".join(f"{a['type']} failed: {a.get('error')}" for a in failed)


async def _dry_run(database_url: str) -> int:
    from sqlalchemy import select

    from store import Database
    from store.migrate import upgrade
    from store.models import Customer
    from triggers.engine import TriggerEngine
    from triggers.rules import install_default_rules

    db = Database(database_url)
    try:
        await upgrade(db)
        await install_default_rules(db)
        engine = TriggerEngine(db)
        total = 0
        for rule in await engine.enabled_rules():
            rows = await engine.preview(rule)
            if not rows:
                continue
            ids = [r["customer_id"] for r in rows]
            async with db.session() as s:
                names = dict(
                    (await s.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))).all()
                )
            for r in rows:
                print(_line(names.get(r["customer_id"], "?"), rule.name, r["what"], "(would fire)"))
            total += len(rows)
        print(f"{total} trigger{'s' if total != 1 else ''} would fire.")
        return 0
    finally:
        await db.dispose()


async def _run_sweep(dry_run: bool) -> int:
    import app
    from settings import load_settings
    from triggers.rules import install_default_rules

    settings = load_settings()
    if not dry_run and not settings.slack_configured:
        print(
            "Slack is not configured (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or try `csm sandbox`), "
            "so this is a dry run: nothing is recorded and nobody is alerted.",
            file=sys.stderr,
        )
        dry_run = True
    if dry_run:
        return await _dry_run(settings.database_url)
    runtime = await app.build(settings, scheduler=False)
    try:
        await install_default_rules(runtime.services.db)
        fired = await runtime.services.triggers.sweep()
        for f in fired:
            a = f.alert
            print(_line(a.customer_name, a.rule_name, a.what, _outcome(f.actions)))
        print(f"{len(fired)} trigger{'s' if len(fired) != 1 else ''} fired.")
        return 1 if any(not a.get("ok") for f in fired for a in f.actions) else 0
    finally:
        await runtime.stop()


def _sweep(args: argparse.Namespace) -> int:
    return asyncio.run(_run_sweep(args.dry_run))


def _list(args: argparse.Namespace) -> int:
    from settings import load_settings
    from store import Database
    from store.migrate import upgrade
    from triggers.rules import install_default_rules, list_rules

    async def run() -> int:
        db = Database(load_settings().database_url)
        try:
            await upgrade(db)
            await install_default_rules(db)
            for r in await list_rules(db):
                last = f"last fired {r.last_fired_at:%Y-%m-%d %H:%M}" if r.last_fired_at else "never fired"
                state = "on " if r.enabled else "off"
                print(
                    f"{r.id:>3} {state} {r.slug:<24} {r.trigger_type:<20} {r.fire_count:>5} firings, {last}"
                )
        finally:
            await db.dispose()
        return 0

    return asyncio.run(run())
