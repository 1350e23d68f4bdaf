"""`csm import customers FILE.csv`: upsert by external_id (else domain), all rows or none."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from sqlalchemy import func, select

from store.customers import band_for
from store.db import Database
from store.models import Contact, Customer

COLUMNS = [
    "name", "domain", "external_id", "arr", "renewal_date", "health_score", "segment", "tier",
    "csm_slack_id", "slack_channel", "champion_name", "champion_email",
]  # fmt: skip
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_USER_RE = re.compile(r"^[UW][A-Z0-9]{2,}$")
SLACK_CHANNEL_RE = re.compile(r"^(#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{2,})$")


class CustomerRow(BaseModel):
    model_config = ConfigDict(validate_default=True)

    name: str | None = None  # required: the validator says so in words
    domain: str | None = None
    external_id: str | None = None
    arr: float | None = None
    renewal_date: date | None = None
    health_score: int | None = None
    segment: str | None = None
    tier: str | None = None
    csm_slack_id: str | None = None
    slack_channel: str | None = None
    champion_name: str | None = None
    champion_email: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    @field_validator("name", mode="after")
    @classmethod
    def _name(cls, v: str | None) -> str:
        if not v:
            raise ValueError("is required")
        return v

    @field_validator("domain")
    @classmethod
    def _domain(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.lower().removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
        if "." not in v or " " in v:
            raise ValueError(f"'{v}' is not a domain (e.g. acme.com)")
        return v

    @field_validator("arr", mode="before")
    @classmethod
    def _money(cls, v: Any) -> Any:
        if isinstance(v, str):
            cleaned = v.replace("$", "").replace(",", "").strip()
            try:
                return float(cleaned)
            except ValueError:
                raise ValueError(f"'{v}' is not an amount in dollars") from None
        return v

    @field_validator("health_score")
    @classmethod
    def _score(cls, v: int | None) -> int | None:
        if v is not None and not 0 <= v <= 100:
            raise ValueError("must be between 0 and 100")
        return v

    @field_validator("csm_slack_id")
    @classmethod
    def _user(cls, v: str | None) -> str | None:
        if v is not None and not SLACK_USER_RE.match(v):
            raise ValueError(f"'{v}' is not a Slack user id (like U012AB3CD)")
        return v

    @field_validator("slack_channel")
    @classmethod
    def _channel(cls, v: str | None) -> str | None:
        if v is not None and not SLACK_CHANNEL_RE.match(v):
            raise ValueError(f"'{v}' is not a channel id (like C012AB3CD) or #name")
        return v

    @field_validator("champion_email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not EMAIL_RE.match(v):
            raise ValueError(f"'{v}' is not an email address")
        return v


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _row_error(line: int, err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        col = ".".join(str(p) for p in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "date_from_datetime_parsing" or e["type"].startswith("date"):
            msg = "is not a date (YYYY-MM-DD)"
        elif e["type"] in ("float_parsing", "int_parsing"):
            msg = "is not a number"
        parts.append(f"{col} {msg}")
    return f"line {line}: " + "; ".join(parts)


def parse_csv(text: str) -> tuple[list[tuple[int, CustomerRow]], ImportReport]:
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        report.errors.append("line 1: the file is empty; expected a header row with at least 'name'")
        return [], report
    reader.fieldnames = header
    if "name" not in header:
        report.errors.append("line 1: missing required column 'name'")
        return [], report
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        report.warnings.append(f"line 1: ignoring unknown columns: {', '.join(unknown)}")
    rows: list[tuple[int, CustomerRow]] = []
    seen_ext: dict[str, int] = {}
    seen_domain: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        values = {k: v for k, v in record.items() if k in COLUMNS}
        if None in record:
            report.errors.append(f"line {line}: more values than columns in the header")
            continue
        if not any((v or "").strip() for v in values.values()):
            continue
        try:
            row = CustomerRow.model_validate(values)
        except ValidationError as err:
            report.errors.append(_row_error(line, err))
            continue
        key_map, key = (seen_ext, row.external_id) if row.external_id else (seen_domain, row.domain)
        if key:
            if key in key_map:
                report.errors.append(f"line {line}: duplicate of line {key_map[key]} ({key})")
                continue
            key_map[key] = line
        rows.append((line, row))
    return rows, report


async def import_customers(db: Database, text: str) -> ImportReport:
    rows, report = parse_csv(text)
    if report.errors:
        return report
    async with db.transaction() as session:
        for _line, row in rows:
            customer = None
            if row.external_id:
                customer = (
                    await session.execute(select(Customer).where(Customer.external_id == row.external_id))
                ).scalar()
            if customer is None and row.domain:
                customer = (
                    (await session.execute(select(Customer).where(func.lower(Customer.domain) == row.domain)))
                    .scalars()
                    .first()
                )
            if customer is None:
                customer = Customer(name=row.name)
                session.add(customer)
                report.created += 1
            else:
                report.updated += 1
            fields = row.model_dump(exclude={"champion_name", "champion_email"}, exclude_unset=True)
            for key, value in fields.items():
                setattr(customer, key, value)
            if row.health_score is not None:
                customer.health_band, customer.health_source = band_for(row.health_score), "import"
            await session.flush()
            if row.champion_name or row.champion_email:
                await _upsert_champion(session, customer, row)
    return report


async def _upsert_champion(session: Any, customer: Customer, row: CustomerRow) -> None:
    cond = (
        Contact.email == row.champion_email
        if row.champion_email
        else func.lower(Contact.name) == (row.champion_name or "").lower()
    )
    contact = (
        await session.execute(select(Contact).where(Contact.customer_id == customer.id, cond))
    ).scalar()
    if contact is None:
        contact = Contact(customer_id=customer.id, name=row.champion_name or row.champion_email or "")
        session.add(contact)
    contact.name = row.champion_name or contact.name
    contact.email = row.champion_email or contact.email
    contact.is_champion, contact.status = True, "active"
