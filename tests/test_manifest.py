"""manifest.yml is valid against Slack's manifest schema (tests/data/slack-manifest-schema, MIT)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from bot.app import BOT_SCOPES, USER_SCOPES

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "tests" / "data" / "slack-manifest-schema"
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def _validator() -> Draft7Validator:
    top = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    resources = [(top["$id"], Resource.from_contents(top))]
    for version in ("1.0.0", "2.0.0"):
        schema = json.loads((SCHEMAS / "schemas" / f"manifest.schema.{version}.json").read_text())
        resources.append((f"{REMOTE}manifest.schema.{version}.json", Resource.from_contents(schema)))
    return Draft7Validator(top, registry=Registry().with_resources(resources))


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_is_valid_against_slacks_schema():
    errors = sorted(_validator().iter_errors(manifest()), key=str)
    assert errors == []


def test_the_schema_catches_a_broken_manifest():
    broken = manifest()
    broken["features"]["slash_commands"][0]["command"] = "csm"  # must start with /
    broken["settings"]["event_subscriptions"]["bot_events"].append("not_an_event")
    assert list(_validator().iter_errors(broken))


def test_manifest_has_what_the_app_needs():
    m = manifest()
    assert [c["command"] for c in m["features"]["slash_commands"]] == ["/csm"]
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert {"app_home_opened", "message.im"} <= set(m["settings"]["event_subscriptions"]["bot_events"])
    home = m["features"]["app_home"]
    assert (
        home["home_tab_enabled"]
        and home["messages_tab_enabled"]
        and not home["messages_tab_read_only_enabled"]
    )
    assert set(m["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert m["oauth_config"]["scopes"]["user"] == USER_SCOPES == ["search:read"]
