"""Templates as data: the built-ins load, bad files name their path and field, dates follow the anchor."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from playbooks.library import ENV_DIRS, load_library, parse_template_file, sync_templates
from playbooks.model import MissingVariable, PlaybookTemplate, render
from store.models import Playbook

CONTRACT_SLUGS = {
    "renewal-90-day",
    "risk-mitigation",
    "expansion-opportunity",
    "onboarding-30-60-90",
    "qbr-preparation",
}
TOOL_NAMES = {
    "tasks.create",
    "activities.log",
    "gmail.send_email",
    "gmail.draft_email",
    "calendar.create_event",
    "docs.create_from_template",
    "slides.create_from_template",
    "slack.post_customer_update",
}

MINIMAL = """
slug: team-check-in
name: Team check-in
type: custom
stages:
  - id: first
    name: First
    day_offset: 0
    actions:
      - id: task
        name: A task
        type: task
        tool: tasks.create
        params: {title: "Call {{customer_name}}"}
"""


def test_builtin_templates_load_without_problems():
    library = load_library()
    assert library.problems == []
    assert CONTRACT_SLUGS <= set(library.templates)
    assert {"executive-sponsor-change", "churn-save", "support-escalation-recovery"} <= set(library.templates)
    for template in library.templates.values():
        for stage in template.stages:
            for action in stage.actions:
                assert action.tool in TOOL_NAMES, (template.slug, action.tool)


def test_renewal_stages_are_dated_back_from_the_renewal_date():
    template = load_library().get("renewal-90-day")
    assert template is not None and template.anchor_rule.source == "renewal_date"
    plan = template.plan(date(2027, 3, 1))
    by_id = {p.stage.id: p.date for p in plan}
    assert by_id["internal-review"] == date(2026, 12, 1)  # -90
    assert by_id["value-recap"] == date(2026, 12, 31)  # -60
    assert by_id["proposal"] == date(2027, 1, 30)  # -30
    assert by_id["final-confirmation"] == date(2027, 2, 22)  # -7
    proposal = next(p for p in plan if p.stage.id == "proposal")
    email = next(a for a in proposal.actions if a.action.id == "proposal-email")
    assert email.due_date == date(2027, 2, 1)  # stage date + due_offset_days 2
    assert email.action.requires_approval


def test_default_anchor_by_type():
    library = load_library()
    assert library.get("onboarding-30-60-90").anchor_rule.source == "today"  # type: ignore[union-attr]
    assert library.get("risk-mitigation").anchor_rule.source == "today"  # type: ignore[union-attr]
    qbr = library.get("qbr-preparation").anchor_rule  # type: ignore[union-attr]
    assert (qbr.source, qbr.offset_days) == ("today", 21)


def test_a_dropped_in_file_is_loaded_from_the_env_directory(tmp_path: Path, monkeypatch):
    (tmp_path / "team-check-in.yml").write_text(MINIMAL)
    monkeypatch.setenv(ENV_DIRS, str(tmp_path))
    library = load_library()
    assert "team-check-in" in library.templates
    assert library.sources["team-check-in"] == tmp_path / "team-check-in.yml"


def test_a_file_with_a_builtin_slug_replaces_the_builtin(tmp_path: Path):
    (tmp_path / "mine.yaml").write_text(MINIMAL.replace("team-check-in", "churn-save"))
    library = load_library(extra_dirs=[tmp_path])
    assert library.get("churn-save").name == "Team check-in"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("type: custom", "type: party"), "type", "Input should be"),
        (("day_offset: 0", "day_offset: soon"), "stages.0.day_offset", "integer"),
        (("tool: tasks.create", "tool: tasks create"), "stages.0.actions.0.tool", "pattern"),
        (("{{customer_name}}", "{{customer_nmae}}"), "", "unknown variable {{customer_nmae}}"),
        (
            ("        type: task\n", "        type: task\n        colour: red\n"),
            "stages.0.actions.0.colour",
            "Extra",
        ),
    ],
)
def test_a_bad_file_is_reported_with_its_path_and_field(tmp_path: Path, change, field, words):
    path = tmp_path / "bad.yml"
    path.write_text(MINIMAL.replace(*change))
    template, problems = parse_template_file(path)
    assert template is None
    assert problems and problems[0].path == path
    assert problems[0].field == field
    assert words in str(problems[0])
    assert str(path) in str(problems[0])


def test_a_bad_file_does_not_stop_the_others(tmp_path: Path):
    (tmp_path / "good.yml").write_text(MINIMAL)
    (tmp_path / "broken.yml").write_text("slug: [unclosed\n")
    library = load_library(extra_dirs=[tmp_path])
    assert "team-check-in" in library.templates
    [problem] = library.problems
    assert problem.path == tmp_path / "broken.yml" and "not valid YAML" in problem.message
    assert problem.field.startswith("line ")


def test_stages_out_of_date_order_are_refused(tmp_path: Path):
    text = (
        MINIMAL
        + """
  - id: second
    name: Second
    day_offset: -5
    actions:
      - {id: t, name: T, type: task, tool: tasks.create, params: {title: x}}
"""
    )
    path = tmp_path / "order.yml"
    path.write_text(text)
    _, problems = parse_template_file(path)
    assert "date order" in problems[0].message


def test_render_fills_placeholders_without_evaluating_anything():
    params = {
        "title": "Call {{ customer_name }} before {{renewal_date}}",
        "attendees": ["{{champion_email}}"],
        "count": "{{seats}}",
        "literal": "{{__import__('os')}}",
    }
    out = render(
        params,
        {"customer_name": "Acme", "renewal_date": "2027-03-01", "champion_email": "a@acme.com", "seats": 12},
    )
    assert out["title"] == "Call Acme before 2027-03-01"
    assert out["attendees"] == ["a@acme.com"]
    assert out["count"] == 12  # a whole placeholder keeps its type
    assert out["literal"] == "{{__import__('os')}}"  # not a placeholder: left alone


def test_render_names_every_missing_variable():
    with pytest.raises(MissingVariable) as info:
        render({"to": "{{champion_email}}", "body": "Hi {{champion_name}}"}, {"champion_email": None})
    assert info.value.names == ["champion_email", "champion_name"]


def test_declared_variables_are_known_to_validation():
    raw = {
        "slug": "x",
        "name": "X",
        "type": "custom",
        "variables": [{"name": "deal_size", "default": "TBD"}],
        "stages": [
            {
                "id": "s",
                "name": "S",
                "day_offset": 0,
                "actions": [
                    {
                        "id": "a",
                        "name": "A",
                        "type": "task",
                        "tool": "tasks.create",
                        "params": {"title": "{{deal_size}}"},
                    }
                ],
            }
        ],
    }
    assert PlaybookTemplate.model_validate(raw).variables[0].default == "TBD"


async def test_sync_writes_every_template_into_the_playbooks_table(db):
    library = load_library()
    ids = await sync_templates(db, library)
    again = await sync_templates(db, library)
    assert ids == again
    async with db.session() as session:
        rows = {p.slug: p for p in (await session.execute(select(Playbook))).scalars()}
    assert set(rows) == set(library.templates)
    renewal = rows["renewal-90-day"]
    assert renewal.type == "renewal" and renewal.source == "builtin"
    assert [s["day_offset"] for s in renewal.stages] == [-90, -60, -30, -7, 0]


def test_cli_validate_names_the_file_and_field(tmp_path: Path, capsys):
    from cli import main

    good = tmp_path / "good.yml"
    good.write_text(MINIMAL)
    assert main(["playbooks", "validate", str(good)]) == 0
    bad = tmp_path / "bad.yml"
    bad.write_text(MINIMAL.replace("type: custom", "type: party"))
    assert main(["playbooks", "validate", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad} (type): Input should be" in err and str(good) not in err
    assert main(["playbooks", "validate", str(tmp_path), "--json"]) == 1
    assert '"slug": "team-check-in"' in capsys.readouterr().out


def test_values_file_gives_declared_variables_their_workspace_value(tmp_path: Path):
    (tmp_path / "values.yml").write_text("renewal_brief_doc: 1AbC-drive-id\nbad: [1, 2]\n")
    library = load_library(extra_dirs=[tmp_path])
    assert library.values == {"renewal_brief_doc": "1AbC-drive-id"}
    [problem] = library.problems
    assert problem.path == tmp_path / "values.yml" and problem.field == "bad"
    assert "values.yml" not in {p.name for p in library.sources.values()}


def test_builtin_templates_fit_the_registrys_tools(db):
    """Every step's parameters pass its tool's own input model (for the tools this app has)."""
    from cryptography.fernet import Fernet

    from playbooks.checks import check_against_registry
    from settings import Settings
    from tools import build_registry

    settings = Settings(CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(), _env_file=None)
    registry = build_registry(db, settings)
    problems = check_against_registry(load_library(), registry)
    assert [p for p in problems if not p.field.endswith(".tool")] == []
    present = [n for n in TOOL_NAMES if registry.get(n) is not None]
    assert "tasks.create" in present and "activities.log" in present
    missing = {p.message.split("no tool ")[1].split(";")[0] for p in problems}
    assert missing == {n for n in TOOL_NAMES if registry.get(n) is None}


def test_a_wrong_parameter_is_reported_with_the_file_and_field(tmp_path: Path, db):
    from cryptography.fernet import Fernet

    from playbooks.checks import check_against_registry
    from settings import Settings
    from tools import build_registry

    (tmp_path / "x.yml").write_text(
        MINIMAL.replace('params: {title: "Call {{customer_name}}"}', "params: {titel: x}")
    )
    library = load_library(extra_dirs=[tmp_path])
    registry = build_registry(db, Settings(CSM_ENCRYPTION_KEY=Fernet.generate_key().decode(), _env_file=None))
    problems = [p for p in check_against_registry(library, registry) if p.path == tmp_path / "x.yml"]
    fields = {p.field for p in problems}
    assert "stages.0.actions.0.params.titel" in fields and "stages.0.actions.0.params.title" in fields


def test_playbooks_that_answer_a_trigger():
    library = load_library()
    assert library.for_trigger("renewal_approaching") == ["renewal-90-day"]
    assert library.for_trigger("champion_left") == ["executive-sponsor-change"]
    assert library.for_trigger("ticket_escalated") == ["support-escalation-recovery"]
    assert "risk-mitigation" in library.for_trigger("health_score_drop")
