"""skills: skill_runs remembers the skill's name and the workspace

Revision ID: 0400
Revises: 0300
Create Date: 2026-11-25
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0400"
down_revision: str | Sequence[str] | None = "0300"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("skill_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skill_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("team_id", sa.String(length=50), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("skill_runs", schema=None) as batch_op:
        batch_op.drop_column("team_id")
        batch_op.drop_column("skill_name")
