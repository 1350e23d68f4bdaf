"""The App Home: portfolio health first, then the sections each engine contributes."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import BAND_EMOJI, button, context, divider, header, money, section
from store.customers import Portfolio


def portfolio_blocks(portfolio: Portfolio, scope: str) -> list[Any]:
    bands = portfolio.by_band
    counts = "   ".join(
        f"{BAND_EMOJI[b]} *{bands.get(b, 0)}* {b}" for b in ("healthy", "at risk", "critical")
    )
    if bands.get("unscored"):
        counts += f"   :white_circle: *{bands['unscored']}* unscored"
    blocks: list[Any] = [
        header("Portfolio health"),
        section(f"{counts}\n_{portfolio.total} customers ({scope})_"),
    ]
    if portfolio.at_risk:
        blocks.append(section("*Most at risk*"))
        for c in portfolio.at_risk:
            renewal = f"renews {c.renewal_date:%b %d}" if c.renewal_date else "no renewal date"
            blocks.append(
                section(
                    f"{BAND_EMOJI.get(c.health_band or '', ':white_circle:')} *{c.name}*  health {c.health_score}"
                    f" · {money(c.arr)} ARR · {renewal}",
                    accessory=button("View", "customer_view", str(c.id)),
                )
            )
    else:
        blocks.append(context("No customer is at risk. :tada:"))
    return blocks


def _is_divider(block: Any) -> bool:
    return (block.to_dict() if hasattr(block, "to_dict") else block).get("type") == "divider"


def home_view(sections: list[list[Any]]) -> dict[str, Any]:
    """The sections one after another, one divider between two (a section's own edge dividers dropped)."""
    blocks: list[Any] = []
    parts = [list(part) for part in sections]
    for part in parts:
        while part and _is_divider(part[0]):
            part.pop(0)
        while part and _is_divider(part[-1]):
            part.pop()
    for i, part in enumerate(p for p in parts if p):
        if i:
            blocks.append(divider())
        blocks.extend(part)
    dicts = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks][:100]
    return {"type": "home", "blocks": dicts}
