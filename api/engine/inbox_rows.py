"""What an inbox row says about its task beyond the task itself: the SOP step, the subject, the skema.

Filled when the runtime projects a ready task (`HumanTask.step`, `subject`, `skema`), so
the inbox filters on its own table without joining instances per row.
"""

from typing import Any

from sqlalchemy.orm import Session

from api.store.models import ProcessInstance


def period_step(session: Session, row: ProcessInstance, own_step: str | None) -> str | None:
    """The step of the period the task belongs to: its own `sopStep` in the period's instance; inside a
    child, the step of the call activity in the period that started the child (or its ancestor)."""
    if row.parent_id is None:
        return own_step
    child = row
    while child.parent_id is not None and child.parent_id != child.root_id:
        parent = session.get(ProcessInstance, child.parent_id)
        if parent is None:
            break
        child = parent
    return child.sop_step


def instance_subject(session: Session, row: ProcessInstance) -> str | None:
    """Who or what the task is about: the nearest instance's `childSubject` (a candidate, a TUK)."""
    current: ProcessInstance | None = row
    while current is not None:
        if current.subject:
            return current.subject
        current = session.get(ProcessInstance, current.parent_id) if current.parent_id is not None else None
    return None


def skema_of(data: dict[str, Any], subject: str | None) -> str | None:
    """The skema (nomor) a subject's task is about: `skema_nomor` in the task's data, at the top or in the
    record the child was started with (`pendaftar`, `peserta_asesmen`...)."""
    if not subject:
        return None
    if isinstance(value := data.get("skema_nomor"), str):
        return value[:100]
    for record in data.values():
        if isinstance(record, dict) and isinstance(value := record.get("skema_nomor"), str):
            if record.get("username") in (None, subject):
                return value[:100]
    return None


def row_fields(session: Session, row: ProcessInstance, own_step: str | None, data: dict[str, Any]) -> dict[str, Any]:
    """The inbox columns of a task of `row` becoming ready with `data`."""
    subject = instance_subject(session, row)
    return {
        "step": period_step(session, row, own_step),
        "subject": subject,
        "skema": skema_of(data, subject),
    }
