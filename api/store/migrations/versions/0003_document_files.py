"""document files: rendered file (SHA-256, name, type), render state, versions; LSP logo; certificate revocation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:00:00

The unique key of a document gains its version (a correction is the same document's next version).
0001 created that constraint unnamed: PostgreSQL named it `document_instance_id_task_id_kind_key_key`;
SQLite's batch mode names it by the naming convention below so it can be dropped.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_UNIQUE = "document_instance_id_task_id_kind_key_key"
NEW_UNIQUE = "uq_document_task_kind_key_version"
# Names the constraints 0001 left unnamed, as PostgreSQL did, so batch mode on SQLite can find them.
NAMING = {"uq": "%(table_name)s_%(column_0_N_name)s_key"}


def upgrade() -> None:
    with op.batch_alter_table("document", naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("correction_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("file_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("content_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("render_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("render_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_foreign_key("fk_document_supersedes", "document", ["supersedes_id"], ["id"])
        batch_op.drop_constraint(OLD_UNIQUE, type_="unique")
        batch_op.create_unique_constraint(NEW_UNIQUE, ["instance_id", "task_id", "kind", "key", "version"])
        batch_op.create_index("ix_document_render_queue", ["rendered_at", "id"], unique=False)

    with op.batch_alter_table("lsp_profil") as batch_op:
        batch_op.add_column(sa.Column("logo_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("logo_content_type", sa.String(length=100), nullable=True))

    with op.batch_alter_table("sertifikat") as batch_op:
        batch_op.add_column(sa.Column("dicabut_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("alasan_dicabut", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sertifikat") as batch_op:
        batch_op.drop_column("alasan_dicabut")
        batch_op.drop_column("dicabut_at")

    with op.batch_alter_table("lsp_profil") as batch_op:
        batch_op.drop_column("logo_content_type")
        batch_op.drop_column("logo_sha256")

    # Corrections (version > 1) cannot survive the old key; the downgrade drops them with their files' rows.
    op.execute(
        "UPDATE sertifikat SET document_id = NULL WHERE document_id IN (SELECT id FROM document WHERE version > 1)"
    )
    op.execute("DELETE FROM document WHERE version > 1")
    with op.batch_alter_table("document", naming_convention=NAMING) as batch_op:
        batch_op.drop_index("ix_document_render_queue")
        batch_op.drop_constraint(NEW_UNIQUE, type_="unique")
        batch_op.create_unique_constraint(OLD_UNIQUE, ["instance_id", "task_id", "kind", "key"])
        batch_op.drop_constraint("fk_document_supersedes", type_="foreignkey")
        for column in (
            "render_attempts",
            "render_error",
            "rendered_at",
            "size",
            "content_type",
            "file_name",
            "sha256",
            "correction_reason",
            "supersedes_id",
            "version",
            "created_by",
        ):
            batch_op.drop_column(column)
