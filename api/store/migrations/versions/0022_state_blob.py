"""state_blob: the large values of an instance's data, kept once under their hash

Revision ID: 0022_state_blob
Revises: 0021_pas_foto
Create Date: 2026-12-01 14:00:00

A period's collections (a row per candidate) made its state grow with the period (14.6 MB at 2,000 candidates),
and every period-level request wrote all of it again. Values of the data longer than a few KB are now stored
once in `state_blob` under the sha256 of their JSON and the state refers to them (api/engine/state_blobs.py).
States written before this revision hold their values inline and are read as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_state_blob"
down_revision: str | None = "0021_pas_foto"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "state_blob",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("state_blob")
