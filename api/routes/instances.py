"""Process definitions, starting instances, and the instance history administrators query."""

from fastapi import APIRouter, status

from api.auth import Caller
from api.permissions import Admin, Staff
from api.routes.deps import AppSettings, BackgroundWorker, ClockDep, Db, Id, IdFilter, Moment, PageNumber, PageSize
from api.schemas import CancelInstance, HistoryEntry, InstanceOut, InstancePage, ProcessDefinitionOut, StartInstance
from api.services import instances

router = APIRouter(prefix="/api", tags=["process instances"])


@router.get("/process-definitions", response_model=list[ProcessDefinitionOut])
def list_definitions(db: Db, user: Caller) -> list[ProcessDefinitionOut]:
    return instances.startable_definitions(db)


@router.post("/process-definitions/{key}/instances", response_model=InstanceOut, status_code=status.HTTP_201_CREATED)
def start_instance(
    key: str,
    body: StartInstance,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    worker: BackgroundWorker,
    user: Caller,
) -> InstanceOut:
    out = instances.start(db, clock, settings, user, key, body)
    worker.wake()
    return out


@router.get("/instances", response_model=InstancePage)
def list_instances(
    db: Db,
    user: Staff,
    key: str | None = None,
    status: str | None = None,
    business_key: str | None = None,
    started_by: str | None = None,
    started_after: Moment = None,
    started_before: Moment = None,
    parent_id: IdFilter = None,
    subject: str | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> InstancePage:
    where = instances.InstanceFilter(
        key=key,
        status=status,
        business_key=business_key,
        started_by=started_by,
        started_after=started_after,
        started_before=started_before,
        parent_id=parent_id,
        subject=subject,
    )
    return instances.list_page(db, where, page, page_size)


@router.get("/instances/{instance_id}", response_model=InstanceOut)
def get_instance(instance_id: Id, db: Db, user: Staff) -> InstanceOut:
    return instances.get(db, instance_id)


@router.post("/instances/{instance_id}/cancel", response_model=InstanceOut)
def cancel_instance(
    instance_id: Id, body: CancelInstance, db: Db, clock: ClockDep, settings: AppSettings, user: Admin
) -> InstanceOut:
    """Cancel a period (or one child) with its whole subtree: open tasks leave every inbox."""
    return instances.cancel(db, clock, settings, user, instance_id, body.alasan)


@router.get("/instances/{instance_id}/history", response_model=list[HistoryEntry])
def history(instance_id: Id, db: Db, user: Staff, include_children: bool = False) -> list[HistoryEntry]:
    return instances.history(db, instance_id, include_children)
