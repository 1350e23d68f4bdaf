"""Ack latency of `/csm help`: `python app.py` against a bare Bolt app, same server stack, same run.

200 signed requests at concurrency 50 to each (after a warm-up); prints p50/p99 and the ratio.
Target: app p99 <= 1.5x the bare app's, and under 300 ms.

    python bench/ack.py [--requests 200] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.driver import headers_for, slash_command_body  # noqa: E402
from sandbox.slack import BOT_TOKEN, SlackSandbox  # noqa: E402

SECRET = "bench-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{url} exited with {proc.returncode}")
            try:
                async with http.get(f"{url}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy")


async def hammer(url: str, requests: int, concurrency: int) -> list[float]:
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one() -> None:
            body = slash_command_body("help", user_id="U0CSMDANA")
            headers = headers_for(body, SECRET)
            async with sem:
                start = time.perf_counter()
                async with http.post(f"{url}/slack/events", data=body, headers=headers) as resp:
                    await resp.read()
                    if resp.status != 200:
                        raise RuntimeError(f"HTTP {resp.status}")
                latencies.append((time.perf_counter() - start) * 1000)

        await asyncio.gather(*(one() for _ in range(requests)))
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    slack = await SlackSandbox().start()
    tmp = tempfile.mkdtemp(prefix="csm-bench-")
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url,
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db", "CSM_DATA_DIR": tmp, "PYTHONPATH": str(ROOT)}  # fmt: skip
    for var in ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "ANTHROPIC_API_KEY"):
        env.pop(var, None)
    targets = {}
    procs = []
    try:
        for name, cmd in (("app.py", [sys.executable, str(ROOT / "app.py")]),
                          ("bare Bolt", [sys.executable, str(ROOT / "bench" / "bare_app.py")])):  # fmt: skip
            port = free_port()
            proc = subprocess.Popen(  # noqa: ASYNC220 (started once, before measuring)
                cmd, env={**env, "PORT": str(port)}, cwd=tmp,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            procs.append(proc)
            url = f"http://127.0.0.1:{port}"
            await wait_healthy(url, proc)
            targets[name] = url
        results: dict[str, list[float]] = {}
        for url in targets.values():
            await hammer(url, 50, 10)  # warm-up (first request runs auth.test)
        for name, url in targets.items():
            results[name] = await hammer(url, args.requests, args.concurrency)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        await slack.stop()
    print(f"/csm help, {args.requests} signed requests at concurrency {args.concurrency}")
    print(f"{'server':<12}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for name, lat in results.items():
        print(f"{name:<12}{pct(lat, 50):>10.1f}{pct(lat, 99):>10.1f}{statistics.mean(lat):>10.1f}")
    app_p99, bare_p99 = pct(results["app.py"], 99), pct(results["bare Bolt"], 99)
    ratio = app_p99 / bare_p99
    verdict = "meets" if ratio <= 1.5 and app_p99 < 300 else "misses"
    print(f"p99 ratio app/bare: {ratio:.2f} (target <= 1.5, app p99 < 300 ms: {verdict} the target)")


if __name__ == "__main__":
    asyncio.run(main())
