"""Helpers shared by the playbooks tests (a module with a unique name, importable from the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ConfigDict

from tools.base import Tool, ToolInput, ToolRun

WORLD_TOOLS = [
    ("gmail.send_email", "communication"),
    ("gmail.draft_email", "communication"),
    ("calendar.create_event", "calendar"),
    ("docs.create_from_template", "documents"),
    ("slides.create_from_template", "documents"),
    ("slack.post_customer_update", "communication"),
]


class AnyInput(ToolInput):
    model_config = ConfigDict(extra="allow")


@dataclass
class World:
    """What the outside world received: (tool, input) in call order."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def count(self, tool: str) -> int:
        return sum(1 for name, _ in self.calls if name == tool)


def recording_tool(name: str, category: str, world: World) -> Tool:
    async def handler(inp: AnyInput, run: ToolRun) -> dict[str, Any]:
        world.calls.append((name, inp.model_dump()))
        return {"id": f"{name}-{len(world.calls)}"}

    return Tool(
        name=name,
        description=f"{name} (recording)",
        category=category,
        input_model=AnyInput,
        handler=handler,
        side_effects=True,
    )


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def values_yaml() -> str:
    """values.yml giving every declared variable of the built-in templates a (Drive id) value."""
    from playbooks.library import BUILTIN_DIR, parse_template_file

    names = set()
    for path in BUILTIN_DIR.glob("*.yml"):
        template, _ = parse_template_file(path)
        names |= {v.name for v in template.variables}  # type: ignore[union-attr]
    return "".join(f"{name}: drive-file-{name.replace('_', '-')}\n" for name in sorted(names))
