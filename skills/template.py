"""`{{var}}` templating without eval: dotted paths looked up in the run's variables."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from skills.params import TEMPLATE_RE

PATH_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|\d+))*$")
_MISSING = object()


def lookup(context: dict[str, Any], path: str) -> Any:
    """The value at `a.b.0.c`, or None when any part is missing."""
    current: Any = context
    for part in path.split("."):
        if isinstance(current, dict):
            value = current.get(part, _MISSING)
            if value is _MISSING and part.isdigit():
                value = current.get(int(part), _MISSING)
            if value is _MISSING:
                return None
            current = value
        elif isinstance(current, list | tuple) and part.isdigit():
            index = int(part)
            if index >= len(current):
                return None
            current = current[index]
        else:
            return None
    return current


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, default=str, separators=(",", ":"))
    return str(value)


def render(value: Any, context: dict[str, Any]) -> Any:
    """Params with every `{{path}}` replaced; a string that is one placeholder keeps the value's type."""
    if isinstance(value, str):
        whole = TEMPLATE_RE.fullmatch(value.strip())
        if whole:
            return lookup(context, whole.group(1))
        if "{{" not in value:
            return value
        return TEMPLATE_RE.sub(lambda m: to_text(lookup(context, m.group(1))), value)
    if isinstance(value, dict):
        return {str(render(k, context)): render(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, context) for v in value]
    return value
