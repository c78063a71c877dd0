"""deployment: approval by Ketua LSP of deployments that change where issuing operators run

Revision ID: 0005_certs
Revises: 0004
Create Date: 2026-11-30 12:00:00

A deployment adding or removing a call of an issuing operator (certificates, SKs, the final decisions)
waits (`menunggu_persetujuan`) with its files in `berkas_tertunda` until Ketua LSP approves it; approval
deploys them as a new deployment (`permintaan_id` names the request), rejection records `alasan`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_certs"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
COLUMNS = ("permintaan_id", "alasan", "diputuskan_at", "diputuskan_oleh", "berkas_tertunda", "penerbitan", "status")


def upgrade() -> None:
    with op.batch_alter_table("deployment") as batch:
        batch.add_column(sa.Column("status", sa.String(24), nullable=False, server_default="aktif"))
        batch.add_column(sa.Column("penerbitan", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("berkas_tertunda", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("diputuskan_oleh", sa.String(64), nullable=True))
        batch.add_column(sa.Column("diputuskan_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("alasan", sa.Text(), nullable=True))
        batch.add_column(sa.Column("permintaan_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deployment") as batch:
        for column in COLUMNS:
            batch.drop_column(column)
