"""institusi: the institution the LSP belongs to (one row), whose kop and register the Direktur's Nota Dinas uses

Revision ID: 0012_institusi
Revises: 0011_nip
Create Date: 2026-11-30 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_institusi"
down_revision: str | None = "0011_nip"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "institusi",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("induk", sa.String(length=300), nullable=True),
        sa.Column("kode", sa.String(length=32), nullable=False),
        sa.Column("nomor_format", sa.String(length=100), nullable=False),
        sa.Column("alamat", sa.String(length=300), nullable=False),
        sa.Column("kota", sa.String(length=100), nullable=False),
        sa.Column("telepon", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("logo_sha256", sa.String(length=64), nullable=True),
        sa.Column("logo_content_type", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_institusi_satu_baris"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("institusi")
