"""Event triggers through the triggers engine, `skills.run` as a tool, and `csm skills validate`."""

from __future__ import annotations

import json
import textwrap

from sqlalchemy import select

from skills.library import builtin_paths
from store.models import Activity, Customer, SkillRun, TriggerRule

ON_CHAMPION_LEFT = """
# Champion Watch

## Trigger
- "champion watch {customer}"
- event: champion_left

## Steps

### 1. Snapshot
- Action: customers.get_snapshot

### 2. Note
- Action: activities.log
- Params: { summary: "Champion watch ran for {{customer_name}} (health {{steps.1.output.health_score}})" }
"""


async def test_event_rules_run_the_skill_once_per_cause(engine, registry, demo_db):
    import app
    from triggers.engine import TriggerEngine

    specs = await engine.event_rules()
    builtin = {s["slug"]: s for s in specs}
    assert builtin["skill-champion-change-champion-left"]["enabled"] is False  # built-ins: opt in
    assert builtin["skill-renewal-kickoff-renewal-approaching"]["params"] == {"days": 90}

    engine.install_rules = lambda specs: app.install_skill_rules(demo_db, specs)
    outcome = await engine.add("T1", textwrap.dedent(ON_CHAMPION_LEFT).lstrip(), created_by="U0CSMDANA")
    assert outcome.stored is not None, outcome.result.errors
    async with demo_db.session() as s:
        rule = await s.scalar(
            select(TriggerRule).where(TriggerRule.slug == "skill-champion-watch-champion-left")
        )
    assert rule.enabled and rule.actions == [{"type": "run_skill", "params": {"skill": "champion-watch"}}]

    triggers = TriggerEngine(demo_db, registry)
    await triggers.sweep()
    await triggers.sweep()  # a second sweep: same cause, no second run
    async with demo_db.session() as s:
        stark = await s.scalar(select(Customer).where(Customer.name == "Stark Industries"))
        runs = (await s.scalars(select(SkillRun).where(SkillRun.skill_slug == "champion-watch"))).all()
        notes = (
            await s.scalars(select(Activity).where(Activity.summary.like("Champion watch ran for %")))
        ).all()
    assert [(r.customer_id, r.status) for r in runs] == [(stark.id, "completed")]
    assert [n.customer_id for n in notes] == [stark.id]


async def test_skills_run_tool(engine, registry, demo_db):
    from tools.model import ToolContext

    ctx = ToolContext(user_id="U0CSMDANA", caller_kind="automation")
    result = await registry.invoke("skills.run", {"skill": "Risk Review", "customer": "globex.com"}, ctx)
    assert result.success, result.error
    assert result.data["status"] == "completed" and result.data["customer"] == "Globex"

    result = await registry.invoke("skills.run", {"skill": "risk reveiw", "customer": "Globex"}, ctx)
    assert not result.success and "risk-review" in result.error

    result = await registry.invoke("skills.run", {"skill": "risk-review", "customer": "Corp"}, ctx)
    assert not result.success and result.error.startswith('Which customer do you mean by "Corp"?')

    inner = ToolContext(user_id="U0CSMDANA", caller_kind="skill", caller_ref="skill_run:1")
    result = await registry.invoke("skills.run", {"skill": "risk-review", "customer": "Globex"}, inner)
    assert not result.success and "cannot start another skill" in result.error

    listed = await registry.invoke("skills.list", {}, ctx)
    assert listed.data["count"] >= 12


def test_cli_validate_reports_lines_and_exit_codes(tmp_path, capsys):
    from cli import main

    good = tmp_path / "good.md"
    good.write_text("# Good\n\n## Steps\n\n### 1. Snapshot\n- Action: customers.get_snapshot\n")
    assert main(["skills", "validate", str(good), "--json"]) == 0
    out = capsys.readouterr()
    parsed = json.loads(out.out)
    assert parsed["id"] == "good" and parsed["steps"][0]["action"] == "customers.get_snapshot"
    assert parsed["steps"][0]["requires_approval"] is False and out.err == ""

    bad = tmp_path / "bad.md"
    bad.write_text(
        "# Bad\n\n## Steps\n\n### 1. Snapshot\n- Action: customers.get_snapshott\n- On Error: maybe\n"
    )
    empty = tmp_path / "empty.md"
    empty.write_text("")
    assert main(["skills", "validate", str(good), str(bad), str(empty), "--json"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.strip().splitlines()
    assert lines[0].startswith(
        f'{bad}:6: unknown tool "customers.get_snapshott"; did you mean customers.get_snapshot'
    )
    assert lines[1] == f'{bad}:7: On Error must be continue, abort or retry; not "maybe"'
    assert lines[2] == f"{empty}:1: the file is empty"
    assert main(["skills", "validate", str(tmp_path / "missing.md")]) == 1
    assert "missing.md:1: cannot read the file" in capsys.readouterr().err


def test_builtins_and_the_prd_example_validate_against_the_real_registry(prd_qbr_prep):
    from cli.skills import tool_catalog
    from skills.validate import validate_file

    catalog = tool_catalog()
    names = set(catalog.tool_names())
    for path in [*builtin_paths(), prd_qbr_prep]:
        result = validate_file(path, catalog)
        missing = {s.action for s in result.skill.steps} - names
        if missing:  # tools another room has not landed yet
            assert all("unknown tool" in d.message for d in result.errors), result.errors
            continue
        assert result.diagnostics == [], (path.name, result.diagnostics)


async def test_a_workspace_skill_with_a_builtin_title_replaces_it_there_only(engine):
    mine = '# QBR Preparation\n## Trigger\n- "prepare QBR for {customer}"\n## Steps\n### 1. Snapshot\n- Action: customers.get_snapshot\n'
    outcome = await engine.library.add("T1", mine, created_by="U0CSMDANA")
    assert outcome.replaced and outcome.stored.skill.id == "qbr-prep"
    ours = [s for s in await engine.library.list("T1") if s.skill.name == "QBR Preparation"]
    assert [(s.source, len(s.skill.steps)) for s in ours] == [("user", 1)]
    other = [s for s in await engine.library.list("T2") if s.skill.name == "QBR Preparation"]
    assert [(s.source, len(s.skill.steps)) for s in other] == [("builtin", 6)]
    removed = await engine.library.remove("T1", "qbr-prep")
    assert removed.removed and removed.message.endswith("The built-in version is back.")
