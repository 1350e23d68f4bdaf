"""The tool model: what a tool is, what it gets when it runs, and the errors it may raise.

A tool is a name `provider.verb`, a description, a category, a pydantic input model (its JSON
schema, Slack help, MCP and Claude definitions are all generated from it), an optional output model,
the connection it needs and an approval policy. Its handler is `async fn(input, run) -> output`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

from tools.model import ToolContext

if TYPE_CHECKING:
    from tools.registry import ToolDeps

CATEGORIES = ("communication", "calendar", "documents", "intelligence", "automation", "customers")
Connection = Literal["none", "google", "zoom", "slack_user"]
ALWAYS = "always"
NEVER = "never"

# A rule returns the reason an approval is needed for this input, or None when it is not.
ApprovalRule = Callable[[BaseModel, Any], str | None]
# A check does the same when the answer is outside the input (is the channel shared with another
# organisation? who is already invited?): it may read, never write.
ApprovalCheck = Callable[[BaseModel, "ToolRun"], Awaitable[str | None]]
ApprovalPolicy = Literal["always", "never"] | ApprovalRule
Handler = Callable[[Any, "ToolRun"], Awaitable[Any]]


class ToolInput(BaseModel):
    """Base of every tool input: unknown keys are refused so a typo names itself."""

    model_config = ConfigDict(extra="forbid")


class ToolError(Exception):
    """A failure a person can act on; `str(exc)` is the sentence they see."""


class TransientToolError(ToolError):
    """A failure worth retrying (429, 503, a dropped connection). `retry_after` in seconds."""

    def __init__(self, message: str, retry_after: float | None = None, *, safe_to_retry: bool = True) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        # False when the request may have been processed (a 500 on a send): retried for reads only.
        self.safe_to_retry = safe_to_retry


@dataclass
class ToolRun:
    """What a handler gets besides its input: the caller's context and the shared dependencies."""

    ctx: ToolContext
    deps: ToolDeps
    tool: Tool

    @property
    def settings(self) -> Any:
        return self.deps.settings

    @property
    def db(self) -> Any:
        return self.deps.db


@dataclass
class Tool:
    name: str
    description: str
    category: str
    input_model: type[BaseModel]
    handler: Handler
    output_model: type[BaseModel] | None = None
    connection: Connection = "none"
    approval: ApprovalPolicy = NEVER
    approval_check: ApprovalCheck | None = None
    side_effects: bool = False
    # What an approval message shows (an email's to/subject/body...): input -> dict.
    preview: Callable[[BaseModel], dict[str, Any]] | None = None
    timeout: float = 30.0
    retries: int = 2
    tags: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        provider, _, verb = self.name.partition(".")
        if not provider or not verb or "." in verb:
            raise ValueError(f"tool name {self.name!r} must be provider.verb")
        if self.category not in CATEGORIES:
            raise ValueError(f"tool {self.name}: category {self.category!r} is not one of {CATEGORIES}")

    @property
    def provider(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def may_need_approval(self) -> bool:
        return self.approval != NEVER or self.approval_check is not None

    @property
    def read_only(self) -> bool:
        return not self.side_effects

    def input_schema(self) -> dict[str, Any]:
        return self.input_model.model_json_schema()

    def approval_reason(self, data: BaseModel, settings: Any) -> str | None:
        if self.approval == ALWAYS:
            return f"{self.name} always asks before it runs"
        if self.approval == NEVER:
            return None
        return self.approval(data, settings)  # type: ignore[operator]

    def render_preview(self, data: BaseModel) -> dict[str, Any]:
        if self.preview is not None:
            return self.preview(data)
        return data.model_dump(mode="json", exclude_none=True)


def tool(
    name: str,
    *,
    description: str,
    category: str,
    output_model: type[BaseModel] | None = None,
    connection: Connection = "none",
    approval: ApprovalPolicy = NEVER,
    approval_check: ApprovalCheck | None = None,
    side_effects: bool = False,
    preview: Callable[[Any], dict[str, Any]] | None = None,
    timeout: float = 30.0,
    retries: int = 2,
    into: list[Tool] | None = None,
) -> Callable[[Handler], Tool]:
    """Decorator: build a Tool from `async def handler(inp: InputModel, run: ToolRun)`.

    The input model is read from the annotation of the handler's first parameter.
    """

    def wrap(fn: Handler) -> Tool:
        params = list(inspect.signature(fn, eval_str=True).parameters.values())
        model = params[0].annotation if params else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"{name}: the handler's first parameter must be annotated with a pydantic model")
        t = Tool(
            name=name,
            description=description,
            category=category,
            input_model=model,
            handler=fn,
            output_model=output_model,
            connection=connection,
            approval=approval,
            approval_check=approval_check,
            side_effects=side_effects,
            preview=preview,
            timeout=timeout,
            retries=retries,
        )
        if into is not None:
            into.append(t)
        return t

    return wrap


def emails_outside(addresses: list[str], own_domains: list[str]) -> list[str]:
    """The addresses whose domain is not one of ours (all of them when no own domain is set)."""
    out = []
    for addr in addresses:
        domain = addr.rsplit("@", 1)[-1].strip().strip(">").lower()
        if not any(domain == d or domain.endswith("." + d) for d in own_domains):
            out.append(addr)
    return out


_EMAIL = re.compile(r"^[^@\s<>,;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


Email = Annotated[str, AfterValidator(_check_email)]
