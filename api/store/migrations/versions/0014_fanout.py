"""fanout: a parallel multi-instance call activity as one task with its items, children and signals in rows

Revision ID: 0014_fanout
Revises: 0013_register
Create Date: 2026-11-30 14:00:00

`fanout` is one multi-instance call activity waiting in a parent, `fanout_item` its input collection in
order (with the child started for each), `pending_signal` the signals queued for the worker to deliver to
many children. Instances already running keep SpiffWorkflow's per-item tasks: their state restores with
the spec they were parsed with only while that spec is cached; a period started before this migration and
still waiting in a multi-instance step must be finished on the previous release.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_fanout"
down_revision: str | None = "0013_register"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fanout",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("process_instance.id"), nullable=False),
        sa.Column("parent_task_id", sa.String(36), nullable=False),
        sa.Column("element_id", sa.String(200), nullable=False),
        sa.Column("definition_id", sa.Integer(), sa.ForeignKey("process_definition.id"), nullable=False),
        sa.Column("sop_step", sa.String(8), nullable=True),
        sa.Column("input_item", sa.String(200), nullable=True),
        sa.Column("output_item", sa.String(200), nullable=True),
        sa.Column("shared_inputs", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("parent_id", "parent_task_id"),
    )
    op.create_index("ix_fanout_starting", "fanout", ["all_started_at", "id"])
    op.create_table(
        "fanout_item",
        sa.Column("fanout_id", sa.Integer(), sa.ForeignKey("fanout.id"), primary_key=True),
        sa.Column("idx", sa.Integer(), primary_key=True),
        sa.Column("item", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_fanout_item_child_id", "fanout_item", ["child_id"])
    op.create_table(
        "pending_signal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instance.id"), nullable=False),
        sa.Column("signal", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pending_signal")
    op.drop_index("ix_fanout_item_child_id", table_name="fanout_item")
    op.drop_table("fanout_item")
    op.drop_index("ix_fanout_starting", table_name="fanout")
    op.drop_table("fanout")
