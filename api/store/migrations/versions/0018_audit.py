"""audit: the change history of master data, and the indexes of the audit search over the history

Revision ID: 0018_audit
Revises: 0017_pengganti
Create Date: 2026-11-30 21:20:00

`perubahan_data_induk` records every create, update, deactivation and activation of master data (who, when,
the changed fields before and after). The audit search (api/services/audit.py) walks `event` newest first by
(at, id), alone or narrowed to one actor, event type, period or task name, each with its own index, and finds
a skema's instances through `human_task.skema`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_audit"
down_revision: str | None = "0017_pengganti"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_INDEXES = {
    "ix_event_at": ["at", "id"],
    "ix_event_actor_at": ["actor", "at", "id"],
    "ix_event_type_at": ["type", "at", "id"],
    "ix_event_root_at": ["root_id", "at", "id"],
    "ix_event_task_name_at": ["task_name", "at", "id"],
    "ix_event_task_id": ["task_id"],
}


def upgrade() -> None:
    op.create_table(
        "perubahan_data_induk",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("data", sa.String(16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("subjek", sa.String(200), nullable=True),
        sa.Column("aksi", sa.String(16), nullable=False),
        sa.Column("perubahan", sa.JSON(), nullable=False),
    )
    op.create_index("ix_perubahan_at", "perubahan_data_induk", ["at", "id"])
    op.create_index("ix_perubahan_subjek", "perubahan_data_induk", ["subjek", "at"])
    op.create_index("ix_perubahan_actor", "perubahan_data_induk", ["actor", "at"])
    for name, columns in EVENT_INDEXES.items():
        op.create_index(name, "event", columns)
    op.create_index("ix_task_skema_instance", "human_task", ["skema", "instance_id"])


def downgrade() -> None:
    op.drop_index("ix_task_skema_instance", table_name="human_task")
    for name in EVENT_INDEXES:
        op.drop_index(name, table_name="event")
    op.drop_table("perubahan_data_induk")
