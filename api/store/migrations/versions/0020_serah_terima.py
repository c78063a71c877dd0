"""serah terima: the register of certificates handed over

Revision ID: 0020_serah_terima
Revises: 0019_pleno
Create Date: 2026-12-01 10:50:00

`penyerahan_sertifikat` records each printed certificate handed over: the day, whether its holder took it or
someone with their surat kuasa (and that person's name), a note, and who recorded it. One row per certificate
(a re-issued certificate is a new `sertifikat` row, handed over on its own).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_serah_terima"
down_revision: str | None = "0019_pleno"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "penyerahan_sertifikat",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sertifikat_id", sa.Integer(), sa.ForeignKey("sertifikat.id"), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("penerima", sa.String(16), nullable=False),
        sa.Column("diterima_oleh", sa.String(200), nullable=False),
        sa.Column("keterangan", sa.Text(), nullable=True),
        sa.Column("dicatat_oleh", sa.String(64), nullable=False),
        sa.Column("dicatat_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sertifikat_id", name="uq_penyerahan_sertifikat"),
    )
    op.create_index("ix_penyerahan_root", "penyerahan_sertifikat", ["root_id"])


def downgrade() -> None:
    op.drop_index("ix_penyerahan_root", table_name="penyerahan_sertifikat")
    op.drop_table("penyerahan_sertifikat")
