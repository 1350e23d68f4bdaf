"""In the running app, a trigger rule's run_skill and create_meeting_notes reach the engines' tools
(skills.run, meetings.create_notes) that app.build registers."""

from __future__ import annotations

from meetings.demo import seed_demo_meetings
from triggers.model import RuleSpec
from triggers.rules import save_rule


async def _fire_for_acme(services, slug: str, type_: str, params: dict, actions: list[dict]):
    """Seed the demo meetings, save an Acme-only rule, sweep, and return its firings."""
    await seed_demo_meetings(services.db)
    spec = RuleSpec(
        slug=slug, name=slug, type=type_, params=params, scope={"customer": "Acme Corp"}, actions=actions
    )
    await save_rule(services.db, spec)
    return [f for f in await services.triggers.sweep() if f.alert.rule_slug == slug]


async def test_run_skill_and_meeting_notes_through_the_app_registry(slack_app):
    fired = await _fire_for_acme(
        slack_app.runtime.services,
        "acme-notes",
        "health_score_drop",
        {"below": 100},
        [{"type": "run_skill", "params": {"skill": "risk-review"}}, {"type": "create_meeting_notes"}],
    )
    assert [f.alert.customer_name for f in fired] == ["Acme Corp"]
    skill, notes = fired[0].actions
    assert skill["ok"] and skill["tool"] == "skills.run", skill
    assert notes["ok"] and notes["tool"] == "meetings.create_notes", notes
    assert notes["data"]["meeting_id"] == "demo-acme_renewal"
    [post] = [c for c in slack_app.slack.calls_to("chat.postMessage") if c["text"] == notes["data"]["text"]]
    assert post["channel"] == notes["data"]["channel"]
    assert post["text"].startswith("*Meeting notes – Acme Corp: Acme Corp renewal*")


async def test_a_skill_run_by_an_event_knows_the_event(slack_app):
    from sqlalchemy import select

    from store.models import Activity

    services = slack_app.runtime.services
    fired = await _fire_for_acme(
        services,
        "acme-follow-up",
        "meeting_ended",
        {},
        [{"type": "run_skill", "params": {"skill": "meeting-follow-up"}}],
    )
    assert fired and fired[0].actions[0]["ok"], fired[0].actions if fired else "no firing"
    async with services.db.session() as s:
        logged = (
            await s.scalars(select(Activity).where(Activity.summary == "Customer call followed up"))
        ).all()
    assert [a.data for a in logged] == [{"meeting_id": "demo-acme_renewal", "event": "meeting_ended"}]
