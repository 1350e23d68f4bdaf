"""`csm sandbox`: the real app against an emulated Slack workspace, with demo data, in a terminal.

Type `/csm …`, a DM in plain words, `home`, or a button's number. `--script FILE` runs the same
lines without a terminal (for tests and demos).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from sandbox.driver import (
    block_action_body,
    event_body,
    headers_for,
    slash_command_body,
    view_submission_body,
)
from sandbox.render import Renderer
from sandbox.slack import BOT_TOKEN, FakeSlack, SlackSandbox

SIGNING_SECRET = "sandbox-signing-secret"
API_TOKEN = "sandbox-api-token"

HELP = """\
Type what you would type in Slack:
  /csm help                 a slash command (try /csm customer Acme Corp)
  how is Acme doing?        a direct message to the bot
  home                      open the App Home tab
  sweep                     evaluate every trigger rule now (alerts arrive as DMs)
  3                         click button [3] of the last output
  submit name=value ...     submit the open modal's inputs
  as U0CSMRAJ               act as another user (U0CSMDANA, U0CSMRAJ, U0CSMLEA)
{zoom}
  help, quit
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sandbox", help="try the app against a local emulated Slack workspace")
    p.add_argument("--script", type=Path, help="run the lines of FILE instead of reading the terminal")
    p.add_argument("--db", type=Path, default=None, help="SQLite file (default: <data dir>/sandbox.db)")
    p.add_argument("--fresh", action="store_true", help="start from a new database")
    p.add_argument("--no-color", action="store_true")
    p.set_defaults(func=_run)


@dataclass
class ButtonTarget:
    channel: str | None
    ts: str | None
    view: dict[str, Any] | None = None


@dataclass
class Console:
    slack: FakeSlack
    app_url: str
    http: aiohttp.ClientSession
    runtime: Any
    renderer: Renderer
    user: str
    out: Any = sys.stdout
    targets: dict[int, ButtonTarget] = field(default_factory=dict)
    modal: dict[str, Any] | None = None
    seen_calls: int = 0
    seen_responses: int = 0
    zoom: Any = None  # cli.meetings.SandboxZoom

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    async def _post(self, body: str, *, json_body: bool = False) -> tuple[int, str]:
        headers = headers_for(body, SIGNING_SECRET, json_body=json_body)
        async with self.http.post(f"{self.app_url}/slack/events", data=body, headers=headers) as resp:
            return resp.status, await resp.text()

    async def handle(self, line: str) -> bool:
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line in ("quit", "exit"):
            return False
        if line == "help":
            from cli.meetings import SandboxZoom

            self.print(HELP.format(zoom=SandboxZoom.HELP))
            return True
        previous = (list(self.renderer.buttons), dict(self.targets))
        self.renderer.reset_buttons()
        self.targets = {}
        if line.startswith("as "):
            self.user = line[3:].strip()
            self.print(f"(you are now {self.user})")
            return True
        if line.startswith("/csm"):
            status, text = await self._post(slash_command_body(line[4:].strip(), user_id=self.user,
                                                               response_url=self.slack.response_url()))  # fmt: skip
            self._show_ack(status, text)
        elif line == "sweep":
            fired = await self.runtime.services.triggers.sweep()
            self.print(f"(the sweep fired {len(fired)} alert{'s' if len(fired) != 1 else ''})")
        elif line == "home":
            await self._post(event_body({"type": "app_home_opened", "user": self.user, "tab": "home",
                                         "channel": self.slack.im_channel(self.user).id}), json_body=True)  # fmt: skip
        elif line.isdigit():
            await self._click(int(line), *previous)
        elif line.startswith("submit"):
            await self._submit(line[6:].strip())
        elif line.startswith("zoom ") and self.zoom is not None:
            self.print(await self.zoom.meeting(self.http, self.app_url, line[5:].strip()))
        else:
            await self._dm(line)
        await self.runtime.services.tasks.drain(timeout=30)
        self.show_new()
        return True

    def _show_ack(self, status: int, text: str) -> None:
        if status != 200:
            self.print(f"(Slack would show an error: HTTP {status})")
            return
        if text.startswith("{"):
            body = json.loads(text)
            self._render(
                {"text": body.get("text", ""), "blocks": body.get("blocks")},
                "only visible to you",
                None,
                None,
            )

    async def _dm(self, text: str) -> None:
        channel = self.slack.im_channel(self.user)
        msg = {"type": "message", "user": self.user, "text": text, "ts": self.slack.new_ts(), "channel": channel.id,
               "channel_type": "im"}  # fmt: skip
        channel.messages.append({k: v for k, v in msg.items() if k != "channel"})
        await self._post(event_body(msg), json_body=True)

    async def _click(self, number: int, buttons: list[Any], targets: dict[int, ButtonTarget]) -> None:
        button = next((b for b in buttons if b.number == number), None)
        if button is None:
            self.print(f"(there is no button [{number}] in the last output)")
            return
        if button.url:
            self.print(f"(opens {button.url} in the browser)")
            return
        target = targets.get(number, ButtonTarget(None, None))
        if target.view is not None:
            body = block_action_body(button.action_id, button.value, user_id=self.user, container_type="view",
                                     view=target.view, block_id=button.block_id)  # fmt: skip
        else:
            body = block_action_body(button.action_id, button.value, user_id=self.user, channel_id=target.channel,
                                     message_ts=target.ts, response_url=self.slack.response_url(),
                                     block_id=button.block_id)  # fmt: skip
        self.print(f"(clicked [{number}] {button.text})")
        await self._post(body)

    async def _submit(self, args: str) -> None:
        if self.modal is None:
            self.print("(no modal is open)")
            return
        given = dict(part.split("=", 1) for part in shlex.split(args) if "=" in part)
        values: dict[str, Any] = {}
        for block in self.modal.get("blocks", []):
            if block.get("type") != "input":
                continue
            el = block.get("element", {})
            key = block.get("block_id", "")
            value = given.get(key, el.get("initial_value", ""))
            values[key] = {
                el.get("action_id", key): {"type": el.get("type", "plain_text_input"), "value": value}
            }
        status, text = await self._post(view_submission_body(self.modal, values, user_id=self.user))
        if text.startswith("{") and '"errors"' in text:
            for name, err in json.loads(text)["errors"].items():
                self.print(f"  {name}: {err}")
        else:
            self.modal = None

    def _render(self, msg: dict[str, Any], where: str, channel: str | None, ts: str | None,
                view: dict[str, Any] | None = None) -> None:  # fmt: skip
        start = len(self.renderer.buttons)
        self.print(self.renderer.message(msg, where) if view is None else self.renderer.view(view))
        for b in self.renderer.buttons[start:]:
            self.targets[b.number] = ButtonTarget(channel, ts, view)

    def _where(self, channel_id: str) -> str:
        ch = self.slack.channels.get(channel_id)
        if ch is None:
            return channel_id
        if ch.is_im:
            return f"DM with {ch.user}" if ch.user != self.user else "DM from csm-agent"
        return f"#{ch.name}"

    def show_new(self) -> None:
        calls = self.slack.calls[self.seen_calls :]
        self.seen_calls = len(self.slack.calls)
        for reply in self.slack.responses[self.seen_responses :]:
            self._render(reply, "only visible to you", None, None)
        self.seen_responses = len(self.slack.responses)
        for call in calls:
            a = call.args
            blocks = a.get("blocks")
            msg = {
                "text": a.get("text", ""),
                "blocks": json.loads(blocks) if isinstance(blocks, str) else blocks,
            }
            channel = (call.result or {}).get("channel") or a.get("channel", "")
            if call.method == "chat.postMessage":
                where = self._where(channel) + (" (in thread)" if a.get("thread_ts") else "")
                self._render(msg, where, channel, (call.result or {}).get("ts"))
            elif call.method == "chat.update":
                self._render(msg, self._where(channel) + " (updated)", channel, a.get("ts"))
            elif call.method == "chat.postEphemeral":
                self._render(msg, self._where(channel) + " (only visible to you)", channel, None)
            elif call.method == "views.publish" and a.get("user_id") == self.user:
                self._render({}, "", None, None, view=self.slack.views[self.user])
            elif call.method in ("views.open", "views.push", "views.update"):
                self.modal = list(self.slack.modals.values())[-1]
                self._render({}, "", None, None, view=self.modal)


async def _main(args: argparse.Namespace) -> int:
    import app
    from settings import load_settings
    from store import Database
    from store.demo import DEMO_USER, seed_demo, slack_directory
    from store.migrate import upgrade

    base = load_settings()
    db_path = args.db or (base.data_dir / "sandbox.db")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    slack_box = await SlackSandbox(FakeSlack.from_directory(*slack_directory())).start()
    from cli.meetings import SandboxZoom
    from meetings.demo import seed_demo_meetings
    from sandbox.google import GoogleServer

    zoom = SandboxZoom()
    zoom_settings = await zoom.start()
    google = await GoogleServer().start()
    settings = base.model_copy(
        update={
            "database_url": f"sqlite+aiosqlite:///{db_path}",
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_app_token": None,
            "slack_client_id": None,
            "slack_client_secret": None,
            "slack_api_url": slack_box.api_url,
            "api_token": base.api_token or API_TOKEN,
            **zoom_settings,
            "google_client_id": "sandbox-google-client",
            "google_client_secret": "sandbox-google-secret",
            "google_api_url": google.url,
            "google_oauth_token_url": google.url + "/token",
            "google_auth_url": google.auth_url,
            "encryption_key": base.encryption_key or SANDBOX_FERNET_KEY,
        }
    )
    db = Database(settings.database_url)
    await upgrade(db)
    seeded = await seed_demo(db)
    await seed_demo_meetings(db)
    await connect_google(db, settings, google)
    runtime = await app.build(settings, db=db, migrate=False)
    playbook_templates_in_drive(runtime.services.playbooks, google)
    runner = aiohttp.web.AppRunner(runtime.web_app, access_log=None)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await runtime.start()
    out = sys.stdout
    print(
        f"csm-agent sandbox: app on http://127.0.0.1:{port}, emulated Slack at {slack_box.api_url}", file=out
    )
    print(f"Database {db_path}" + (f" (seeded {seeded} demo customers)" if seeded else ""), file=out)
    print(f"You are {DEMO_USER} (Dana Whitfield, a CSM). Type 'help' for what you can do.\n", file=out)
    color = not args.no_color and out.isatty() and not args.script
    async with aiohttp.ClientSession() as http:
        console = Console(
            slack_box.slack, f"http://127.0.0.1:{port}", http, runtime, Renderer(color), DEMO_USER, out
        )
        console.seen_calls = len(slack_box.slack.calls)
        console.zoom = zoom
        try:
            if args.script:
                for line in args.script.read_text().splitlines():
                    if line.strip() and not line.strip().startswith("#"):
                        print(f"> {line}", file=out)
                    if not await console.handle(line):
                        break
            else:
                loop = asyncio.get_running_loop()
                while True:
                    try:
                        line = await loop.run_in_executor(None, input, "> ")
                    except EOFError:
                        break
                    if not await console.handle(line):
                        break
        finally:
            await runtime.stop()
            await runner.cleanup()
            await slack_box.stop()
            await zoom.stop()
            await google.stop()
    return 0


SANDBOX_FERNET_KEY = "c2FuZGJveC1vbmx5LWtleS1ub3QtZm9yLXJlYWwtdXM="  # the sandbox's own secrets only


async def connect_google(db: Any, settings: Any, google: Any) -> None:
    """Every demo CSM has Google connected to the emulation, with demo mail, events and templates."""
    from datetime import timedelta

    from sqlalchemy import select

    from sandbox.google import seed_demo as seed_google
    from sandbox.slack import TEAM_ID
    from store.base import utcnow
    from store.demo import CSMS
    from store.models import Contact, Customer
    from tools.google.auth import GoogleConnections

    async with db.session() as s:
        rows = (
            await s.execute(
                select(Customer.name, Customer.domain, Contact.name, Contact.email)
                .join(Contact, Contact.customer_id == Customer.id)
                .where(Contact.is_champion.is_(True), Contact.status == "active")
                .order_by(Customer.id)
                .limit(6)
            )
        ).all()
    seed_google(google.sandbox, [{"name": n, "domain": d, "contact_name": cn, "contact_email": ce}
                                 for n, d, cn, ce in rows])  # fmt: skip
    connections = GoogleConnections(db, settings)
    for csm in CSMS:
        access, refresh = google.sandbox.issue_tokens(csm.email)
        await connections.save(TEAM_ID, csm.slack_id, access_token=access, refresh_token=refresh,
                               expires_at=utcnow() + timedelta(hours=1), account_email=csm.email)  # fmt: skip


def playbook_templates_in_drive(executor: Any, google: Any) -> None:
    """The playbooks' document steps need the workspace's Drive templates (values.yml in production):
    in the sandbox, one emulated Doc or Slides file per declared template variable."""
    from sandbox.google_apis import DOC, SLIDES

    for template in executor.library.templates.values():
        for var in template.variables:
            if var.name in executor.library.values or not var.name.endswith(("_doc", "_deck")):
                continue
            kind = SLIDES if var.name.endswith("_deck") else DOC
            title = var.name.replace("_", " ").capitalize() + " template"
            text = "{{customer_name}}: " + var.description
            made = google.sandbox.drive.add_file(title, kind, text=text)
            executor.library.values[var.name] = made["id"]


def _run(args: argparse.Namespace) -> int:
    if args.script and not args.script.exists():
        print(f"{args.script}: no such file", file=sys.stderr)
        return 1
    try:
        return asyncio.run(_main(args))
    except KeyboardInterrupt:
        return 0
