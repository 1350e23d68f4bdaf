"""Where skills come from: the built-ins in `skills/library/*.md` and each workspace's own (table `skills`).

A workspace skill with the id of a built-in replaces it for that workspace. Built-ins cannot be
removed. Stored skills keep their markdown; it is parsed again when read (a parse takes about 1 ms,
and is cached by content).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import delete, select

from skills.model import ParseResult, Skill
from skills.parser import parse_skill, slugify
from skills.validate import ToolCatalog, validate
from store.models import Skill as SkillRow

LIBRARY_DIR = Path(__file__).parent / "library"


@dataclass(frozen=True)
class StoredSkill:
    skill: Skill
    source: str  # builtin | user
    markdown: str
    created_by: str | None = None


@dataclass(frozen=True)
class AddOutcome:
    result: ParseResult  # with its errors (nothing stored) or warnings
    stored: StoredSkill | None = None
    replaced: bool = False


@dataclass(frozen=True)
class RemoveOutcome:
    removed: bool
    message: str


@lru_cache(maxsize=512)
def _parse(text: str, slug: str | None) -> ParseResult:
    return parse_skill(text, slug=slug)


def builtin_paths() -> list[Path]:
    return sorted(LIBRARY_DIR.glob("*.md"))


@lru_cache(maxsize=1)
def builtin_skills() -> tuple[StoredSkill, ...]:
    found = []
    for path in builtin_paths():
        text = path.read_text(encoding="utf-8")
        result = _parse(text, slugify(path.stem))
        if result.skill is None or result.errors:
            raise ValueError(f"built-in skill {path.name} does not parse: {result.errors}")
        found.append(StoredSkill(result.skill, "builtin", text))
    return tuple(found)


def _same_name(stored: StoredSkill, name: str) -> bool:
    wanted = slugify(name.strip())
    return wanted in (stored.skill.id.lower(), slugify(stored.skill.name))


class SkillLibrary:
    def __init__(self, db: Any, catalog: ToolCatalog) -> None:
        self.db = db
        self.catalog = catalog

    async def _workspace(self, team_id: str) -> list[StoredSkill]:
        async with self.db.session() as session:
            rows = (
                await session.scalars(
                    select(SkillRow).where(SkillRow.team_id == team_id, SkillRow.enabled.is_(True))
                )
            ).all()
        found = []
        for row in rows:
            result = _parse(row.markdown, row.slug)
            if result.skill is not None:
                found.append(StoredSkill(result.skill, row.source, row.markdown, row.created_by))
        return found

    async def list(self, team_id: str = "") -> list[StoredSkill]:
        """Every skill of the workspace, built-ins included, by name."""
        own = await self._workspace(team_id)
        ids = {s.skill.id for s in own}
        merged = [s for s in builtin_skills() if s.skill.id not in ids] + own
        return sorted(merged, key=lambda s: s.skill.name.lower())

    async def get(self, team_id: str, name: str) -> StoredSkill | None:
        for stored in await self.list(team_id):
            if _same_name(stored, name):
                return stored
        if not team_id:  # a caller without a workspace (a trigger rule): any workspace's skill
            async with self.db.session() as session:
                rows = (await session.scalars(select(SkillRow).where(SkillRow.enabled.is_(True)))).all()
            for row in rows:
                result = _parse(row.markdown, row.slug)
                if result.skill is not None and _same_name(StoredSkill(result.skill, row.source, ""), name):
                    return StoredSkill(result.skill, row.source, row.markdown, row.created_by)
        return None

    async def suggest(self, team_id: str, name: str) -> list[str]:
        names = [s.skill.id for s in await self.list(team_id)]
        return [m[0] for m in process.extract(name, names, scorer=fuzz.WRatio, limit=3, score_cutoff=60)]

    def check(self, markdown: str) -> ParseResult:
        """Parse and validate without storing."""
        return validate(_parse(markdown, None), self.catalog)

    async def add(self, team_id: str, markdown: str, created_by: str | None = None) -> AddOutcome:
        """Validate and store a skill for the workspace; with errors nothing is stored."""
        result = self.check(markdown)
        if not result.ok or result.skill is None:
            return AddOutcome(result)
        skill = result.skill
        for builtin in builtin_skills():  # the same title replaces the built-in, under its id
            if builtin.skill.name.lower() == skill.name.lower():
                skill = skill.model_copy(update={"id": builtin.skill.id})
                result = result.model_copy(update={"skill": skill})
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(SkillRow).where(SkillRow.team_id == team_id, SkillRow.slug == skill.id)
            )
            replaced = row is not None or any(b.skill.id == skill.id for b in builtin_skills())
            if row is None:
                row = SkillRow(team_id=team_id, slug=skill.id)
                session.add(row)
            row.name = skill.name
            row.description = skill.description
            row.trigger_patterns = [p.text for p in skill.trigger.patterns] + [
                f"event:{e.event}" for e in skill.trigger.events
            ]
            row.steps = [s.model_dump(mode="json") for s in skill.steps]
            row.variables = [v.model_dump(mode="json") for v in skill.variables]
            row.approval_policy = list(skill.approval_policy)
            row.markdown = markdown
            row.enabled = True
            row.source = "user"
            row.created_by = created_by
        return AddOutcome(result, StoredSkill(skill, "user", markdown, created_by), replaced)

    async def remove(self, team_id: str, name: str) -> RemoveOutcome:
        stored = await self.get(team_id, name)
        if stored is None:
            close = await self.suggest(team_id, name)
            hint = f" Did you mean {', '.join(close)}?" if close else " `/csm skills` lists them."
            return RemoveOutcome(False, f'There is no skill called "{name}".{hint}')
        if stored.source == "builtin":
            return RemoveOutcome(
                False,
                f'"{stored.skill.name}" is built in and cannot be removed; '
                "add your own skill with the same title to replace it.",
            )
        async with self.db.transaction() as session:
            await session.execute(
                delete(SkillRow).where(SkillRow.team_id == team_id, SkillRow.slug == stored.skill.id)
            )
        builtin = any(b.skill.id == stored.skill.id for b in builtin_skills())
        after = " The built-in version is back." if builtin else ""
        return RemoveOutcome(True, f'Removed the skill "{stored.skill.name}".{after}')
