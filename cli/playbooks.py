"""`csm playbooks list [--json]` and `csm playbooks validate PATH... [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("playbooks", help="playbook templates")
    verbs = parser.add_subparsers(dest="playbooks_command", metavar="COMMAND", required=True)
    listing = verbs.add_parser("list", help="the templates found (built-in and CSM_PLAYBOOK_DIRS)")
    listing.add_argument("--json", action="store_true", help="print the parsed templates as JSON")
    listing.set_defaults(func=_list)
    validate = verbs.add_parser(
        "validate", help="check template files; exit 1 naming each bad file and field"
    )
    validate.add_argument("paths", nargs="+", type=Path, help="YAML files or directories of them")
    validate.add_argument("--json", action="store_true", help="print the parsed templates as JSON")
    validate.add_argument(
        "--check-tools",
        action="store_true",
        help="also check each step's tool exists in this app and accepts its parameters",
    )
    validate.set_defaults(func=_validate)


def _list(args: argparse.Namespace) -> int:
    from playbooks.library import load_library

    library = load_library()
    for problem in library.problems:
        print(problem, file=sys.stderr)
    if args.json:
        print(json.dumps([t.model_dump(mode="json") for t in library.templates.values()], indent=2))
        return 0
    for slug, template in sorted(library.templates.items()):
        offsets = ", ".join(f"{s.day_offset:+d}" for s in template.stages)
        print(f"{slug:32} {template.name} ({template.type}; days {offsets} from the {template.anchor_label})")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from playbooks.library import parse_template_file

    files: list[Path] = []
    for path in args.paths:
        if path.is_dir():
            files += sorted([*path.glob("*.yml"), *path.glob("*.yaml")])
        else:
            files.append(path)
    parsed, failed = [], False
    for path in files:
        template, problems = parse_template_file(path)
        for problem in problems:
            print(problem, file=sys.stderr)
            failed = True
        if template is not None:
            parsed.append(template.model_dump(mode="json"))
    if args.check_tools and parsed:
        failed = _check_tools(files) or failed
    if args.json:
        print(json.dumps(parsed, indent=2))
    elif not failed:
        print(f"{len(parsed)} playbook template(s) are valid.")
    return 1 if failed or not files else 0


def _check_tools(files: list[Path]) -> bool:
    """Print every step whose tool is missing or refuses its parameters; True when there was one."""
    from playbooks.checks import check_against_registry
    from playbooks.library import TemplateLibrary, load_library, parse_template_file
    from settings import load_settings
    from tools import build_registry

    library = TemplateLibrary(values=load_library().values)
    for path in files:
        template, _ = parse_template_file(path)
        if template is not None:
            library.templates[template.slug] = template
            library.sources[template.slug] = path
    registry = build_registry(None, load_settings())
    problems = check_against_registry(library, registry)
    for problem in problems:
        print(problem, file=sys.stderr)
    return bool(problems)
