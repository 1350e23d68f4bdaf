"""triggers: indexes the set-based trigger sweep reads by

- usage_metrics (customer_id, metric, occurred_at, value): the week-over-week usage rules read it as
  a covering index (no table lookups) on SQLite and PostgreSQL.
- customer_events (type, occurred_at): `meeting_ended` finds the recent meeting events of every
  customer without scanning the whole events table.
- health_scores (customer_id, recorded_at, score): the health-drop rule's peak of the window, read
  from the index alone.

Revision ID: 0200
Revises: 0400
Create Date: 2026-11-25
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0200"
down_revision: str | Sequence[str] | None = "0400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("usage_metrics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_usage_metrics_customer_metric_time_value", ["customer_id", "metric", "occurred_at", "value"], unique=False
        )
    with op.batch_alter_table("customer_events", schema=None) as batch_op:
        batch_op.create_index("ix_customer_events_type_time", ["type", "occurred_at"], unique=False)
    with op.batch_alter_table("health_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_health_scores_customer_time_score", ["customer_id", "recorded_at", "score"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("health_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_health_scores_customer_time_score")
    with op.batch_alter_table("customer_events", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_events_type_time")
    with op.batch_alter_table("usage_metrics", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_metrics_customer_metric_time_value")
