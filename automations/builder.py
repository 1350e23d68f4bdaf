"""From a parsed definition to a preview a CSM can trust: checks, echo, the next three runs.

Checks: the named customer exists (one match; several are offered as choices), playbooks and
skills exist, #channels exist (through `slack.list_channels` when the registry has it), the
schedule fires at least once, filters compile to SQL, and customer-facing sends ask for approval.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from automations.definition import PLAYBOOK_SLUGS, AutomationDefinition, EventTrigger, needs_approval
from automations.describe import echo
from automations.nl.customers import candidates
from automations.timing import effective_timezone, next_runs
from store import Database
from store.models import Customer, Playbook, Skill
from tools.model import ToolContext

log = logging.getLogger(__name__)


@dataclass
class Preview:
    text: str
    definition: AutomationDefinition
    echo: str
    timezone: str
    next_runs: list[datetime] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    customer_choices: list[str] = field(default_factory=list)  # an ambiguous customer: ask with buttons
    backend: str = "offline"
    note: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.customer_choices

    def to_json(self) -> dict[str, Any]:
        return {
            "definition": self.definition.to_json(),
            "echo": self.echo,
            "timezone": self.timezone,
            "next_runs": [t.isoformat() for t in self.next_runs],
            "errors": self.errors,
            "warnings": self.warnings,
            "customer_choices": self.customer_choices,
            "backend": self.backend,
            "note": self.note,
        }


async def known_playbooks(db: Database | None) -> set[str]:
    slugs = set(PLAYBOOK_SLUGS)
    if db is not None:
        async with db.session() as s:
            slugs |= set((await s.scalars(select(Playbook.slug))).all())
    return slugs


async def known_skills(db: Database | None, team_id: str = "") -> set[str]:
    from skills.library import builtin_skills

    slugs = {s.skill.id for s in builtin_skills()}
    if db is not None:
        async with db.session() as s:
            rows = (
                (await s.execute(select(Skill.slug).where(Skill.team_id.in_([team_id, ""])))).scalars().all()
            )
            slugs |= set(rows)
    return slugs


async def customer_names(db: Database) -> list[str]:
    async with db.session() as s:
        return list((await s.scalars(select(Customer.name).where(Customer.status == "active"))).all())


async def channel_names(registry: Any, ctx: ToolContext) -> set[str] | None:
    """'#name' of every channel Slack lists, or None when that cannot be asked."""
    if registry is None or registry.get("slack.list_channels") is None:
        return None
    result = await registry.invoke("slack.list_channels", {"limit": 1000}, ctx)
    if not result.success:
        log.info("could not list channels: %s", result.error)
        return None
    data = result.data or {}
    items = data.get("channels", data) if isinstance(data, dict) else data
    names: set[str] = set()
    for item in items or []:
        name = item.get("name") if isinstance(item, dict) else str(item)
        if name:
            names.add("#" + name.lstrip("#").lower())
    return names


async def build_preview(
    text: str,
    definition: AutomationDefinition,
    *,
    db: Database | None,
    default_tz: str = "UTC",
    user_tz: str | None = None,
    registry: Any = None,
    ctx: ToolContext | None = None,
    now: datetime | None = None,
    backend: str = "offline",
    note: str | None = None,
) -> Preview:
    now = now or datetime.now(UTC)
    tz = effective_timezone(definition, user_tz, default_tz)
    definition.requires_approval = definition.requires_approval or needs_approval(definition.actions)
    preview = Preview(text, definition, echo(definition, tz), tz, backend=backend, note=note)
    if not isinstance(definition.trigger, EventTrigger):
        preview.next_runs = next_runs(definition, tz, now=now)
        if not preview.next_runs:
            preview.errors.append("That schedule never runs again (a one-off time in the past?).")
    await _check_scope(preview, db)
    await _check_targets(preview, db, registry, ctx)
    return preview


async def _check_scope(preview: Preview, db: Database | None) -> None:
    from triggers.filters import validate_filters
    from triggers.model import Filter as TriggerFilter

    d = preview.definition
    problem = validate_filters([TriggerFilter.model_validate(f.model_dump()) for f in d.scope.filters])
    if problem:
        preview.errors.append(problem)
    if not d.scope.customer or db is None:
        return
    names = await customer_names(db)
    found = candidates(d.scope.customer, names)
    if not found:
        preview.errors.append(f"No customer matches '{d.scope.customer}'.")
    elif len(found) == 1:
        if found[0] != d.scope.customer:
            preview.warnings.append(f"'{d.scope.customer}' is {found[0]}.")
            d.scope.customer = found[0]
    else:
        preview.customer_choices = found


async def _check_targets(
    preview: Preview, db: Database | None, registry: Any, ctx: ToolContext | None
) -> None:
    d = preview.definition
    playbooks = skills = channels = None
    for action in d.actions:
        p = action.params
        if action.type == "run_playbook":
            playbooks = playbooks if playbooks is not None else await known_playbooks(db)
            if p["playbook"] not in playbooks:
                preview.errors.append(
                    f"There is no playbook '{p['playbook']}'. Playbooks: {', '.join(sorted(playbooks))}."
                )
        elif action.type == "run_skill":
            skills = skills if skills is not None else await known_skills(db, ctx.team_id if ctx else "")
            if p["skill"] not in skills:
                preview.errors.append(f"There is no skill '{p['skill']}'. `/csm skills` lists them.")
        for key in ("to", "channel"):
            target = p.get(key)
            if isinstance(target, str) and target.startswith("#"):
                if channels is None and ctx is not None:
                    channels = await channel_names(registry, ctx) or set()
                if channels and target.lower() not in channels:
                    preview.errors.append(f"There is no channel {target} (or the app is not in it).")
                elif not channels:
                    preview.warnings.append(f"Could not check that {target} exists.")
