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
from assistant.lookups import register_lookup_tools
from assistant.mail import compose_email
from assistant.portfolio import LIST_ROWS, PortfolioAnswers
from assistant.present import (
    approval_line,
    days_until_period_end,
    meeting_line,
    snapshot_card,
    snapshot_sentence,
    ticket_line,
)
from assistant.reply import AssistantReply, Bullets, Suggestions
from assistant.slots import CustomerMatcher, KnownCustomer, extract
from store.base import utcnow
from store.models import Customer
from tools.model import ToolContext

Answer = Callable[["OfflineAssistant", IntentMatch, str, ToolContext], Awaitable[AssistantReply]]


REFERS_BACK = re.compile(
    r"\b(it|its|it's|they|their|them|this (customer|account)|that (customer|account))\b", re.I
)


def refers_back(text: str) -> bool:
    return bool(REFERS_BACK.search(text))


class OfflineAssistant(PortfolioAnswers):
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
            text="I answer questions about your customers and act for you (customer-facing actions wait for your "
            "approval). A skill's phrase runs the skill (`/csm skills` lists them), and a sentence such as "
            "“every Monday at 9am send me my at-risk accounts” becomes an automation.",
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
