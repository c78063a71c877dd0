"""background: a render lease on the document, so several workers never render one document twice

Revision ID: 0006_background
Revises: 0005_certs
Create Date: 2026-11-30 11:30:00

`render_claimed_by` names the renderer that took the row, `render_claimed_until` when its lease runs out;
a renderer that dies leaves a lease that another takes once it has run out.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_background"
down_revision: str | None = "0005_certs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document") as batch_op:
        batch_op.add_column(sa.Column("render_claimed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("render_claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document") as batch_op:
        batch_op.drop_column("render_claimed_until")
        batch_op.drop_column("render_claimed_by")
