"""komentar: comments on tasks and instances, kept forever, never edited

Revision ID: 0015_komentar
Revises: 0014_fanout
Create Date: 2026-11-30 21:30:00

One row per comment on an instance or one of its tasks (`task_id`), written by whoever may see it
(api/services/komentar.py). Append-only like `event`: a correction is a new comment. `untuk_peserta` false
keeps a staff note internal (never shown to a candidate).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_komentar"
down_revision: str | None = "0014_fanout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "komentar",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instance.id"), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(36), sa.ForeignKey("human_task.id"), nullable=True),
        sa.Column("penulis", sa.String(64), nullable=False),
        sa.Column("isi", sa.Text(), nullable=False),
        sa.Column("untuk_peserta", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_komentar_instance", "komentar", ["instance_id", "id"])
    op.create_index("ix_komentar_task", "komentar", ["task_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_komentar_task", table_name="komentar")
    op.drop_index("ix_komentar_instance", table_name="komentar")
    op.drop_table("komentar")
