"""The skill markdown parser and validator: what people write, and every error at its line."""

from __future__ import annotations

import textwrap

from skills.parser import parse_skill_file
from skills.validate import validate, validate_text


def check(text: str, catalog):
    return validate_text(textwrap.dedent(text).lstrip("\n"), catalog, slug="t")


def messages(result) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in result.errors]


def test_prd_example_parses_as_it_stands(prd_qbr_prep, brief_catalog):
    result = validate(parse_skill_file(prd_qbr_prep), brief_catalog)
    assert result.errors == []
    skill = result.skill
    assert skill.name == "QBR Preparation"
    assert [p.text for p in skill.trigger.patterns] == ["prepare QBR for {customer}", "QBR prep {customer}"]
    assert [(v.name, v.kind) for v in skill.variables] == [("customer", "required"), ("quarter", "auto")]
    assert [s.action for s in skill.steps] == [
        "analytics.get_usage_metrics",
        "gmail.summarize_threads",
        "health.get_trend",
        "calendar.list_events",
        "docs.create_from_template",
        "slides.create_from_template",
    ]
    assert skill.steps[0].params == {"customerId": "{{customer_id}}", "period": "90d"}
    assert skill.steps[1].params == {"customerId": "{{customer_id}}", "limit": 20}
    assert [s.requires_approval for s in skill.steps] == [False, False, False, False, True, True]
    assert skill.approval_policy == ["Creating documents", "Sending emails"]


def test_tolerates_what_people_write(brief_catalog):
    result = check(
        """
        # Renewal check

        Looks at an account before the renewal call.
        It takes a minute.

        ## Triggers
        Say one of these:
        * "renewal check for {customer}"
        * **Event:** renewal_approaching

        ## Variables
        * `customer`: the account (Required)

        ## Steps

        ### Snapshot
        Some prose about why this step exists.
        * **Action:** `customers.get_snapshot`
        * **PARAMS:** {"customer_id": "{{customer_id}}"}
        * on error: Retry

        ### Step 2: Health
        - action: health.get_trend
        - Params:
          - customer_id: "{{customer_id}}"
          - days: 90
        - Condition: steps.1.output.health_score < 70 and not (customer_name == "Test")

        ### 3) Note it
        - Action: activities.log
          Requires_Approval: yes
        ```yaml
        customer_id: "{{customer_id}}"
        summary: Renewal check done, health {{steps.2.output.score}}
        ```
        """,
        brief_catalog,
    )
    assert result.errors == [], messages(result)
    skill = result.skill
    assert skill.description == "Looks at an account before the renewal call. It takes a minute."
    assert [p.text for p in skill.trigger.patterns] == ["renewal check for {customer}"]
    assert [e.event for e in skill.trigger.events] == ["renewal_approaching"]
    assert skill.variables[0].kind == "required"
    first, second, third = skill.steps
    assert (first.number, first.action, first.on_error) == (1, "customers.get_snapshot", "retry")
    assert first.params == {"customer_id": "{{customer_id}}"}
    assert second.number == 2 and second.params == {"customer_id": "{{customer_id}}", "days": 90}
    assert second.condition.startswith("steps.1.output.health_score < 70")
    assert third.number == 3 and third.requires_approval is True
    assert third.params["summary"] == "Renewal check done, health {{steps.2.output.score}}"


def test_unquoted_template_in_flow_mapping_and_json_fence(brief_catalog):
    result = check(
        """
        # Doc
        ## Steps
        ### 1. Build
        - Action: docs.create_from_template
        - Params: { template: qbr, data: {{aggregated_data}} }
        ### 2. Task
        - Action: tasks.create
        ```json
        {"title": "Review {{customer_name}} QBR", "due_in_days": 3}
        ```
        """,
        brief_catalog,
    )
    assert result.errors == []
    assert result.skill.steps[0].params == {"template": "qbr", "data": "{{aggregated_data}}"}
    assert result.skill.steps[1].params == {"title": "Review {{customer_name}} QBR", "due_in_days": 3}


def test_every_error_points_at_its_line(brief_catalog):
    result = check(
        """
        # Broken
        ## Trigger
        - "prepare QBR for {customer}"
        - "Prepare  qbr for {customer}!"
        - "qbr {customer"
        - "{customer}"
        ## Steps
        ### 1. Metrics
        - Action: analytics.get_usage_metric
        - Params: { customerId: "{{customer_id}}" }
        ### 2. Mail
        - Params: { limit: 5 }
        ### 3. Trend
        - Action: health.get_trend
        - Params: { customer_id: "{{account}}", x: [1, }
        - On Error: ignore
        - Requires Approval: maybe
        ### 4. Early
        - Action: health.get_score
        - Params: { customer_id: "{{steps.5.output.id}}" }
        - Condition: steps.4.output.score > 1
        ### 5. Late
        - Action: tasks.create
        - Params: { title: "{{nope}}" }
        - Condition: score >
        """,
        brief_catalog,
    )
    got = messages(result)
    lines = [line for line, _ in got]
    assert lines == sorted(lines)
    text = "\n".join(f"{line}: {msg}" for line, msg in got)
    assert any(line == 4 and "duplicate trigger pattern" in msg for line, msg in got), text
    assert any(line == 5 and "malformed trigger pattern" in msg for line, msg in got), text
    assert any(line == 6 and "at least one word" in msg for line, msg in got), text
    assert any(line == 9 and "analytics.get_usage_metrics" in msg for line, msg in got), text
    assert any(line == 11 and "has no Action" in msg for line, msg in got), text
    assert any(line == 15 and "params are not" in msg for line, msg in got), text
    assert any(line == 16 and "On Error" in msg for line, msg in got), text
    assert any(line == 17 and "Requires Approval" in msg for line, msg in got), text
    assert any(line == 20 and "later step" in msg for line, msg in got), text
    assert any(line == 21 and "itself" in msg for line, msg in got), text
    assert any(line == 24 and '"nope"' in msg for line, msg in got), text
    assert any(line == 25 and "cannot read condition" in msg for line, msg in got), text


def test_whole_file_problems_are_on_line_1(brief_catalog):
    assert messages(check("   \n\n", brief_catalog)) == [(1, "the file is empty")]
    got = messages(check("just some prose\n", brief_catalog))
    assert [line for line, _ in got] == [1, 1]
    assert "missing title" in got[0][1] and "Steps" in got[1][1]


def test_unknown_param_is_a_warning_and_camel_case_maps(brief_catalog):
    from pydantic import BaseModel

    class TrendInput(BaseModel):
        customer: str | None = None
        days: int = 90

    brief_catalog.models["health.get_trend"] = TrendInput
    result = check(
        """
        # Trend
        ## Steps
        ### 1. Trend
        - Action: health.get_trend
        - Params: { customerId: "{{customer_id}}", period: "90d", colour: red }
        """,
        brief_catalog,
    )
    assert result.errors == []
    assert [(w.line, w.severity) for w in result.warnings] == [(5, "warning")]
    assert '"colour"' in result.warnings[0].message
    assert "customerId" not in result.warnings[0].message and "period" not in result.warnings[0].message


def test_undeclared_variable_suggests_and_slots_count_as_declared(brief_catalog):
    result = check(
        """
        # Brief
        ## Trigger
        - "brief {account} on {topic}"
        ## Steps
        ### 1. Note
        - Action: activities.log
        - Params: { summary: "{{topic}} for {{account}} by {{user_id}} on {{todya}}" }
        """,
        brief_catalog,
    )
    assert [(line, "today" in msg) for line, msg in messages(result)] == [(7, True)]


def test_unknown_event_and_step_reference_by_id(brief_catalog):
    result = check(
        """
        # After the call
        ## Trigger
        - event: meeting_endd
        ## Steps
        ### 1. Transcript
        - Action: zoom.get_transcript
        ### 2. Log
        - Action: activities.log
        - Params: { summary: "{{steps.transcript.output}}" }
        """,
        brief_catalog,
    )
    assert messages(result) == [(3, 'unknown trigger event "meeting_endd" (did you mean meeting_ended?)')]


def test_every_builtin_validates_against_the_brief_tool_names(brief_catalog):
    from skills.library import builtin_paths

    paths = builtin_paths()
    assert len(paths) >= 12
    for path in paths:
        result = validate(parse_skill_file(path), brief_catalog)
        assert result.errors == [], (path.name, result.errors)
        assert result.skill.trigger.patterns, path.name


def test_event_thresholds_and_defaults(brief_catalog):
    result = check(
        """
        # Watch
        ## Trigger
        - event: renewal_approaching days=60,30
        - Event: health_score_drop
        - event: no_login days
        ## Steps
        ### 1. Log
        - Action: activities.log
        """,
        brief_catalog,
    )
    assert [(e.event, e.params) for e in result.skill.trigger.events] == [
        ("renewal_approaching", {"days": [60, 30]}),
        ("health_score_drop", {"drop": 15, "within_days": 30}),
    ]
    assert messages(result) == [(5, 'event parameter "days" must be written key=value, e.g. days=60')]


def test_odd_files(brief_catalog):
    assert messages(check("#\n## Steps\n### 1. x\n- Action: tasks.list\n", brief_catalog)) == [
        (1, 'the title is empty: write "# Skill name"')
    ]
    bom = check("\ufeff# With a BOM\n## Steps\n### 1. x\n- Action: tasks.list\n", brief_catalog)
    assert bom.errors == [] and bom.skill.name == "With a BOM"
    crlf = check(
        "# CRLF\r\n## Steps\r\n### 1. x\r\n- Action: tasks.list\r\n- Params: { limit: 5 }\r\n", brief_catalog
    )
    assert crlf.errors == [] and crlf.skill.steps[0].params == {"limit": 5}
    example = check(
        "# Example\n## Steps\n### 1. x\n- Action: tasks.list\n\nWhat it prints:\n```\nnot params\n```\n",
        brief_catalog,
    )
    assert example.errors == [] and example.skill.steps[0].params == {}
    empty = check(
        "# E\n## Steps\n### 1. x\n- Action: tasks.list\n- On Error:\n- Requires Approval:\n", brief_catalog
    )
    assert messages(empty) == [
        (5, "On Error must be continue, abort or retry; it is empty"),
        (6, "Requires Approval must be true or false; it is empty"),
    ]


def test_missing_required_params_are_a_warning(brief_catalog):
    from pydantic import BaseModel

    class TaskInput(BaseModel):
        title: str
        notes: str

    brief_catalog.models["tasks.create"] = TaskInput
    result = check("# T\n## Steps\n### 1. x\n- Action: tasks.create\n- Params: { due: 1 }\n", brief_catalog)
    assert result.errors == []
    assert [w.message for w in result.warnings] == [
        'tasks.create has no param "due"; it is ignored (tasks.create takes: title, notes)',
        'tasks.create needs "notes"; the step will fail without it',  # a title is filled in
    ]
