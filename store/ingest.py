"""Customer events in (CONTRACTS §2): validated whole, then applied in one transaction.

Each event is stored raw and updates the state derived from it: last login, usage series,
tickets, NPS, stakeholders, health history, contract milestones, invoices and the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.customers import band_for
from store.db import Database
from store.models import (
    Activity,
    Contact,
    ContractMilestone,
    Customer,
    CustomerEvent,
    HealthScore,
    Invoice,
    Login,
    NpsResponse,
    Ticket,
    UsageMetric,
)

MAX_BATCH = 1000


class _Data(BaseModel):
    model_config = ConfigDict(extra="allow")


class LoginData(_Data):
    user: str | None = None


class UsageData(_Data):
    metric: str = Field(min_length=1)
    value: float


class HealthData(_Data):
    score: int = Field(ge=0, le=100)


class TicketData(_Data):
    id: str = Field(min_length=1)
    priority: Literal["low", "normal", "medium", "high", "urgent", "critical"] | None = None
    status: str = "open"
    escalated: bool = False
    subject: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v


class NpsData(_Data):
    score: int = Field(ge=0, le=10)
    comment: str | None = None
    respondent: str | None = None


class StakeholderData(_Data):
    name: str = Field(min_length=1)
    email: str | None = None
    role: str | None = None
    status: Literal["left", "joined"] = "joined"
    champion: bool = False


class ContractData(_Data):
    milestone: str = Field(min_length=1)
    date: date


class InvoiceData(_Data):
    id: str = Field(min_length=1)
    amount: float
    due_date: date
    status: Literal["open", "paid", "overdue", "void"] = "open"

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v


class MeetingData(_Data):
    meeting_id: str = Field(min_length=1)
    ended_at: datetime | None = None

    @field_validator("meeting_id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer: str = Field(min_length=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        return v if v.tzinfo else v.replace(tzinfo=UTC)


class LoginEvent(_Event):
    type: Literal["login"]
    data: LoginData = Field(default_factory=LoginData)


class UsageEvent(_Event):
    type: Literal["usage"]
    data: UsageData


class HealthEvent(_Event):
    type: Literal["health_score"]
    data: HealthData


class TicketEvent(_Event):
    type: Literal["ticket"]
    data: TicketData


class NpsEvent(_Event):
    type: Literal["nps"]
    data: NpsData


class StakeholderEvent(_Event):
    type: Literal["stakeholder"]
    data: StakeholderData


class ContractEvent(_Event):
    type: Literal["contract"]
    data: ContractData


class InvoiceEvent(_Event):
    type: Literal["invoice"]
    data: InvoiceData


class MeetingEvent(_Event):
    type: Literal["meeting"]
    data: MeetingData


CustomerEventIn = Annotated[
    LoginEvent
    | UsageEvent
    | HealthEvent
    | TicketEvent
    | NpsEvent
    | StakeholderEvent
    | ContractEvent
    | InvoiceEvent
    | MeetingEvent,
    Field(discriminator="type"),
]
_adapter: TypeAdapter[Any] = TypeAdapter(CustomerEventIn)


class BatchError(ValueError):
    """A batch that is rejected whole; `index` is the first bad item."""

    def __init__(self, index: int | None, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.index = index
        self.message = message
        self.status = status


@dataclass
class IngestResult:
    accepted: int
    touched: list[tuple[int, str]] = field(default_factory=list)  # (customer_id, event type), deduplicated


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"] if not (isinstance(p, str) and p.endswith("Event")))
    if first["type"] == "union_tag_invalid":
        return f"type: unknown event type; expected one of {', '.join(_TYPES)}"
    if first["type"] == "union_tag_not_found":
        return "type: missing"
    return f"{loc}: {first['msg']}" if loc else first["msg"]


_TYPES = ["login", "usage", "health_score", "ticket", "nps", "stakeholder", "contract", "invoice", "meeting"]


def validate_batch(payload: Any) -> list[Any]:
    """Parse a JSON object or array of events; raise BatchError naming the first bad item."""
    items = payload if isinstance(payload, list) else [payload]
    if isinstance(payload, list) and len(payload) > MAX_BATCH:
        raise BatchError(None, f"too many events: {len(payload)} (at most {MAX_BATCH} per request)", 413)
    if not items:
        raise BatchError(None, "no events in the request")
    events = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise BatchError(i, f"item {i}: expected a JSON object")
        try:
            events.append(_adapter.validate_python(item))
        except ValidationError as err:
            raise BatchError(i, f"item {i}: {_describe(err)}") from None
    return events


async def _resolve_all(session: AsyncSession, events: list[Any]) -> list[Customer]:
    refs = {e.customer for e in events}
    lows = {r.lower() for r in refs}
    rows = (
        (
            await session.execute(
                select(Customer).where(
                    or_(
                        Customer.external_id.in_(refs),
                        func.lower(Customer.domain).in_(lows),
                        func.lower(Customer.name).in_(lows),
                    )
                )
            )
        )
        .scalars()
        .all()
    )
    by_ext = {c.external_id: c for c in rows if c.external_id}
    by_domain = {c.domain.lower(): c for c in rows if c.domain}
    by_name = {c.name.lower(): c for c in rows}
    resolved = []
    for i, e in enumerate(events):
        c = by_ext.get(e.customer) or by_domain.get(e.customer.lower()) or by_name.get(e.customer.lower())
        if c is None:
            raise BatchError(
                i, f"item {i}: customer: no customer with external id, domain or name '{e.customer}'"
            )
        resolved.append(c)
    return resolved


async def ingest(db: Database, payload: Any) -> IngestResult:
    """Validate the whole batch, then apply it in one write transaction (all or nothing)."""
    events = validate_batch(payload)
    touched: dict[tuple[int, str], None] = {}
    async with db.transaction() as session:
        customers = await _resolve_all(session, events)
        for event, customer in zip(events, customers, strict=True):
            await apply_event(session, customer, event)
            touched[(customer.id, event.type)] = None
    return IngestResult(accepted=len(events), touched=list(touched))


def _activity(customer: Customer, kind: str, summary: str, at: datetime, data: dict[str, Any]) -> Activity:
    return Activity(
        customer_id=customer.id, kind=kind, summary=summary, occurred_at=at, data=data, actor="events"
    )


async def apply_event(session: AsyncSession, customer: Customer, event: Any) -> None:
    at: datetime = event.occurred_at
    data = event.data.model_dump(mode="json", exclude_none=True)
    session.add(CustomerEvent(customer_id=customer.id, type=event.type, occurred_at=at, data=data))
    d = event.data
    if event.type == "login":
        session.add(Login(customer_id=customer.id, user=d.user, occurred_at=at))
        if customer.last_login_at is None or at > customer.last_login_at:
            customer.last_login_at = at
    elif event.type == "usage":
        session.add(UsageMetric(customer_id=customer.id, metric=d.metric, value=d.value, occurred_at=at))
    elif event.type == "health_score":
        band = band_for(d.score)
        session.add(
            HealthScore(customer_id=customer.id, score=d.score, band=band, source="external", recorded_at=at)
        )
        latest = (
            await session.execute(
                select(func.max(HealthScore.recorded_at)).where(HealthScore.customer_id == customer.id)
            )
        ).scalar()
        if latest is None or at >= latest:
            previous = customer.health_score
            customer.health_score, customer.health_band, customer.health_source = d.score, band, "external"
            if previous is not None and previous != d.score:
                session.add(_activity(customer, "health", f"Health score {previous} → {d.score}", at, data))
    elif event.type == "ticket":
        await _apply_ticket(session, customer, d, at, data)
    elif event.type == "nps":
        session.add(
            NpsResponse(
                customer_id=customer.id,
                score=d.score,
                comment=d.comment,
                respondent=d.respondent,
                responded_at=at,
            )
        )
        who = f" from {d.respondent}" if d.respondent else ""
        session.add(_activity(customer, "nps", f"NPS {d.score}{who}", at, data))
    elif event.type == "stakeholder":
        await _apply_stakeholder(session, customer, d, at, data)
    elif event.type == "contract":
        exists = (
            await session.execute(
                select(ContractMilestone.id).where(
                    ContractMilestone.customer_id == customer.id,
                    ContractMilestone.milestone == d.milestone,
                    ContractMilestone.date == d.date,
                )
            )
        ).scalar()
        if exists is None:
            session.add(ContractMilestone(customer_id=customer.id, milestone=d.milestone, date=d.date))
        if d.milestone.lower().replace("_", " ") in ("renewal", "renewal date"):
            customer.renewal_date = d.date
        session.add(
            _activity(customer, "contract", f"Contract milestone {d.milestone} on {d.date}", at, data)
        )
    elif event.type == "invoice":
        inv = (
            await session.execute(
                select(Invoice).where(Invoice.customer_id == customer.id, Invoice.external_id == d.id)
            )
        ).scalar()
        if inv is None:
            inv = Invoice(customer_id=customer.id, external_id=d.id, amount=d.amount, due_date=d.due_date)
            session.add(inv)
        inv.amount, inv.due_date, inv.status = d.amount, d.due_date, d.status
        if d.status == "paid" and inv.paid_at is None:
            inv.paid_at = at
        session.add(_activity(customer, "invoice", f"Invoice {d.id} ${d.amount:,.0f} {d.status}", at, data))
    elif event.type == "meeting":
        session.add(_activity(customer, "meeting", f"Meeting {d.meeting_id} ended", at, data))


async def _apply_ticket(
    session: AsyncSession, customer: Customer, d: TicketData, at: datetime, data: dict
) -> None:
    ticket = (
        await session.execute(
            select(Ticket).where(Ticket.customer_id == customer.id, Ticket.external_id == d.id)
        )
    ).scalar()
    status = d.status.lower()
    if ticket is None:
        ticket = Ticket(
            customer_id=customer.id, external_id=d.id, opened_at=at, updated_at=at, escalated=False
        )
        session.add(ticket)
        session.add(
            _activity(customer, "ticket", f"Ticket {d.id} opened ({d.priority or 'normal'})", at, data)
        )
    if d.escalated and not ticket.escalated:
        ticket.escalated_at = at
        session.add(_activity(customer, "ticket", f"Ticket {d.id} escalated", at, data))
    ticket.escalated = ticket.escalated or d.escalated
    ticket.priority = d.priority or ticket.priority
    ticket.subject = d.subject or ticket.subject
    ticket.status = status
    ticket.updated_at = at
    if status in ("closed", "solved", "resolved") and ticket.closed_at is None:
        ticket.closed_at = at


async def _apply_stakeholder(
    session: AsyncSession, customer: Customer, d: StakeholderData, at: datetime, data: dict
) -> None:
    cond = Contact.email == d.email if d.email else func.lower(Contact.name) == d.name.lower()
    contact = (
        await session.execute(select(Contact).where(Contact.customer_id == customer.id, cond))
    ).scalar()
    if contact is None:
        contact = Contact(customer_id=customer.id, name=d.name, email=d.email)
        session.add(contact)
    contact.name, contact.role = d.name, d.role or contact.role
    contact.is_champion = d.champion or contact.is_champion
    role = " (champion)" if contact.is_champion else ""
    if d.status == "left":
        contact.status, contact.left_at = "left", at
        session.add(_activity(customer, "stakeholder", f"{d.name}{role} left", at, data))
    else:
        contact.status, contact.joined_at, contact.left_at = "active", at, None
        session.add(_activity(customer, "stakeholder", f"{d.name}{role} joined", at, data))
    await session.flush()
