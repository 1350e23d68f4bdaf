"""Fixtures of the skills tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from skills.validate import NameCatalog

HERE = Path(__file__).parent


@pytest.fixture
def brief_catalog() -> NameCatalog:
    """The tool names every engine may rely on (issue 3), as data."""
    names = [line.strip() for line in (HERE / "tool_names.txt").read_text().splitlines() if line.strip()]
    return NameCatalog(names)


@pytest.fixture
def prd_qbr_prep() -> Path:
    """The PRD §5.1 example, byte for byte."""
    return HERE / "prd_qbr_prep.md"
