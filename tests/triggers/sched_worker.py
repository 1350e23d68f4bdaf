"""A scheduler process for the multi-process test: one 1-second job that appends a line per run."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta

from store import Database
from triggers.scheduler import DurableScheduler


async def main(url: str, schema: str, out: str) -> None:
    db = Database(url, connect_args={"options": f"-csearch_path={schema}"})
    sched = DurableScheduler(db, tick_seconds=0.2, instance_id=f"pid{os.getpid()}")

    def append(line: str) -> None:
        with open(out, "a") as fh:
            fh.write(line)

    async def job(fire_time) -> None:
        await asyncio.to_thread(append, f"{fire_time.isoformat()} {os.getpid()} {int(sched.is_leader)}\n")

    sched.add_job("beat", timedelta(seconds=1), job)
    sched.start()
    print("started", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
