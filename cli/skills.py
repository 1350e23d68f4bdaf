"""`csm skills validate PATH... [--json]` (CONTRACTS §4) and `csm skills list`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    skills = sub.add_parser("skills", help="skill files: validate, list the built-ins")
    skills_sub = skills.add_subparsers(dest="skills_command", metavar="COMMAND", required=True)
    check = skills_sub.add_parser(
        "validate", help="parse and validate skill markdown files (a directory means its *.md files)"
    )
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument(
        "--json", action="store_true", help="print the parsed skill (a list for several files)"
    )
    check.set_defaults(func=_validate)
    listing = skills_sub.add_parser("list", help="the built-in skills and their trigger phrases")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_list)


def tool_catalog() -> Any:
    """The real registry's names and input models (no database needed to read them)."""
    from settings import load_settings
    from skills.catalog import RegistryCatalog
    from tools import build_registry

    return RegistryCatalog(build_registry(None, load_settings()))


def _expand(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found.extend(sorted(path.glob("*.md")) if path.is_dir() else [path])
    return found


def _validate(args: argparse.Namespace) -> int:
    from skills.validate import validate_file

    catalog = tool_catalog()
    failed = False
    parsed: list[dict[str, Any]] = []
    for path in _expand(args.paths):
        shown = str(path)
        try:
            result = validate_file(path, catalog)
        except OSError as exc:
            print(f"{shown}:1: cannot read the file: {exc.strerror or exc}", file=sys.stderr)
            failed = True
            continue
        for diagnostic in result.diagnostics:
            print(diagnostic.format(shown), file=sys.stderr)
        if result.ok and result.skill is not None:
            parsed.append(result.skill.model_dump(mode="json"))
        else:
            failed = True
    if failed:
        return 1
    if args.json:
        print(json.dumps(parsed[0] if len(parsed) == 1 else parsed, indent=2))
    return 0


def _list(args: argparse.Namespace) -> int:
    from skills.library import builtin_skills

    skills = [s.skill for s in builtin_skills()]
    if args.json:
        print(json.dumps([s.model_dump(mode="json") for s in skills], indent=2))
        return 0
    for skill in skills:
        phrases = ", ".join(f'"{p.text}"' for p in skill.trigger.patterns[:2])
        events = ", ".join(e.event for e in skill.trigger.events)
        print(f"{skill.id:26} {phrases}" + (f"  (on {events})" if events else ""))
    return 0
