"""Block Kit of answers: Claude's Markdown becomes mrkdwn; cards and lists are valid Block Kit."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from assistant.reply import AssistantReply, CustomerList, CustomerRow, SnapshotCard
from bot.blocks.assistant import reply_blocks, to_mrkdwn
from bot.blocks.common import to_dicts


def test_markdown_to_mrkdwn() -> None:
    text = (
        "## Acme\n**Health** is 42; see [the dashboard](https://x.example/acme).\n- one\n  * two\n`**kept**`"
    )
    assert to_mrkdwn(text) == (
        "*Acme*\n*Health* is 42; see <https://x.example/acme|the dashboard>.\n• one\n  • two\n`**kept**`"
    )


def test_claude_text_is_converted_offline_text_is_not() -> None:
    _, claude = reply_blocks(AssistantReply(text="**Acme** is fine", source="claude"))
    _, offline = reply_blocks(AssistantReply(text="*Acme* is fine", source="offline"))
    assert claude[0].text.text == offline[0].text.text == "*Acme* is fine"


def test_card_and_list_are_valid_block_kit_within_limits() -> None:
    card = SnapshotCard(customer_id=1, name="Acme Corp", health_score=42, health_band="critical", trend_change=-18,
                        renewal_date="2027-01-09", renewal_in_days=45, champions=["Priya"], recent_signals=["risk"])  # fmt: skip
    rows = [
        CustomerRow(
            customer_id=i, name=f"Customer {i}", detail="health 40", suggested_playbook="risk-mitigation"
        )
        for i in range(60)
    ]
    reply = AssistantReply(
        text="x" * 10_000, items=[card, CustomerList(title="At risk", rows=rows)], approval_ids=[7]
    )
    fallback, blocks = reply_blocks(reply)
    assert len(fallback) <= 3000
    dicts = to_dicts(blocks)
    assert len(dicts) == 50
    for block in dicts:
        assert Block.parse(block).to_dict() == block
    buttons = [e for b in dicts if b["type"] == "actions" for e in b["elements"]]
    assert {"action_id": "assistant_start_playbook", "value": "risk-mitigation:1"}.items() <= buttons[
        1
    ].items()
