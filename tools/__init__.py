"""The tool registry: the one door for every side effect.

`build_registry(db, settings, ...)` returns a `Registry` with every built-in tool registered.
"""

from __future__ import annotations

from typing import Any


def builtin_tools() -> list[Any]:
    from tools import customers, slack, tasks, zoom
    from tools.google import google_tools

    return [*customers.TOOLS, *tasks.TOOLS, *google_tools(), *slack.TOOLS, *zoom.TOOLS]


def build_registry(db: Any, settings: Any, **kwargs: Any) -> Any:
    """A Registry with every built-in tool; kwargs go to `Registry` (llm, slack_client, ...)."""
    from tools.google.auth import translate_error as google_errors
    from tools.registry import Registry
    from tools.slack import translate_error as slack_errors
    from tools.zoom import translate_error as zoom_errors

    if "slack_user_client" not in kwargs and db is not None and getattr(settings, "oauth_configured", False):
        from tools.slack import installation_user_tokens

        kwargs["slack_user_client"] = installation_user_tokens(settings, db)
    registry = Registry(db, settings, **kwargs)
    registry.register_all(builtin_tools())
    registry.add_error_translator(google_errors)
    registry.add_error_translator(zoom_errors)
    registry.add_error_translator(slack_errors)
    return registry
