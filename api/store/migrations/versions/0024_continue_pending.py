"""process_instance: continue_pending_at, an instance waiting for the worker to run on after a user task

Revision ID: 0024_continue_pending
Revises: 0023_document_root_kind
Create Date: 2026-12-01 20:00:00

A user task with `asyncAfter="true"` is completed in the request and the engine runs on in the worker
(api/background/worker.py, `continue_instances`): the column says since when the instance waits for that; the
partial index holds only the waiting few, which the worker's query reads.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_continue_pending"
down_revision: str | None = "0023_document_root_kind"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "continue_pending_at IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.add_column(sa.Column("continue_pending_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_instance_continue_pending",
        "process_instance",
        ["continue_pending_at"],
        postgresql_where=sa.text(PENDING),
        sqlite_where=sa.text(PENDING),
    )


def downgrade() -> None:
    op.drop_index("ix_instance_continue_pending", table_name="process_instance")
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.drop_column("continue_pending_at")
