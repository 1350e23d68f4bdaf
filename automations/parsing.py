"""One interface, two backends: Claude (structured output with the definition's JSON schema) when
a client is configured, else the offline parser. When Claude fails, the offline parser answers and
the result says so."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from automations.definition import PLAYBOOK_SLUGS, AutomationDefinition
from automations.nl.parser import ParseRefused, ParseResult, parse_offline
from llm.client import LlmUnavailable

log = logging.getLogger(__name__)


class ClaudeParse(BaseModel):
    """What Claude returns: the definition, or what it could not understand."""

    understood: bool = Field(description="true only when every part of the text maps onto the definition")
    definition: AutomationDefinition | None = None
    not_understood: str | None = Field(
        None, description="the words that could not be mapped, when understood=false"
    )


SYSTEM = """You turn a Customer Success Manager's sentence into an automation definition.
Rules (follow exactly):
- trigger.kind "schedule": "cron" is five fields (minute hour day-of-month month day-of-week, Sunday = 0,
  crontab(5)); when cron cannot say it ("every other Friday", "first business day of the month",
  "first Monday of the month", "last day of the month", "every 3 days") set cron null and "rrule" to an
  RFC 5545 RRULE without DTSTART, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0.
  "timezone": an IANA name only when the text states one (ET -> America/New_York, PT -> America/Los_Angeles,
  CT -> America/Chicago, MT -> America/Denver, UTC/GMT -> UTC, CET -> Europe/Berlin), else null.
  No time given: 09:00. Weekly without a day: Monday. Monthly: the 1st. Quarterly: 0 9 1 1,4,7,10 *.
- trigger.kind "once" with "at" ISO 8601 (local time, with an offset only when a timezone is stated).
- trigger.kind "trigger" with "type" one of the 13 types and its params:
  health_score_drop {drop, within_days} or {below}; no_login {days}; ticket_escalated {priority?};
  ticket_created {priority?}; renewal_approaching {days}; nps_submitted {max_score?, min_score?};
  champion_left {}; usage_spike {percent}; usage_drop {percent}; contract_milestone {milestone};
  meeting_ended {}; negative_sentiment {threshold?}; payment_overdue {days}.
- scope.customer: a customer named in the text, else null. scope.filters: {field, op, value} with fields
  health_score, arr, renewal_in_days, days_since_login, nps, segment, tier, owner, open_tickets,
  usage_change_pct and ops < <= > >= == !=. "my customers" is owner == "me". "at-risk" is health_score < 70.
  Money is a number in dollars ($100k -> 100000).
- actions: send_summary {to}, alert_csm {}, send_slack {channel}, draft_email {template?},
  send_email {template?}, create_task {title, due_in_days?}, run_playbook {playbook}, run_skill {skill},
  create_meeting_notes {}, update_health_score {}, log_activity {}. "to" is "me" or a "#channel".
  Playbooks: {playbooks}. Templates are short slugs ("re-engagement", "follow-up").
- requires_approval is true when any action is send_email.
- If any part of the text cannot be mapped, set understood=false, definition null, and name that part
  in not_understood. Never invent what the text does not say.
Today is {today} ({tz})."""


async def parse(
    text: str,
    *,
    client: Any = None,
    now: datetime | None = None,
    customer_names: list[str] | None = None,
    timezone: str | None = None,
    playbooks: list[str] | None = None,
) -> ParseResult:
    """Parse with Claude when `client` is given (falling back offline on failure), else offline.

    Raises ParseRefused when the sentence is not fully understood."""
    now = now or datetime.now(UTC)
    if client is None:
        return parse_offline(
            text, now=now, customer_names=customer_names, timezone=timezone, playbooks=playbooks
        )
    system = SYSTEM.replace("{playbooks}", ", ".join(sorted(set(PLAYBOOK_SLUGS) | set(playbooks or []))))
    system = system.replace("{today}", now.strftime("%A %Y-%m-%d %H:%M")).replace("{tz}", timezone or "UTC")
    if customer_names:
        system += "\nKnown customers: " + "; ".join(customer_names[:300])
    try:
        answer = await client.structured(
            system=system, prompt=text, schema=ClaudeParse, name="automation_definition"
        )
        assert isinstance(answer, ClaudeParse)
    except (LlmUnavailable, ValidationError, AssertionError) as exc:
        log.warning("Claude could not parse the automation (%s); parsing offline", exc)
        result = parse_offline(
            text, now=now, customer_names=customer_names, timezone=timezone, playbooks=playbooks
        )
        result.note = f"Claude did not answer ({_short(exc)}), so I parsed this offline."
        return result
    if not answer.understood or answer.definition is None:
        raise ParseRefused(
            f"I did not understand '{answer.not_understood or text}'. "
            "Try: 'every Monday at 9am, send me a summary of customers with health score below 70'."
        )
    return ParseResult(answer.definition, backend="claude")


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]
