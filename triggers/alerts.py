"""What a firing says: the alert (what happened, with the numbers; why it matters; which playbook)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field

PLAYBOOK_FOR = {
    "renewal_approaching": "renewal-90-day",
    "health_score_drop": "risk-mitigation",
    "no_login": "risk-mitigation",
    "usage_drop": "risk-mitigation",
    "nps_submitted": "risk-mitigation",
    "champion_left": "risk-mitigation",
    "ticket_escalated": "risk-mitigation",
    "negative_sentiment": "risk-mitigation",
    "payment_overdue": "risk-mitigation",
    "usage_spike": "expansion-opportunity",
}


class Alert(BaseModel):
    """One firing, ready to be shown to the customer's CSM."""

    firing_id: int
    rule_id: int
    rule_slug: str
    rule_name: str
    trigger_type: str
    customer_id: int
    customer_name: str
    csm_slack_id: str | None = None
    slack_channel: str | None = None
    cause: str
    what: str
    why: str
    playbook: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    fired_at: datetime

    @property
    def headline(self) -> str:
        return f"{self.customer_name}: {self.what}"


def suggested_playbook(trigger_type: str, details: dict[str, Any]) -> str | None:
    if trigger_type == "contract_milestone":
        name = str(details.get("milestone") or "").lower()
        if "renew" in name:
            return "renewal-90-day"
        if any(k in name for k in ("kickoff", "kick-off", "onboard", "go-live", "go_live", "launch")):
            return "onboarding-30-60-90"
        if "qbr" in name or "business review" in name:
            return "qbr-preparation"
        return None
    return PLAYBOOK_FOR.get(trigger_type)


def as_datetime(v: Any) -> datetime:
    """A timestamp from the database's JSON (ISO text in either dialect's style) or a datetime."""
    if isinstance(v, str):
        v = datetime.fromisoformat(v.replace("Z", "+00:00"))
    if isinstance(v, datetime) and v.tzinfo is None:
        v = v.replace(tzinfo=UTC)
    return v


def as_date(v: Any) -> date:
    if isinstance(v, str):
        return date.fromisoformat(v[:10])
    return v.date() if isinstance(v, datetime) else v


def _days(a: date | datetime, b: date | datetime) -> int:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return int((a - b).total_seconds() // 86400)
    a = a.date() if isinstance(a, datetime) else a
    b = b.date() if isinstance(b, datetime) else b
    return (a - b).days


def _money(v: Any) -> str:
    try:
        return f"${float(v):,.0f}"
    except (TypeError, ValueError):
        return "an amount"


def _pct(this_week: float, last_week: float) -> float:
    return (this_week - last_week) * 100.0 / last_week if last_week else 0.0


def describe(trigger_type: str, d: dict[str, Any], now: datetime) -> tuple[str, str]:
    """(what happened, why it matters) for one candidate's detail columns."""
    if trigger_type == "health_score_drop":
        if d.get("below") is not None:
            return (
                f"health score is {d['score']}, below {d['below']}",
                "A score under the line means the account needs a plan before it shows up in the renewal.",
            )
        return (
            f"health score fell {d['peak'] - d['score']} points to {d['score']} (from {d['peak']} "
            f"within {d['within_days']} days)",
            "A fast drop usually has one cause (usage, a ticket, a lost champion) that is still fixable.",
        )
    if trigger_type == "no_login":
        last = as_datetime(d["last_login_at"])
        return (
            f"no login for {_days(now, last)} days (last on {last:%Y-%m-%d})",
            "Accounts that stop logging in stop seeing value; silence is the earliest churn signal.",
        )
    if trigger_type in ("ticket_escalated", "ticket_created"):
        prio = f" {d['priority']}-priority" if d.get("priority") else ""
        subject = f": {d['subject']}" if d.get("subject") else ""
        verb = "escalated" if trigger_type == "ticket_escalated" else "opened"
        return (
            f"{verb}{prio} ticket {d['ticket_id']}{subject}",
            "An escalation is the customer telling you it hurts; a quick, visible owner keeps trust."
            if trigger_type == "ticket_escalated"
            else "A new ticket is a chance to get ahead of the problem before it escalates.",
        )
    if trigger_type == "renewal_approaching":
        renewal = as_date(d["renewal_date"])
        left = _days(renewal, now.date())
        return (
            f"renewal on {renewal:%Y-%m-%d}, in {left} days ({d['mark']}-day mark)",
            "Renewals are won in the months before the date: confirm value, stakeholders and paperwork now.",
        )
    if trigger_type == "nps_submitted":
        who = f" from {d['respondent']}" if d.get("respondent") else ""
        comment = f' "{d["comment"]}"' if d.get("comment") else ""
        why = (
            "A detractor who hears back within days often turns passive or promoter; one who does not tells peers."
            if d["nps"] <= 6
            else "Follow up while the response is fresh."
        )
        return (f"NPS {d['nps']}{who}{comment}", why)
    if trigger_type == "champion_left":
        role = f" ({d['role']})" if d.get("role") else ""
        return (
            f"champion {d['champion']}{role} left",
            "Without a champion the renewal has no internal advocate; find and win the next one.",
        )
    if trigger_type in ("usage_drop", "usage_spike"):
        pct = _pct(d["this_week"], d["last_week"])
        return (
            f"{d['metric']} {'down' if pct < 0 else 'up'} {abs(pct):.0f}% week over week "
            f"({d['this_week']:,.0f} vs {d['last_week']:,.0f})",
            "A sharp drop in usage comes before churn; find out what changed."
            if trigger_type == "usage_drop"
            else "A jump in usage is the moment to talk about expansion.",
        )
    if trigger_type == "contract_milestone":
        return (
            f"contract milestone {d['milestone']} on {as_date(d['date']):%Y-%m-%d}",
            "Milestones are the dates the customer measures you by.",
        )
    if trigger_type == "meeting_ended":
        topic = f" ({d['topic']})" if d.get("topic") else ""
        return (
            f"meeting {d['meeting_id']}{topic} ended",
            "Send the recap and the action items while they are fresh.",
        )
    if trigger_type == "negative_sentiment":
        topic = f" {d['topic']}" if d.get("topic") else ""
        return (
            f"negative sentiment ({d['sentiment']:+.2f}) in meeting{topic}",
            "What a customer says on a call shows up in the renewal months later.",
        )
    if trigger_type == "payment_overdue":
        overdue = _days(now.date(), as_date(d["due_date"]))
        return (
            f"invoice {d['invoice_id']} for {_money(d['amount'])} is {overdue} days overdue",
            "An unpaid invoice is often a sign of a budget or champion problem, not just accounts payable.",
        )
    return (f"{trigger_type} fired", "")


def jsonable(d: dict[str, Any]) -> dict[str, Any]:
    """Detail columns as JSON-safe values (dates as ISO text)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        out[k] = v.isoformat() if isinstance(v, date | datetime) else v
    return out
