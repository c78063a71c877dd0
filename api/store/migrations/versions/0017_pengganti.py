"""pengganti: a staff member's substitute for a date range; history and tasks record on whose behalf

Revision ID: 0017_pengganti
Revises: 0016_notifikasi
Create Date: 2026-11-30 21:30:00

`pengganti` is one substitution (kept forever: its own audit record). `event.atas_nama` and
`human_task.atas_nama` name the absent person a substitute acted for; NULL (every row before this
migration) means the actor acted in their own name.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_pengganti"
down_revision: str | None = "0016_notifikasi"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pengganti",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("diwakili", sa.String(64), nullable=False),
        sa.Column("pengganti", sa.String(64), nullable=False),
        sa.Column("mulai", sa.Date(), nullable=False),
        sa.Column("sampai", sa.Date(), nullable=False),
        sa.Column("alasan", sa.String(32), nullable=False),
        sa.Column("keterangan", sa.String(500), nullable=True),
        sa.Column("dibuat_oleh", sa.String(64), nullable=False),
        sa.Column("dibuat_pada", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diakhiri_oleh", sa.String(64), nullable=True),
        sa.Column("diakhiri_pada", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_pengganti_pengganti", "pengganti", ["pengganti", "sampai"])
    op.create_index("ix_pengganti_diwakili", "pengganti", ["diwakili", "sampai"])
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("atas_nama", sa.String(64), nullable=True))
    with op.batch_alter_table("human_task") as batch:
        batch.add_column(sa.Column("atas_nama", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("human_task") as batch:
        batch.drop_column("atas_nama")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("atas_nama")
    op.drop_index("ix_pengganti_diwakili", "pengganti")
    op.drop_index("ix_pengganti_pengganti", "pengganti")
    op.drop_table("pengganti")
