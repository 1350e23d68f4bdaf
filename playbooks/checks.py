"""Templates against the tools this app really has: each step's tool exists and takes its parameters.

Run at start-up (problems are logged with the file and the field) and by `csm playbooks validate`
when a registry is available. Parameters are rendered with sample values and validated with the
tool's own input model, so a `title` where the calendar wants `summary` is caught before any
customer's playbook reaches that step.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from playbooks.library import TemplateLibrary, TemplateProblem
from playbooks.model import BUILTIN_VARIABLES, PlaybookTemplate, render


def sample_values(template: PlaybookTemplate, workspace: dict[str, str] | None = None) -> dict[str, Any]:
    today = date(2026, 1, 15)
    values: dict[str, Any] = {}
    for name in BUILTIN_VARIABLES:
        if name.endswith("_email"):
            values[name] = "someone@example.com"
        elif name.endswith("_date") or name in ("today",):
            values[name] = (today + timedelta(days=30)).isoformat()
        elif name in ("health_score", "days_to_renewal"):
            values[name] = 50
        else:
            values[name] = f"sample {name.replace('_', ' ')}"
    for variable in template.variables:
        values[variable.name] = (
            (workspace or {}).get(variable.name) or variable.default or f"sample-{variable.name}"
        )
    return values


def check_against_registry(library: TemplateLibrary, registry: Any) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    for slug, template in sorted(library.templates.items()):
        path = library.sources[slug]
        samples = sample_values(template, library.values)
        for si, stage in enumerate(template.stages):
            for ai, action in enumerate(stage.actions):
                where = f"stages.{si}.actions.{ai}"
                tool = registry.get(action.tool)
                if tool is None:
                    near = registry.nearest(action.tool) if hasattr(registry, "nearest") else []
                    hint = f"; did you mean {', '.join(near)}?" if near else ""
                    problems.append(
                        TemplateProblem(path, f"{where}.tool", f"this app has no tool {action.tool}{hint}")
                    )
                    continue
                try:
                    tool.input_model.model_validate(render(action.params, samples))
                except ValidationError as exc:
                    for err in exc.errors():
                        loc = ".".join(str(part) for part in err["loc"])
                        problems.append(
                            TemplateProblem(path, f"{where}.params.{loc}", f"{action.tool}: {err['msg']}")
                        )
    return problems
