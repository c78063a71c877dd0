"""register: blangko serials unique for all time, re-issue after a misprint, BNSP's number shapes per LSP

Revision ID: 0013_register
Revises: 0012_institusi
Create Date: 2026-11-30 14:20:00

`sertifikat.no_blangko` becomes unique (a blangko is a physical BNSP form, printed once). A misprinted
certificate is re-issued on a new blangko as a new row: the replaced row (status `diganti`) points at it
(`diganti_oleh_id`, `diganti_at`) and at the Berita Acara kerusakan blangko (`ba_kerusakan_id`); the
certificate and registration numbers pass to the re-issue, so they are unique among rows not replaced.
The LSP profile gains BNSP's number shapes (`pola_no_sertifikat`, `pola_no_registrasi`; NULL = BNSP's).

A database where one blangko serial was printed twice (accepted before this migration) is refused with the
serials named: which certificate keeps it is the LSP's decision, not a migration's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_register"
down_revision: str | None = "0012_institusi"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BELUM_DIGANTI = "status <> 'diganti'"


def upgrade() -> None:
    dobel = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT no_blangko FROM sertifikat WHERE no_blangko IS NOT NULL "
                "GROUP BY no_blangko HAVING COUNT(*) > 1 ORDER BY no_blangko"
            )
        )
        .scalars()
        .all()
    )
    if dobel:
        raise RuntimeError(
            "blangko serials printed on more than one certificate: "
            + ", ".join(dobel)
            + "; set the wrong rows' no_blangko to NULL (or their real serial) and migrate again"
        )
    with op.batch_alter_table("lsp_profil") as batch:
        batch.add_column(sa.Column("pola_no_sertifikat", sa.String(300), nullable=True))
        batch.add_column(sa.Column("pola_no_registrasi", sa.String(300), nullable=True))
    with op.batch_alter_table("sertifikat") as batch:
        batch.add_column(sa.Column("diganti_oleh_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("diganti_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("ba_kerusakan_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_sertifikat_diganti_oleh", "sertifikat", ["diganti_oleh_id"], ["id"])
        batch.create_foreign_key("fk_sertifikat_ba_kerusakan", "document", ["ba_kerusakan_id"], ["id"])
        batch.drop_constraint("uq_sertifikat_no_sertifikat", type_="unique")
        batch.drop_constraint("uq_sertifikat_no_registrasi", type_="unique")
        batch.create_unique_constraint("uq_sertifikat_no_blangko", ["no_blangko"])
    for column in ("no_sertifikat", "no_registrasi"):
        op.create_index(
            f"uq_sertifikat_{column}",
            "sertifikat",
            [column],
            unique=True,
            postgresql_where=sa.text(BELUM_DIGANTI),
            sqlite_where=sa.text(BELUM_DIGANTI),
        )


def downgrade() -> None:
    # A re-issue shares its numbers with the row it replaced: the old key cannot hold both.
    op.execute("UPDATE sertifikat SET diganti_oleh_id = NULL")
    op.execute("DELETE FROM sertifikat WHERE status = 'diganti'")
    for column in ("no_sertifikat", "no_registrasi"):
        op.drop_index(f"uq_sertifikat_{column}", table_name="sertifikat")
    with op.batch_alter_table("sertifikat") as batch:
        batch.drop_constraint("uq_sertifikat_no_blangko", type_="unique")
        batch.create_unique_constraint("uq_sertifikat_no_sertifikat", ["no_sertifikat"])
        batch.create_unique_constraint("uq_sertifikat_no_registrasi", ["no_registrasi"])
        batch.drop_constraint("fk_sertifikat_ba_kerusakan", type_="foreignkey")
        batch.drop_constraint("fk_sertifikat_diganti_oleh", type_="foreignkey")
        batch.drop_column("ba_kerusakan_id")
        batch.drop_column("diganti_at")
        batch.drop_column("diganti_oleh_id")
    with op.batch_alter_table("lsp_profil") as batch:
        batch.drop_column("pola_no_registrasi")
        batch.drop_column("pola_no_sertifikat")
