"""Process instances: the startable definitions, starting, the staff's instance list, one instance, its
history, cancelling, and which instances "with its children" covers (`scope`)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.background.renderer import progress
from api.clock import Clock
from api.engine.runtime import Runtime
from api.errors import ApiError, conflicting_field
from api.schemas import (
    ActiveTask,
    HistoryEntry,
    InstanceOut,
    InstancePage,
    ProcessDefinitionOut,
    StartInstance,
)
from api.services.definitions import latest_definition, latest_definitions
from api.settings import Settings
from api.store.db import Database
from api.store.enums import InstanceStatus, TaskState
from api.store.models import Dokumen, Event, HumanTask, ProcessInstance


def startable_definitions(db: Database) -> list[ProcessDefinitionOut]:
    with db.reading() as session:
        return [
            ProcessDefinitionOut(key=d.key, name=d.name, version=d.version, deployment_id=d.deployment_id)
            for d in latest_definitions(session)
            if d.startable
        ]


def startable_by(db: Database, user: CurrentUser) -> list[ProcessDefinitionOut]:
    """The processes `user` may start (their role holds a lane with a start event): a period for the
    Direktur."""
    with db.reading() as session:
        return [
            ProcessDefinitionOut(key=d.key, name=d.name, version=d.version, deployment_id=d.deployment_id)
            for d in latest_definitions(session)
            if d.startable and user.has_any(*d.start_roles)
        ]


def start(
    db: Database, clock: Clock, settings: Settings, user: CurrentUser, key: str, body: StartInstance
) -> InstanceOut:
    """Start the newest version of `key` (a period's business key is unique among periods of that key: the
    check answers a repeat at once; the unique index, two requests at the same moment on PostgreSQL)."""
    try:
        return _start(db, clock, settings, user, key, body)
    except IntegrityError as exc:
        if body.business_key is None or conflicting_field(exc) != "key, business_key":
            raise
        raise _business_key_taken(key, body.business_key, None) from exc


def _business_key_taken(key: str, business_key: str, taken: int | None) -> ApiError:
    which = f"instance {taken}" if taken is not None else "another period"
    return ApiError(
        409,
        f"{which} of {key!r} already has business key {business_key!r}",
        [{"path": "business_key", "message": f"periode {business_key!r} sudah dimulai"}],
    )


def _start(
    db: Database, clock: Clock, settings: Settings, user: CurrentUser, key: str, body: StartInstance
) -> InstanceOut:

    def act(session: Session) -> InstanceOut:
        definition = latest_definition(session, key)
        if definition is None or not definition.startable:
            raise ApiError(404, f"no startable process {key!r}")
        if not user.has_any(*definition.start_roles):
            raise ApiError(403, f"only {', '.join(definition.start_roles)} may start {key!r}")
        if body.business_key:
            taken = session.scalar(
                select(ProcessInstance.id).where(
                    ProcessInstance.key == key,
                    ProcessInstance.business_key == body.business_key,
                    ProcessInstance.parent_id.is_(None),
                )
            )
            if taken is not None:
                raise _business_key_taken(key, body.business_key, taken)
        data = dict(body.data)
        if body.business_key:
            data.setdefault("periode", body.business_key)
        row = Runtime.for_app(session, clock, settings).start(
            definition, business_key=body.business_key, data=data, actor=user.username
        )
        return _outs(session, [row])[0]

    return db.write(act)


def _outs(session: Session, rows: list[ProcessInstance]) -> list[InstanceOut]:
    """The instances with their open tasks, the tasks of all of them in one query."""
    tasks: dict[int, list[ActiveTask]] = defaultdict(list)
    if rows:
        open_tasks = session.scalars(
            select(HumanTask)
            .where(HumanTask.instance_id.in_([r.id for r in rows]), HumanTask.state == TaskState.READY)
            .order_by(HumanTask.instance_id, HumanTask.due_at, HumanTask.id)
        )
        for t in open_tasks:
            tasks[t.instance_id].append(ActiveTask.model_validate(t))
    return [
        InstanceOut.model_validate(r).model_copy(update={"steps": r.steps or {}, "active_tasks": tasks[r.id]})
        for r in rows
    ]


@dataclass(frozen=True)
class InstanceFilter:
    key: str | None = None
    status: str | None = None
    business_key: str | None = None
    started_by: str | None = None
    started_after: datetime | None = None
    started_before: datetime | None = None
    parent_id: int | None = None
    subject: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        equal: tuple[tuple[Any, Any], ...] = (
            (ProcessInstance.key, self.key),
            (ProcessInstance.status, self.status),
            (ProcessInstance.business_key, self.business_key),
            (ProcessInstance.started_by, self.started_by),
            (ProcessInstance.parent_id, self.parent_id),
            (ProcessInstance.subject, self.subject),
        )
        conditions = [column == value for column, value in equal if value is not None]
        if self.started_after is not None:
            conditions.append(ProcessInstance.started_at >= self.started_after)
        if self.started_before is not None:
            conditions.append(ProcessInstance.started_at < self.started_before)
        return conditions


def list_page(db: Database, where: InstanceFilter, page: int, page_size: int) -> InstancePage:
    conditions = where.conditions()
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(ProcessInstance).where(*conditions)) or 0
        rows = session.scalars(
            select(ProcessInstance)
            .where(*conditions)
            .order_by(ProcessInstance.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        return InstancePage(items=_outs(session, list(rows)), total=total)


def get_or_404(session: Session, instance_id: int) -> ProcessInstance:
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        raise ApiError(404, f"no instance {instance_id}")
    return row


def get(db: Database, instance_id: int) -> InstanceOut:
    """One instance with its documents' rendering progress (a period counts its whole tree)."""
    with db.reading() as session:
        row = get_or_404(session, instance_id)
        counts = progress(session, root_id=row.id) if row.parent_id is None else progress(session, instance_id=row.id)
        return _outs(session, [row])[0].model_copy(update={"dokumen": counts})


def period_continuing(session: Session, root_id: int) -> bool:
    """Whether an instance of the period waits for the worker to run on after an `asyncAfter` task (the few waiting
    are in a partial index; one whose continuation failed is in error, not being run on)."""
    waiting = select(ProcessInstance.id).where(
        ProcessInstance.continue_pending_at.is_not(None),
        ProcessInstance.root_id == root_id,
        ProcessInstance.status == InstanceStatus.RUNNING,
    )
    return session.scalars(waiting.limit(1)).first() is not None


def continuing(db: Database, instance_id: int) -> bool:
    """Whether the worker has yet to run the instance on after a user task with `asyncAfter` (an instance whose
    continuation failed is in error, and keeps the mark only so that a retry runs it on)."""
    with db.reading() as session:
        pending = select(ProcessInstance.continue_pending_at).where(
            ProcessInstance.id == instance_id, ProcessInstance.status == InstanceStatus.RUNNING
        )
        return session.scalars(pending).first() is not None


def cancel(
    db: Database, clock: Clock, settings: Settings, user: CurrentUser, instance_id: int, alasan: str
) -> InstanceOut:
    """Cancel a period (or one child) with its whole subtree: open tasks leave every inbox."""

    def act(session: Session) -> InstanceOut:
        row = get_or_404(session, instance_id)
        if row.status not in (InstanceStatus.RUNNING, InstanceStatus.ERROR):
            raise ApiError(409, f"instance is already {row.status}")
        Runtime.for_app(session, clock, settings).cancel(row, user.username, alasan)
        return _outs(session, [row])[0]

    return db.write(act)


def descendant_ids(session: Session, row: ProcessInstance) -> list[int]:
    """The instance and every instance below it."""
    if row.parent_id is None:
        return list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.root_id == row.id)))
    ids, frontier = [row.id], [row.id]
    while frontier:
        frontier = list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def scope(
    session: Session, row: ProcessInstance, include_children: bool, model: type[Event] | type[Dokumen]
) -> ColumnElement[bool]:
    """The rows of `model` (events, documents) of this instance; with its children, of its whole subtree
    (of a period: its whole tree, by root)."""
    if include_children and row.parent_id is None:
        return model.root_id == row.id
    if include_children:
        return model.instance_id.in_(descendant_ids(session, row))
    return model.instance_id == row.id


def history(db: Database, instance_id: int, include_children: bool) -> list[HistoryEntry]:
    with db.reading() as session:
        row = get_or_404(session, instance_id)
        events = session.scalars(select(Event).where(scope(session, row, include_children, Event)).order_by(Event.id))
        return [HistoryEntry.model_validate(e) for e in events]
