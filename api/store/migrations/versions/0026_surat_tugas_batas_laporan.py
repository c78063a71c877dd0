"""document: the surat tugas asesor already issued keep the report deadline they printed

Revision ID: 0026_surat_tugas_batas_laporan
Revises: 0025_peserta_dibawa
Create Date: 2026-12-01 20:00:00

The surat tugas asesor now prints the FR.AK.05 deadline from the report task's time standard as deployed (its
data's `batas_laporan`, the task's dueAfter). Every letter issued before printed "2 (dua) hari", the time standard
deployed then: they are given it in their data, so they render as they were issued.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_surat_tugas_batas_laporan"
down_revision: str | None = "0025_peserta_dibawa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENT = sa.table("document", sa.column("id", sa.Integer), sa.column("kind", sa.String), sa.column("data", sa.JSON))
DITERBITKAN_DENGAN = "P2D"  # the report task's dueAfter when these letters were issued (frozen history)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(DOCUMENT.c.id, DOCUMENT.c.data).where(DOCUMENT.c.kind == "surat_tugas_asesor"))
    for doc_id, data in rows.all():
        if isinstance(data, dict) and "batas_laporan" not in data:
            bind.execute(
                DOCUMENT.update()
                .where(DOCUMENT.c.id == doc_id)
                .values(data={**data, "batas_laporan": DITERBITKAN_DENGAN})
            )


def downgrade() -> None:
    pass  # the key is harmless to the templates of before
