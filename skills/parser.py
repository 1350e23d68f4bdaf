"""Markdown skill files (PRD §5.1) parsed into `Skill`, with every problem reported at its line.

The document structure (title, sections, steps, bullets, fences) comes from markdown-it-py's tokens
(`skills.blocks`); only the text of a single item (`Action: x`, `name: text (required)`) is split
here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from skills.blocks import Block, Fence, Heading, TextLine, to_blocks
from skills.model import (
    Diagnostic,
    ParseResult,
    Skill,
    SkillStep,
    SkillTrigger,
    SkillVariable,
)
from skills.params import ParamsError, load_params
from skills.triggers_section import parse_trigger_section

# `**Action:** x`, `Action: x`, `__On Error__: retry`, `requires_approval: true`
_KEY_LINE = re.compile(
    r"^(?:\*\*|__)?\s*([A-Za-z][A-Za-z _-]{0,40}?)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$"
)
_STEP_HEADING = re.compile(r"^(?:step\s*)?(\d+)\s*[.):-]?\s*(.*)$", re.IGNORECASE)
_VARIABLE_KIND = re.compile(r"\(\s*(required|optional|auto)\s*\)\s*$", re.IGNORECASE)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

STEP_KEYS = {
    "action": "action",
    "tool": "action",
    "params": "params",
    "parameters": "params",
    "input": "params",
    "condition": "condition",
    "when": "condition",
    "if": "condition",
    "onerror": "on_error",
    "iferror": "on_error",
    "requiresapproval": "requires_approval",
    "approvalrequired": "requires_approval",
    "needsapproval": "requires_approval",
}
SECTIONS = {
    "trigger": "trigger",
    "triggers": "trigger",
    "variables": "variables",
    "inputs": "variables",
    "steps": "steps",
    "approvalrequired": "approval",
    "approvals": "approval",
    "approval": "approval",
    "approvalpolicy": "approval",
    "description": "description",
}
_BOOLEANS = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
}


def _norm_key(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


def split_key_line(text: str) -> tuple[str, str] | None:
    """(`normalized key`, `value`) for a `Key: value` line, else None."""
    match = _KEY_LINE.match(text)
    if not match:
        return None
    return _norm_key(match.group(1)), _clean_value(match.group(2))


def _clean_value(value: str) -> str:
    value = value.strip()
    for marker in ("**", "__"):
        if value.endswith(marker) and not value.startswith(marker):
            value = value[: -len(marker)].rstrip()
    if len(value) >= 2 and value.startswith("`") and value.endswith("`"):
        value = value.strip("`").strip()
    return value


def slugify(text: str, sep: str = "-") -> str:
    return re.sub(r"[^a-z0-9]+", sep, text.lower()).strip(sep) or "skill"


@dataclass
class _Sections:
    title: Heading | None = None
    description: list[str] = field(default_factory=list)
    by_name: dict[str, list[Block]] = field(default_factory=dict)
    section_lines: dict[str, int] = field(default_factory=dict)


def _split_sections(blocks: list[Block], diagnostics: list[Diagnostic]) -> _Sections:
    out = _Sections()
    current: str | None = None  # None before the first H2
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1:
            if out.title is None:
                out.title = block
            else:
                diagnostics.append(
                    Diagnostic(line=block.line, message="a second title is ignored", severity="warning")
                )
            continue
        if isinstance(block, Heading) and block.level == 2:
            name = SECTIONS.get(_norm_key(block.text))
            if name is None:
                diagnostics.append(
                    Diagnostic(
                        line=block.line,
                        message=f'unknown section "{block.text}" is ignored '
                        "(sections: Trigger, Variables, Steps, Approval Required)",
                        severity="warning",
                    )
                )
                current = "ignored"
                continue
            if name in out.by_name:
                diagnostics.append(
                    Diagnostic(line=block.line, message=f'the "{block.text}" section appears twice')
                )
            current = name
            out.by_name.setdefault(name, [])
            out.section_lines.setdefault(name, block.line)
            continue
        if current is None:
            if isinstance(block, TextLine) and out.title is not None:
                out.description.append(block.text)
            continue
        if current == "ignored":
            continue
        out.by_name[current].append(block)
    return out


def _parse_variables(blocks: list[Block], diagnostics: list[Diagnostic]) -> list[SkillVariable]:
    variables: list[SkillVariable] = []
    seen: set[str] = set()
    for block in blocks:
        if not isinstance(block, TextLine) or not block.item_start:
            continue  # prose between items
        text = block.text
        kind_match = _VARIABLE_KIND.search(text)
        kind = kind_match.group(1).lower() if kind_match else "optional"
        if kind_match:
            text = text[: kind_match.start()].rstrip()
        name, _, description = text.partition(":")
        name = _clean_value(name.strip().strip("*_").strip())
        if not _IDENTIFIER.match(name):
            diagnostics.append(
                Diagnostic(
                    line=block.line,
                    message=f'"{block.text}" is not a variable; write "name: description (required|optional|auto)"',
                )
            )
            continue
        if name in seen:
            diagnostics.append(Diagnostic(line=block.line, message=f'variable "{name}" is declared twice'))
            continue
        seen.add(name)
        variables.append(
            SkillVariable(name=name, description=description.strip(), kind=kind, line=block.line)
        )
    return variables


def _parse_steps(blocks: list[Block], diagnostics: list[Diagnostic]) -> list[SkillStep]:
    steps: list[SkillStep] = []
    step: SkillStep | None = None
    params_line: TextLine | None = None  # a `Params:` line waiting for its nested bullets or fence
    nested: list[str] = []
    ids: set[str] = set()
    numbers: dict[int, int] = {}

    def flush_nested() -> None:
        nonlocal params_line, nested
        if step is not None and params_line is not None and nested:
            _set_params(step, "\n".join(nested), "yaml", params_line.line, diagnostics)
        params_line, nested = None, []

    for block in blocks:
        if isinstance(block, Heading) and block.level >= 3:
            flush_nested()
            match = _STEP_HEADING.match(block.text)
            number = int(match.group(1)) if match else len(steps) + 1
            title = (match.group(2) if match else block.text).strip() or f"Step {number}"
            if number in numbers:
                diagnostics.append(
                    Diagnostic(
                        line=block.line,
                        message=f"step number {number} is used twice (also line {numbers[number]})",
                    )
                )
            numbers.setdefault(number, block.line)
            step_id = slugify(title, "_")
            base, suffix = step_id, 2
            while step_id in ids:
                step_id, suffix = f"{base}_{suffix}", suffix + 1
            ids.add(step_id)
            step = SkillStep(id=step_id, number=number, title=title, line=block.line)
            steps.append(step)
            continue
        if step is None:
            continue  # prose before the first step
        if isinstance(block, Fence):
            language = "json" if block.info.startswith("json") else "yaml"
            if block.info and not block.info.startswith(("json", "yaml", "yml")):
                continue  # an example or note in another language, not params
            if not block.info and params_line is None:
                continue  # an untagged block is params only right under `Params:`
            if "params" in step.key_lines and params_line is None:
                diagnostics.append(
                    Diagnostic(line=block.line, message=f'step "{step.title}" has params twice')
                )
                continue
            line = params_line.line if params_line is not None else block.line
            params_line, nested = None, []
            _set_params(step, block.content, language, line, diagnostics, key_line=block.line)
            continue
        if not isinstance(block, TextLine):
            continue
        if params_line is not None and block.depth > params_line.depth:
            nested.append(block.text)
            continue
        flush_nested()
        pair = split_key_line(block.text)
        key = STEP_KEYS.get(pair[0]) if pair else None
        if pair is None or key is None:
            continue  # prose
        value = pair[1]
        if key in step.key_lines and not (key == "params" and not value):
            diagnostics.append(
                Diagnostic(line=block.line, message=f'step "{step.title}" sets {key.replace("_", " ")} twice')
            )
            continue
        if key == "params":
            if value:
                _set_params(step, value, "yaml", block.line, diagnostics)
            else:
                step.key_lines["params"] = block.line
                params_line = block
            continue
        step.key_lines[key] = block.line
        _set_key(step, key, value, block.line, diagnostics)
    flush_nested()
    return steps


def _set_params(
    step: SkillStep,
    text: str,
    language: str,
    line: int,
    diagnostics: list[Diagnostic],
    key_line: int | None = None,
) -> None:
    step.key_lines["params"] = key_line or line
    try:
        step.params = load_params(text, language)
    except ParamsError as exc:
        diagnostics.append(Diagnostic(line=key_line or line, message=f'step "{step.title}": {exc}'))


def _set_key(step: SkillStep, key: str, value: str, line: int, diagnostics: list[Diagnostic]) -> None:
    if key == "action":
        if value:
            step.action = value
    elif key == "condition":
        step.condition = value or None
    elif key == "on_error":
        normalized = value.strip().lower()
        if normalized in ("continue", "abort", "retry"):
            step.on_error = normalized  # type: ignore[assignment]
        else:
            said = f'not "{value}"' if value else "it is empty"
            diagnostics.append(
                Diagnostic(line=line, message=f"On Error must be continue, abort or retry; {said}")
            )
    elif key == "requires_approval":
        flag = _BOOLEANS.get(value.strip().lower())
        if flag is None:
            said = f'not "{value}"' if value else "it is empty"
            diagnostics.append(
                Diagnostic(line=line, message=f"Requires Approval must be true or false; {said}")
            )
        else:
            step.requires_approval = flag


def parse_skill(text: str, *, slug: str | None = None) -> ParseResult:
    """Parse a skill file; structural problems are diagnostics, never exceptions."""
    diagnostics: list[Diagnostic] = []
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return ParseResult(diagnostics=[Diagnostic(line=1, message="the file is empty")])
    sections = _split_sections(to_blocks(text), diagnostics)
    if sections.title is None:
        diagnostics.append(Diagnostic(line=1, message='missing title: start the file with "# Skill name"'))
    elif not sections.title.text:
        diagnostics.append(
            Diagnostic(line=sections.title.line, message='the title is empty: write "# Skill name"')
        )
    if "steps" not in sections.by_name:
        diagnostics.append(Diagnostic(line=1, message='missing "## Steps" section'))
    description = " ".join(line for line in sections.description if line)
    if "description" in sections.by_name:
        extra = [b.text for b in sections.by_name["description"] if isinstance(b, TextLine)]
        description = " ".join(x for x in [description, *extra] if x)
    trigger = (
        parse_trigger_section(sections.by_name["trigger"], diagnostics)
        if "trigger" in sections.by_name
        else SkillTrigger()
    )
    variables = _parse_variables(sections.by_name.get("variables", []), diagnostics)
    steps = _parse_steps(sections.by_name.get("steps", []), diagnostics)
    if "steps" in sections.by_name and not steps:
        diagnostics.append(
            Diagnostic(
                line=sections.section_lines["steps"],
                message='no steps: write each step as a "### 1. Title" heading',
            )
        )
    policy = [
        b.text
        for b in sections.by_name.get("approval", [])
        if isinstance(b, TextLine) and b.item_start and b.text
    ]
    name = sections.title.text if sections.title else ""
    skill = Skill(
        id=slug or slugify(name or "skill"),
        name=name,
        description=description,
        trigger=trigger,
        variables=variables,
        steps=steps,
        approval_policy=policy,
    )
    diagnostics.sort(key=lambda d: (d.line, d.severity != "error"))
    return ParseResult(skill=skill, diagnostics=diagnostics)


def parse_skill_file(path: str | Path) -> ParseResult:
    path = Path(path)
    return parse_skill(path.read_text(encoding="utf-8"), slug=slugify(path.stem))
