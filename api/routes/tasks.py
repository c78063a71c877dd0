"""The role-based task inbox: list, read, claim, unclaim, complete (api/services/tasks.py has the rules)."""

import json
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile

from api.auth import Caller
from api.routes.deps import AppSettings, BackgroundWorker, ClockDep, Db, IdFilter, Now, PageNumber, PageSize
from api.schemas import CompletedTask, CompleteTask, Draft, DraftIn, TaskDetail, TaskSummary
from api.schemas.batch import BatchResult, CompleteBatch
from api.services import drafts, tasks
from api.store.storage import read_upload

router = APIRouter(prefix="/api/tasks", tags=["tasks"])


@router.get("", response_model=list[TaskSummary])
def inbox(
    db: Db,
    now: Now,
    user: Caller,
    instance_id: IdFilter = None,
    key: str | None = None,
    overdue: bool | None = None,
    period: Annotated[str | None, Query(max_length=200, description="period: its instance id or business key")] = None,
    step: Annotated[str | None, Query(max_length=8, description="SOP step number of the period")] = None,
    skema: Annotated[str | None, Query(max_length=100, description="skema nomor")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="part of the subject's name, NIM, username, TUK name or code")
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Response:
    where = tasks.InboxFilter(
        instance_id=instance_id, key=key, overdue=overdue, period=period, step=step, skema=skema, q=q
    )
    body = tasks.inbox(db, user, now, where, page, page_size)
    # Returned as a Response: validating a page of models costs more than the query.
    return Response(json.dumps(body), media_type="application/json")


@router.get("/{task_id}", response_model=TaskDetail)
def get_task(task_id: str, db: Db, clock: ClockDep, settings: AppSettings, user: Caller) -> TaskDetail:
    return tasks.detail(db, clock, settings, user, task_id)


@router.post("/{task_id}/claim", response_model=TaskSummary)
def claim(task_id: str, db: Db, clock: ClockDep, settings: AppSettings, user: Caller) -> TaskSummary:
    return tasks.claim(db, clock, settings, user, task_id)


@router.post("/{task_id}/unclaim", response_model=TaskSummary)
def unclaim(task_id: str, db: Db, clock: ClockDep, settings: AppSettings, user: Caller) -> TaskSummary:
    return tasks.unclaim(db, clock, settings, user, task_id)


@router.post("/{task_id}/complete", response_model=CompletedTask)
def complete(
    task_id: str,
    body: CompleteTask,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    worker: BackgroundWorker,
    user: Caller,
) -> CompletedTask:
    out = tasks.complete(db, clock, settings, user, task_id, body.data)
    worker.wake()
    return out


@router.post("/{task_id}/import", response_model=CompletedTask)
def complete_from_spreadsheet(
    task_id: str,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    worker: BackgroundWorker,
    user: Caller,
    file: Annotated[UploadFile, File(description=".xlsx")],
) -> CompletedTask:
    """Complete a task whose form has a list (its `importXlsx` property) from a spreadsheet's rows, e.g. the
    certificate numbers BNSP sends back: same form, same checks as `complete`."""
    path = tasks.import_path(db, user, task_id, clock.now())
    content = read_upload(file, tasks.MAX_SPREADSHEET_BYTES)
    out = tasks.complete_from_spreadsheet(db, clock, settings, user, task_id, path, content)
    worker.wake()
    return out


@router.post("/complete-batch", response_model=BatchResult, response_model_exclude_none=True)
def complete_batch(
    body: CompleteBatch,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    worker: BackgroundWorker,
    user: Caller,
) -> BatchResult:
    """Complete up to 200 ready tasks of one kind (e.g. the attendance of a TUK session), each as if sent alone to
    `/{task_id}/complete` and in its own transaction: 200 with each item's outcome in order (`status` and the
    body the single completion would have answered). 422, nothing done: a task named twice, or tasks of more
    than one kind."""
    out = tasks.complete_batch(db, clock, settings, user, body.items)
    if out.completed:
        worker.wake()
    return out


@router.put("/{task_id}/draft", response_model=Draft)
def save_draft(task_id: str, body: DraftIn, db: Db, now: Now, settings: AppSettings, user: Caller) -> Draft:
    """Keep the caller's unfinished answers to a task they may work on now, replacing their last draft: not
    checked against the form, at most `UJIKOM_MAX_DRAFT_BYTES` (413 past it). Read back in `GET /{task_id}`
    (`draft`, the caller's alone); deleted when the task is completed or cancelled. Changes nothing in the
    process."""
    return drafts.save(db, now, settings, user, task_id, body.data)


@router.delete("/{task_id}/draft", status_code=204)
def discard_draft(task_id: str, db: Db, now: Now, user: Caller) -> Response:
    drafts.discard(db, now, user, task_id)
    return Response(status_code=204)
