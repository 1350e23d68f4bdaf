"""Compose the email the offline assistant drafts: recipient from the request, body from a template."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz
from sqlalchemy import select

from store.models import Contact
from tools import email_templates
from tools.model import ToolContext

if TYPE_CHECKING:
    from assistant.intents import IntentMatch
    from assistant.offline import OfflineAssistant


async def _contacts(db: Any, customer_id: int) -> list[Contact]:
    async with db.session() as s:
        rows = (
            await s.scalars(
                select(Contact).where(Contact.customer_id == customer_id, Contact.email.is_not(None))
            )
        ).all()
    return list(rows)


async def compose_email(
    assistant: OfflineAssistant, match: IntentMatch, text: str, ctx: ToolContext
) -> tuple[dict[str, Any], str | None]:
    """The gmail.draft_email input, or a sentence saying what is missing."""
    slots = match.slots
    recipient = slots.recipient
    to: str | None = recipient if recipient and "@" in recipient else None
    first_name = "there"
    snapshot: dict[str, Any] = {}
    if slots.customer_id is not None:
        snapshot, error = await assistant.invoke(
            "customers.get_snapshot", {"customer": str(slots.customer_id)}, ctx
        )
        if error:
            return {}, error
        everyone = await _contacts(assistant.db, slots.customer_id)
        contacts = [c for c in everyone if c.status != "left"]
        chosen: Contact | None = None
        if to is None and recipient and recipient != "champion":
            scored = [
                (fuzz.ratio(recipient, (c.name or "").split()[0].lower()), c) for c in contacts if c.name
            ]
            scored = [p for p in scored if p[0] >= 80]
            top = max((p[0] for p in scored), default=0)
            best = [c for score, c in scored if score == top]
            if len(best) > 1:
                return (
                    {},
                    f"Which {recipient.capitalize()} at {snapshot['name']}: {' or '.join(c.name for c in best)}?",
                )
            chosen = best[0] if best else None
            if chosen is None:
                names = ", ".join(c.name for c in contacts[:5]) or "none with an email"
                gone = [
                    c
                    for c in everyone
                    if c.status == "left" and fuzz.ratio(recipient, (c.name or "x").split()[0].lower()) >= 80
                ]
                if gone:
                    return {}, f"{gone[0].name} has left {snapshot['name']}. Current contacts: {names}."
                return (
                    {},
                    f"I found no contact called {recipient.capitalize()} at {snapshot['name']} (contacts: {names}).",
                )
        if to is None and chosen is None:
            champions = [c for c in contacts if c.is_champion]
            chosen = (
                champions[0] if champions else (contacts[0] if contacts and recipient != "champion" else None)
            )
            if chosen is None:
                what = "active champion" if recipient == "champion" else "contact"
                return (
                    {},
                    f"{snapshot['name']} has no {what} with an email on record. Tell me the address, e.g. “draft an email to jane@{snapshot.get('domain') or 'example.com'}”.",
                )
        if chosen is not None:
            to = chosen.email
            first_name = (chosen.name or "there").split()[0]
    elif to is None:
        return (
            {},
            "Who should the email go to? Name a customer or an address, e.g. “draft a check-in email to Acme's champion”.",
        )
    if to and first_name == "there" and "@" in to:
        first_name = to.split("@")[0].split(".")[0].capitalize()
    subject, body = email_templates.render(
        email_templates.pick(text),
        first_name=first_name,
        customer=snapshot.get("name") or (to.split("@")[1] if to else ""),
        renewal_date=snapshot.get("renewal_date"),
        renewal_in_days=snapshot.get("renewal_in_days"),
    )
    return {"to": [to], "subject": subject, "body": body}, None
