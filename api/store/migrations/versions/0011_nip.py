"""nip: an official's NIP (Nomor Induk Pegawai) on their user, printed in the signature blocks they sign

Revision ID: 0011_nip
Revises: 0010_inbox
Create Date: 2026-11-30 14:00:00

The Direktur, the Ketua LSP and the Kabid of a state polytechnic are civil servants and sign with their NIP
(18 digits). Nullable: candidates, asesor signing with their No. Reg. MET, and staff without one have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_nip"
down_revision: str | None = "0010_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("nip", sa.String(length=18), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("nip")
