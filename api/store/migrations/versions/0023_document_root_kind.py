"""document: an index on (root_id, kind, id)

Revision ID: 0023_document_root_kind
Revises: 0022_state_blob
Create Date: 2026-12-01 15:00:00

Operators look up a period's documents of one kind (the SK Jadwal in force for each FR.AK.01, what a letter
cites): with only (root_id) indexed each lookup read all the period's documents, several per candidate.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023_document_root_kind"
down_revision: str | None = "0022_state_blob"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_document_root_kind", "document", ["root_id", "kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_document_root_kind", table_name="document")
