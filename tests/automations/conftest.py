"""Fixtures of the automations room: the real registry on the test database, customers, a clock.

Slack and Gmail are outside services whose tools are not in this build's registry yet: they are
registered as recording tools in the real registry, so validation, the dry-run answer, the approval
gate and the audit log all run for real.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pydantic import ConfigDict

from settings import Settings
from store.models import Contact, Customer, Login
from tools import build_registry
from tools.base import Tool, ToolInput, ToolRun

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday, 09:00 in New York
OWNER = "UCSM1"


class AnyInput(ToolInput):
    model_config = ConfigDict(extra="allow")


@dataclass
class World:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def of(self, tool: str) -> list[dict[str, Any]]:
        return [inp for name, inp in self.calls if name == tool]


def recording_tool(name: str, world: World, *, gated: bool = False, result: Any = None) -> Tool:
    async def handler(inp: AnyInput, run: ToolRun) -> Any:
        world.calls.append((name, inp.model_dump()))
        return result if result is not None else {"ok": True, "n": len(world.calls)}

    return Tool(
        name=name, description=f"{name} (recording)", category="communication", input_model=AnyInput,
        handler=handler, side_effects=not name.endswith("list_channels"), approval="always" if gated else "never",
    )  # fmt: skip


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        DATABASE_URL="sqlite+aiosqlite:///unused.db",
        CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        CSM_DATA_DIR=str(tmp_path / "data"),
        CSM_TIMEZONE="UTC",
        _env_file=None,
    )


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def registry(db, settings, world):
    registry = build_registry(db, settings)
    registry.register(recording_tool("slack.send_message", world), replace=True)
    registry.register(recording_tool("gmail.draft_email", world), replace=True)
    registry.register(recording_tool("gmail.send_email", world, gated=True), replace=True)
    channels = {"channels": [{"id": "C1", "name": "cs-team"}, {"id": "C2", "name": "cs-alerts"}]}
    registry.register(recording_tool("slack.list_channels", world, result=channels), replace=True)
    return registry


@pytest.fixture
async def portfolio(db):
    """Four customers: two at risk (one of them ours, not logged in for 20 days), two healthy."""
    rows = [
        ("Acme Corp", "acme.com", 55, 120000, OWNER, 20),
        ("Globex", "globex.com", 62, 80000, "UOTHER", 2),
        ("Initech", "initech.com", 88, 300000, OWNER, 1),
        ("Hooli", "hooli.com", 91, 50000, "UOTHER", 3),
    ]
    made = {}
    async with db.transaction() as s:
        for name, domain, health, arr, csm, days in rows:
            c = Customer(
                name=name, domain=domain, health_score=health, arr=arr, csm_slack_id=csm,
                renewal_date=date(2027, 3, 1), segment="enterprise", slack_channel=f"C_{name[:4].upper()}",
                last_login_at=NOW - timedelta(days=days),
            )  # fmt: skip
            s.add(c)
            await s.flush()
            s.add(Contact(customer_id=c.id, name=f"Dana {name}", email=f"dana@{domain}", is_champion=True))
            s.add(Login(customer_id=c.id, user=f"dana@{domain}", occurred_at=NOW - timedelta(days=days)))
            made[name] = c
    return made
