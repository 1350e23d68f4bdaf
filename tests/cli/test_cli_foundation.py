"""The console script and `python app.py`, run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SLACK_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
)


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in SLACK_VARS and not k.startswith("CSM_")}
    base.update({"PYTHONPATH": str(ROOT), "CSM_DATA_DIR": str(tmp_path / "data"),
                 "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'csm.db'}", **env})  # fmt: skip
    return subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=base, capture_output=True, text=True, timeout=120
    )


def test_app_without_slack_credentials_explains_and_exits_2(tmp_path):
    result = run([str(ROOT / "app.py")], tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "csm sandbox" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_customers_upserts_and_reports_bad_rows(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(
        "name,domain,external_id,arr,renewal_date,health_score,segment,tier,csm_slack_id,slack_channel,champion_name,champion_email\n"
        'Acme Corp,acme.com,cus_1,"$120,000",2027-03-01,72,enterprise,gold,U0CSMDANA,#acme,Maya Lee,maya@acme.com\n'
        "Globex,globex.com,,50000,,,,,,,,\n"
    )
    result = run(["-m", "cli", "import", "customers", str(good)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 new" in result.stdout
    update = tmp_path / "update.csv"
    update.write_text("name,external_id,arr\nAcme Corporation,cus_1,130000\n")
    result = run(["-m", "cli", "import", "customers", str(update)], tmp_path)
    assert "0 new, 1 updated" in result.stdout

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,domain,arr,renewal_date,health_score\n"
        "Initech,initech.com,10,2027-01-01,50\n"
        ",nameless.com,10,,\n"
        "Hooli,hooli.com,lots,2027-13-45,150\n"
    )
    result = run(["-m", "cli", "import", "customers", str(bad)], tmp_path)
    assert result.returncode == 1
    assert f"{bad}: line 3: name is required" in result.stderr
    assert f"{bad}: line 4: " in result.stderr and "arr" in result.stderr and "renewal_date" in result.stderr
    assert "Nothing was imported" in result.stderr
    check = run(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
                 "print(c.execute('select name, arr from customers order by id').fetchall())", str(tmp_path / "csm.db")],
                tmp_path)  # fmt: skip
    assert check.stdout.strip() == "[('Acme Corporation', 130000.0), ('Globex', 50000.0)]"


def test_sandbox_script_shows_a_snapshot(tmp_path):
    script = tmp_path / "demo.txt"
    script.write_text("/csm help\n/csm customer Acme Corp\nhome\n1\n")
    result = run(["-m", "cli", "sandbox", "--script", str(script)], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "== Acme Corp ==" in out
    assert "$240k" in out and "in 45 days" in out
    assert "Portfolio health" in out
    assert "(clicked [1] View)" in out
