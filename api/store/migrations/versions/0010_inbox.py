"""inbox: each task's period step, subject and skema on human_task, back-filled for ready tasks; an index by subject

Revision ID: 0010_inbox
Revises: 0009_draft
Create Date: 2026-11-30 12:45:00

The runtime fills these when it projects a ready task (api/engine/inbox_rows.py). Ready tasks that exist
already get them here, by the same rules: the step is the task's own `sopStep` in a period, inside a
child the `sop_step` of the period's direct child it runs under; the subject is the nearest instance's;
the skema is `skema_nomor` in the task's data. Finished tasks keep NULLs: the inbox only lists ready
ones. ix_task_subject_open serves the inbox's text search: the subjects it names come from the master
data, their ready tasks from this index, instead of reading every open task of the lanes.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010_inbox"
down_revision: str | None = "0009_draft"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("step", 8), ("subject", 200), ("skema", 100))
READY = "state = 'ready'"


def upgrade() -> None:
    with op.batch_alter_table("human_task") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
    op.create_index(
        "ix_task_subject_open", "human_task", ["subject"], postgresql_where=sa.text(READY), sqlite_where=sa.text(READY)
    )
    _back_fill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_task_subject_open", table_name="human_task")
    with op.batch_alter_table("human_task") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)


def _back_fill(conn: sa.Connection) -> None:
    instances = {
        r.id: r for r in conn.execute(sa.text("SELECT id, parent_id, root_id, subject, sop_step FROM process_instance"))
    }
    tasks = conn.execute(
        sa.text("SELECT id, instance_id, sop_step, context FROM human_task WHERE state = 'ready'")
    ).all()
    update = sa.text("UPDATE human_task SET step = :step, subject = :subject, skema = :skema WHERE id = :id")
    filled = []
    for t in tasks:
        row = instances.get(t.instance_id)
        if row is not None:
            subject = _subject(instances, row)
            filled.append(
                {
                    "id": t.id,
                    "step": _step(instances, row, t.sop_step),
                    "subject": subject,
                    "skema": _skema(t.context, subject),
                }
            )
    if filled:
        conn.execute(update, filled)  # one executemany


def _step(instances: dict[int, Any], row: Any, own: str | None) -> str | None:
    if row.parent_id is None:
        return own
    while row.parent_id is not None and row.parent_id != row.root_id and row.parent_id in instances:
        row = instances[row.parent_id]
    return row.sop_step


def _subject(instances: dict[int, Any], row: Any) -> str | None:
    while row is not None:
        if row.subject:
            return str(row.subject)
        row = instances.get(row.parent_id) if row.parent_id is not None else None
    return None


def _skema(context: Any, subject: str | None) -> str | None:
    if isinstance(context, str):
        context = json.loads(context)
    if not subject or not isinstance(context, dict):
        return None
    if isinstance(value := context.get("skema_nomor"), str):
        return value[:100]
    for record in context.values():
        if isinstance(record, dict) and isinstance(value := record.get("skema_nomor"), str):
            if record.get("username") in (None, subject):
                return value[:100]
    return None
