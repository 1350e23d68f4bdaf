"""Overhead of `registry.invoke()` over calling a tool's function directly, for a no-op tool.

invoke() validates the input, checks the connection and the approval policy, runs the handler under a
timeout and writes an audit row (one SQLite write transaction). Both figures are medians over the
same number of calls in the same run, on a fresh migrated SQLite file. Target: overhead <= 2 ms.

    python bench/registry.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from settings import Settings  # noqa: E402
from store import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import AuditLog  # noqa: E402
from tools.base import ToolInput, ToolRun, tool  # noqa: E402
from tools.model import ToolContext  # noqa: E402
from tools.registry import Registry  # noqa: E402


class Echo(ToolInput):
    text: str = "hello"
    n: int = 1


@tool("bench.noop", description="does nothing", category="automation")
async def noop(inp: Echo, run: ToolRun) -> dict:
    return {"text": inp.text, "n": inp.n}


async def measure(calls: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        db = Database(url)
        await upgrade(db)
        settings = Settings(
            DATABASE_URL=url, CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(), _env_file=None
        )
        registry = Registry(db, settings)
        registry.register(noop)
        ctx = ToolContext(user_id="UBENCH", caller_kind="cli")
        run = ToolRun(ctx=ctx, deps=registry.deps, tool=noop)
        payload = {"text": "hello", "n": 3}

        for _ in range(50):  # warm-up: caches, connection pool, prepared statements
            await registry.invoke("bench.noop", payload, ctx)
            await noop.handler(Echo.model_validate(payload), run)

        direct, via = [], []
        for _ in range(calls):
            t0 = time.perf_counter()
            await noop.handler(Echo.model_validate(payload), run)
            t1 = time.perf_counter()
            result = await registry.invoke("bench.noop", payload, ctx)
            t2 = time.perf_counter()
            assert result.success, result.error
            direct.append(t1 - t0)
            via.append(t2 - t1)
        async with db.session() as s:
            rows = await s.scalar(select(func.count()).select_from(AuditLog))
        assert rows == calls + 50, f"expected {calls + 50} audit rows, found {rows}"
        await db.dispose()
    return statistics.median(direct) * 1000, statistics.median(via) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    direct_ms, invoke_ms = asyncio.run(measure(args.calls))
    overhead = invoke_ms - direct_ms
    print(f"calls: {args.calls} (SQLite, audit row per invoke)")
    print(f"direct call (validate + handler), median: {direct_ms:.3f} ms   <- baseline")
    print(f"registry.invoke(), median:                {invoke_ms:.3f} ms")
    print(
        f"overhead, median:                         {overhead:.3f} ms   (target <= 2 ms: {'met' if overhead <= 2 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
