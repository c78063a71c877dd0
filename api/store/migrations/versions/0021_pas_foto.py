"""pas_foto: a candidate's pas foto is a berkas of its own kind, with its pixel size

Revision ID: 0021_pas_foto
Revises: 0020_serah_terima
Create Date: 2026-12-01 10:10:00

FR.APL.01 captures the candidate's pas foto (3 × 4) as an upload of its own (`jenis` "pas_foto"), printed on
the kartu peserta and the certificate. Its width and height are read at upload, so the registration's check
(`periksa_apl`) can refuse a photo of the wrong shape or too small without reading the file. Both columns are
empty for evidence files and for uploads made before this revision.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_pas_foto"
down_revision: str | None = "0020_serah_terima"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("berkas") as batch:
        batch.add_column(sa.Column("jenis", sa.String(20), nullable=True))
        batch.add_column(sa.Column("lebar", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("tinggi", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("berkas") as batch:
        batch.drop_column("tinggi")
        batch.drop_column("lebar")
        batch.drop_column("jenis")
