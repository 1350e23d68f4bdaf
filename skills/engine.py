"""The skills engine: what `bot/` and `app.py` call.

`match(text)` is the DM router's hook; `run_phrase` runs the matched skill (or returns the question
to ask when the customer is ambiguous or a required variable is missing); `event_rules` are the
trigger rules that run skills on their `event:` triggers (through the `skills.run` tool).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from skills.catalog import RegistryCatalog
from skills.executor import ReportCallback, SkillExecutor
from skills.library import AddOutcome, SkillLibrary, StoredSkill
from skills.matching import (
    CustomerRef,
    CustomerResolution,
    SkillMatch,
    customer_slot,
    match_skill,
    resolve_customer,
)
from skills.model import BUILTIN_VARIABLES, Skill
from skills.runs import SkillRunReport, recent_runs
from store.models import Customer


@dataclass
class PhraseMatch:
    """A phrase matched to a skill, with its customer resolved (or the question to ask)."""

    match: SkillMatch
    variables: dict[str, Any] = field(default_factory=dict)
    customer: CustomerRef | None = None
    resolution: CustomerResolution | None = None
    question: str | None = None

    @property
    def skill(self) -> Skill:
        return self.match.skill

    @property
    def ready(self) -> bool:
        return self.question is None


@dataclass
class RunOutcome:
    report: SkillRunReport | None = None
    question: str | None = None  # asked instead of running
    match: PhraseMatch | None = None


class SkillEngine:
    def __init__(
        self,
        db: Any,
        registry: Any,
        *,
        on_report: ReportCallback | None = None,
        retry_backoff_s: float = 0.5,
        install_rules: Callable[[list[dict[str, Any]]], Awaitable[Any]] | None = None,
    ) -> None:
        self.install_rules = install_rules  # app.py: saves trigger rules (see event_rules)
        self.db = db
        self.registry = registry
        self.library = SkillLibrary(db, RegistryCatalog(registry))
        self.executor = SkillExecutor(db, registry, on_report=on_report, retry_backoff_s=retry_backoff_s)
        self.register_tools()

    def register_tools(self) -> None:
        """Add `skills.run` and `skills.list` to the registry (triggers' and automations' run_skill)."""
        from skills.registry_tools import skill_tools

        if hasattr(self.registry, "register"):
            for tool in skill_tools(self):
                self.registry.register(tool, replace=True)

    async def event_rules(self, team_id: str = "") -> list[dict[str, Any]]:
        """Trigger rules (triggers' RuleSpec shape) that run each skill on its `event:` triggers.

        The triggers engine evaluates them, fires once per cause and calls `skills.run`. Rules of
        built-in skills come disabled (a CSM turns them on in `/csm triggers`); a workspace's own
        skills asked for their events, so theirs are enabled.
        """
        specs = []
        for stored in await self.library.list(team_id):
            skill = stored.skill
            for event in skill.trigger.events:
                specs.append(
                    {
                        "slug": f"skill-{skill.id}-{event.event}"[:100].replace("_", "-"),
                        "name": f"{skill.name} on {event.event.replace('_', ' ')}",
                        "type": event.event,
                        "params": dict(event.params),
                        "actions": [{"type": "run_skill", "params": {"skill": skill.id}}],
                        "enabled": stored.source != "builtin",
                        "description": f"Runs the skill {skill.id} when {event.event.replace('_', ' ')} fires.",
                    }
                )
        return specs

    async def add(self, team_id: str, markdown: str, created_by: str | None = None) -> AddOutcome:
        """Store a workspace skill and install the trigger rules of its events."""
        outcome = await self.library.add(team_id, markdown, created_by)
        if outcome.stored is not None and outcome.stored.skill.trigger.events and self.install_rules:
            skill_id = outcome.stored.skill.id
            specs = [
                r for r in await self.event_rules(team_id) if r["actions"][0]["params"]["skill"] == skill_id
            ]
            await self.install_rules(specs)
        return outcome

    async def recent_runs(
        self, *, user_id: str | None = None, customer_id: int | None = None, limit: int = 5
    ) -> list[SkillRunReport]:
        runs = await recent_runs(self.db, user_id=user_id, customer_id=customer_id, limit=limit)
        return [SkillRunReport.of(state) for state in runs]

    async def customers(self) -> list[CustomerRef]:
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(Customer.id, Customer.name, Customer.domain, Customer.external_id).where(
                        Customer.status != "deleted"
                    )
                )
            ).all()
        return [CustomerRef(r.id, r.name, r.domain, r.external_id) for r in rows]

    async def match(self, text: str, team_id: str = "") -> PhraseMatch | None:
        """The skill a sentence asks for, or None (then the DM goes elsewhere)."""
        stored = await self.library.list(team_id)
        found = match_skill(text, [s.skill for s in stored])
        if found is None:
            return None
        phrase = PhraseMatch(found, variables=dict(found.slots))
        slot = customer_slot(found.slots)
        if slot is not None:
            query = found.slots[slot]
            resolution = resolve_customer(query, await self.customers())
            phrase.resolution = resolution
            if resolution.customer is not None:
                phrase.customer = resolution.customer
                phrase.variables[slot] = resolution.customer.name
            else:
                phrase.question = resolution.question(query)
                return phrase
        missing = self._missing(found.skill, phrase.variables, phrase.customer)
        if missing:
            wanted = ", ".join(missing)
            phrase.question = (
                f'"{found.skill.name}" needs {wanted}; say it in the sentence, e.g. "{found.pattern}".'
            )
        return phrase

    @staticmethod
    def _missing(skill: Skill, variables: dict[str, Any], customer: CustomerRef | None) -> list[str]:
        missing = []
        for variable in skill.variables:
            if variable.kind != "required" or variables.get(variable.name) not in (None, ""):
                continue
            if variable.name in ("customer", "customer_id", "customer_name") and customer is not None:
                continue
            if variable.name in BUILTIN_VARIABLES and variable.name not in ("customer_id", "customer_name"):
                continue
            missing.append(variable.name)
        return missing

    async def run_phrase(
        self,
        text: str,
        *,
        user_id: str,
        team_id: str = "",
        channel: str | None = None,
        thread_ts: str | None = None,
    ) -> RunOutcome:
        phrase = await self.match(text, team_id)
        if phrase is None:
            return RunOutcome(question=await self.no_match_hint(text, team_id))
        if not phrase.ready:
            return RunOutcome(question=phrase.question, match=phrase)
        report = await self.executor.start(
            phrase.skill,
            user_id=user_id,
            team_id=team_id,
            variables=phrase.variables,
            customer_id=phrase.customer.id if phrase.customer else None,
            customer_name=phrase.customer.name if phrase.customer else None,
            channel=channel,
            thread_ts=thread_ts,
        )
        return RunOutcome(report=report, match=phrase)

    async def no_match_hint(self, text: str, team_id: str) -> str:
        examples = [
            s.skill.trigger.patterns[0].text
            for s in await self.library.list(team_id)
            if s.skill.trigger.patterns
        ]
        sample = "; ".join(f'"{e}"' for e in examples[:3])
        return f'No skill matches "{text}". Try {sample}, or `/csm skills` for the list.'

    async def run(
        self,
        stored: StoredSkill,
        *,
        user_id: str,
        team_id: str = "",
        customer: CustomerRef | None = None,
        variables: dict[str, Any] | None = None,
        channel: str | None = None,
        thread_ts: str | None = None,
        notify: bool = False,
    ) -> SkillRunReport:
        values = dict(variables or {})
        if customer is not None:
            values.setdefault("customer", customer.name)
        return await self.executor.start(
            stored.skill,
            user_id=user_id,
            team_id=team_id,
            variables=values,
            customer_id=customer.id if customer else None,
            customer_name=customer.name if customer else None,
            channel=channel,
            thread_ts=thread_ts,
            notify=notify,
        )
