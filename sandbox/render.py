"""Block Kit rendered as terminal text, with numbered buttons, for the sandbox console."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

BOLD = "\033[1m"
DIM = "\033[2m"
RESET = "\033[0m"


@dataclass
class Button:
    number: int
    text: str
    action_id: str
    value: str
    block_id: str
    url: str | None


EMOJI = {
    "large_green_circle": "🟢", "large_yellow_circle": "🟡", "red_circle": "🔴", "white_circle": "⚪",
    "arrow_up": "↑", "arrow_down": "↓", "warning": "⚠️", "rotating_light": "🚨", "tada": "🎉",
    "white_check_mark": "✅", "x": "❌", "hourglass_flowing_sand": "⏳", "calendar": "📅", "bell": "🔔",
    "arrow_forward": "▶️", "double_vertical_bar": "⏸️", "black_square_for_stop": "⏹️", "large_blue_circle": "🔵",
    "raised_hand": "✋", "fast_forward": "⏩", "no_entry_sign": "🚫", "rocket": "🚀", "hourglass": "⌛",
    "memo": "📝", "speech_balloon": "💬", "chart_with_upwards_trend": "📈", "chart_with_downwards_trend": "📉",
    "studio_microphone": "🎙️", "zzz": "💤", "wave": "👋", "small_red_triangle_down": "🔻", "handshake": "🤝", "bulb": "💡",
}  # fmt: skip


def _mrkdwn(text: str, color: bool) -> str:
    text = re.sub(r":([a-z0-9_+-]+):", lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    text = re.sub(r"<!date\^[^|>]*\|([^>]*)>", r"\1", text)
    text = re.sub(r"<@([A-Z0-9]+)>", r"@\1", text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<#([A-Z0-9]+)(\|[^>]*)?>", r"#\1", text)
    if color:
        text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", BOLD + r"\1" + RESET, text)
    return text


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return str(obj or "")


class Renderer:
    """Keeps the buttons of what it rendered last, so the console can click them by number."""

    def __init__(self, color: bool = True) -> None:
        self.color = color
        self.buttons: list[Button] = []

    def reset_buttons(self) -> None:
        self.buttons = []

    def _button(self, el: dict[str, Any], block_id: str) -> str:
        n = len(self.buttons) + 1
        self.buttons.append(
            Button(
                n,
                _text_of(el.get("text")),
                el.get("action_id", ""),
                el.get("value", ""),
                block_id,
                el.get("url"),
            )
        )
        return f"[{n}] {_text_of(el.get('text'))}"

    def blocks(self, blocks: list[dict[str, Any]], indent: str = "  ") -> str:
        lines: list[str] = []
        c = self.color
        for block in blocks:
            kind = block.get("type")
            bid = block.get("block_id", "")
            if kind == "header":
                title = _text_of(block.get("text"))
                lines.append(f"{BOLD}{title}{RESET}" if c else f"== {title} ==")
            elif kind == "section":
                if block.get("text"):
                    lines.extend(_mrkdwn(_text_of(block["text"]), c).splitlines())
                for f in block.get("fields", []) or []:
                    lines.append("  " + _mrkdwn(_text_of(f), c).replace("\n", ": ", 1).replace("\n", " "))
                acc = block.get("accessory")
                if acc and acc.get("type") == "button":
                    lines.append("    " + self._button(acc, bid))
            elif kind == "context":
                parts = [
                    _mrkdwn(_text_of(e), c) for e in block.get("elements", []) if e.get("type") != "image"
                ]
                text = " · ".join(parts)
                lines.append(f"{DIM}{text}{RESET}" if c else text)
            elif kind == "divider":
                lines.append("-" * 40)
            elif kind == "actions":
                labels = [
                    self._button(e, bid) for e in block.get("elements", []) if e.get("type") == "button"
                ]
                if labels:
                    lines.append("  ".join(labels))
            elif kind == "input":
                label = _text_of(block.get("label"))
                lines.append(f"<input: {label}>")
            elif kind == "rich_text":
                lines.append(_rich_text(block))
        return "\n".join(indent + line for line in lines)

    def message(self, msg: dict[str, Any], where: str) -> str:
        head = f"{where}:"
        if msg.get("blocks"):
            return head + "\n" + self.blocks(msg["blocks"])
        return (
            head
            + "\n"
            + "\n".join("  " + line for line in _mrkdwn(msg.get("text", ""), self.color).splitlines())
        )

    def view(self, view: dict[str, Any]) -> str:
        title = _text_of(view.get("title")) or view.get("type", "view")
        return f"[{view.get('type')}: {title}]\n" + self.blocks(view.get("blocks", []))


def _rich_text(block: dict[str, Any]) -> str:
    out: list[str] = []
    for el in block.get("elements", []):
        for sub in el.get("elements", []):
            out.append(str(sub.get("text", "")))
    return "".join(out)
