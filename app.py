"""Composition root: settings, database, registry, engines, Bolt app, web server, scheduler.

`python app.py` (or `csm serve`) starts the HTTP server (or Socket Mode), the scheduler, and
migrates the database first.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from settings import Settings, load_settings

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.services import Services
    from store import Database

log = logging.getLogger("csm")

NO_CREDENTIALS = """\
csm-agent needs Slack credentials to start. Set, in the environment or in a .env file, one of:

  SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET
      one workspace, HTTP mode: Slack sends requests to http://<your host>:{port}/slack/events
  SLACK_BOT_TOKEN + SLACK_APP_TOKEN
      one workspace, Socket Mode: no public URL needed
  SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + SLACK_SIGNING_SECRET (+ SLACK_STATE_SECRET)
      any number of workspaces, installed at http://<your host>:{port}/slack/install

Create the Slack app from manifest.yml (https://api.slack.com/apps?new_app=1, "From an app manifest").

To try csm-agent without any account, run:  csm sandbox
"""


@dataclass
class Runtime:
    """Everything `serve` runs, built once so tests and the sandbox can run the very same app."""

    services: Services
    bolt: AsyncApp | None
    web_app: web.Application
    on_start: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    on_stop: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)

    async def start(self) -> None:
        for step in self.on_start:
            await step()

    async def stop(self) -> None:
        for step in reversed(self.on_stop):
            try:
                await step()
            except Exception:
                log.exception("error while stopping")
        await self.services.tasks.drain(timeout=5)
        await self.services.db.dispose()


async def install_skill_rules(db: Database, specs: list[dict[str, Any]]) -> None:
    """The trigger rules that run skills on their `event:` triggers, added once (a CSM's edits stay)."""
    from sqlalchemy import select

    from store.models import TriggerRule
    from triggers.model import RuleSpec
    from triggers.rules import save_rule

    async with db.session() as session:
        existing = set((await session.scalars(select(TriggerRule.slug))).all())
    for spec in specs:
        if spec["slug"] in existing:
            continue
        try:
            await save_rule(db, RuleSpec.model_validate(spec))
        except Exception:  # an invalid spec, or another process inserting the same slug first
            log.exception("the trigger rule of skill event %s was not added", spec["slug"])


async def build(
    settings: Settings,
    *,
    db: Database | None = None,
    slack_client: AsyncWebClient | None = None,
    migrate: bool = True,
    scheduler: bool = True,
) -> Runtime:
    """Wire every room. `scheduler=False` leaves the clock off (tests drive the engines directly)."""
    # Imported here so that `python app.py` without credentials answers at once.
    from bot.actions.skills import post_report as post_skill_report
    from bot.app import build_slack_app, client_provider, make_web_client
    from bot.approvals import approval_closer, approval_poster
    from bot.commands.approvals import home_section as approvals_home_section
    from bot.events.assistant import build_assistant
    from bot.playbooks import install as install_playbooks
    from bot.playbooks import progress_poster as playbook_progress_poster
    from bot.services import Services
    from bot.skills import install as install_skills_surface
    from llm.client import make_client
    from playbooks.executor import PlaybookExecutor
    from skills.engine import SkillEngine
    from store import Database
    from store.migrate import upgrade
    from store.slack_events import forget_older_than
    from tools import build_registry
    from triggers.engine import TriggerEngine
    from triggers.health import HealthModel
    from triggers.rules import install_default_rules
    from triggers.scheduler import DurableScheduler
    from web.server import build_web_app

    db = db or Database(settings.database_url)
    if migrate:
        await upgrade(db)
    services = Services(settings=settings, db=db)
    client = slack_client or make_web_client(
        settings, None if settings.oauth_configured else settings.slack_bot_token
    )
    runtime = Runtime(services=services, bolt=None, web_app=web.Application())

    # The one door: every side effect of every engine goes through the registry.
    llm = make_client(settings)
    slack_for_team = client_provider(services, client)
    registry = build_registry(db, settings, llm=llm, slack_client=lambda ctx: slack_for_team(ctx.team_id))
    registry.on_approval_requested = approval_poster(services, slack_for_team)
    registry.on_approval_closed = approval_closer(services, slack_for_team)
    services.registry = registry
    services.slack_client_for = slack_for_team
    services.home_sections.append(approvals_home_section)

    # Proactive engine: health model, trigger rules, the durable scheduler.
    health = HealthModel(db)
    services.triggers = TriggerEngine(db, registry, health=health)
    clock = DurableScheduler(db, default_timezone=settings.timezone)
    services.scheduler = clock

    # Playbooks, skills, the assistant.
    services.playbooks = PlaybookExecutor(
        db, registry, timezone=settings.timezone, on_progress=playbook_progress_poster(services)
    )
    install_playbooks(services, services.playbooks)  # /csm playbook, App Home and snapshot sections
    services.skills = SkillEngine(
        db,
        registry,
        on_report=lambda report: post_skill_report(services, client, report),
        install_rules=lambda specs: install_skill_rules(db, specs),
    )
    install_skills_surface(services)
    services.assistant = build_assistant(services, slack_for_team, llm=llm)  # follow-ups post in their thread

    # Automations: schedules on the durable clock, events as trigger rules owned by the user.
    from automations.wiring import attach as attach_automations
    from bot.actions.automations import slack_user_timezone

    automations = attach_automations(
        services, scheduler=clock, health=health, llm=llm,
        user_timezone=slack_user_timezone(client),
    )  # fmt: skip

    async def on_events(touched: list[tuple[int, str]]) -> None:
        for customer_id, event_type in touched:
            await services.triggers.evaluate_event(customer_id, event_type)
        if touched and services.automations is not None:  # event automations act on their firings now
            await services.automations.process_firings()

    async def setup() -> None:
        await install_default_rules(db)
        await services.playbooks.sync()
        await install_skill_rules(db, await services.skills.event_rules())
        await services.skills.executor.recover()  # runs a stopped process left midway

    runtime.on_start.append(setup)
    if scheduler:
        clock.add_job(
            "triggers.sweep", timedelta(minutes=settings.sweep_minutes), lambda: services.triggers.sweep()
        )
        clock.add_job("health.daily", "0 5 * * *", lambda: health.recompute())
        clock.add_job("playbooks.advance", timedelta(minutes=30), lambda: services.playbooks.advance())
        clock.add_job("slack_events.forget", "30 3 * * *", lambda: forget_older_than(db))
        clock.add_job(
            "conversations.forget", "45 3 * * *", lambda: services.assistant.history.forget_older_than(90)
        )
        clock.add_job("approvals.expire", timedelta(minutes=10), lambda: registry.approvals.expire_due())
        runtime.on_start.append(automations.start)
        runtime.on_start.append(_async(clock.start))
        runtime.on_stop.append(clock.stop)

    meeting_routes = wire_meetings(services)

    runtime.bolt = build_slack_app(services, client=client)
    runtime.web_app = build_web_app(
        services, runtime.bolt, extra_routes=meeting_routes + google_routes(services), on_events=on_events
    )
    return runtime


def _async(func: Any) -> Any:
    async def call() -> None:
        func()

    return call


def google_routes(services: Services) -> list[web.RouteDef]:
    """/oauth/google/start and /oauth/google/callback; the user gets a DM when the connection is made."""
    from types import SimpleNamespace

    from tools.google.oauth_web import routes

    async def connected(team_id: str, user_id: str, email: str | None) -> None:
        client = await services.slack_client_for(team_id)
        if client is not None:
            who = f" as {email}" if email else ""
            await client.chat_postMessage(
                channel=user_id, text=f":white_check_mark: Google is connected{who}."
            )

    deps = SimpleNamespace(
        settings=services.settings,
        db=services.db,
        google_auth_url=services.settings.google_auth_url,
        on_google_connected=connected,
    )
    return routes(deps)


def wire_meetings(services: Services) -> list[web.RouteDef]:
    """The meetings engine: analysis posted by bot/meetings.py, triggers told, the Zoom webhook."""
    from bot.meetings import MeetingPoster, home_section, snapshot_section
    from meetings.analysis import make_analyzer
    from meetings.registry_tools import register_meeting_tools
    from meetings.service import MeetingService
    from meetings.webhook import ZoomWebhookDeps, routes

    settings = services.settings
    meetings = MeetingService(
        services.db, analyzer=make_analyzer(settings), own_domains=tuple(settings.own_domain_list)
    )
    meetings.on_analysis = MeetingPoster(services)
    register_meeting_tools(services.registry, meetings)  # meetings.create_notes

    async def evaluate(customer_id: int, event_type: str = "meeting") -> None:
        if services.triggers is not None:  # meeting_ended, negative_sentiment (the rule's threshold)
            await services.triggers.evaluate_event(customer_id, event_type)

    async def on_meeting_analyzed(stored) -> None:  # noqa: ANN001
        if stored.customer is not None:
            await evaluate(stored.customer.id)

    meetings.on_meeting_analyzed = on_meeting_analyzed
    services.meetings = meetings
    services.home_sections.append(home_section)
    services.snapshot_sections.append(snapshot_section)
    deps = ZoomWebhookDeps(
        settings=settings,
        meetings=meetings,
        registry=services.registry,
        tasks=services.tasks,
        db=services.db,
        on_customer_event=evaluate,
    )
    return routes(deps)


async def serve(settings: Settings) -> None:
    runtime = await build(settings)
    runner = web.AppRunner(runtime.web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "0.0.0.0", settings.port)
    await site.start()
    await runtime.start()
    socket_handler = None
    if settings.slack_app_token and runtime.bolt is not None:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        socket_handler = AsyncSocketModeHandler(runtime.bolt, settings.slack_app_token)
        await socket_handler.connect_async()
        log.info(
            "Connected to Slack in Socket Mode; HTTP on port %s serves /healthz and /api/events",
            settings.port,
        )
    else:
        log.info("Listening on http://0.0.0.0:%s (Slack requests at /slack/events)", settings.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        if socket_handler is not None:
            await socket_handler.close_async()
        await runtime.stop()
        await runner.cleanup()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
    except Exception as exc:  # pydantic's message names the variable
        print(f"csm-agent: bad configuration: {exc}", file=sys.stderr)
        return 2
    if not settings.slack_configured:
        print(NO_CREDENTIALS.format(port=settings.port), file=sys.stderr)
        return 2
    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
