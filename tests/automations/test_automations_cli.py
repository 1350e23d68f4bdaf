"""`csm automations parse "TEXT" --json` (CONTRACTS §4), run as the console script runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def csm(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'none.db'}"
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_parse_prints_the_definition(tmp_path):
    out = csm("automations", "parse", "Every Monday at 9am, send me a summary of customers with health score below 70",
              "--json", tmp_path=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["trigger"] == {"kind": "schedule", "cron": "0 9 * * 1", "timezone": None}
    assert d["actions"] == [{"type": "send_summary", "params": {"to": "me"}}]
    assert not (tmp_path / "none.db").exists()  # parsing never creates a database


def test_not_understood_exits_2_with_the_reason(tmp_path):
    out = csm("automations", "parse", "every monday at 9am", "--json", tmp_path=tmp_path)
    assert out.returncode == 2
    assert out.stdout == ""
    assert "not what to do" in out.stderr and "Traceback" not in out.stderr
