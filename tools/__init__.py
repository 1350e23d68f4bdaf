"""The tool registry: the one door for every side effect.

`build_registry(db, settings, ...)` returns a `Registry` with every built-in tool registered.
"""

from __future__ import annotations

from typing import Any


def builtin_tools() -> list[Any]:
    from tools import customers, tasks

    return [*customers.TOOLS, *tasks.TOOLS]


def build_registry(db: Any, settings: Any, **kwargs: Any) -> Any:
    """A Registry with every built-in tool; kwargs go to `Registry` (llm, slack_client, ...)."""
    from tools.registry import Registry

    registry = Registry(db, settings, **kwargs)
    registry.register_all(builtin_tools())
    return registry
