"""Events: App Home publishing, and Slack retries handled once."""

from __future__ import annotations

from tests.bot.conftest import assert_valid_blocks


async def test_app_home_publishes_portfolio_health(harness):
    resp = await harness.event(
        {"type": "app_home_opened", "user": "U0CSMDANA", "tab": "home", "channel": "D1"}
    )
    assert resp.status == 200
    publishes = harness.slack.calls_to("views.publish")
    assert len(publishes) == 1
    view = harness.slack.views["U0CSMDANA"]
    assert view["type"] == "home"
    assert_valid_blocks(view["blocks"])
    text = str(view["blocks"])
    assert "Portfolio health" in text
    assert "Most at risk" in text
    assert "customer_view" in text


async def test_retried_event_is_handled_once(harness):
    event = {"type": "app_home_opened", "user": "U0CSMDANA", "tab": "home", "channel": "D1"}
    first = await harness.event(event, event_id="Ev0RETRY1")
    again = await harness.event(event, event_id="Ev0RETRY1", retry_num=1)
    third = await harness.event(event, event_id="Ev0RETRY1", retry_num=2)
    assert [first.status, again.status, third.status] == [200, 200, 200]
    assert len(harness.slack.calls_to("views.publish")) == 1
