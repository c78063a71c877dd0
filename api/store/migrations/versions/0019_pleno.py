"""pleno: the LSP staff eligible to sit on a rapat pleno, with the fields they are competent in

Revision ID: 0019_pleno
Revises: 0018_audit
Create Date: 2026-12-01 02:50:00

`pengurus_pleno` is master data: the configurable set of decision-makers a pleno's members are chosen from
(never a candidate, never an IT role), each with the skema fields (`skema.bidang`) they are competent in, so
that a pleno can be required to have at least one member competent in the field of each skema it decides.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_pleno"
down_revision: str | None = "0018_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pengurus_pleno",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("jabatan", sa.String(200), nullable=False),
        sa.Column("bidang", sa.JSON(), nullable=False),
        sa.Column("aktif", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", name="uq_pengurus_pleno_user_id"),
    )


def downgrade() -> None:
    op.drop_table("pengurus_pleno")
