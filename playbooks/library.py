"""Loading playbook templates from YAML files, and syncing them into the `playbooks` table.

Built-in templates live in `playbooks/templates/`. A team adds its own by dropping a `.yml`/`.yaml`
file into a directory named by `CSM_PLAYBOOK_DIRS` (several joined with the OS path separator) or
passed to `load_library(extra_dirs=...)`. A file there with a built-in slug replaces the built-in.
A bad file is reported with its path and the field at fault; the other files still load.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError
from rapidfuzz import fuzz, process
from sqlalchemy import select

from playbooks.model import PlaybookTemplate
from store import Database
from store.models import Playbook

log = logging.getLogger(__name__)

BUILTIN_DIR = Path(__file__).resolve().parent / "templates"
ENV_DIRS = "CSM_PLAYBOOK_DIRS"


@dataclass(frozen=True)
class TemplateProblem:
    path: Path
    field: str
    message: str

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"{self.path}{where}: {self.message}"


VALUES_FILES = ("values.yml", "values.yaml")


@dataclass
class TemplateLibrary:
    templates: dict[str, PlaybookTemplate] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    problems: list[TemplateProblem] = field(default_factory=list)
    # The workspace's values for declared variables (Drive template ids...), from values.yml files.
    values: dict[str, str] = field(default_factory=dict)

    def get(self, slug: str) -> PlaybookTemplate | None:
        return self.templates.get(slug)

    def for_trigger(self, trigger_type: str) -> list[str]:
        """The playbooks that answer a trigger type (their `triggers:`), for an alert's Start button."""
        return sorted(slug for slug, t in self.templates.items() if trigger_type in t.triggers)

    def nearest(self, text: str, limit: int = 3) -> list[str]:
        """The slugs closest to `text` (by slug or by name), best first."""
        choices = {slug: f"{slug} {t.name.lower()}" for slug, t in self.templates.items()}
        found = process.extract(text.lower(), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
        return [slug for _, _, slug in found]

    def find(self, text: str) -> PlaybookTemplate | None:
        """Exact slug, else exact name (case-insensitive)."""
        key = text.strip().lower()
        if key in self.templates:
            return self.templates[key]
        for template in self.templates.values():
            if template.name.lower() == key:
                return template
        return None


def parse_template_file(path: Path) -> tuple[PlaybookTemplate | None, list[TemplateProblem]]:
    """One file: the template, or the problems found (path, field, message)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [TemplateProblem(path, "", f"cannot read the file: {exc.strerror or exc}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        return None, [TemplateProblem(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
    if not isinstance(raw, dict):
        return None, [TemplateProblem(path, "", "expected a mapping with slug, name, type and stages")]
    try:
        template = PlaybookTemplate.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(part) for part in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            problems.append(TemplateProblem(path, loc, message))
        return None, problems
    return template, []


def template_dirs(extra_dirs: list[Path | str] | None = None) -> list[Path]:
    dirs = [BUILTIN_DIR]
    env = os.environ.get(ENV_DIRS, "")
    dirs += [Path(part) for part in env.split(os.pathsep) if part.strip()]
    dirs += [Path(d) for d in extra_dirs or []]
    return dirs


def load_library(extra_dirs: list[Path | str] | None = None) -> TemplateLibrary:
    library = TemplateLibrary()
    for directory in template_dirs(extra_dirs):
        if not directory.is_dir():
            library.problems.append(TemplateProblem(directory, "", "not a directory"))
            continue
        in_this_dir: dict[str, Path] = {}
        files = sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")])
        for path in files:
            if path.name in VALUES_FILES:
                _load_values(path, library)
                continue
            template, problems = parse_template_file(path)
            library.problems.extend(problems)
            if template is None:
                continue
            if template.slug in in_this_dir:
                library.problems.append(
                    TemplateProblem(
                        path, "slug", f"{template.slug!r} is also defined in {in_this_dir[template.slug]}"
                    )
                )
                continue
            in_this_dir[template.slug] = path
            if template.slug in library.sources:
                log.info(
                    "playbook %s from %s replaces %s", template.slug, path, library.sources[template.slug]
                )
            library.templates[template.slug] = template
            library.sources[template.slug] = path
    for problem in library.problems:
        log.warning("playbook template skipped: %s", problem)
    return library


def _load_values(path: Path, library: TemplateLibrary) -> None:
    """`values.yml`: `name: value` lines giving declared variables their workspace value."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        library.problems.append(TemplateProblem(path, "", f"cannot read the values: {exc}"))
        return
    if not isinstance(raw, dict):
        library.problems.append(TemplateProblem(path, "", "expected `name: value` lines"))
        return
    for key, value in raw.items():
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            library.problems.append(TemplateProblem(path, str(key), "a value must be text or a number"))
            continue
        library.values[str(key)] = str(value)


async def sync_templates(db: Database, library: TemplateLibrary) -> dict[str, int]:
    """Upsert every template into the `playbooks` table by slug; returns slug -> playbook id."""
    ids: dict[str, int] = {}
    async with db.transaction() as session:
        existing = {p.slug: p for p in (await session.execute(select(Playbook))).scalars()}
        for slug, template in library.templates.items():
            source = "builtin" if library.sources[slug].parent == BUILTIN_DIR else "custom"
            row = existing.get(slug)
            if row is None:
                row = Playbook(slug=slug)
                session.add(row)
            row.name = template.name
            row.description = template.description
            row.type = template.type
            row.stages = [stage.model_dump(mode="json") for stage in template.stages]
            row.triggers = list(template.triggers)
            row.variables = [v.model_dump(mode="json") for v in template.variables]
            row.source = source
        await session.flush()
        for slug in library.templates:
            ids[slug] = (existing.get(slug) or (await _by_slug(session, slug))).id
    return ids


async def _by_slug(session, slug: str) -> Playbook:  # type: ignore[no-untyped-def]
    return (await session.execute(select(Playbook).where(Playbook.slug == slug))).scalar_one()
