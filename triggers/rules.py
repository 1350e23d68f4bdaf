"""Rule storage: the default rules file, installing it, listing and switching rules."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select, update

from store import Database
from store.models import TriggerRule
from triggers.model import RuleFile, RuleSpec
from triggers.sql import insert_ignore

DEFAULT_RULES_PATH = Path(__file__).with_name("default_rules.yaml")


def load_rule_file(path: Path | str) -> RuleFile:
    """Read and validate a rule file; ValueError naming the file and the first problem."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read rules: {exc}") from None
    try:
        return RuleFile.model_validate(raw or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ValueError(f"{path}: {where}: {err['msg']}") from None


@lru_cache(maxsize=1)
def default_rules() -> tuple[RuleSpec, ...]:
    return tuple(load_rule_file(DEFAULT_RULES_PATH).rules)


def _row(spec: RuleSpec, *, is_default: bool, owner: str | None = None) -> dict[str, Any]:
    return {
        "slug": spec.slug,
        "name": spec.name,
        "trigger_type": spec.type,
        "params": spec.params,
        "scope": spec.scope.model_dump(exclude_none=True),
        "actions": [a.model_dump() for a in spec.actions],
        "enabled": spec.enabled,
        "run_mode": spec.run_mode,
        "cooldown_minutes": spec.cooldown_minutes,
        "owner_slack_id": owner,
        "is_default": is_default,
        "fire_count": 0,
    }


async def install_default_rules(db: Database) -> int:
    """Insert the default rules that are not there yet (by slug); returns how many were added.

    Idempotent and safe when several processes start at once: a rule a CSM disabled stays disabled.
    """
    rows = [_row(spec, is_default=True) for spec in default_rules()]
    stmt = insert_ignore(db.dialect, TriggerRule, ["slug"]).returning(TriggerRule.id)
    async with db.transaction() as s:
        added = (await s.execute(stmt, rows)).all()
    return len(added)


async def save_rule(
    db: Database, spec: RuleSpec, *, owner: str | None = None, automation_id: int | None = None
) -> int:
    """Create or replace the rule with `spec.slug`; returns its id. Counters and firings are kept."""
    values = _row(spec, is_default=False, owner=owner)
    async with db.transaction() as s:
        existing = (
            await s.execute(select(TriggerRule).where(TriggerRule.slug == spec.slug))
        ).scalar_one_or_none()
        if existing is None:
            rule = TriggerRule(**values, automation_id=automation_id)
            s.add(rule)
            await s.flush()
            return rule.id
        for key in (
            "name",
            "trigger_type",
            "params",
            "scope",
            "actions",
            "enabled",
            "run_mode",
            "cooldown_minutes",
        ):
            setattr(existing, key, values[key])
        if automation_id is not None:
            existing.automation_id = automation_id
        return existing.id


async def list_rules(db: Database) -> list[TriggerRule]:
    async with db.session() as s:
        return list((await s.execute(select(TriggerRule).order_by(TriggerRule.id))).scalars().all())


async def set_enabled(db: Database, rule_id: int, enabled: bool) -> TriggerRule | None:
    """Switch a rule on or off; None when there is no such rule."""
    async with db.transaction() as s:
        await s.execute(update(TriggerRule).where(TriggerRule.id == rule_id).values(enabled=enabled))
        return (await s.execute(select(TriggerRule).where(TriggerRule.id == rule_id))).scalar_one_or_none()
