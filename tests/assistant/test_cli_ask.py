"""`csm ask`: the assistant from a terminal, on the demo portfolio, offline."""

from __future__ import annotations

import json
import shutil

import cli


def test_ask_prints_a_structured_offline_answer(tmp_path, demo_template, monkeypatch, capsys) -> None:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("CSM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    assert cli.main(["ask", "how is globex doing?", "--json"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert (reply["source"], reply["intent"]) == ("offline", "snapshot")
    assert reply["items"][0]["name"] == "Globex"
    assert cli.main(["ask", "when does it renew?", "--thread", reply["thread"], "--json"]) == 0
    follow = json.loads(capsys.readouterr().out)
    assert follow["intent"] == "renewals"
    assert follow["text"].startswith("*Globex* renews in")  # "it" is the customer named earlier in the thread
