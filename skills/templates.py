"""`template: "qbr"` in a skill names a Google Docs/Slides template; the tool wants its Drive file id.

The executor looks the name up with `drive.search` (through the registry, like every call) and
passes the id on. An exact name wins, then a name that also says "template", then the first hit.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from skills.adapt import snake_case
from tools.model import ToolContext, ToolResult

TEMPLATE_KINDS = {"docs.create_from_template": "document", "slides.create_from_template": "presentation"}
KIND_WORDS = {"document": "Google Docs", "presentation": "Google Slides"}


def template_name(action: str, written: dict[str, Any], adapted: dict[str, Any]) -> str | None:
    """The template name to look up, when the skill wrote `template: NAME` rather than `template_id`."""
    if action not in TEMPLATE_KINDS or "template_id" not in adapted:
        return None
    wrote_name = any(snake_case(str(k)) == "template" for k in written)
    value = adapted["template_id"]
    return value if wrote_name and isinstance(value, str) and value.strip() else None


def _pick(files: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    wanted = name.strip().lower().replace("_", " ")
    by_name = {str(f.get("name", "")).strip().lower().replace("_", " "): f for f in files}
    for candidate in (wanted, f"{wanted} template", f"template {wanted}"):
        if candidate in by_name:
            return by_name[candidate]
    for f in files:
        if "template" in str(f.get("name", "")).lower():
            return f
    return files[0] if files else None


async def resolve_template(registry: Any, action: str, name: str, ctx: ToolContext) -> ToolResult:
    """`ToolResult.ok(file_id)`, or a failure that says what to do."""
    kind = TEMPLATE_KINDS[action]
    search_ctx = dataclasses.replace(ctx, extra={})
    found = await registry.invoke("drive.search", {"query": name.replace("_", " "), "kind": kind}, search_ctx)
    if not found.success:
        return ToolResult.fail(f'Could not look up the template "{name}": {found.error}')
    chosen = _pick(list((found.data or {}).get("files") or []), name)
    if chosen is None or not chosen.get("id"):
        return ToolResult.fail(
            f'There is no {KIND_WORDS[kind]} template named "{name}" in your Google Drive: create one '
            f"(its {{{{placeholders}}}} are filled in) or give its file id as template_id."
        )
    return ToolResult.ok(chosen["id"])
