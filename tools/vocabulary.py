"""The vocabulary of CONTRACTS §5, shared by trigger rules, automations and skills' event triggers."""

from __future__ import annotations

TRIGGER_TYPES: tuple[str, ...] = (
    "health_score_drop",
    "no_login",
    "ticket_escalated",
    "ticket_created",
    "renewal_approaching",
    "nps_submitted",
    "champion_left",
    "usage_spike",
    "usage_drop",
    "contract_milestone",
    "meeting_ended",
    "negative_sentiment",
    "payment_overdue",
)
ACTION_TYPES: tuple[str, ...] = (
    "send_summary",
    "alert_csm",
    "send_slack",
    "draft_email",
    "send_email",
    "create_task",
    "run_playbook",
    "run_skill",
    "create_meeting_notes",
    "update_health_score",
    "log_activity",
)
FILTER_FIELDS: tuple[str, ...] = (
    "health_score",
    "arr",
    "renewal_in_days",
    "days_since_login",
    "nps",
    "segment",
    "tier",
    "owner",
    "open_tickets",
    "usage_change_pct",
)
FILTER_OPS: tuple[str, ...] = ("<", "<=", ">", ">=", "==", "!=")
