"""playbooks: variables given when a playbook execution starts

Revision ID: 0300
Revises: 0100
Create Date: 2026-11-25
"""
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Text
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0300'
down_revision: str | Sequence[str] | None = '0100'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('playbook_executions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'variables',
                sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'),
                nullable=False,
                server_default='{}',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('playbook_executions', schema=None) as batch_op:
        batch_op.drop_column('variables')
