"""Gmail tools: list_threads, get_thread, send_email (approval outside our domains), draft_email,
summarize_threads. Through google-api-python-client (`users.threads`, `users.messages`, `users.drafts`)."""

from __future__ import annotations

import base64
import logging
import re
from email.message import EmailMessage
from html import unescape
from typing import Any

from pydantic import Field

from tools.base import Email, Tool, ToolError, ToolInput, ToolRun, emails_outside, tool
from tools.customers import resolve_customer
from tools.google.auth import session
from tools.google.summarize import summarize_offline, summarize_with_claude

log = logging.getLogger(__name__)
TOOLS: list[Tool] = []


def _headers(payload: dict[str, Any]) -> dict[str, str]:
    return {h["name"].lower(): h["value"] for h in payload.get("headers", [])}


def _decode(data: str) -> str:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode("utf-8", "replace")


def message_text(payload: dict[str, Any]) -> str:
    """The text/plain body of a message (text/html stripped of tags when there is no plain part)."""
    plain: list[str] = []
    html: list[str] = []

    def walk(part: dict[str, Any]) -> None:
        mime = part.get("mimeType", "")
        data = (part.get("body") or {}).get("data")
        if data and mime == "text/plain":
            plain.append(_decode(data))
        elif data and mime == "text/html":
            html.append(_decode(data))
        for sub in part.get("parts", []) or []:
            walk(sub)

    walk(payload)
    if plain:
        return "\n".join(plain)
    return unescape(re.sub(r"<[^>]+>", " ", "\n".join(html))).strip()


def message_row(msg: dict[str, Any], with_body: bool = True) -> dict[str, Any]:
    h = _headers(msg.get("payload", {}))
    row = {
        "id": msg["id"],
        "thread_id": msg.get("threadId"),
        "from": h.get("from"),
        "to": h.get("to"),
        "cc": h.get("cc"),
        "subject": h.get("subject"),
        "date": h.get("date"),
        "message_id": h.get("message-id"),
        "snippet": msg.get("snippet"),
        "labels": msg.get("labelIds", []),
    }
    if with_body:
        row["body"] = message_text(msg.get("payload", {}))
    return row


async def _domain_query(
    run: ToolRun, customer: str | None, query: str | None, days: int | None
) -> tuple[str, str | None]:
    parts = []
    domain = None
    if customer is not None or (query is None and run.ctx.customer_id is not None):
        async with run.db.session() as s:
            c = await resolve_customer(s, customer, run.ctx)
        if not c.domain:
            raise ToolError(f"{c.name} has no domain on file, so their emails cannot be found; set it first.")
        domain = c.domain.lower()
        parts.append(f"(from:{domain} OR to:{domain} OR cc:{domain})")
    if query:
        parts.append(query)
    if days:
        parts.append(f"newer_than:{days}d")
    return " ".join(parts), domain


class ListThreadsInput(ToolInput):
    customer: str | None = Field(None, description="Threads with this customer's domain")
    query: str | None = Field(None, description="A Gmail search, e.g. 'subject:renewal is:unread'")
    days: int | None = Field(30, ge=1, le=3650, description="Only threads from the last N days")
    max_results: int = Field(10, ge=1, le=50)


@tool(
    "gmail.list_threads",
    description="List email threads, by customer (their domain), a Gmail search and a period.",
    category="communication",
    connection="google",
    into=TOOLS,
)
async def list_threads(inp: ListThreadsInput, run: ToolRun) -> dict[str, Any]:
    q, _domain = await _domain_query(run, inp.customer, inp.query, inp.days)
    g = await session(run)
    users = g.api("gmail", "v1").users()
    listing = await g.run(users.threads().list(userId="me", q=q or None, maxResults=inp.max_results))
    threads = []
    for t in listing.get("threads", []):
        full = await g.run(
            users.threads().get(
                userId="me", id=t["id"], format="metadata", metadataHeaders=["Subject", "From", "Date"]
            )
        )
        msgs = full.get("messages", [])
        first = _headers(msgs[0]["payload"]) if msgs else {}
        last = _headers(msgs[-1]["payload"]) if msgs else {}
        threads.append(
            {
                "id": t["id"],
                "subject": first.get("subject"),
                "snippet": t.get("snippet"),
                "messages": len(msgs),
                "last_from": last.get("from"),
                "last_date": last.get("date"),
            }
        )
    return {"query": q, "count": len(threads), "threads": threads}


class GetThreadInput(ToolInput):
    thread_id: str = Field(min_length=1)


@tool(
    "gmail.get_thread",
    description="Read one email thread: every message's sender, recipients, date, subject and text.",
    category="communication",
    connection="google",
    into=TOOLS,
)
async def get_thread(inp: GetThreadInput, run: ToolRun) -> dict[str, Any]:
    g = await session(run)
    full = await g.run(
        g.api("gmail", "v1").users().threads().get(userId="me", id=inp.thread_id, format="full")
    )
    msgs = [message_row(m) for m in full.get("messages", [])]
    return {"id": full["id"], "subject": msgs[0]["subject"] if msgs else None, "messages": msgs}


class EmailInput(ToolInput):
    to: list[Email] = Field(min_length=1, description="Recipients")
    cc: list[Email] = Field(default_factory=list)
    subject: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1, description="Plain text")
    thread_id: str | None = Field(None, description="Reply in this Gmail thread")
    in_reply_to: str | None = Field(None, description="Message-ID header of the message replied to")


def _mime(inp: EmailInput) -> dict[str, Any]:
    msg = EmailMessage()
    msg["To"] = ", ".join(inp.to)
    if inp.cc:
        msg["Cc"] = ", ".join(inp.cc)
    msg["Subject"] = inp.subject
    if inp.in_reply_to:
        msg["In-Reply-To"] = inp.in_reply_to
        msg["References"] = inp.in_reply_to
    msg.set_content(inp.body)
    body: dict[str, Any] = {"raw": base64.urlsafe_b64encode(msg.as_bytes()).decode()}
    if inp.thread_id:
        body["threadId"] = inp.thread_id
    return body


def outside_recipients(inp: Any, settings: Any) -> str | None:
    outside = emails_outside([*inp.to, *inp.cc], settings.own_domain_list)
    return f"the email goes outside our domain to {', '.join(outside)}" if outside else None


def email_preview(inp: EmailInput) -> dict[str, Any]:
    return {"to": inp.to, "cc": inp.cc, "subject": inp.subject, "body": inp.body, "thread_id": inp.thread_id}


@tool(
    "gmail.send_email",
    description="Send an email from the user's Gmail. Asks for approval when a recipient is outside our domains.",
    category="communication",
    connection="google",
    approval=outside_recipients,
    side_effects=True,
    preview=email_preview,
    into=TOOLS,
)
async def send_email(inp: EmailInput, run: ToolRun) -> dict[str, Any]:
    g = await session(run)
    sent = await g.run(g.api("gmail", "v1").users().messages().send(userId="me", body=_mime(inp)))
    return {"id": sent.get("id"), "thread_id": sent.get("threadId"), "to": inp.to, "subject": inp.subject}


@tool(
    "gmail.draft_email",
    description="Save an email as a Gmail draft for the user to review and send.",
    category="communication",
    connection="google",
    side_effects=True,
    preview=email_preview,
    into=TOOLS,
)
async def draft_email(inp: EmailInput, run: ToolRun) -> dict[str, Any]:
    g = await session(run)
    draft = await g.run(
        g.api("gmail", "v1").users().drafts().create(userId="me", body={"message": _mime(inp)})
    )
    return {
        "draft_id": draft.get("id"),
        "message_id": (draft.get("message") or {}).get("id"),
        "subject": inp.subject,
    }


class SummarizeInput(ToolInput):
    customer: str | None = Field(None, description="The customer whose threads to summarise")
    days: int = Field(30, ge=1, le=365)
    max_threads: int = Field(5, ge=1, le=20)


@tool(
    "gmail.summarize_threads",
    description="Summarise recent email threads with a customer's domain: what they want and who owes a reply.",
    category="intelligence",
    connection="google",
    timeout=90.0,
    into=TOOLS,
)
async def summarize_threads(inp: SummarizeInput, run: ToolRun) -> dict[str, Any]:
    q, domain = await _domain_query(run, inp.customer, None, inp.days)
    g = await session(run)
    users = g.api("gmail", "v1").users()
    listing = await g.run(users.threads().list(userId="me", q=q, maxResults=inp.max_threads))
    threads = []
    for t in listing.get("threads", []):
        full = await g.run(users.threads().get(userId="me", id=t["id"], format="full"))
        msgs = [message_row(m) for m in full.get("messages", [])]
        threads.append({"id": t["id"], "subject": msgs[0]["subject"] if msgs else None, "messages": msgs})
    result = summarize_offline(threads, domain)
    if run.deps.llm is not None and threads:
        from llm.client import LlmUnavailable

        try:
            result["summary"] = await summarize_with_claude(run.deps.llm, threads, domain)
            result["backend"] = "claude"
        except LlmUnavailable as exc:
            log.warning("thread summary fell back to the offline backend: %s", exc)
    return {"customer_domain": domain, "days": inp.days, **result}
