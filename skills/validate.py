"""Validation of a parsed skill against the tool catalog: tools, params and variable references."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from skills.adapt import map_param_name, model_param_names
from skills.expr import ConditionError, condition_paths, parse_condition
from skills.model import BUILTIN_VARIABLES, Diagnostic, ParseResult, Skill, SkillStep
from skills.params import template_references
from skills.parser import parse_skill, slugify
from skills.template import PATH_RE

STEP_FIELDS = ("output", "status", "error")


class ToolCatalog(Protocol):
    """What validation needs of the tool registry: its names and each tool's input model."""

    def tool_names(self) -> Collection[str]: ...

    def input_model(self, name: str) -> type[BaseModel] | None: ...


@dataclass
class NameCatalog:
    """A catalog known only by its tool names (no param checks)."""

    names: Collection[str]
    models: dict[str, type[BaseModel]] = field(default_factory=dict)

    def tool_names(self) -> Collection[str]:
        return self.names

    def input_model(self, name: str) -> type[BaseModel] | None:
        return self.models.get(name)


def nearest(name: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    return [
        m[0] for m in process.extract(name, list(choices), scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
    ]


class _Checker:
    def __init__(self, skill: Skill, catalog: ToolCatalog, diagnostics: list[Diagnostic]) -> None:
        self.skill = skill
        self.catalog = catalog
        self.names = set(catalog.tool_names())
        self.diagnostics = diagnostics
        slots = {slot for p in skill.trigger.patterns for slot in p.slots}
        self.variables = set(BUILTIN_VARIABLES) | {v.name for v in skill.variables} | slots

    def error(self, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(line=line, message=message))

    def warn(self, line: int, message: str) -> None:
        self.diagnostics.append(Diagnostic(line=line, message=message, severity="warning"))

    def check(self) -> None:
        for position, step in enumerate(self.skill.steps):
            self.check_step(position, step)

    def check_step(self, position: int, step: SkillStep) -> None:
        if not step.action:
            self.error(
                step.line, f'step "{step.title}" has no Action (e.g. "- Action: customers.get_snapshot")'
            )
        elif step.action not in self.names:
            close = nearest(step.action, self.names)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            self.error(step.key_lines.get("action", step.line), f'unknown tool "{step.action}"{hint}')
        else:
            self.check_param_names(step)
        params_line = step.key_lines.get("params", step.line)
        for expression in template_references(step.params):
            self.check_reference(position, step, expression.strip(), params_line)
        if step.condition:
            line = step.key_lines.get("condition", step.line)
            try:
                node = parse_condition(step.condition)
            except ConditionError as exc:
                self.error(line, f'step "{step.title}": cannot read condition "{step.condition}": {exc}')
                return
            for path in condition_paths(node):
                self.check_reference(position, step, path, line)

    def check_param_names(self, step: SkillStep) -> None:
        model = self.catalog.input_model(step.action or "")
        if model is None:
            return
        accepted = model_param_names(model)
        line = step.key_lines.get("params", step.line)
        given = set()
        for name in step.params:
            field = map_param_name(str(name), accepted)
            if field is None:
                takes = ", ".join(model.model_fields) or "no params"
                self.warn(
                    line, f'{step.action} has no param "{name}"; it is ignored ({step.action} takes: {takes})'
                )
            given.add(field)
        filled = {"title"}  # the executor names it after the step and the customer when not given
        missing = [
            n for n, info in model.model_fields.items() if info.is_required() and n not in given | filled
        ]
        if missing:
            needed = ", ".join(f'"{n}"' for n in missing)
            self.warn(line, f"{step.action} needs {needed}; the step will fail without it")

    def check_reference(self, position: int, step: SkillStep, expression: str, line: int) -> None:
        if not PATH_RE.match(expression):
            self.error(
                line,
                f'step "{step.title}": "{{{{{expression}}}}}" must be a variable name such as customer_id',
            )
            return
        parts = expression.split(".")
        root = parts[0]
        if root == "steps":
            self.check_step_reference(position, step, parts, line)
        elif root not in self.variables:
            close = nearest(root, self.variables)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            self.error(
                line,
                f'step "{step.title}" uses variable "{root}" that is neither declared under "## Variables" '
                f"nor built in{hint}",
            )

    def check_step_reference(self, position: int, step: SkillStep, parts: list[str], line: int) -> None:
        if len(parts) < 3 or parts[2] not in STEP_FIELDS:
            self.error(line, f'step "{step.title}": write a step reference as steps.N.output')
            return
        target = self.skill.step_by_ref(parts[1])
        if target is None:
            self.error(line, f'step "{step.title}" refers to step {parts[1]}, which does not exist')
            return
        if self.skill.steps.index(target) >= position:
            which = "itself" if target is step else f'a later step ("{target.title}")'
            self.error(line, f'step "{step.title}" refers to {which}: steps.{parts[1]} has no output yet')


def validate(result: ParseResult, catalog: ToolCatalog) -> ParseResult:
    """The parse result with the catalog and reference checks added."""
    if result.skill is None:
        return result
    diagnostics = list(result.diagnostics)
    _Checker(result.skill, catalog, diagnostics).check()
    diagnostics.sort(key=lambda d: (d.line, d.severity != "error"))
    return ParseResult(skill=result.skill, diagnostics=diagnostics)


def validate_text(text: str, catalog: ToolCatalog, *, slug: str | None = None) -> ParseResult:
    return validate(parse_skill(text, slug=slug), catalog)


def validate_file(path: str | Path, catalog: ToolCatalog) -> ParseResult:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ParseResult(diagnostics=[Diagnostic(line=1, message="the file is not UTF-8 text")])
    return validate_text(text, catalog, slug=slugify(path.stem))
