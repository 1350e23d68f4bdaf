"""Dialect helpers: INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(dialect: str, model: Any, index_elements: list[str]) -> Any:
    """`INSERT INTO model ... ON CONFLICT (index_elements) DO NOTHING` for `dialect`."""
    mod = postgresql if dialect == "postgresql" else sqlite
    return mod.insert(model).on_conflict_do_nothing(index_elements=index_elements)
