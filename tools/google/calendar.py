"""Calendar tools: list_events (by customer and period), find_availability (freeBusy), create_event and
update_event (approval when attendees are outside our domains)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from store.base import utcnow
from tools.base import Email, Tool, ToolError, ToolInput, ToolRun, emails_outside, tool
from tools.customers import resolve_customer
from tools.google.auth import session

TOOLS: list[Tool] = []


def _tz(run: ToolRun, name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or run.settings.timezone or "UTC")
    except Exception as exc:
        raise ToolError(f"Unknown timezone {name!r}: use an IANA name such as Europe/Paris.") from exc


def _aware(value: datetime, tz: ZoneInfo) -> datetime:
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def event_row(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": e.get("id"),
        "summary": e.get("summary"),
        "start": (e.get("start") or {}).get("dateTime") or (e.get("start") or {}).get("date"),
        "end": (e.get("end") or {}).get("dateTime") or (e.get("end") or {}).get("date"),
        "attendees": [a.get("email") for a in e.get("attendees", []) if a.get("email")],
        "location": e.get("location"),
        "link": e.get("htmlLink"),
        "meet": e.get("hangoutLink"),
        "status": e.get("status"),
    }


class ListEventsInput(ToolInput):
    customer: str | None = Field(None, description="Only events with an attendee at this customer's domain")
    days_back: int = Field(0, ge=0, le=365)
    days_ahead: int = Field(14, ge=0, le=365)
    query: str | None = Field(None, description="Words in the event")
    max_results: int = Field(50, ge=1, le=250)


@tool(
    "calendar.list_events",
    description="List calendar events in a period, optionally only those with a customer's attendees.",
    category="calendar",
    connection="google",
    into=TOOLS,
)
async def list_events(inp: ListEventsInput, run: ToolRun) -> dict[str, Any]:
    domain = None
    if inp.customer is not None:
        async with run.db.session() as s:
            c = await resolve_customer(s, inp.customer, run.ctx)
        if not c.domain:
            raise ToolError(f"{c.name} has no domain on file, so their meetings cannot be found.")
        domain = c.domain.lower()
    now = utcnow()
    g = await session(run)
    listing = await g.run(
        g.api("calendar", "v3")
        .events()
        .list(
            calendarId="primary",
            timeMin=(now - timedelta(days=inp.days_back)).isoformat(),
            timeMax=(now + timedelta(days=inp.days_ahead)).isoformat(),
            singleEvents=True,
            orderBy="startTime",
            q=inp.query,
            maxResults=inp.max_results,
        )
    )
    events = [event_row(e) for e in listing.get("items", [])]
    if domain:
        events = [e for e in events if any(a.lower().endswith("@" + domain) for a in e["attendees"])]
    return {"count": len(events), "events": events}


class AvailabilityInput(ToolInput):
    attendees: list[Email] = Field(default_factory=list, description="Other people who must be free")
    duration_minutes: int = Field(30, ge=5, le=480)
    days_ahead: int = Field(5, ge=1, le=30)
    day_start: int = Field(9, ge=0, le=23, description="Working day start hour")
    day_end: int = Field(17, ge=1, le=24, description="Working day end hour")
    timezone: str | None = Field(None, description="IANA timezone; CSM_TIMEZONE when omitted")
    max_slots: int = Field(5, ge=1, le=50)


def free_slots(
    busy: list[tuple[datetime, datetime]],
    start: datetime,
    days: int,
    duration: timedelta,
    tz: ZoneInfo,
    day_start: int,
    day_end: int,
    limit: int,
) -> list[dict[str, str]]:
    """Weekday slots within working hours, on a 15-minute grid, overlapping no busy interval."""
    slots: list[dict[str, str]] = []
    step = timedelta(minutes=15)
    local = start.astimezone(tz)
    for offset in range(days + 1):
        day = (local + timedelta(days=offset)).date()
        if day.weekday() >= 5:
            continue
        t = datetime.combine(day, time(day_start), tz)
        close = datetime.combine(day, time(0), tz) + timedelta(hours=day_end)
        while t + duration <= close and len(slots) < limit:
            if t >= start and not any(b0 < t + duration and t < b1 for b0, b1 in busy):
                slots.append({"start": t.isoformat(), "end": (t + duration).isoformat()})
                t += duration
            else:
                t += step
        if len(slots) >= limit:
            break
    return slots


@tool(
    "calendar.find_availability",
    description="Find times when the user and the given attendees are all free (Calendar freeBusy).",
    category="calendar",
    connection="google",
    into=TOOLS,
)
async def find_availability(inp: AvailabilityInput, run: ToolRun) -> dict[str, Any]:
    if inp.day_end <= inp.day_start:
        raise ToolError("`day_end` must be after `day_start`.")
    tz = _tz(run, inp.timezone)
    now = utcnow().replace(second=0, microsecond=0)
    start = now + timedelta(minutes=15 - now.minute % 15)
    end = start + timedelta(days=inp.days_ahead + 1)
    g = await session(run)
    body = {
        "timeMin": start.isoformat(),
        "timeMax": end.isoformat(),
        "timeZone": str(tz),
        "items": [{"id": "primary"}] + [{"id": a} for a in inp.attendees],
    }
    answer = await g.run(g.api("calendar", "v3").freebusy().query(body=body))
    busy: list[tuple[datetime, datetime]] = []
    unknown = []
    for cal_id, cal in (answer.get("calendars") or {}).items():
        if cal.get("errors"):
            unknown.append(cal_id)
        busy += [(_parse(b["start"]), _parse(b["end"])) for b in cal.get("busy", [])]
    slots = free_slots(
        busy,
        start,
        inp.days_ahead,
        timedelta(minutes=inp.duration_minutes),
        tz,
        inp.day_start,
        inp.day_end,
        inp.max_slots,
    )
    note = (
        f"Could not see the calendars of {', '.join(unknown)}; their busy times are not counted."
        if unknown
        else None
    )
    return {"timezone": str(tz), "slots": slots, "note": note}


class CreateEventInput(ToolInput):
    summary: str = Field(min_length=1, max_length=500)
    start: datetime = Field(description="ISO 8601; without an offset it is read in `timezone`")
    end: datetime | None = None
    duration_minutes: int = Field(30, ge=5, le=1440, description="Used when `end` is omitted")
    attendees: list[Email] = Field(default_factory=list)
    description: str | None = None
    location: str | None = None
    timezone: str | None = None
    add_meet: bool = Field(False, description="Attach a Google Meet link")
    send_updates: bool = Field(True, description="Email the invitation to attendees")

    @model_validator(mode="after")
    def _order(self) -> CreateEventInput:
        if self.end is not None and self.start.tzinfo is not None and self.end.tzinfo is not None:
            if self.end <= self.start:
                raise ValueError("`end` must be after `start`")
        return self


def external_attendees(inp: Any, settings: Any) -> str | None:
    emails = list(getattr(inp, "attendees", None) or getattr(inp, "add_attendees", None) or [])
    outside = emails_outside(emails, settings.own_domain_list)
    return f"the invitation goes to people outside our domain: {', '.join(outside)}" if outside else None


def event_preview(inp: Any) -> dict[str, Any]:
    return {k: v for k, v in inp.model_dump(mode="json").items() if v not in (None, [], "")}


@tool(
    "calendar.create_event",
    description="Create a calendar event and invite attendees; asks for approval when attendees are external.",
    category="calendar",
    connection="google",
    approval=external_attendees,
    side_effects=True,
    preview=event_preview,
    into=TOOLS,
)
async def create_event(inp: CreateEventInput, run: ToolRun) -> dict[str, Any]:
    tz = _tz(run, inp.timezone)
    start = _aware(inp.start, tz)
    end = _aware(inp.end, tz) if inp.end else start + timedelta(minutes=inp.duration_minutes)
    if end <= start:
        raise ToolError("`end` must be after `start`.")
    body: dict[str, Any] = {
        "summary": inp.summary,
        "start": {"dateTime": start.isoformat(), "timeZone": str(tz)},
        "end": {"dateTime": end.isoformat(), "timeZone": str(tz)},
        "attendees": [{"email": a} for a in inp.attendees],
    }
    if inp.description:
        body["description"] = inp.description
    if inp.location:
        body["location"] = inp.location
    extra: dict[str, Any] = {}
    if inp.add_meet:
        body["conferenceData"] = {
            "createRequest": {"requestId": f"csm-{run.ctx.user_id}-{start.timestamp():.0f}"}
        }
        extra["conferenceDataVersion"] = 1
    g = await session(run)
    created = await g.run(
        g.api("calendar", "v3")
        .events()
        .insert(calendarId="primary", body=body, sendUpdates="all" if inp.send_updates else "none", **extra)
    )
    return event_row(created)


class UpdateEventInput(ToolInput):
    event_id: str = Field(min_length=1)
    summary: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    description: str | None = None
    location: str | None = None
    add_attendees: list[Email] = Field(default_factory=list)
    remove_attendees: list[Email] = Field(default_factory=list)
    timezone: str | None = None
    send_updates: bool = True


async def notifies_outside(inp: UpdateEventInput, run: ToolRun) -> str | None:
    """Moving or rewording an event that already has outside attendees emails them the change."""
    if not inp.send_updates:
        return None
    changes = [
        k for k in ("summary", "start", "end", "description", "location") if getattr(inp, k) is not None
    ]
    if not changes and not inp.remove_attendees:
        return None
    g = await session(run)
    current = await g.run(g.api("calendar", "v3").events().get(calendarId="primary", eventId=inp.event_id))
    dropped = {a.lower() for a in inp.remove_attendees}
    invited = [a.get("email") or "" for a in current.get("attendees", [])]
    outside = emails_outside([a for a in invited if a.lower() not in dropped], run.settings.own_domain_list)
    if not outside:
        return None
    return f"the change ({', '.join(changes) or 'attendees removed'}) is sent to people outside our domain: {', '.join(outside)}"


@tool(
    "calendar.update_event",
    description="Change an event's title, time, description, location or attendees; asks first when the change "
    "reaches people outside our domain.",
    category="calendar",
    connection="google",
    approval=external_attendees,
    approval_check=notifies_outside,
    side_effects=True,
    preview=event_preview,
    into=TOOLS,
)
async def update_event(inp: UpdateEventInput, run: ToolRun) -> dict[str, Any]:
    tz = _tz(run, inp.timezone)
    g = await session(run)
    events = g.api("calendar", "v3").events()
    current = await g.run(events.get(calendarId="primary", eventId=inp.event_id))
    patch: dict[str, Any] = {}
    for key in ("summary", "description", "location"):
        if getattr(inp, key) is not None:
            patch[key] = getattr(inp, key)
    if inp.start is not None:
        patch["start"] = {"dateTime": _aware(inp.start, tz).isoformat(), "timeZone": str(tz)}
    if inp.end is not None:
        patch["end"] = {"dateTime": _aware(inp.end, tz).isoformat(), "timeZone": str(tz)}
    if inp.add_attendees or inp.remove_attendees:
        drop = {a.lower() for a in inp.remove_attendees}
        kept = [a for a in current.get("attendees", []) if (a.get("email") or "").lower() not in drop]
        have = {(a.get("email") or "").lower() for a in kept}
        patch["attendees"] = kept + [{"email": a} for a in inp.add_attendees if a.lower() not in have]
    if not patch:
        raise ToolError(
            "Nothing to change: give at least one of summary, start, end, description, location, attendees."
        )
    updated = await g.run(
        events.patch(
            calendarId="primary",
            eventId=inp.event_id,
            body=patch,
            sendUpdates="all" if inp.send_updates else "none",
        )
    )
    return event_row(updated)
