"""The email templates of every caller (trigger rules, automations, the assistant): one YAML file,
validated with pydantic, rendered here.

`render("re-engagement", customer="Acme", first_name="Dana")` gives (subject, body); an unknown
name falls back to `default`, titled with that name. `pick(text)` chooses by keyword (the
assistant), `for_trigger(type)` by trigger type (a rule that names no template).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

PATH = Path(__file__).with_name("email_templates.yaml")
FIELDS = frozenset(
    {"customer", "first_name", "renewal_date", "renewal_in_days", "title", "what", "why", "rule"}
)
DEFAULTS = {"first_name": "there", "renewal_date": "your renewal date", "renewal_in_days": ""}
FALLBACK = "default"  # a name nobody wrote a template for
ASSISTANT_FALLBACK = "check-in"  # a request that names no known kind of email


class EmailTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1)
    body: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    triggers: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_placeholders(self) -> EmailTemplate:
        for text in (self.subject, self.body):
            unknown = {f for _, f, _, _ in Formatter().parse(text) if f is not None} - FIELDS
            if unknown:
                raise ValueError(
                    f"unknown placeholder(s) {', '.join(sorted(unknown))}; use {', '.join(sorted(FIELDS))}"
                )
        return self


class TemplateFile(RootModel[dict[str, EmailTemplate]]):
    @model_validator(mode="after")
    def _has_fallbacks(self) -> TemplateFile:
        for name in (FALLBACK, ASSISTANT_FALLBACK):
            if name not in self.root:
                raise ValueError(f"the template file needs a `{name}` template")
        return self


def key(name: str) -> str:
    """'Renewal reminder', 'renewal_reminder' and 'renewal-reminder' are one name."""
    return re.sub(r"[\s_]+", "-", name.strip().lower())


@cache
def templates() -> dict[str, EmailTemplate]:
    return TemplateFile.model_validate(yaml.safe_load(PATH.read_text(encoding="utf-8"))).root


def find(name: str | None) -> str | None:
    """The template's name for `name` (or one of its aliases), None when there is no such template."""
    if not name:
        return None
    wanted = key(name)
    for tname, tpl in templates().items():
        if wanted == key(tname) or wanted in (key(a) for a in tpl.aliases):
            return tname
    return None


def pick(text: str) -> str:
    """The first template whose keyword is in `text`; `check-in` otherwise."""
    lowered = text.lower()
    for name, tpl in templates().items():
        if any(k in lowered for k in tpl.keywords):
            return name
    return ASSISTANT_FALLBACK


def for_trigger(trigger_type: str) -> str:
    """The template a trigger rule of this type drafts when it names none."""
    for name, tpl in templates().items():
        if trigger_type in tpl.triggers:
            return name
    return ASSISTANT_FALLBACK


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return DEFAULTS.get(key, "")


def fill(text: str, **fields: Any) -> str:
    """`text` with the placeholders filled (a missing value reads naturally: "Hi there")."""
    values = _Fields({k: v for k, v in fields.items() if v not in (None, "")})
    return text.format_map(values)


def render(name: str | None, **fields: Any) -> tuple[str, str]:
    """(subject, body) of template `name`; an unknown name uses `default`, titled with the name."""
    found = find(name)
    tpl = templates()[found or FALLBACK]
    fields.setdefault("title", (name or "a note").replace("-", " ").replace("_", " ").capitalize())
    return fill(tpl.subject, **fields).strip(), fill(tpl.body, **fields).strip()
