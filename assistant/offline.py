"""The offline backend: classify the message, then answer each intent from the tool registry.

Facts come from `registry.invoke` (customers.*, health.*, analytics.*, tasks.*, playbooks.start,
gmail.draft_email). What no tool exposes (open tickets, analysed meetings, pending approvals) is read
from `store`. Errors from tools are the registry's sentences, passed on as they are.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select

from assistant.history import ConversationStore, Thread
from assistant.intents import UNKNOWN, IntentMatch, IntentRouter, default_router
from assistant.lookups import owned_ids_of, register_lookup_tools
from assistant.mail import compose_email
from assistant.present import (
    ago,
    approval_line,
    days_until_period_end,
    meeting_line,
    row_detail,
    snapshot_card,
    snapshot_sentence,
    ticket_line,
)
from assistant.reply import AssistantReply, Bullets, CustomerList, CustomerRow, Suggestions
from assistant.slots import CustomerMatcher, KnownCustomer, extract
from store.base import utcnow
from store.models import Customer
from tools.model import ToolContext

Answer = Callable[["OfflineAssistant", IntentMatch, str, ToolContext], Awaitable[AssistantReply]]
AT_RISK_BELOW = 70
DEFAULT_RENEWAL_DAYS = 90
DEFAULT_NO_LOGIN_DAYS = 14
LIST_ROWS = 15


REFERS_BACK = re.compile(
    r"\b(it|its|it's|they|their|them|this (customer|account)|that (customer|account))\b", re.I
)


USAGE_DOWN = re.compile(r"\b(drop|dropp|down|declin|fell|fall|falling|decreas|less)", re.I)
USAGE_UP = re.compile(r"\b(spike|spiking|up\b|grow|grew|increas|jump|surg)", re.I)


def usage_direction(text: str) -> str | None:
    """ "usage dropped" -> down, "usage spiking" -> up, else None (then: who stopped logging in)."""
    if USAGE_DOWN.search(text):
        return "down"
    if USAGE_UP.search(text):
        return "up"
    return None


def refers_back(text: str) -> bool:
    return bool(REFERS_BACK.search(text))


class OfflineAssistant:
    def __init__(self, registry: Any, db: Any, router: IntentRouter | None = None) -> None:
        self.registry = registry
        self.db = db
        self.router = router or default_router()
        register_lookup_tools(registry)

    async def known_customers(self) -> list[KnownCustomer]:
        async with self.db.session() as s:
            rows = (await s.execute(select(Customer.id, Customer.name, Customer.domain))).all()
        return [KnownCustomer(id=r.id, name=r.name, domain=r.domain) for r in rows]

    async def answer(self, text: str, thread: Thread) -> AssistantReply:
        matcher = self.router.matcher(await self.known_customers())
        match = self.router.classify(text, matcher)
        if match.slots.customer_id is None and not match.slots.customer_candidates and refers_back(text):
            await self._carry_customer(match, thread, matcher)
        ctx = ToolContext(
            user_id=thread.user_id,
            team_id=thread.team_id,
            customer_id=match.slots.customer_id,
            customer_name=match.slots.customer,
            caller_kind="assistant",
            caller_ref=thread.ref,
            channel=thread.channel,
            thread_ts=thread.thread_ts,
            session_id=thread.ref,
        )
        if match.slots.customer_candidates and match.intent not in (
            "at_risk",
            "renewals",
            "approvals",
            "help",
        ):
            names = " or ".join(match.slots.customer_candidates[:5])
            return AssistantReply(text=f"Which customer do you mean: {names}?", intent=match.intent)
        handler = HANDLERS.get(match.intent, OfflineAssistant.unknown)
        reply = await handler(self, match, text, ctx)
        reply.intent = match.intent
        return reply

    async def _carry_customer(self, match: IntentMatch, thread: Thread, matcher: CustomerMatcher) -> None:
        """ "and its renewal?": the customer is the one last named in this thread."""
        for msg in reversed(await ConversationStore(self.db).load(thread)):
            if msg["role"] != "user":
                continue
            words = " ".join(b.get("text", "") for b in msg["content"] if b.get("type") == "text")
            earlier, _ = extract(words, matcher)
            if earlier.customer_id is not None:
                match.slots.customer, match.slots.customer_id = earlier.customer, earlier.customer_id
                return

    async def invoke(self, name: str, input: dict[str, Any], ctx: ToolContext) -> tuple[Any, str | None]:
        result = await self.registry.invoke(name, input, ctx)
        if result.success:
            return result.data, None
        return None, result.error or f"{name} failed."

    def _need_customer(self, what: str, example: str) -> AssistantReply:
        return AssistantReply(text=f"Which customer? Name one to see {what}, for example “{example}”.")

    # ---- intents ---------------------------------------------------------------------------------
    async def snapshot(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        if match.slots.customer_id is None:
            return self._need_customer("its snapshot", "how is Acme doing?")
        snap, error = await self.invoke(
            "customers.get_snapshot", {"customer": str(match.slots.customer_id)}, ctx
        )
        if error:
            return AssistantReply(text=error)
        card = snapshot_card(snap)
        return AssistantReply(text=snapshot_sentence(card), items=[card])

    async def at_risk(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        below = match.slots.below or AT_RISK_BELOW
        found, scope, error = await self._search({"health_below": below, "limit": 50}, ctx)
        if error:
            return AssistantReply(text=error)
        if not found:
            return AssistantReply(text=f"No customer{scope} has a health score below {below}. :tada:")
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
        return AssistantReply(
            text=text, items=[CustomerList(title=title, rows=rows, more=max(0, len(found) - LIST_ROWS))]
        )

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

    async def tickets(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        escalated = "escalat" in text.lower()
        query: dict[str, Any] = {"escalated_only": escalated, "limit": LIST_ROWS}
        if match.slots.customer_id is not None:
            query["customer"] = str(match.slots.customer_id)
        data, error = await self.invoke("tickets.list", query, ctx)
        if error:
            return AssistantReply(text=error)
        who = f" at {match.slots.customer}" if match.slots.customer else ""
        kind = "escalated" if escalated else "open"
        total = data["count"]
        if not total:
            return AssistantReply(text=f"No {kind} tickets{who}.")
        lines = [ticket_line(t, with_customer=not who) for t in data["tickets"]]
        title = f"{total} {kind} ticket{'s' if total != 1 else ''}{who}"
        return AssistantReply(
            text=title + (", escalated first." if total > 1 and not escalated else "."),
            items=[Bullets(title=title, lines=lines, more=max(0, total - len(lines)))],
        )

    async def meetings(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        days = match.slots.days or (7 if "week" in text.lower() else 30)
        query: dict[str, Any] = {"days": days, "limit": LIST_ROWS}
        if match.slots.customer_id is not None:
            query["customer"] = str(match.slots.customer_id)
        data, error = await self.invoke("meetings.list_analyses", query, ctx)
        if error:
            return AssistantReply(text=error)
        who = f" with {match.slots.customer}" if match.slots.customer else ""
        if not data["meetings"]:
            return AssistantReply(text=f"No analysed meetings{who} in the last {days} days.")
        lines = [meeting_line(m) for m in data["meetings"]]
        title = f"Meetings{who} in the last {days} days"
        return AssistantReply(
            text=f"{len(lines)} analysed meeting{'s' if len(lines) != 1 else ''}{who} in the last {days} days.",
            items=[Bullets(title=title, lines=lines)],
        )

    async def approvals(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        data, error = await self.invoke("approvals.list_pending", {}, ctx)
        if error:
            return AssistantReply(text=error)
        pending = data["approvals"]
        if not pending:
            return AssistantReply(text="Nothing is waiting for your approval.")
        title = f"{len(pending)} approval{'s' if len(pending) != 1 else ''} waiting for you"
        return AssistantReply(
            text=title
            + ": each approval message has its Approve and Reject buttons (`/csm approvals` lists them).",
            items=[Bullets(title=title, lines=[approval_line(a) for a in pending])],
        )

    async def tasks(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        query: dict[str, Any] = {"owner": "me", "status": "open", "limit": 50}
        if match.slots.customer_id is not None:
            query["customer"] = str(match.slots.customer_id)
        lowered = text.lower()
        if "overdue" in lowered:
            query["due_within_days"] = 0
        elif match.slots.days is not None:
            query["due_within_days"] = match.slots.days
        elif "today" in lowered:
            query["due_within_days"] = 0
        elif match.slots.period:
            query["due_within_days"] = days_until_period_end(match.slots.period, utcnow().date())
        data, error = await self.invoke("tasks.list", query, ctx)
        if error:
            return AssistantReply(text=error)
        tasks = data["tasks"]
        who = f" for {match.slots.customer}" if match.slots.customer else ""
        if not tasks:
            window = " due in that window" if "due_within_days" in query else ""
            return AssistantReply(text=f"You have no open tasks{who}{window}.")
        today = utcnow().date().isoformat()
        lines = []
        for t in tasks[:LIST_ROWS]:
            due = t.get("due_date")
            flag = " *overdue*" if due and due < today else ""
            lines.append(
                f"{t['title']}"
                + (f" ({t['customer']})" if t.get("customer") and not who else "")
                + (f", due {due}{flag}" if due else "")
            )
        title = f"{len(tasks)} open task{'s' if len(tasks) != 1 else ''}{who}"
        return AssistantReply(
            text=title + ".", items=[Bullets(title=title, lines=lines, more=max(0, len(tasks) - LIST_ROWS))]
        )

    async def draft_email(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        draft, problem = await compose_email(self, match, text, ctx)
        if problem:
            return AssistantReply(text=problem)
        result = await self.registry.invoke("gmail.draft_email", draft, ctx)
        to = ", ".join(draft["to"])
        if result.requires_approval:
            return AssistantReply(
                text=f"I prepared an email to {to} (“{draft['subject']}”). It waits for your approval (#{result.approval_id}) before it goes to Gmail.",
                approval_ids=[result.approval_id] if result.approval_id else [],
                tools_called=["gmail.draft_email"],
            )
        if not result.success:
            return AssistantReply(text=result.error or "The draft could not be saved.")
        return AssistantReply(
            text=f"Saved a draft to {to} in your Gmail: “{draft['subject']}”. Review and send it from Gmail.",
            items=[Bullets(title="Draft", lines=draft["body"].strip().splitlines()[:12])],
            tools_called=["gmail.draft_email"],
        )

    async def start_playbook(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        slots = match.slots
        if slots.customer_id is None:
            return self._need_customer("start a playbook", "start the renewal playbook for Acme")
        if slots.playbook is None:
            return AssistantReply(
                text=f"Which playbook for {slots.customer}? renewal-90-day, risk-mitigation, expansion-opportunity, "
                f"onboarding-30-60-90 or qbr-preparation, e.g. “start the risk mitigation playbook for {slots.customer}”."
            )
        result = await self.registry.invoke(
            "playbooks.start", {"playbook": slots.playbook, "customer": str(slots.customer_id)}, ctx
        )
        if result.requires_approval and result.approval_id is not None:
            return AssistantReply(
                text=f"Starting {slots.playbook} for {slots.customer} waits for approval #{result.approval_id}; "
                "I'll tell you here when it is decided.",
                approval_ids=[result.approval_id],
                tools_called=["playbooks.start"],
            )
        if not result.success:
            return AssistantReply(text=result.error or "The playbook could not start.")
        data = result.data
        message = data.get("message") if isinstance(data, dict) else None
        return AssistantReply(
            text=message or f"Started {slots.playbook} for {slots.customer}.",
            tools_called=["playbooks.start"],
        )

    async def help(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        return AssistantReply(
            text="I answer questions about your customers and act for you (customer-facing actions wait for your approval).",
            items=[Suggestions(title="Try asking", examples=self.router.capabilities())],
        )

    async def unknown(self, match: IntentMatch, text: str, ctx: ToolContext) -> AssistantReply:
        guess = ""
        if match.guess:
            guess = f" Did you mean {self.router.specs[match.guess].title.lower()}, like “{self.router.specs[match.guess].example.replace('{customer}', match.slots.customer or 'Acme')}”?"
        reply = AssistantReply(
            text=f"I'm not sure what you're asking.{guess} Here is what I can do:",
            items=[
                Suggestions(
                    title="Try asking", examples=self.router.capabilities(match.slots.customer or "Acme")
                )
            ],
        )
        return reply

    async def _search(
        self, query: dict[str, Any], ctx: ToolContext
    ) -> tuple[list[dict[str, Any]], str, str | None]:
        """Customers matching `query`: the user's own when they own any, else the workspace's."""
        mine = await owned_ids_of(self.db, ctx.user_id)
        data, error = await self.invoke("customers.search", {**query, "owner": "me"} if mine else query, ctx)
        if error:
            return [], "", error
        return data["customers"], " of yours" if mine else "", None


HANDLERS: dict[str, Answer] = {
    "snapshot": OfflineAssistant.snapshot,
    "at_risk": OfflineAssistant.at_risk,
    "renewals": OfflineAssistant.renewals,
    "usage": OfflineAssistant.usage,
    "tickets": OfflineAssistant.tickets,
    "meetings": OfflineAssistant.meetings,
    "approvals": OfflineAssistant.approvals,
    "tasks": OfflineAssistant.tasks,
    "draft_email": OfflineAssistant.draft_email,
    "start_playbook": OfflineAssistant.start_playbook,
    "help": OfflineAssistant.help,
    UNKNOWN: OfflineAssistant.unknown,
}
