"""Plain-language echoes of a definition: "Every Monday at 09:00 UTC: send you a summary of customers
with health score below 70". cron-descriptor reads the cron; RRULEs and triggers are read here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from automations.definition import (
    Action,
    AutomationDefinition,
    EventTrigger,
    Filter,
    OnceTrigger,
    ScheduleTrigger,
)

DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
OPS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "", "!=": "not"}
FIELD_WORDS = {
    "health_score": "health score",
    "arr": "ARR",
    "renewal_in_days": "renewal in",
    "days_since_login": "days since last login",
    "nps": "NPS",
    "segment": "segment",
    "tier": "tier",
    "owner": "owner",
    "open_tickets": "open tickets",
    "usage_change_pct": "usage change",
}


def _filter(f: Filter) -> str:
    if f.field == "owner":
        return (
            "yours"
            if (f.op == "==" and f.value == "me")
            else f"not owned by {'you' if f.value == 'me' else f.value}"
        )
    if f.field in ("segment", "tier"):
        return f"{'not ' if f.op == '!=' else ''}{f.field} {f.value}"
    value: Any = f.value
    if f.field == "arr":
        value = f"${float(value):,.0f}"
    elif f.field == "usage_change_pct":
        value = f"{value}%"
    elif f.field == "renewal_in_days":
        return f"renewing in {OPS[f.op] + ' ' if f.op != '==' else 'exactly '}{value} days".replace(
            "below", "under"
        )
    op = OPS[f.op]
    return f"{FIELD_WORDS[f.field]} {op + ' ' if op else ''}{value}"


def scope_phrase(defn: AutomationDefinition) -> str:
    mine = [f for f in defn.scope.filters if f.field == "owner" and f.op == "==" and f.value == "me"]
    parts = [_filter(f) for f in defn.scope.filters if f not in mine]
    if defn.scope.customer:
        return defn.scope.customer + (f" ({', '.join(parts)})" if parts else "")
    who = "your customers" if mine else "customers"
    if not parts:
        return who if mine else "all customers"
    return f"{who} with " + " and ".join(parts)


def action_phrase(action: Action, defn: AutomationDefinition) -> str:
    p = action.params
    scope = scope_phrase(defn)
    if action.type == "send_summary":
        to = "you" if p.get("to") == "me" else p.get("to")
        return f"send {to} a summary of {scope}"
    if action.type == "alert_csm":
        return "alert the customer's CSM"
    if action.type == "update_health_score":
        return f"recalculate the health score of {scope}"
    if action.type == "send_slack":
        return f"post in {p['channel']}"
    if action.type in ("draft_email", "send_email"):
        verb = "draft" if action.type == "draft_email" else "send (after your approval)"
        what = f"a {p['template']} email" if p.get("template") else "an email"
        return f"{verb} {what}"
    if action.type == "create_task":
        due = f" due in {p['due_in_days']} days" if p.get("due_in_days") is not None else ""
        return f'create a task "{p["title"]}"{due}'
    if action.type == "run_playbook":
        return f"start the {p['playbook']} playbook"
    if action.type == "run_skill":
        return f"run the {p['skill']} skill"
    return {
        "create_meeting_notes": "create meeting notes",
        "update_health_score": "recalculate the health score",
        "log_activity": "log an activity",
    }[action.type]


def _time(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def _rrule_phrase(rule: str) -> str:
    parts = dict(p.split("=", 1) for p in rule.removeprefix("RRULE:").split(";"))
    interval = int(parts.get("INTERVAL", 1))
    hours = [int(h) for h in parts.get("BYHOUR", "9").split(",")]
    minute = int(parts.get("BYMINUTE", "0").split(",")[0])
    at = " and ".join(_time(h, minute) for h in hours)
    freq = parts["FREQ"]
    months = parts.get("BYMONTH")
    period = "quarter" if months == "1,4,7,10" else "month"
    every = {2: "every other", 1: "every"}.get(interval, f"every {interval}")
    if freq == "DAILY":
        return f"{every} {'day' if interval < 3 else 'days'} at {at}"
    if freq == "WEEKLY":
        days = " and ".join(DAY_NAMES[d] for d in parts.get("BYDAY", "MO").split(","))
        return f"{every} {days} at {at}"
    if freq == "MONTHLY":
        unit = period if interval == 1 else f"{period}s" if interval > 2 else period
        if "BYSETPOS" in parts:
            n = int(parts["BYSETPOS"])
            return f"the {ORDINALS.get(n, n)} business day of {every} {unit} at {at}"
        if "BYDAY" in parts:
            day = parts["BYDAY"]
            n = int(day[:-2] or 1)
            return f"the {ORDINALS.get(n, n)} {DAY_NAMES[day[-2:]]} of {every} {unit} at {at}"
        days = parts.get("BYMONTHDAY", "1")
        which = "last day" if days == "-1" else f"day {days}"
        return f"the {which} of {every} {unit} at {at}"
    return rule


def trigger_phrase(defn: AutomationDefinition, default_tz: str = "UTC") -> str:
    t = defn.trigger
    if isinstance(t, ScheduleTrigger):
        tz = t.timezone or default_tz
        if t.cron:
            from cron_descriptor import Options, get_description

            options = Options()
            options.use_24hour_time_format = True
            text = get_description(t.cron, options)
            text = text.replace("At ", "At ", 1)
            return f"{_cron_phrase(t.cron) or text} {tz}"
        return f"{_rrule_phrase(t.rrule or '')[0].upper()}{_rrule_phrase(t.rrule or '')[1:]} {tz}"
    if isinstance(t, OnceTrigger):
        at = datetime.fromisoformat(t.at)
        zone = "" if at.tzinfo else f" {default_tz}"
        return f"Once, on {at:%a %d %b %Y at %H:%M}{zone}"
    return "When " + event_phrase(t)


def _cron_phrase(cron: str) -> str | None:
    """Simple crons in the words a CSM uses; None leaves it to cron-descriptor."""
    minute, hour, dom, month, dow = cron.split()
    if not (minute.isdigit() and all(h.isdigit() for h in hour.split(","))):
        return None
    at = " and ".join(_time(int(h), int(minute)) for h in hour.split(","))
    names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    if dom == "*" and month == "*":
        if dow == "*":
            return f"Every day at {at}"
        if dow == "1-5":
            return f"Every weekday at {at}"
        if all(d.isdigit() for d in dow.split(",")):
            return f"Every {' and '.join(names[int(d)] for d in dow.split(','))} at {at}"
        return None
    if dow == "*" and month == "*" and all(d.isdigit() for d in dom.split(",")):
        return f"On day {dom.replace(',', ' and ')} of every month at {at}"
    if dow == "*" and month == "1,4,7,10" and dom.isdigit():
        return f"On day {dom} of every quarter at {at}"
    if dow == "*" and month.isdigit() and dom.isdigit():
        return f"Every year on {datetime(2024, int(month), int(dom)):%B} {int(dom)} at {at}"
    return None


def event_phrase(t: EventTrigger) -> str:
    p = t.params
    return {
        "health_score_drop": (
            f"a customer's health score falls below {p.get('below')}"
            if "below" in p
            else f"a customer's health score drops {p.get('drop')} points within {p.get('within_days')} days"
        ),
        "no_login": f"a customer has not logged in for {p.get('days')} days",
        "ticket_escalated": f"a{' ' + p['priority'] if p.get('priority') else ''} ticket is escalated",
        "ticket_created": f"a{' ' + p['priority'] if p.get('priority') else ''} ticket is opened",
        "renewal_approaching": f"a renewal is {p.get('days')} days away",
        "nps_submitted": "an NPS response comes in" + _nps_range(p),
        "champion_left": "a champion leaves",
        "usage_spike": f"usage rises {p.get('percent')}% or more week over week",
        "usage_drop": f"usage falls {p.get('percent')}% or more week over week",
        "contract_milestone": f"a contract reaches the {p.get('milestone')} milestone",
        "meeting_ended": "a meeting ends",
        "negative_sentiment": "a meeting's sentiment is negative"
        + (f" (below {p['threshold']})" if "threshold" in p else ""),
        "payment_overdue": f"an invoice is {p.get('days')} days overdue",
    }[t.type]


def _nps_range(p: dict[str, Any]) -> str:
    lo, hi = p.get("min_score"), p.get("max_score")
    if lo is not None and hi is not None:
        return f" scoring {lo}-{hi}"
    if hi is not None:
        return f" scoring {hi} or less"
    if lo is not None:
        return f" scoring {lo} or more"
    return ""


def echo(defn: AutomationDefinition, default_tz: str = "UTC") -> str:
    actions = [action_phrase(a, defn) for a in defn.actions]
    what = ", ".join(actions[:-1]) + (" and " if len(actions) > 1 else "") + actions[-1]
    trigger = trigger_phrase(defn, default_tz)
    if not any(a.type in ("send_summary", "update_health_score") for a in defn.actions):
        who = scope_phrase(defn)
        if who != "all customers":
            trigger += f" (for {who})"
    return f"{trigger}: {what}"


def name_for(defn: AutomationDefinition) -> str:
    """A short name: 'Every Monday at 09:00: summary for customers with health score below 70'."""
    text = echo(defn, default_tz="").replace("  ", " ").replace(" :", ":")
    return text if len(text) <= 80 else text[:77].rstrip() + "…"
