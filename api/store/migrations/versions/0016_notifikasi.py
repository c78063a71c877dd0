"""notifikasi: in-app notices and their e-mails, the pass's cursors, and each user's e-mail address and choice

Revision ID: 0016_notifikasi
Revises: 0015_komentar
Create Date: 2026-11-30 21:00:00

`notifikasi` holds one notice per (user, cause), written by the worker from the history and the documents
(so a pass run again or two workers never make two) with its e-mail's outbox state; `notifikasi_kursor` how
far the pass has read. `app_user.email` is where notices are e-mailed (a candidate's is copied from their
`peserta.email`), `app_user.email_notifikasi` whether the user wants e-mail at all.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_notifikasi"
down_revision: str | None = "0015_komentar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("email_notifikasi", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute(
        "UPDATE app_user SET email = (SELECT p.email FROM peserta p WHERE p.user_id = app_user.id) WHERE email IS NULL"
    )
    op.create_table(
        "notifikasi",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("kunci", sa.String(200), nullable=False),
        sa.Column("jenis", sa.String(40), nullable=False),
        sa.Column("judul", sa.String(300), nullable=False),
        sa.Column("isi", sa.Text(), nullable=False),
        sa.Column("tautan", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dibaca_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_status", sa.String(16), nullable=False),
        sa.Column("email_ke", sa.String(200), nullable=True),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("email_next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_error", sa.Text(), nullable=True),
        sa.Column("email_claimed_by", sa.String(100), nullable=True),
        sa.Column("email_claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("username", "kunci", name="uq_notifikasi_username_kunci"),
    )
    op.create_index("ix_notifikasi_username", "notifikasi", ["username", "id"])
    op.create_index("ix_notifikasi_outbox", "notifikasi", ["email_status", "email_next_at"])
    op.create_table(
        "notifikasi_kursor",
        sa.Column("nama", sa.String(40), primary_key=True),
        sa.Column("nilai", sa.Integer(), nullable=False),
        sa.Column("waktu", sa.DateTime(timezone=True), nullable=True),
    )
    # What happened before this release is not notified: the cursors start at the present.
    op.execute(
        "INSERT INTO notifikasi_kursor (nama, nilai) "
        "SELECT 'event', COALESCE(MAX(id), 0) FROM event UNION ALL SELECT 'dokumen', COALESCE(MAX(id), 0) FROM document"
    )


def downgrade() -> None:
    op.drop_table("notifikasi_kursor")
    op.drop_index("ix_notifikasi_outbox", table_name="notifikasi")
    op.drop_index("ix_notifikasi_username", table_name="notifikasi")
    op.drop_table("notifikasi")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("email_notifikasi")
        batch.drop_column("email")
