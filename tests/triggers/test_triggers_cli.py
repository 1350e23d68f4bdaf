"""`csm triggers sweep` as a process: alerts the demo CSMs through (emulated) Slack once per cause."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path

from sandbox.slack import BOT_TOKEN

ROOT = Path(__file__).resolve().parents[2]


async def csm(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


def base_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CSM_", "DATABASE_URL"))}
    env.update({"PYTHONPATH": str(ROOT), "DATABASE_URL": db_url, "CSM_DATA_DIR": str(tmp_path / "data"),
                "CSM_ENCRYPTION_KEY": "0" * 43 + "="})  # fmt: skip
    return env


def demo_copy(demo_template: Path, tmp_path: Path) -> str:
    """A SQLite copy of the demo portfolio (the CLI reads DATABASE_URL)."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return f"sqlite+aiosqlite:///{path}"


async def test_sweep_alerts_once_and_says_what_fired(demo_template, slack_sandbox, tmp_path):
    env = base_env(demo_copy(demo_template, tmp_path), tmp_path)
    env.update(
        {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slack_sandbox.api_url}
    )
    code, out, err = await csm("triggers", "sweep", env=env)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[-1].endswith("triggers fired.") and int(lines[-1].split()[0]) == len(lines) - 1 > 0
    assert any(line.startswith("Initech: no login for") and line.endswith("alerted") for line in lines)
    posts = [
        c
        for c in slack_sandbox.slack.calls_to("chat.postMessage")
        if "trigger_alert_" in str(c.get("blocks"))
    ]
    assert len(posts) == len(lines) - 1
    blocks = posts[0]["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    assert any(b.get("type") == "actions" for b in blocks)
    code, out, _ = await csm("triggers", "sweep", env=env)
    assert code == 0 and out.strip() == "0 triggers fired."


async def test_sweep_without_slack_is_a_dry_run(demo_template, tmp_path):
    env = base_env(demo_copy(demo_template, tmp_path), tmp_path)
    code, out, err = await csm("triggers", "sweep", env=env)
    assert code == 0
    assert "Slack is not configured" in err and "dry run" in err
    assert "(would fire)" in out and out.strip().endswith("would fire.")
    code, out, _ = await csm("triggers", "list", env=env)
    assert code == 0 and "no-login-14" in out and "0 firings, never fired" in out
