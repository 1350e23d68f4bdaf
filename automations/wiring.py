"""How app.py attaches the automations engine (kept here so the composition root stays one call)."""

from __future__ import annotations

from typing import Any

from automations.service import AutomationService, UserTimezone


def attach(
    services: Any,
    *,
    scheduler: Any = None,
    health: Any = None,
    user_timezone: UserTimezone | None = None,
    llm: Any = None,
) -> AutomationService:
    """Build the engine from `services` (db, registry, settings), set `services.automations`.

    `scheduler`: the durable scheduler (triggers.scheduler.DurableScheduler), so schedule and one-off
    automations run; call `await service.start()` once it is started. `user_timezone`: an async
    function Slack user id -> IANA timezone (users.info `tz`), for schedules that state none.
    `llm`: a ClaudeClient; by default one is made when ANTHROPIC_API_KEY is set."""
    if llm is None:
        from llm.client import make_client

        llm = make_client(services.settings)
    service = AutomationService(
        services.db, services.registry, services.settings, scheduler=scheduler, llm=llm, health=health,
        user_timezone=user_timezone,
    )  # fmt: skip
    services.automations = service
    return service
