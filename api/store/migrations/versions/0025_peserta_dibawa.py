"""peserta_dibawa: the stored record of a candidate carried to a later batch

Revision ID: 0025_peserta_dibawa
Revises: 0024_continue_pending
Create Date: 2026-12-01 19:45:00

A postponed (ditunda) candidate whose follow-up carries them over was found again by reading every earlier
period's decisions, one lookup per period. The process now writes one row per (candidate, skema, period it came
from) when step 6's follow-up ends, marked taken up by the first later period that accepts the candidate's
registration (or closed with a reason); a later period reads the open rows in one indexed query.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_peserta_dibawa"
down_revision: str | None = "0024_continue_pending"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "peserta_dibawa",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("peserta_id", sa.Integer(), sa.ForeignKey("peserta.id"), nullable=False),
        sa.Column("skema_nomor", sa.String(100), nullable=False),
        sa.Column("asal_root_id", sa.Integer(), nullable=False),
        sa.Column("asal_instance_id", sa.Integer(), sa.ForeignKey("process_instance.id"), nullable=False),
        sa.Column("dokumen_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False),
        sa.Column("alasan", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diambil_root_id", sa.Integer(), nullable=True),
        sa.Column("diambil_instance_id", sa.Integer(), nullable=True),
        sa.Column("diambil_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ditutup_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alasan_ditutup", sa.Text(), nullable=True),
        sa.UniqueConstraint("peserta_id", "skema_nomor", "asal_root_id", name="uq_peserta_dibawa_asal"),
    )
    op.create_index("ix_peserta_dibawa_terbuka", "peserta_dibawa", ["diambil_root_id", "ditutup_at", "asal_root_id"])
    op.create_index("ix_peserta_dibawa_peserta", "peserta_dibawa", ["peserta_id"])


def downgrade() -> None:
    op.drop_index("ix_peserta_dibawa_peserta", table_name="peserta_dibawa")
    op.drop_index("ix_peserta_dibawa_terbuka", table_name="peserta_dibawa")
    op.drop_table("peserta_dibawa")
