"""master data: LSP profile, skema, asesor, TUK, peserta; TUK verifications, evidence files, certificates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 00:55:26.497259

Hand-checked autogenerate output: UtcDateTime is a plain timezone-aware DateTime in the schema.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "berkas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("nama", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("berkas", schema=None) as batch_op:
        batch_op.create_index("ix_berkas_instance", ["instance_id"], unique=False)
        batch_op.create_index("ix_berkas_sha256", ["sha256"], unique=False)

    op.create_table(
        "skema",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomor", sa.String(length=100), nullable=False),
        sa.Column("judul", sa.String(length=300), nullable=False),
        sa.Column("jenis", sa.String(length=16), nullable=False),
        sa.Column("level_kkni", sa.Integer(), nullable=True),
        sa.Column("bidang", sa.String(length=200), nullable=False),
        sa.Column("dalam_lisensi", sa.Boolean(), nullable=False),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("unit", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("jenis IN ('kkni', 'okupasi', 'klaster')", name="ck_skema_jenis"),
        sa.CheckConstraint("level_kkni IS NULL OR level_kkni BETWEEN 1 AND 9", name="ck_skema_level_kkni"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nomor", name="uq_skema_nomor"),
    )
    op.create_table(
        "tuk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kode", sa.String(length=32), nullable=False),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("jenis", sa.String(length=16), nullable=False),
        sa.Column("alamat", sa.String(length=300), nullable=False),
        sa.Column("penanggung_jawab", sa.String(length=200), nullable=False),
        sa.Column("kapasitas", sa.Integer(), nullable=False),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("jenis IN ('sewaktu', 'tempat_kerja', 'mandiri')", name="ck_tuk_jenis"),
        sa.CheckConstraint("kapasitas > 0", name="ck_tuk_kapasitas"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kode", name="uq_tuk_kode"),
    )
    op.create_table(
        "asesor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("no_reg_met", sa.String(length=40), nullable=False),
        sa.Column("met_berlaku_sd", sa.Date(), nullable=False),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no_reg_met", name="uq_asesor_no_reg_met"),
        sa.UniqueConstraint("user_id", name="uq_asesor_user_id"),
    )
    op.create_table(
        "lsp_profil",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("kode", sa.String(length=32), nullable=False),
        sa.Column("no_lisensi", sa.String(length=100), nullable=False),
        sa.Column("lisensi_berlaku_sd", sa.Date(), nullable=False),
        sa.Column("alamat", sa.String(length=300), nullable=False),
        sa.Column("kota", sa.String(length=100), nullable=False),
        sa.Column("telepon", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("ketua_user_id", sa.Integer(), nullable=True),
        sa.Column("rasio_asesi_per_asesor", sa.Integer(), nullable=False),
        sa.Column("masa_banding_hari", sa.Integer(), nullable=False),
        sa.Column("masa_berlaku_sertifikat_tahun", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_lsp_profil_satu_baris"),
        sa.CheckConstraint("masa_banding_hari > 0", name="ck_lsp_profil_masa_banding"),
        sa.CheckConstraint("masa_berlaku_sertifikat_tahun > 0", name="ck_lsp_profil_masa_berlaku"),
        sa.CheckConstraint("rasio_asesi_per_asesor > 0", name="ck_lsp_profil_rasio"),
        sa.ForeignKeyConstraint(
            ["ketua_user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "peserta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nim", sa.String(length=20), nullable=False),
        sa.Column("prodi", sa.String(length=200), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=False),
        sa.Column("tempat_lahir", sa.String(length=100), nullable=False),
        sa.Column("tanggal_lahir", sa.Date(), nullable=False),
        sa.Column("jenis_kelamin", sa.String(length=1), nullable=False),
        sa.Column("alamat", sa.String(length=300), nullable=True),
        sa.Column("telepon", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("jenis_kelamin IN ('L', 'P')", name="ck_peserta_jenis_kelamin"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nim", name="uq_peserta_nim"),
        sa.UniqueConstraint("user_id", name="uq_peserta_user_id"),
    )
    with op.batch_alter_table("peserta", schema=None) as batch_op:
        batch_op.create_index("ix_peserta_prodi", ["prodi"], unique=False)

    op.create_table(
        "verifikasi_tuk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tuk_id", sa.Integer(), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("verifikator", sa.String(length=64), nullable=False),
        sa.Column("tanggal", sa.Date(), nullable=False),
        sa.Column("kesimpulan", sa.String(length=16), nullable=False),
        sa.Column("ditetapkan_oleh", sa.String(length=64), nullable=True),
        sa.Column("ditetapkan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("berlaku_sd", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tuk_id"],
            ["tuk.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("verifikasi_tuk", schema=None) as batch_op:
        batch_op.create_index("ix_verifikasi_tuk_tuk_root", ["tuk_id", "root_id"], unique=False)

    op.create_table(
        "asesor_skema",
        sa.Column("asesor_id", sa.Integer(), nullable=False),
        sa.Column("skema_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["asesor_id"], ["asesor.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["skema_id"],
            ["skema.id"],
        ),
        sa.PrimaryKeyConstraint("asesor_id", "skema_id"),
    )
    with op.batch_alter_table("asesor_skema", schema=None) as batch_op:
        batch_op.create_index("ix_asesor_skema_skema", ["skema_id"], unique=False)

    op.create_table(
        "konflik_kepentingan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asesor_id", sa.Integer(), nullable=False),
        sa.Column("peserta_id", sa.Integer(), nullable=False),
        sa.Column("keterangan", sa.Text(), nullable=False),
        sa.Column("dinyatakan_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dinyatakan_oleh", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["asesor_id"],
            ["asesor.id"],
        ),
        sa.ForeignKeyConstraint(
            ["peserta_id"],
            ["peserta.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("asesor_id", "peserta_id", name="uq_konflik_asesor_peserta"),
    )
    with op.batch_alter_table("konflik_kepentingan", schema=None) as batch_op:
        batch_op.create_index("ix_konflik_peserta", ["peserta_id"], unique=False)

    op.create_table(
        "sertifikat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kode_verifikasi", sa.String(length=64), nullable=False),
        sa.Column("peserta_username", sa.String(length=64), nullable=False),
        sa.Column("nama", sa.String(length=200), nullable=False),
        sa.Column("skema_nomor", sa.String(length=100), nullable=False),
        sa.Column("skema_judul", sa.String(length=300), nullable=False),
        sa.Column("no_sertifikat", sa.String(length=100), nullable=False),
        sa.Column("no_registrasi", sa.String(length=100), nullable=False),
        sa.Column("no_blangko", sa.String(length=100), nullable=True),
        sa.Column("terbit", sa.Date(), nullable=False),
        sa.Column("berlaku_sd", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kode_verifikasi", name="uq_sertifikat_kode_verifikasi"),
        sa.UniqueConstraint("no_registrasi", name="uq_sertifikat_no_registrasi"),
        sa.UniqueConstraint("no_sertifikat", name="uq_sertifikat_no_sertifikat"),
    )
    with op.batch_alter_table("sertifikat", schema=None) as batch_op:
        batch_op.create_index("ix_sertifikat_peserta", ["peserta_username"], unique=False)
        batch_op.create_index("ix_sertifikat_root", ["root_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sertifikat", schema=None) as batch_op:
        batch_op.drop_index("ix_sertifikat_root")
        batch_op.drop_index("ix_sertifikat_peserta")

    op.drop_table("sertifikat")
    with op.batch_alter_table("konflik_kepentingan", schema=None) as batch_op:
        batch_op.drop_index("ix_konflik_peserta")

    op.drop_table("konflik_kepentingan")
    with op.batch_alter_table("asesor_skema", schema=None) as batch_op:
        batch_op.drop_index("ix_asesor_skema_skema")

    op.drop_table("asesor_skema")
    with op.batch_alter_table("verifikasi_tuk", schema=None) as batch_op:
        batch_op.drop_index("ix_verifikasi_tuk_tuk_root")

    op.drop_table("verifikasi_tuk")
    with op.batch_alter_table("peserta", schema=None) as batch_op:
        batch_op.drop_index("ix_peserta_prodi")

    op.drop_table("peserta")
    op.drop_table("lsp_profil")
    op.drop_table("asesor")
    op.drop_table("tuk")
    op.drop_table("skema")
    with op.batch_alter_table("berkas", schema=None) as batch_op:
        batch_op.drop_index("ix_berkas_sha256")
        batch_op.drop_index("ix_berkas_instance")

    op.drop_table("berkas")
