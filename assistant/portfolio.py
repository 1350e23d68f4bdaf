"""Answers about the whole portfolio: customers at risk, renewals in a window, logins and usage."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from assistant.intents import IntentMatch
from assistant.lookups import owned_ids_of
from assistant.present import ago, days_until_period_end, row_detail, snapshot_card
from assistant.reply import AssistantReply, Bullets, CustomerList, CustomerRow
from store.base import utcnow
from tools.model import ToolContext

AT_RISK_BELOW = 70
DEFAULT_RENEWAL_DAYS = 90
DEFAULT_NO_LOGIN_DAYS = 14
LIST_ROWS = 15
HEALTH_DROP = 10  # points in 30 days that count as "falling"
TRENDING = re.compile(r"\b(trend\w*|falling|dropp\w*|declin\w*|slipp\w*|going down|downhill)\b", re.I)
USAGE_DOWN = re.compile(r"\b(drop|dropp|down|declin|fell|fall|falling|decreas|less)", re.I)
USAGE_UP = re.compile(r"\b(spike|spiking|up\b|grow|grew|increas|jump|surg)", re.I)


def usage_direction(text: str) -> str | None:
    """ "usage dropped" -> down, "usage spiking" -> up, else None (then: who stopped logging in)."""
    if USAGE_DOWN.search(text):
        return "down"
    if USAGE_UP.search(text):
        return "up"
    return None


class PortfolioAnswers:
    """Mixed into OfflineAssistant: needs `self.db` and `self.invoke(name, input, ctx)`."""

    db: Any
    invoke: Callable[[str, dict[str, Any], ToolContext], Awaitable[tuple[Any, str | None]]]

    async def at_risk(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        below = match.slots.below or AT_RISK_BELOW
        found, scope, error = await self._search({"health_below": below, "limit": 50}, ctx)
        if error:
            return AssistantReply(text=error)
        drops, _ = await self.invoke("health.list_drops", {"within_days": 30, "min_drop": HEALTH_DROP}, ctx)
        falling = Bullets(
            title="Health falling fastest (30 days)",
            lines=[f"{c['customer']}: {c['peak']} → {c['now']} (−{c['drop']})" for c in (drops or {}).get("customers", [])[:5]],
        )  # fmt: skip
        if TRENDING.search(text) and falling.lines:
            return AssistantReply(
                text=f"{(drops or {})['count']} customer{scope and ' of yours'} lost {HEALTH_DROP}+ health points in 30 days.",
                items=[falling],
            )
        if not found:
            extra = [falling] if falling.lines else []
            return AssistantReply(
                text=f"No customer{scope} has a health score below {below}. :tada:", items=extra
            )
        rows = [
            CustomerRow(
                customer_id=c["id"],
                name=c["name"],
                detail=row_detail(c),
                health_score=c["health_score"],
                suggested_playbook="risk-mitigation",
            )
            for c in found[:LIST_ROWS]
        ]
        title = f"{len(found)} customer{'s' if len(found) != 1 else ''}{scope} below health {below}"
        worst = found[0]
        text = f"{title}. Most at risk: *{worst['name']}* ({row_detail(worst)})."
        items: list[Any] = [CustomerList(title=title, rows=rows, more=max(0, len(found) - LIST_ROWS))]
        if falling.lines:
            items.append(falling)
        return AssistantReply(text=text, items=items)

    async def renewals(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        slots = match.slots
        if slots.customer_id is not None:
            snap, error = await self.invoke(
                "customers.get_snapshot", {"customer": str(slots.customer_id)}, ctx
            )
            if error:
                return AssistantReply(text=error)
            if not snap.get("renewal_date"):
                return AssistantReply(text=f"{snap['name']} has no renewal date on record.")
            return AssistantReply(
                text=f"*{snap['name']}* {row_detail(snap, lead='renewal')}.", items=[snapshot_card(snap)]
            )
        today = utcnow().date()
        if slots.days is not None:
            days, window = slots.days, f"in the next {slots.days} days"
        elif slots.period:
            days = days_until_period_end(slots.period, today)
            window = (
                slots.period.replace("next_", "next ")
                if slots.period.startswith("next_")
                else f"this {slots.period}"
            )
        else:
            days, window = DEFAULT_RENEWAL_DAYS, f"in the next {DEFAULT_RENEWAL_DAYS} days"
        found, scope, error = await self._search({"renewal_within_days": days, "limit": 200}, ctx)
        if error:
            return AssistantReply(text=error)
        if not found:
            return AssistantReply(text=f"No customer{scope} renews {window}.")
        found.sort(key=lambda c: (c.get("renewal_in_days") is None, c.get("renewal_in_days")))
        total_arr = sum(c.get("arr") or 0 for c in found)
        rows = [
            CustomerRow(
                customer_id=c["id"],
                name=c["name"],
                detail=row_detail(c, lead="renewal"),
                health_score=c.get("health_score"),
                suggested_playbook="renewal-90-day",
            )
            for c in found[:LIST_ROWS]
        ]
        title = f"{len(found)} renewal{'s' if len(found) != 1 else ''}{scope} {window}"
        text = f"{title}, ${total_arr:,.0f} ARR in all."
        risky = [c for c in found if (c.get("health_score") or 100) < AT_RISK_BELOW]
        if risky:
            text += (
                f" {len(risky)} of them below health {AT_RISK_BELOW}: "
                + ", ".join(c["name"] for c in risky[:5])
                + "."
            )
        return AssistantReply(
            text=text, items=[CustomerList(title=title, rows=rows, more=max(0, len(found) - LIST_ROWS))]
        )

    async def usage(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        slots = match.slots
        direction = usage_direction(text)
        if slots.customer_id is None and direction:
            return await self._usage_changes(direction, ctx)
        if slots.customer_id is None:
            days = slots.days or DEFAULT_NO_LOGIN_DAYS
            found, scope, error = await self._search({"limit": 200}, ctx)
            if error:
                return AssistantReply(text=error)
            quiet = [c for c in found if c.get("days_since_login") is None or c["days_since_login"] >= days]
            quiet.sort(key=lambda c: -(c.get("days_since_login") or 10_000))
            if not quiet:
                return AssistantReply(
                    text=f"Every customer{scope} has logged in within the last {days} days."
                )
            rows = [
                CustomerRow(
                    customer_id=c["id"],
                    name=c["name"],
                    detail=row_detail(c, lead="login"),
                    health_score=c.get("health_score"),
                )
                for c in quiet[:LIST_ROWS]
            ]
            title = (
                f"{len(quiet)} customer{'s' if len(quiet) != 1 else ''}{scope} with no login for {days}+ days"
            )
            return AssistantReply(
                text=title + ".",
                items=[CustomerList(title=title, rows=rows, more=max(0, len(quiet) - LIST_ROWS))],
            )
        days = slots.days or 28
        usage, error = await self.invoke(
            "analytics.get_usage_metrics", {"customer": str(slots.customer_id), "days": days}, ctx
        )
        if error:
            return AssistantReply(text=error)
        snap, _ = await self.invoke("customers.get_snapshot", {"customer": str(slots.customer_id)}, ctx)
        seen = (snap or {}).get("days_since_login")
        login = "nobody has logged in yet" if seen is None else f"last login {ago(seen)}"
        lines = []
        for metric, m in (usage.get("metrics") or {}).items():
            change = f" ({m['change_pct']:+.0f}% week over week)" if m.get("change_pct") is not None else ""
            lines.append(
                f"{metric}: {m['this_week']:,.0f} this week, {m['last_week']:,.0f} last week{change}"
            )
        text = f"*{usage['customer']}*: {login}."
        if not lines:
            return AssistantReply(text=text + " " + (usage.get("note") or "No usage recorded."))
        return AssistantReply(
            text=text, items=[Bullets(title=f"Usage over the last {days} days", lines=lines)]
        )

    async def _usage_changes(self, direction: str, ctx: ToolContext) -> AssistantReply:
        data, error = await self.invoke(
            "analytics.usage_changes", {"direction": direction, "min_change_pct": 30}, ctx
        )
        if error:
            return AssistantReply(text=error)
        word = "dropped" if direction == "down" else "grew"
        if not data["customers"]:
            return AssistantReply(
                text=f"No customer's usage {word} by 30% or more this week against last week."
            )
        rows = [
            CustomerRow(
                customer_id=c["customer_id"], name=c["customer"],
                detail=f"{c['metric']} {c['change_pct']:+.0f}% week over week ({c['last_week']:,.0f} → {c['this_week']:,.0f})",
                suggested_playbook="risk-mitigation" if direction == "down" else "expansion-opportunity",
            )
            for c in data["customers"][:LIST_ROWS]
        ]  # fmt: skip
        title = (
            f"{data['count']} customer{'s' if data['count'] != 1 else ''} whose usage {word} 30%+ this week"
        )
        return AssistantReply(
            text=title + ".",
            items=[CustomerList(title=title, rows=rows, more=max(0, data["count"] - LIST_ROWS))],
        )

    async def _search(
        self, query: dict[str, Any], ctx: ToolContext
    ) -> tuple[list[dict[str, Any]], str, str | None]:
        """Customers matching `query`: the user's own when they own any, else the workspace's."""
        mine = await owned_ids_of(self.db, ctx.user_id)
        data, error = await self.invoke("customers.search", {**query, "owner": "me"} if mine else query, ctx)
        if error:
            return [], "", error
        return data["customers"], " of yours" if mine else "", None
