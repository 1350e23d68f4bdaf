"""Scoring a parser against the labeled phrases: field by field and whole definition."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LABELS = Path(__file__).resolve().parents[2] / "tests" / "data" / "automations_labeled.jsonl"
# Relative dates in the labels ("tomorrow", "on Friday") are read from this moment.
REFERENCE_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FIELDS = ("refusal", "trigger", "customer", "filters", "actions", "requires_approval")


def load(path: Path = LABELS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _rrule_parts(rule: str) -> dict[str, str]:
    parts = dict(p.split("=", 1) for p in rule.removeprefix("RRULE:").split(";") if p)
    if parts.get("INTERVAL") == "1":
        parts.pop("INTERVAL")
    return parts


def _cron_fields(cron: str) -> tuple[Any, ...]:
    from croniter import croniter

    expanded, _ = croniter.expand(cron)
    return tuple(tuple(x) for x in expanded)


def same_trigger(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("kind") != b.get("kind"):
        return False
    if a["kind"] == "schedule":
        if (a.get("timezone") or None) != (b.get("timezone") or None):
            return False
        if a.get("cron") or b.get("cron"):
            return bool(a.get("cron") and b.get("cron")) and _cron_fields(a["cron"]) == _cron_fields(
                b["cron"]
            )
        return _rrule_parts(a.get("rrule") or "") == _rrule_parts(b.get("rrule") or "")
    if a["kind"] == "once":
        return (
            datetime.fromisoformat(a["at"]) == datetime.fromisoformat(b["at"])
            if (datetime.fromisoformat(a["at"]).tzinfo is not None)
            == (datetime.fromisoformat(b["at"]).tzinfo is not None)
            else False
        )
    return a.get("type") == b.get("type") and a.get("params", {}) == b.get("params", {})


def _norm_filter(f: dict[str, Any]) -> tuple[str, str, Any]:
    value = f["value"]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.lower()
    return f["field"], f["op"], value


def _norm_action(a: dict[str, Any]) -> tuple[str, tuple[tuple[str, Any], ...]]:
    params = {
        k: (" ".join(str(v).lower().split()) if isinstance(v, str) else v) for k, v in a["params"].items()
    }
    return a["type"], tuple(sorted(params.items()))


def compare(expected: dict[str, Any] | None, got: dict[str, Any] | None) -> dict[str, bool]:
    """Per-field agreement. A refusal label is right only when the parser refused."""
    if expected is None or got is None:
        ok = expected is None and got is None
        return {f: ok for f in FIELDS}
    scope_e, scope_g = expected["scope"], got["scope"]
    return {
        "refusal": True,
        "trigger": same_trigger(expected["trigger"], got["trigger"]),
        "customer": (scope_e.get("customer") or "").lower() == (scope_g.get("customer") or "").lower(),
        "filters": sorted(map(_norm_filter, scope_e["filters"]))
        == sorted(map(_norm_filter, scope_g["filters"])),
        "actions": [_norm_action(a) for a in expected["actions"]]
        == [_norm_action(a) for a in got["actions"]],
        "requires_approval": expected["requires_approval"] == got["requires_approval"],
    }


@dataclass
class Report:
    n: int = 0
    whole: int = 0
    per_field: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    times_ms: list[float] = field(default_factory=list)
    misses: list[tuple[str, dict[str, Any] | None, Any]] = field(default_factory=list)
    refused_wrongly: int = 0  # a definition was expected; the parser refused
    accepted_wrongly: int = 0  # a refusal was expected; the parser built something
    wrong_definitions: int = 0  # both built, some field differs

    @property
    def accuracy(self) -> float:
        return self.whole / self.n if self.n else 0.0

    @property
    def median_ms(self) -> float:
        t = sorted(self.times_ms)
        return t[len(t) // 2] if t else 0.0


def evaluate(rows: list[dict[str, Any]], parse: Callable[[str], dict[str, Any] | None]) -> Report:
    report = Report()
    for row in rows:
        start = time.perf_counter()
        try:
            got = parse(row["text"])
            error = None
        except Exception as exc:  # a refusal (or a crash, which counts as a refusal)
            got, error = None, exc
        report.times_ms.append((time.perf_counter() - start) * 1000)
        result = compare(row["expected"], got)
        report.n += 1
        for f, ok in result.items():
            report.per_field[f] += ok
        if all(result.values()):
            report.whole += 1
        else:
            report.misses.append((row["text"], row["expected"], got if got is not None else str(error)))
            if got is None:
                report.refused_wrongly += 1
            elif row["expected"] is None:
                report.accepted_wrongly += 1
            else:
                report.wrong_definitions += 1
    return report
