"""task drafts: a user's unfinished answers to a ready task, one per (task, user)

Revision ID: 0009_draft
Revises: 0008_inputs
Create Date: 2026-11-30 12:30:00

`PUT /api/tasks/{id}/draft` keeps what a user has typed so far; the runtime deletes a task's drafts when the
task is completed or cancelled. Nothing else reads them: the table holds no process state.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_draft"
down_revision: str | None = "0008_inputs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_draft",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["human_task.id"]),
        sa.PrimaryKeyConstraint("task_id", "username"),
    )


def downgrade() -> None:
    op.drop_table("task_draft")
