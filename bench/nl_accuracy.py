"""Accuracy and speed of the offline automation parser on the labeled phrases.

    python bench/nl_accuracy.py [--misses]

Prints field-by-field and whole-definition accuracy for the development split and the two held-out
splits (phrases written after the parser, each labeled before the parser saw it), the median parse time, and, as the baseline measured in
the same run, a keyword matcher (first trigger/action keyword wins, no scope) on the same phrases.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from automations.nl.parser import parse_offline  # noqa: E402
from automations.nl.scoring import FIELDS, REFERENCE_NOW, Report, evaluate, load  # noqa: E402

KEYWORDS = [
    ("hasn't logged in", {"kind": "trigger", "type": "no_login", "params": {"days": 14}}),
    ("escalat", {"kind": "trigger", "type": "ticket_escalated", "params": {}}),
    ("meeting", {"kind": "trigger", "type": "meeting_ended", "params": {}}),
    ("every monday", {"kind": "schedule", "cron": "0 9 * * 1", "timezone": None}),
    ("every day", {"kind": "schedule", "cron": "0 9 * * *", "timezone": None}),
]
ACTION_KEYWORDS = [
    ("summary", "send_summary", {"to": "me"}),
    ("draft", "draft_email", {}),
    ("alert", "alert_csm", {}),
    ("task", "create_task", {"title": "task"}),
]


def keyword_baseline(text: str) -> dict | None:
    low = text.lower()
    trigger = next((t for k, t in KEYWORDS if k in low), None)
    action = next(({"type": a, "params": p} for k, a, p in ACTION_KEYWORDS if k in low), None)
    if not trigger or not action:
        return None
    return {
        "trigger": trigger,
        "scope": {"customer": None, "filters": []},
        "actions": [action],
        "requires_approval": False,
    }


def offline(text: str) -> dict:
    return parse_offline(text, now=REFERENCE_NOW).definition.to_json()


def show(title: str, report: Report) -> None:
    print(f"\n{title}: {report.n} phrases")
    for f in FIELDS:
        print(f"  {f:<18} {report.per_field[f] / report.n:6.1%}")
    print(f"  {'WHOLE DEFINITION':<18} {report.accuracy:6.1%}   median parse {report.median_ms:.2f} ms")
    print(
        f"  misses: {report.wrong_definitions} wrong definitions, {report.refused_wrongly} refused wrongly, "
        f"{report.accepted_wrongly} accepted wrongly"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true", help="print the phrases the parser got wrong")
    args = ap.parse_args()
    rows = load()
    offline("on December 3rd at 9am send me a summary")  # imports, zoneinfo and dateparser caches
    dev = [r for r in rows if r["split"] == "dev"]
    held = [r for r in rows if r["split"] == "heldout"]
    held2 = [r for r in rows if r["split"] == "heldout2"]
    refusals = sum(r["expected"] is None for r in rows)
    print(
        f"labeled phrases: {len(rows)} ({len(dev)} development, {len(held)} + {len(held2)} held out; "
        f"{refusals} to refuse)"
    )
    reports = {"development": evaluate(dev, offline)}
    if held:
        reports["held out (written after the parser)"] = evaluate(held, offline)
    if held2:
        reports["held out 2 (written after the second round)"] = evaluate(held2, offline)
    reports["all"] = evaluate(rows, offline)
    for title, report in reports.items():
        show(f"offline parser, {title}", report)
    show("baseline: keyword matcher, all", evaluate(rows, keyword_baseline))
    if args.misses:
        for title, report in reports.items():
            if title == "all":
                continue
            for text, expected, got in report.misses:
                print(f"\nMISS [{title}] {text}\n  expected {expected}\n  got      {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
