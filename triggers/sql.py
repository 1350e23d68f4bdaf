"""Dialect helpers: INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(
    dialect: str, model: Any, index_elements: list[str], from_select: tuple[list[str], Any] | None = None
) -> Any:
    """`INSERT INTO model ... ON CONFLICT (index_elements) DO NOTHING` for `dialect`, optionally
    `INSERT INTO model (columns) SELECT ...` when `from_select` is (columns, select)."""
    mod = postgresql if dialect == "postgresql" else sqlite
    stmt = mod.insert(model)
    if from_select is not None:
        stmt = stmt.from_select(*from_select)
    return stmt.on_conflict_do_nothing(index_elements=index_elements)
