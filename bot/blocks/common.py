"""Block Kit building blocks (slack_sdk.models), and Slack's limits."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75


def split_text(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Split at paragraph, then line, then word boundaries so each part fits `limit`."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=text[:MAX_HEADER_TEXT], emoji=True))


def section(text: str, accessory: Any = None, fields: list[str] | None = None) -> SectionBlock:
    kwargs: dict[str, Any] = {"text": MarkdownTextObject(text=text[:MAX_SECTION_TEXT])}
    if fields:
        kwargs["fields"] = [MarkdownTextObject(text=f[:2000]) for f in fields[:10]]
    if accessory is not None:
        kwargs["accessory"] = accessory
    return SectionBlock(**kwargs)


def sections(text: str) -> list[SectionBlock]:
    return [section(part) for part in split_text(text)]


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=t[:3000]) for t in texts[:10]])


def divider() -> DividerBlock:
    return DividerBlock()


def button(
    text: str, action_id: str, value: str = "", style: str | None = None, url: str | None = None
) -> ButtonElement:
    kwargs: dict[str, Any] = {
        "text": PlainTextObject(text=text[:MAX_BUTTON_TEXT], emoji=True),
        "action_id": action_id,
    }
    if value:
        kwargs["value"] = value[:2000]
    if style:
        kwargs["style"] = style
    if url:
        kwargs["url"] = url
    return ButtonElement(**kwargs)


def actions(*elements: ButtonElement, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements)[:25], block_id=block_id)


def to_dicts(blocks: list[Block]) -> list[dict[str, Any]]:
    """Serialize, keeping within Slack's 50-block limit (the last block says what was cut)."""
    out = [b.to_dict() for b in blocks]
    if len(out) > MAX_BLOCKS:
        dropped = len(out) - (MAX_BLOCKS - 1)
        out = out[: MAX_BLOCKS - 1] + [context(f"_{dropped} more blocks not shown._").to_dict()]
    return out


def money(amount: float | None) -> str:
    if amount is None:
        return "—"
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:.1f}M"
    if amount >= 1_000:
        return f"${amount / 1_000:.0f}k"
    return f"${amount:,.0f}"


BAND_EMOJI = {
    "healthy": ":large_green_circle:",
    "at risk": ":large_yellow_circle:",
    "critical": ":red_circle:",
}
