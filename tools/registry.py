"""The registry: the one door for every side effect (DESIGN principle 1).

`invoke(name, input, ctx)`: validate → connection check → approval gate → execute with a timeout and
retries on transient errors → audit log → `ToolResult`. Approvals live in `tools.approvals`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python
from rapidfuzz import fuzz, process
from sqlalchemy import select

from store.base import utcnow
from store.connections import find_connection
from store.models import Approval, AuditLog, ToolSetting
from tools.approvals import Approvals
from tools.audit import AuditWriter
from tools.base import Tool, ToolError, ToolRun, TransientToolError
from tools.model import ApprovalOutcome, ToolContext, ToolResult

log = logging.getLogger(__name__)

ResumeHook = Callable[[ApprovalOutcome], Awaitable[None]]
ClientProvider = Callable[[ToolContext], Any]  # returns a client (or an awaitable of one), or None
ErrorTranslator = Callable[[Exception, Tool], ToolError | None]

SETTINGS_TTL_S = 30.0
AUDIT_VALUE_LIMIT = 2000


@dataclass
class ToolDeps:
    """Shared dependencies of every tool handler."""

    settings: Any
    db: Any
    llm: Any = None
    slack_client: ClientProvider | None = None  # the installation's bot client for ctx.team_id
    slack_user_client: ClientProvider | None = None  # the user's own token, where granted
    services: dict[str, Any] = field(default_factory=dict)  # lazily built clients (zoom, google…)

    def service(self, key: str, factory: Callable[[], Any]) -> Any:
        if key not in self.services:
            self.services[key] = factory()
        return self.services[key]


CONNECT_HINTS = {
    "google": "You have not connected Google yet: run `/csm connect google`, follow the link, then try again.",
    "zoom": (
        "Zoom is not set up for this workspace: an admin creates a Server-to-Server OAuth app in the Zoom "
        "Marketplace and sets ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (see `/csm connect zoom`)."
    ),
    "slack_user": (
        "This needs your own Slack user token (Slack lets only users search messages), and you have not "
        "granted one: open the app's install link (/slack/install) and authorise it with the search:read "
        "user scope, then try again."
    ),
}


def describe_validation_error(tool: Tool, exc: ValidationError) -> str:
    fields = ", ".join(tool.input_model.model_fields)
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "input"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = f"is not a field of {tool.name} (its fields: {fields})"
        elif err["type"] == "missing":
            msg = "is required"
        parts.append(f"`{loc}` {msg}")
    return f"Invalid input for {tool.name}: " + "; ".join(parts) + "."


def _audit_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > AUDIT_VALUE_LIMIT:
        return value[:AUDIT_VALUE_LIMIT] + f"… ({len(value)} characters)"
    if isinstance(value, dict):
        return {k: _audit_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_audit_value(v) for v in value]
    return value


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class Registry:
    def __init__(
        self,
        db: Any,
        settings: Any,
        *,
        llm: Any = None,
        slack_client: ClientProvider | None = None,
        slack_user_client: ClientProvider | None = None,
        on_approval_requested: Callable[[Approval], Awaitable[None]] | None = None,
        approval_ttl: timedelta = timedelta(hours=72),
        retry_backoff_s: float = 0.5,
        max_retry_wait_s: float = 30.0,
    ) -> None:
        self.deps = ToolDeps(
            settings=settings, db=db, llm=llm, slack_client=slack_client, slack_user_client=slack_user_client
        )
        self.on_approval_requested = on_approval_requested
        # Called when an approval closes without a click (expired, or withdrawn by its caller).
        self.on_approval_closed: Callable[[Approval], Awaitable[None]] | None = None
        self.approval_ttl = approval_ttl
        self.retry_backoff_s = retry_backoff_s
        self.max_retry_wait_s = max_retry_wait_s
        self._tools: dict[str, Tool] = {}
        self._resume_hooks: dict[str, list[ResumeHook]] = {}
        self._error_translators: list[ErrorTranslator] = []
        self._tool_settings: dict[str, ToolSetting] = {}
        self._tool_settings_at = float("-inf")
        self.approvals = Approvals(self)
        self._audit_writer = AuditWriter(db)

    # -- catalogue -------------------------------------------------------------------------------

    @property
    def db(self) -> Any:
        return self.deps.db

    @property
    def settings(self) -> Any:
        return self.deps.settings

    def register(self, tool: Tool, *, replace: bool = False) -> Tool:
        if tool.name in self._tools and not replace:
            raise ValueError(f"tool {tool.name} is already registered")
        self._tools[tool.name] = tool
        return tool

    def register_all(self, tools: Iterable[Tool]) -> None:
        for t in tools:
            self.register(t)

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def names(self) -> list[str]:
        return sorted(self._tools)

    def list(self, category: str | None = None) -> list[Tool]:
        tools = sorted(self._tools.values(), key=lambda t: (t.category, t.name))
        if category:
            tools = [t for t in tools if t.category == category.lower()]
        return tools

    def categories(self) -> list[str]:
        return sorted({t.category for t in self._tools.values()})

    def search(self, words: str, limit: int = 10) -> list[Tool]:
        """Tools ranked by how many of the words appear in their name, description and category."""
        terms = [w for w in words.lower().replace(".", " ").replace("_", " ").split() if w]
        if not terms:
            return self.list()[:limit]
        scored = []
        for t in self._tools.values():
            hay = f"{t.name.replace('.', ' ').replace('_', ' ')} {t.category} {t.description}".lower()
            tokens = hay.split()
            hits = sum(1 for w in terms if any(tok.startswith(w) for tok in tokens))
            fuzzy = fuzz.partial_ratio(" ".join(terms), hay) / 100
            if hits or fuzzy > 0.8:
                scored.append((hits + fuzzy, t.name, t))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [t for _, _, t in scored[:limit]]

    def nearest(self, name: str, limit: int = 3) -> list[str]:
        found = process.extract(name, list(self._tools), scorer=fuzz.WRatio, limit=limit, score_cutoff=50)
        return [match for match, _score, _ in found]

    def add_resume_hook(self, caller_kind: str, hook: ResumeHook) -> None:
        self._resume_hooks.setdefault(caller_kind, []).append(hook)

    def add_error_translator(self, translator: ErrorTranslator) -> None:
        self._error_translators.append(translator)

    def describe(self, tool: Tool) -> dict[str, Any]:
        """CONTRACTS §4 row of `csm tools list --json`."""
        return {
            "name": tool.name,
            "description": tool.description,
            "category": tool.category,
            "input_schema": tool.input_schema(),
            "requires_auth": tool.connection != "none",
            "requires_approval": tool.may_need_approval,
        }

    # Claude's API forbids dots in tool names: map at that boundary only.
    @staticmethod
    def claude_name(name: str) -> str:
        return name.replace(".", "_", 1)

    def from_claude_name(self, claude_name: str) -> str | None:
        for name in self._tools:
            if self.claude_name(name) == claude_name:
                return name
        return None

    def claude_tools(self, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
        chosen = [self._tools[n] for n in names if n in self._tools] if names is not None else self.list()
        return [
            {"name": self.claude_name(t.name), "description": t.description, "input_schema": t.input_schema()}
            for t in chosen
        ]

    # -- invocation ------------------------------------------------------------------------------

    async def invoke(self, name: str, input: dict[str, Any] | None, ctx: ToolContext) -> ToolResult:
        started = time.perf_counter()
        tool = self._tools.get(name)
        if tool is None:
            near = self.nearest(name)
            hint = f" Did you mean {', '.join(near)}?" if near else " `/csm tools` lists them."
            return ToolResult.fail(f"There is no tool named `{name}`.{hint}")
        try:
            data = tool.input_model.model_validate(input or {})
        except ValidationError as exc:
            result = ToolResult.fail(describe_validation_error(tool, exc))
            await self._audit(tool.name, input or {}, ctx, result, started)
            return result

        override = await self._tool_setting(tool.name)
        if override is not None and not override.enabled:
            return ToolResult.fail(
                f"{tool.name} is turned off in this workspace; an admin can turn it back on."
            )

        missing = await self.connection_problem(tool, ctx)
        if missing:
            result = ToolResult.fail(missing)
            await self._audit(tool.name, data, ctx, result, started, outcome="denied")
            return result

        reason = self._approval_reason(tool, data, ctx, override)
        if reason is None and tool.approval_check is not None and not _admin_said_never(override):
            reason = await self._checked_reason(tool, data, ctx)
        if ctx.dry_run and (reason or tool.side_effects):
            would = {"tool": tool.name, **tool.render_preview(data)}
            return ToolResult.ok({"would": would, "requires_approval": reason})
        if reason:
            return await self.approvals.request(tool, data, ctx, reason, started)

        result = await self.execute(tool, data, ctx)
        await self._audit(tool.name, data, ctx, result, started)
        return result

    def _approval_reason(
        self, tool: Tool, data: BaseModel, ctx: ToolContext, override: ToolSetting | None
    ) -> str | None:
        if ctx.extra.get("require_approval"):
            return str(ctx.extra.get("approval_reason") or "the caller asked for approval")
        if override is not None and override.requires_approval is not None:
            return f"an admin set {tool.name} to always ask" if override.requires_approval else None
        return tool.approval_reason(data, self.settings)

    async def _checked_reason(self, tool: Tool, data: BaseModel, ctx: ToolContext) -> str | None:
        """The tool's own look at the outside world; when it cannot look, it asks (fails closed)."""
        assert tool.approval_check is not None
        run = ToolRun(ctx=ctx, deps=self.deps, tool=tool)
        try:
            return await asyncio.wait_for(tool.approval_check(data, run), tool.timeout)
        except TransientToolError as exc:
            return f"could not check who {tool.name} would reach ({exc}), so it asks first"
        except ToolError:
            return None  # the run itself fails with this sentence; there is nothing to approve
        except Exception as exc:  # noqa: BLE001 - an unknown answer means ask
            log.warning("approval check for %s failed: %s", tool.name, exc)
            return f"could not check who {tool.name} would reach ({exc.__class__.__name__}), so it asks first"

    async def connection_problem(self, tool: Tool, ctx: ToolContext) -> str | None:
        """None when the caller has what the tool needs, else a sentence saying how to get it."""
        if tool.connection == "none":
            return None
        if tool.connection == "google":
            async with self.db.session() as s:
                found = await find_connection(s, "google", ctx.team_id, ctx.user_id)
            return None if found else CONNECT_HINTS["google"]
        if tool.connection == "zoom":
            s = self.settings
            ok = s.zoom_account_id and s.zoom_client_id and s.zoom_client_secret
            return None if ok else CONNECT_HINTS["zoom"]
        if tool.connection == "slack_user":
            provider = self.deps.slack_user_client
            client = await _maybe_await(provider(ctx)) if provider else None
            return None if client is not None else CONNECT_HINTS["slack_user"]
        return f"{tool.name} needs an unknown connection {tool.connection!r}."

    async def execute(self, tool: Tool, data: BaseModel, ctx: ToolContext) -> ToolResult:
        """Run the handler with a timeout; retry transient errors (429 honours Retry-After)."""
        run = ToolRun(ctx=ctx, deps=self.deps, tool=tool)
        attempt = 0
        while True:
            try:
                out = await asyncio.wait_for(tool.handler(data, run), tool.timeout)
                return ToolResult.ok(self._dump_output(tool, out))
            except TimeoutError:
                return ToolResult.fail(
                    f"{tool.name} did not finish within {tool.timeout:g} s; try again later."
                )
            except Exception as exc:  # noqa: BLE001 - every failure becomes a sentence
                err = self._translate(exc, tool)
                if isinstance(err, TransientToolError) and attempt < tool.retries:
                    if err.safe_to_retry or tool.read_only:
                        delay = (
                            err.retry_after
                            if err.retry_after is not None
                            else self.retry_backoff_s * 2**attempt
                        )
                        if delay <= self.max_retry_wait_s:
                            attempt += 1
                            log.info(
                                "%s: transient error (%s), retry %d in %.2fs", tool.name, err, attempt, delay
                            )
                            await asyncio.sleep(delay)
                            continue
                return ToolResult.fail(str(err))

    def _translate(self, exc: Exception, tool: Tool) -> ToolError:
        if isinstance(exc, ToolError):
            return exc
        for translator in self._error_translators:
            err = translator(exc, tool)
            if err is not None:
                return err
        log.error("%s failed", tool.name, exc_info=exc)
        return ToolError(
            f"{tool.name} failed unexpectedly ({exc.__class__.__name__}); the app's log has details."
        )

    @staticmethod
    def _dump_output(tool: Tool, out: Any) -> Any:
        if tool.output_model is not None and not isinstance(out, BaseModel):
            out = tool.output_model.model_validate(out)
        if isinstance(out, BaseModel):
            return out.model_dump(mode="json")
        return to_jsonable_python(out)

    async def resume(self, outcome: ApprovalOutcome) -> None:
        for hook in self._resume_hooks.get(outcome.caller_kind or "", []):
            try:
                await hook(outcome)
            except Exception:
                log.exception(
                    "resume hook for %s failed on approval %s", outcome.caller_kind, outcome.approval_id
                )

    # -- bookkeeping -----------------------------------------------------------------------------

    async def _tool_setting(self, name: str) -> ToolSetting | None:
        now = time.monotonic()
        if now - self._tool_settings_at > SETTINGS_TTL_S:
            async with self.db.session() as s:
                rows = (await s.scalars(select(ToolSetting))).all()
            self._tool_settings = {r.name: r for r in rows}
            self._tool_settings_at = now
        return self._tool_settings.get(name)

    async def aclose(self) -> None:
        """Close the clients the tools opened (Zoom's HTTP client...)."""
        for client in self.deps.services.values():
            close = getattr(client, "aclose", None)
            if close is not None:
                await close()
        self.deps.services.clear()

    def forget_tool_settings(self) -> None:
        self._tool_settings_at = float("-inf")

    def _audit_values(
        self,
        name: str,
        data: BaseModel | dict[str, Any],
        ctx: ToolContext,
        outcome: str,
        error: str | None,
        approval_id: int | None,
        started: float,
    ) -> dict[str, Any]:
        raw = data.model_dump(mode="json") if isinstance(data, BaseModel) else to_jsonable_python(data)
        return {
            "at": utcnow(),
            "actor": ctx.user_id,
            "tool_name": name,
            "input": _audit_value(raw),
            "outcome": outcome,
            "error": error,
            "approval_id": approval_id,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
            "caller_kind": ctx.caller_kind,
        }

    def _audit_row(self, *args: Any) -> AuditLog:
        return AuditLog(**self._audit_values(*args))

    async def _audit(
        self,
        name: str,
        data: BaseModel | dict[str, Any],
        ctx: ToolContext,
        result: ToolResult,
        started: float,
        *,
        outcome: str | None = None,
        approval_id: int | None = None,
    ) -> None:
        if ctx.dry_run:
            return
        outcome = outcome or ("success" if result.success else "error")
        try:
            await self._audit_writer.write(
                self._audit_values(name, data, ctx, outcome, result.error, approval_id, started)
            )
        except Exception:
            log.exception("audit log write failed for %s", name)


def _admin_said_never(override: ToolSetting | None) -> bool:
    return override is not None and override.requires_approval is False
