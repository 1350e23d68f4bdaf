"""The tool registry seen as a validation catalog (`skills.validate.ToolCatalog`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel


class RegistryCatalog:
    def __init__(self, registry: Any) -> None:
        self.registry = registry

    def tool_names(self) -> Collection[str]:
        return self.registry.names()

    def input_model(self, name: str) -> type[BaseModel] | None:
        tool = self.registry.get(name)
        return tool.input_model if tool is not None else None
