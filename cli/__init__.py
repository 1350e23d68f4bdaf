"""The `csm` console script (CONTRACTS §4). Each engine adds its subcommands in its own module."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

# Each module exposes `register(subparsers)`, adding its commands with `set_defaults(func=...)`;
# `func(args) -> int` is the exit code.
COMMAND_MODULES = [
    "cli.core",
    "cli.data",
    "cli.sandbox",
    "cli.skills",
    "cli.playbooks",
    "cli.automations",
    "cli.meetings",
    "cli.tools",
    "cli.triggers",
    "cli.assistant",
]


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(prog="csm", description="csm-agent: a Slack-first assistant for CSMs")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
