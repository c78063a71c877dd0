"""inbox: partial indexes of the ready tasks, open to a lane and narrowed to a user, replace ix_task_inbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:00:00

ix_task_inbox (state, role, assignee, due_at, created_at) served the inbox on SQLite, but PostgreSQL's
planner does not treat `assignee IS NULL` as fixing the column, so for a lane's open tasks it could not
walk the index in due-date order: at 100,000 open tasks it bitmap-scanned all of the lane's ~15,000 and
sorted them (36 ms). Without state and assignee in the key, both databases walk these in order and stop
at the page. Only ready rows are indexed, so finished tasks no longer grow the index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LANE_OPEN = "state = 'ready' AND assignee IS NULL"
ASSIGNED = "state = 'ready'"


def upgrade() -> None:
    op.create_index(
        "ix_task_lane_open",
        "human_task",
        ["role", "due_at", "created_at"],
        postgresql_where=sa.text(LANE_OPEN),
        sqlite_where=sa.text(LANE_OPEN),
    )
    op.create_index(
        "ix_task_assigned",
        "human_task",
        ["assignee", "due_at", "created_at"],
        postgresql_where=sa.text(ASSIGNED),
        sqlite_where=sa.text(ASSIGNED),
    )
    op.drop_index("ix_task_inbox", table_name="human_task")


def downgrade() -> None:
    op.create_index("ix_task_inbox", "human_task", ["state", "role", "assignee", "due_at", "created_at"])
    op.drop_index("ix_task_assigned", table_name="human_task")
    op.drop_index("ix_task_lane_open", table_name="human_task")
