"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 23:55:59.904492
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "deployment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("task_name", sa.String(length=300), nullable=True),
        sa.Column("lane", sa.String(length=100), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_instance", ["instance_id", "id"], unique=False)
        batch_op.create_index("ix_event_root", ["root_id", "id"], unique=False)

    op.create_table(
        "number_sequence",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", "year"),
    )
    op.create_table(
        "deployment_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("deployment_id", "name"),
    )
    op.create_table(
        "process_definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("bpmn_file", sa.String(length=200), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("startable", sa.Boolean(), nullable=False),
        sa.Column("start_roles", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version"),
    )
    with op.batch_alter_table("process_definition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_process_definition_key"), ["key"], unique=False)

    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role"),
    )
    op.create_table(
        "process_instance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("parent_task_id", sa.String(length=36), nullable=True),
        sa.Column("root_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("next_timer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("inherited_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sop_step", sa.String(length=8), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["process_definition.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["process_instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.create_index("ix_instance_business_key", ["business_key"], unique=False)
        batch_op.create_index("ix_instance_key_status", ["key", "status"], unique=False)
        batch_op.create_index("ix_instance_parent", ["parent_id"], unique=False)
        batch_op.create_index("ix_instance_root", ["root_id"], unique=False)
        batch_op.create_index("ix_instance_subject", ["subject"], unique=False)
        batch_op.create_index(batch_op.f("ix_process_instance_next_timer_at"), ["next_timer_at"], unique=False)

    op.create_table(
        "child_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("parent_task_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["process_instance.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["process_instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("child_id"),
    )
    with op.batch_alter_table("child_completion", schema=None) as batch_op:
        batch_op.create_index("ix_child_completion_pending", ["applied_at", "parent_id"], unique=False)

    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("candidate", sa.String(length=64), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "year", "seq"),
        sa.UniqueConstraint("instance_id", "task_id", "kind", "key"),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_candidate"), ["candidate"], unique=False)
        batch_op.create_index("ix_document_root", ["root_id"], unique=False)

    op.create_table(
        "human_task",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=200), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("lane", sa.String(length=100), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("assignee", sa.String(length=64), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("form", sa.String(length=200), nullable=True),
        sa.Column("ui_form", sa.String(length=200), nullable=True),
        sa.Column("sop_step", sa.String(length=8), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.String(length=64), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.create_index("ix_task_inbox", ["state", "role", "assignee", "due_at", "created_at"], unique=False)
        batch_op.create_index("ix_task_instance", ["instance_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("human_task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_instance")
        batch_op.drop_index("ix_task_inbox")

    op.drop_table("human_task")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_root")
        batch_op.drop_index(batch_op.f("ix_document_candidate"))

    op.drop_table("document")
    with op.batch_alter_table("child_completion", schema=None) as batch_op:
        batch_op.drop_index("ix_child_completion_pending")

    op.drop_table("child_completion")
    with op.batch_alter_table("process_instance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_instance_next_timer_at"))
        batch_op.drop_index("ix_instance_subject")
        batch_op.drop_index("ix_instance_root")
        batch_op.drop_index("ix_instance_parent")
        batch_op.drop_index("ix_instance_key_status")
        batch_op.drop_index("ix_instance_business_key")

    op.drop_table("process_instance")
    op.drop_table("user_role")
    with op.batch_alter_table("process_definition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_definition_key"))

    op.drop_table("process_definition")
    op.drop_table("deployment_file")
    op.drop_table("number_sequence")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index("ix_event_root")
        batch_op.drop_index("ix_event_instance")

    op.drop_table("event")
    op.drop_table("deployment")
    op.drop_table("app_user")
