"""What the Slack surface can reach: settings, the database's read models, the registry, the engines.

app.py fills it; each engine adds its field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.tasks import BackgroundTasks
from settings import Settings
from store import Database

# A section of the App Home or of the customer snapshot: (services, user_id or customer_id) -> blocks.
HomeSection = Callable[["Services", str], Awaitable[list[Any]]]
SnapshotSection = Callable[["Services", int], Awaitable[list[Any]]]


@dataclass
class Services:
    settings: Settings
    db: Database
    tasks: BackgroundTasks = field(default_factory=lambda: BackgroundTasks())
    registry: Any = None
    triggers: Any = None
    playbooks: Any = None
    skills: Any = None
    automations: Any = None
    meetings: Any = None
    assistant: Any = None
    scheduler: Any = None
    slack_client_for: Any = None  # async (team_id) -> AsyncWebClient, for posts outside a request
    home_sections: list[HomeSection] = field(default_factory=list)
    snapshot_sections: list[SnapshotSection] = field(default_factory=list)
