"""harden: a token version per user, so logout, a password change and deactivation revoke issued tokens

Revision ID: 0007_harden
Revises: 0006_background
Create Date: 2026-11-30 11:30:00

Every bearer token carries its user's `token_version`; a token whose version is not the user's current one is
refused. Existing users start at 0 (tokens issued before this migration carry no version and count as 0).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_harden"
down_revision: str | None = "0006_background"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("token_version")
