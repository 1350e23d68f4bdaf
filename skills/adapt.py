"""Step params meet the tool's input model: PRD-style names mapped, unknown names dropped.

`customerId` -> `customer_id` -> `customer` (a tool takes `customer`: a name, domain or id), and a
number given to a text field becomes text. Unknown names were reported as warnings by validation.
"""

from __future__ import annotations

import logging
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

log = logging.getLogger(__name__)


def snake_case(name: str) -> str:
    """`customerId` -> `customer_id`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).replace("-", "_").lower()


def model_param_names(model: type[BaseModel]) -> dict[str, str]:
    """Every accepted spelling (field name, alias) -> the field name."""
    names: dict[str, str] = {}
    for field_name, info in model.model_fields.items():
        names[field_name] = field_name
        if info.alias:
            names[info.alias] = field_name
    return names


# Names people write for the same thing: `limit` for `max_threads`, `period: "90d"` for `days: 90`.
SYNONYMS = {
    "limit": ("max_results", "max_threads", "max_items"),
    "max": ("max_results", "max_threads", "limit"),
    "period": ("days", "days_back"),
    "lookback": ("days", "days_back"),
    "message": ("text", "body"),
    "name": ("title",),
    "title": ("name",),
    "data": ("values",),
}
_PERIOD = re.compile(
    r"^\s*(\d+)\s*(d|day|days|w|wk|week|weeks|m|mo|month|months|q|quarter|quarters)?\s*$", re.I
)
_PERIOD_DAYS = {"d": 1, "w": 7, "m": 30, "q": 91}


def map_param_name(name: str, accepted: dict[str, str]) -> str | None:
    """The field a param name means, or None."""
    if name in accepted:
        return accepted[name]
    snake = snake_case(name)
    if snake in accepted:
        return accepted[snake]
    if snake.endswith("_id") and snake[:-3] in accepted:
        return accepted[snake[:-3]]
    if snake + "_id" in accepted:  # `template: qbr` -> `template_id` (a name the executor looks up)
        return accepted[snake + "_id"]
    for other in SYNONYMS.get(snake, ()):
        if other in accepted:
            return accepted[other]
    return None


def period_days(value: Any) -> Any:
    """`"90d"` -> 90, `"2w"` -> 14, `"3 months"` -> 90; anything else unchanged."""
    if isinstance(value, str):
        match = _PERIOD.match(value)
        if match:
            unit = (match.group(2) or "d")[0].lower()
            return int(match.group(1)) * _PERIOD_DAYS[unit]
    return value


def _accepts_only_text(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return bool(args) and all(_accepts_only_text(a) for a in args)
    return annotation is str


def _is_text_mapping(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_text_mapping(a) for a in typing.get_args(annotation))
    return origin is dict and typing.get_args(annotation)[1:] == (str,)


def flatten_text(value: Any, prefix: str = "", limit: int = 2000) -> dict[str, str]:
    """`{"snapshot": {"arr": 1}}` -> `{"snapshot.arr": "1"}`: nested outputs as template placeholders."""
    from skills.template import to_text

    flat: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(item, dict):
                flat.update(flatten_text(item, name, limit))
            else:
                text = to_text(item)
                flat[name] = text if len(text) <= limit else text[: limit - 1] + "…"
    return flat


def input_model(registry: Any, action: str) -> type[BaseModel] | None:
    tool = registry.get(action) if hasattr(registry, "get") else None
    return getattr(tool, "input_model", None)


def adapt_params(registry: Any, action: str, params: dict[str, Any]) -> dict[str, Any]:
    model = input_model(registry, action)
    if model is None:
        return params
    accepted = model_param_names(model)
    adapted: dict[str, Any] = {}
    for name, value in params.items():
        field = map_param_name(str(name), accepted)
        if field is None:
            log.debug("%s: param %r is not an input of the tool; dropped", action, name)
            continue
        if field in adapted and field != name:
            continue  # the exact name wins over a mapped one
        info = model.model_fields[field]
        if field in ("days", "days_back"):
            value = period_days(value)
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and _accepts_only_text(info.annotation)
        ):
            value = str(value)
        elif isinstance(value, dict) and _is_text_mapping(info.annotation):
            value = flatten_text(value)
        adapted[info.alias or field] = value
    return adapted
