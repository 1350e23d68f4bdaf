"""The data layer: models, sessions, migrations, encryption of secrets. Imports nothing of ours."""

from store.db import Database

__all__ = ["Database"]
