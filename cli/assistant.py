"""`csm ask "TEXT"`: ask the assistant from a terminal, against DATABASE_URL (offline without a key)."""

from __future__ import annotations

import argparse
import asyncio
import json
import time


def register(sub: argparse._SubParsersAction) -> None:
    ask = sub.add_parser("ask", help="ask the assistant a question, as a DM would (offline without a key)")
    ask.add_argument("text", help='e.g. "how is Acme doing?"')
    ask.add_argument("--user", default="U0CSMDANA", help="the Slack user id asking (default: the demo CSM)")
    ask.add_argument("--thread", default=None, help="continue this thread id (default: a new thread)")
    ask.add_argument("--json", action="store_true", help="print the structured reply")
    ask.set_defaults(func=_ask)


def _ask(args: argparse.Namespace) -> int:
    from assistant.history import Thread
    from assistant.service import Assistant
    from llm.client import make_client
    from playbooks.executor import PlaybookExecutor
    from settings import load_settings
    from store import Database
    from tools import build_registry

    async def run() -> int:
        settings = load_settings()
        db = Database(settings.database_url)
        try:
            llm = make_client(settings)
            registry = build_registry(db, settings, llm=llm)
            PlaybookExecutor(db, registry, timezone=settings.timezone)  # registers playbooks.start
            assistant = Assistant(db, registry, settings, client=llm)
            thread = Thread(channel="cli", thread_ts=args.thread or f"{time.time():.6f}", user_id=args.user)
            reply = await assistant.ask(args.text, thread)
        finally:
            await db.dispose()
        if args.json:
            print(json.dumps({"thread": thread.thread_ts, **reply.model_dump(mode="json")}, indent=2))
        else:
            print(reply.plain_text())
            print(f"\n(thread {thread.thread_ts}: add --thread {thread.thread_ts} to continue it)")
        return 0

    return asyncio.run(run())
