"""Email templates as data (`email_templates.yaml`), validated and filled."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, RootModel

PATH = Path(__file__).with_name("email_templates.yaml")


class EmailTemplate(BaseModel):
    subject: str
    body: str


class TemplateFile(RootModel[dict[str, EmailTemplate]]):
    pass


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=1)
def templates() -> dict[str, EmailTemplate]:
    return TemplateFile.model_validate(yaml.safe_load(PATH.read_text(encoding="utf-8"))).root


def render(name: str | None, customer: str, first_name: str | None) -> tuple[str, str]:
    """(subject, body) of template `name` (the default one, titled with the name, when unknown)."""
    all_ = templates()
    tpl = all_.get(name or "default") or all_["default"]
    title = (name or "a note").replace("-", " ").capitalize()
    fields = _Fields(customer=customer, first_name=first_name or "there", title=title)
    return tpl.subject.format_map(fields), tpl.body.format_map(fields).strip()
