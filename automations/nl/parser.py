"""The offline parser: tokens -> trigger clause -> schedule -> event -> actions -> scope -> leftovers.

Nothing half-understood comes out: a word that no slot consumed and that is not filler refuses
the sentence, and the refusal says what was understood and what was not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from automations.definition import Action, AutomationDefinition
from automations.nl import actions as actions_nl
from automations.nl import events, recurrence, schedule, scope
from automations.nl.lexicon import CUSTOMER_NOUNS, FILLER
from automations.nl.tokens import Sentence

EXAMPLE_ACTION = "send me a summary of customers with health score below 70"
EXAMPLE_WHEN = "every Monday at 9am"
EXAMPLE_EVENT = "when a customer hasn't logged in for 14 days"


class ParseRefused(ValueError):
    """The sentence is not fully understood; `str()` is the sentence to show."""

    def __init__(
        self, message: str, understood: list[str] | None = None, not_understood: list[str] | None = None
    ):
        super().__init__(message)
        self.understood = understood or []
        self.not_understood = not_understood or []


@dataclass
class ParseResult:
    definition: AutomationDefinition
    backend: str = "offline"
    note: str | None = None  # e.g. why Claude was not used
    understood: list[str] = field(default_factory=list)


def _spans(s: Sentence, prefixes: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    k = 0
    n = len(s)
    while k < n:
        if s.owner[k] and s.owner[k].startswith(prefixes):  # type: ignore[union-attr]
            j = k
            while j < n and (
                (s.owner[j] and s.owner[j].startswith(prefixes))  # type: ignore[union-attr]
                or (
                    s.owner[j] is None
                    and s.low(j) in FILLER
                    and s.kind(j) != "punct"
                    and j + 1 < n
                    and s.owner[j + 1]
                    and s.owner[j + 1].startswith(prefixes)
                )  # type: ignore[union-attr]
            ):
                j += 1
            out.append(s.span(k, j))
            k = j
        else:
            k += 1
    return out


def _quote(parts: list[str]) -> str:
    return " … ".join(parts)


def parse_offline(
    text: str,
    *,
    now: datetime | None = None,
    customer_names: list[str] | None = None,
    timezone: str | None = None,
    playbooks: list[str] | None = None,
) -> ParseResult:
    """Parse one sentence. Raises ParseRefused with a sentence naming what was not understood."""
    text = " ".join(text.split())
    if not text:
        raise ParseRefused(f"Tell me what to automate, e.g. '{EXAMPLE_WHEN}, {EXAMPLE_ACTION}'.")
    zone = ZoneInfo(timezone) if timezone else UTC
    now = (now or datetime.now(UTC)).astimezone(zone)
    s = Sentence.of(text)
    clause = events.find_clause(s) or events.find_before_renewal(s)
    skip = set(range(clause.start, clause.end)) if clause else set()
    try:
        sch = schedule.extract(s, now, skip)
        schedule_trigger = recurrence.build(sch)
    except schedule.ScheduleError as exc:
        raise ParseRefused(f"That schedule cannot happen: {exc}.") from exc
    event = events.extract(s, clause) if clause else None
    if clause and not event and s.free(clause.start) and s.low(clause.start) in ("if", "when", "where"):
        s.take(clause.start, clause.start + 1, "glue")
    if event and schedule_trigger:
        raise ParseRefused(
            "It says both a schedule and an event; an automation runs on one of them. "
            f"Try '{EXAMPLE_WHEN}, …' or '{EXAMPLE_EVENT}, …' on its own."
        )
    trigger: dict[str, Any] | None = event or schedule_trigger
    if trigger is None and sch.once_date is None and (sch.times or sch.tz):
        trigger = None
    n = len(s)
    marker_less = clause is not None and s.low(clause.start) not in events.MARKERS | {
        "every",
        "each",
        "any",
        "as",
    }
    regions = [(0, n)] if clause is None or marker_less else [(0, clause.start), (clause.end, n)]
    found_actions = actions_nl.extract(s, regions, playbooks)
    filters, customer = scope.extract(s, customer_names)

    understood_when = _spans(s, ("schedule", "trigger"))
    understood_what = _spans(s, ("action",))
    leftovers = [
        s.toks[k].text
        for k in range(n)
        if s.owner[k] is None
        and s.low(k) not in FILLER
        and s.low(k) not in CUSTOMER_NOUNS
        and s.kind(k) != "punct"
    ]
    understood = understood_when + understood_what + _spans(s, ("scope",))
    if trigger is None and not found_actions:
        raise ParseRefused(
            f"I could not tell when this should run or what it should do. Try: '{EXAMPLE_WHEN}, {EXAMPLE_ACTION}' "
            f"or '{EXAMPLE_EVENT}, draft a re-engagement email'.",
            understood,
            leftovers,
        )
    if not found_actions:
        raise ParseRefused(
            f"I understood '{_quote(understood_when)}' but not what to do"
            + (f" ('{' '.join(leftovers)}')" if leftovers else "")
            + f". Try: '{_quote(understood_when)}, {EXAMPLE_ACTION}'.",
            understood,
            leftovers,
        )
    if trigger is None:
        raise ParseRefused(
            f"I understood '{_quote(understood_what)}' but not when to do it"
            + (f" ('{' '.join(leftovers)}')" if leftovers else "")
            + f". Add a schedule ('{EXAMPLE_WHEN}') or an event ('{EXAMPLE_EVENT}').",
            understood,
            leftovers,
        )
    if any(w.lower() == "or" for w in leftovers):
        raise ParseRefused(
            f"I understood '{_quote(understood)}', but filters combine with 'and' only: for 'or', "
            "make two automations.",
            understood,
            leftovers,
        )
    if leftovers:
        raise ParseRefused(
            f"I understood '{_quote(understood)}' but not '{' '.join(leftovers)}'. "
            "Rephrase that part, or leave it out.",
            understood,
            leftovers,
        )
    problems: list[str] = []
    checked: list[Action] = []
    for raw in found_actions:
        try:
            checked.append(Action.model_validate(raw))
        except ValidationError as exc:
            problems.append(_first_error(exc))
    if problems:
        raise ParseRefused(f"I understood '{_quote(understood)}' but {problems[0]}.", understood, [])
    try:
        definition = AutomationDefinition.model_validate(
            {
                "name": "automation",
                "trigger": trigger,
                "scope": {"customer": customer, "filters": filters},
                "actions": [a.model_dump() for a in checked],
            }
        )
    except ValidationError as exc:
        raise ParseRefused(
            f"I understood '{_quote(understood)}' but {_first_error(exc)}.", understood
        ) from exc
    from automations.describe import name_for

    definition.name = name_for(definition)
    return ParseResult(definition, understood=understood)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    if "playbook" in msg:
        return "not which playbook to run (say e.g. 'start the risk mitigation playbook')"
    if "skill" in msg:
        return "not which skill to run (say e.g. 'run the account-review skill')"
    if '"to"' in msg:
        return "a summary goes to 'me' or to a #channel"
    return msg
