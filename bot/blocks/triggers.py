"""Block Kit for triggers: the alert a CSM receives, the `/csm triggers` list, recent alerts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.blocks.common import actions, button, context, divider, header, section
from triggers.alerts import Alert

EMOJI = {
    "health_score_drop": ":chart_with_downwards_trend:",
    "no_login": ":zzz:",
    "ticket_escalated": ":rotating_light:",
    "ticket_created": ":ticket:",
    "renewal_approaching": ":calendar:",
    "nps_submitted": ":speech_balloon:",
    "champion_left": ":wave:",
    "usage_spike": ":rocket:",
    "usage_drop": ":small_red_triangle_down:",
    "contract_milestone": ":round_pushpin:",
    "meeting_ended": ":handshake:",
    "negative_sentiment": ":cloud:",
    "payment_overdue": ":money_with_wings:",
}
PLAYBOOK_NAMES = {
    "renewal-90-day": "Renewal (90 days)",
    "risk-mitigation": "Risk mitigation",
    "expansion-opportunity": "Expansion",
    "onboarding-30-60-90": "Onboarding 30-60-90",
    "qbr-preparation": "QBR preparation",
}
SNOOZE_DAYS = 7


def alert_text(alert: Alert) -> str:
    """The notification text (and the fallback for clients without blocks)."""
    return f"{alert.customer_name}: {alert.what}"


def alert_blocks(alert: Alert) -> list[Any]:
    emoji = EMOJI.get(alert.trigger_type, ":bell:")
    blocks: list[Any] = [
        section(f"{emoji} *{alert.customer_name}*: {alert.what}"),
    ]
    if alert.why:
        blocks.append(section(f"_Why it matters:_ {alert.why}"))
    buttons = []
    if alert.playbook:
        label = PLAYBOOK_NAMES.get(alert.playbook, alert.playbook)
        buttons.append(
            button(f"Start {label} playbook", "trigger_start_playbook", f"{alert.firing_id}", style="primary")
        )
    buttons.append(button(f"Snooze {SNOOZE_DAYS} days", "trigger_snooze", f"{alert.firing_id}"))
    buttons.append(button("View customer", "customer_view", str(alert.customer_id)))
    blocks.append(actions(*buttons, block_id=f"trigger_alert_{alert.firing_id}"))
    blocks.append(context(f"Rule: {alert.rule_name} · fired {alert.fired_at:%Y-%m-%d %H:%M} UTC"))
    return blocks


def _params_text(rule: Any) -> str:
    params = rule.params or {}
    if not params:
        return ""
    parts = []
    for k, v in params.items():
        parts.append(f"{k} {', '.join(str(x) for x in v) if isinstance(v, list) else v}")
    return " · " + ", ".join(parts)


def _ago(at: datetime | None, now: datetime) -> str:
    if at is None:
        return "never fired"
    delta = now - at
    if delta.days >= 1:
        return f"last fired {delta.days}d ago"
    hours = int(delta.total_seconds() // 3600)
    return f"last fired {hours}h ago" if hours else "last fired just now"


def rules_blocks(rules: list[Any], now: datetime | None = None) -> list[Any]:
    """`/csm triggers`: each rule with its state, last firing, count and an enable/disable button."""
    now = now or datetime.now(UTC)
    blocks: list[Any] = [header("Trigger rules")]
    if not rules:
        blocks.append(section("No trigger rules yet. The default rules are installed when the app starts."))
        return blocks
    for rule in rules:
        state = ":large_green_circle: on" if rule.enabled else ":white_circle: off"
        toggle = (
            button("Disable", "trigger_toggle", f"{rule.id}:off", style="danger")
            if rule.enabled
            else button("Enable", "trigger_toggle", f"{rule.id}:on", style="primary")
        )
        count = f"{rule.fire_count} firing{'s' if rule.fire_count != 1 else ''}"
        text = (
            f"{EMOJI.get(rule.trigger_type, ':bell:')} *{rule.name}* ({state})\n"
            f"`{rule.trigger_type}`{_params_text(rule)} · {count} · {_ago(rule.last_fired_at, now)}"
        )
        blocks.append(section(text, accessory=toggle))
    blocks.append(divider())
    blocks.append(context("Each rule fires once per cause (a renewal mark, a ticket, a week of usage)."))
    return blocks


def recent_alerts_blocks(alerts: list[dict[str, Any]], title: str = "Recent alerts") -> list[Any]:
    """Recent firings (from triggers.engine.recent_alerts), newest first."""
    if not alerts:
        return []
    lines = []
    for a in alerts:
        snoozed = " _(snoozed)_" if a["status"] == "snoozed" else ""
        lines.append(f"• {a['fired_at']:%b %d} *{a['customer_name']}*: {a['what']}{snoozed}")
    return [section(f"*{title}*\n" + "\n".join(lines))]


def factors_blocks(factors: list[dict[str, Any]]) -> list[Any]:
    """The health factors that moved the score most (for /csm customer)."""
    if not factors:
        return []
    lines = []
    for f in factors:
        delta = f" ({f['delta']:+.0f})" if f.get("delta") else ""
        lines.append(f"• {f['label']}: {f['points']:.0f}/{f['max_points']:.0f} pts{delta}, {f['detail']}")
    return [section("*What drives the health score*\n" + "\n".join(lines))]
