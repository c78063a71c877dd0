"""instances: a period's business key is unique among the periods of its process

Revision ID: 0008_inputs
Revises: 0007_harden
Create Date: 2026-11-30 11:30:00

Starting a period checked for a period with the same business key, then inserted: on PostgreSQL two
servers (or two threads) starting the same period at once both passed the check and made two periods
(SQLite's write lock serialized them). The partial unique index makes the second insert wait for the first
and fail, answered 409. Child instances inherit their period's key, so only instances without a parent
count. A database that already holds duplicate periods refuses this upgrade: cancel or rename the extra
ones (`UPDATE process_instance SET business_key = business_key || '-2' WHERE id = ...`) and run it again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_inputs"
down_revision: str | None = "0007_harden"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERIOD_WITH_KEY = "parent_id IS NULL AND business_key IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "uq_instance_period_business_key",
        "process_instance",
        ["key", "business_key"],
        unique=True,
        postgresql_where=sa.text(PERIOD_WITH_KEY),
        sqlite_where=sa.text(PERIOD_WITH_KEY),
    )


def downgrade() -> None:
    op.drop_index("uq_instance_period_business_key", table_name="process_instance")
