"""Process definitions, starting instances, and the instance history administrators query."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import Caller, CurrentUser, require_roles
from api.background.renderer import progress
from api.errors import ApiError
from api.routes import runtime_for
from api.schemas import (
    ActiveTask,
    CancelInstance,
    HistoryEntry,
    InstanceOut,
    InstancePage,
    ProcessDefinitionOut,
    StartInstance,
)
from api.store.models import STAFF_ROLES, Event, HumanTask, ProcessDefinition, ProcessInstance

router = APIRouter(prefix="/api", tags=["process instances"])

# Who may read instances and their history: the LSP's staff and administrators.
READERS = STAFF_ROLES
Reader = Annotated[CurrentUser, require_roles(*READERS)]


def latest_definitions(session: Session) -> list[ProcessDefinition]:
    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    return list(
        session.scalars(
            select(ProcessDefinition)
            .join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.version))
            .order_by(ProcessDefinition.key)
        )
    )


@router.get("/process-definitions", response_model=list[ProcessDefinitionOut])
def list_definitions(request: Request, user: Caller) -> list[ProcessDefinitionOut]:
    with request.app.state.db.reading() as session:
        return [
            ProcessDefinitionOut(key=d.key, name=d.name, version=d.version, deployment_id=d.deployment_id)
            for d in latest_definitions(session)
            if d.startable
        ]


@router.post("/process-definitions/{key}/instances", response_model=InstanceOut, status_code=status.HTTP_201_CREATED)
def start_instance(key: str, body: StartInstance, request: Request, user: Caller) -> InstanceOut:
    db = request.app.state.db
    with db.transaction() as session:
        definition = session.scalars(
            select(ProcessDefinition)
            .where(ProcessDefinition.key == key)
            .order_by(ProcessDefinition.version.desc())
            .limit(1)
        ).first()
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
                raise ApiError(409, f"instance {taken} of {key!r} already has business key {body.business_key!r}")
        data = dict(body.data)
        if body.business_key:
            data.setdefault("periode", body.business_key)
        row = runtime_for(request, session).start(
            definition, business_key=body.business_key, data=data, actor=user.username
        )
        out = instance_out(session, row)
    request.app.state.worker.wake()
    return out


def instance_out(session: Session, row: ProcessInstance) -> InstanceOut:
    tasks = session.scalars(
        select(HumanTask).where(HumanTask.instance_id == row.id, HumanTask.state == "ready").order_by(HumanTask.due_at)
    )
    return InstanceOut.model_validate(row).model_copy(
        update={"steps": row.steps or {}, "active_tasks": [ActiveTask.model_validate(t) for t in tasks]}
    )


@router.get("/instances", response_model=InstancePage)
def list_instances(
    request: Request,
    user: Reader,
    key: str | None = None,
    status: str | None = None,
    business_key: str | None = None,
    started_by: str | None = None,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
    parent_id: int | None = None,
    subject: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> InstancePage:
    conditions = []
    for column, value in (
        (ProcessInstance.key, key),
        (ProcessInstance.status, status),
        (ProcessInstance.business_key, business_key),
        (ProcessInstance.started_by, started_by),
        (ProcessInstance.parent_id, parent_id),
        (ProcessInstance.subject, subject),
    ):
        if value is not None:
            conditions.append(column == value)
    if started_after is not None:
        conditions.append(ProcessInstance.started_at >= started_after)
    if started_before is not None:
        conditions.append(ProcessInstance.started_at < started_before)
    with request.app.state.db.reading() as session:
        total = session.scalar(select(func.count()).select_from(ProcessInstance).where(*conditions)) or 0
        rows = session.scalars(
            select(ProcessInstance)
            .where(*conditions)
            .order_by(ProcessInstance.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
        return InstancePage(items=[instance_out(session, r) for r in rows], total=total)


def _get_instance(session: Session, instance_id: int) -> ProcessInstance:
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        raise ApiError(404, f"no instance {instance_id}")
    return row


@router.get("/instances/{instance_id}", response_model=InstanceOut)
def get_instance(instance_id: int, request: Request, user: Reader) -> InstanceOut:
    with request.app.state.db.reading() as session:
        row = _get_instance(session, instance_id)
        counts = progress(session, root_id=row.id) if row.parent_id is None else progress(session, instance_id=row.id)
        return instance_out(session, row).model_copy(update={"dokumen": counts})


@router.post("/instances/{instance_id}/cancel", response_model=InstanceOut)
def cancel_instance(
    instance_id: int, body: CancelInstance, request: Request, user: Annotated[CurrentUser, require_roles("admin")]
) -> InstanceOut:
    """Cancel a period (or one child) with its whole subtree: open tasks leave every inbox."""
    with request.app.state.db.transaction() as session:
        row = _get_instance(session, instance_id)
        if row.status not in ("running", "error"):
            raise ApiError(409, f"instance is already {row.status}")
        runtime_for(request, session).cancel(row, user.username, body.reason)
        return instance_out(session, row)


def descendant_ids(session: Session, row: ProcessInstance) -> list[int]:
    if row.parent_id is None:
        return list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.root_id == row.id)))
    ids, frontier = [row.id], [row.id]
    while frontier:
        frontier = list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


@router.get("/instances/{instance_id}/history", response_model=list[HistoryEntry])
def history(instance_id: int, request: Request, user: Reader, include_children: bool = False) -> list[HistoryEntry]:
    with request.app.state.db.reading() as session:
        row = _get_instance(session, instance_id)
        if include_children and row.parent_id is None:
            condition = Event.root_id == row.id
        elif include_children:
            condition = Event.instance_id.in_(descendant_ids(session, row))
        else:
            condition = Event.instance_id == row.id
        events = session.scalars(select(Event).where(condition).order_by(Event.id))
        return [HistoryEntry.model_validate(e) for e in events]
