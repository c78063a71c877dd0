"""The role-based task inbox: list, read, claim, unclaim, complete (Camunda's task semantics).

A user sees a task when its lane is one of the user's roles and it is not narrowed to someone else
(an asesor sees only their candidates, a candidate only their own tasks). A task claimed by one
user is hidden from the others until it is unclaimed; completing an unclaimed task claims it.
"""

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.elements import BindParameter

from api.auth import CurrentUser
from api.clock import Clock
from api.engine.bpmn import Prop
from api.engine.errors import FormInvalid, TaskRefused
from api.engine.form_sources import source_context, with_sources
from api.engine.forms import form_of
from api.engine.process_models import properties
from api.engine.runtime import Runtime, model_of_definition
from api.errors import Answer, ApiError, answer_to
from api.permissions import Diwakili, acting_as, assessed_what_it_decides, may_work_on
from api.schemas import CompletedTask, Draft, Form, TaskDetail, TaskSummary
from api.schemas.batch import BatchItem, BatchOutcome, BatchResult
from api.services import pengganti, task_rows
from api.settings import Settings
from api.spreadsheet import SpreadsheetError, spreadsheet_rows
from api.store.db import Database
from api.store.enums import EventType, InstanceStatus, TaskState
from api.store.models import LANE_ROLES, Event, HumanTask, ProcessInstance, TaskDraft, User

ATTEMPTS_ON_LOST_RACE = 3
MAX_SPREADSHEET_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class InboxFilter:
    instance_id: int | None = None
    key: str | None = None
    overdue: bool | None = None
    period: str | None = None  # the period's instance id (digits) or business key
    step: str | None = None
    skema: str | None = None
    q: str | None = None  # a fragment of the subject's name, NIM, username, TUK name or code
    mine: bool = False  # only the tasks claimed by the user or narrowed to them ("Milik saya")


def inbox(
    db: Database, user: CurrentUser, now: datetime, where: InboxFilter, page: int, page_size: int
) -> list[dict[str, Any]]:
    """One page of the user's inbox, as plain dicts ready for JSON: validating a page of models costs more
    than the query."""
    with db.reading() as session:
        diwakili = pengganti.diwakili_oleh(session, user.username, now)
        people = _people(user, diwakili)
        roles = sorted({r for _, rs in people for r in rs})
        if not roles:
            return []
        return _inbox_page(session, user, diwakili, people, roles, now, where, page, page_size)


def _people(user: CurrentUser, diwakili: tuple[Diwakili, ...]) -> list[tuple[str, list[str]]]:
    """Whose tasks the user's inbox holds, each with their lanes: the user, then whom they stand in for now."""
    lanes = set(LANE_ROLES.values())
    people = [(user.username, sorted(r for r in user.roles if r in lanes))]
    people += [(d.username, sorted(r for r in d.roles if r in lanes)) for d in diwakili]
    return people


def _atas_nama(user: CurrentUser, diwakili: tuple[Diwakili, ...], rows: list[dict[str, Any]]) -> None:
    """Mark the rows the user works on for an absent person ("atas nama"), with that person's name."""
    names = {d.username: d.nama for d in diwakili}
    for row in rows:
        who = acting_as(user, LANE_ROLES.get(row.get("lane") or ""), row.get("assignee"), diwakili)
        row["atas_nama"] = who if who != user.username else None
        row["atas_nama_nama"] = names.get(who or "") if who != user.username else None


def _inbox_page(
    session: Session,
    user: CurrentUser,
    diwakili: tuple[Diwakili, ...],
    people: list[tuple[str, list[str]]],
    roles: list[str],
    now: datetime,
    where: InboxFilter,
    page: int,
    page_size: int,
) -> list[dict[str, Any]]:
    period_id = int(where.period) if where.period is not None and where.period.isdigit() else None
    period_key = where.period if where.period is not None and period_id is None else None
    by = InboxBy(
        where.instance_id is not None,
        where.key is not None,
        where.overdue,
        period_id is not None,
        period_key is not None,
        where.step is not None,
        where.skema is not None,
        bool(where.q),
        where.mine,
    )
    query = _inbox_query(len(roles), len(people), by)
    params = {
        **{f"p_{i}": who for i, (who, _) in enumerate(people)},
        **{f"p_roles_{i}": lanes or [""] for i, (_, lanes) in enumerate(people)},
        "period_id": period_id,
        "period_key": period_key,
        "step": where.step,
        "q": task_rows.like_pattern(where.q) if where.q else None,
        "skema": where.skema,
        "roles": roles,
        **{f"role_{i}": role for i, role in enumerate(roles)},
        "me": user.username,
        "instance_id": where.instance_id,
        "key": where.key,
        "now": now,
        "wanted": page * page_size,
        "skip": (page - 1) * page_size,
        "page_size": page_size,
    }
    # Core execution: the statement names columns only, so the ORM's compile and loading steps add nothing
    # but time (as much as the query itself on a page of 50).
    result = session.connection().execute(query, params)
    keys = list(result.keys())
    rows = [dict(zip(keys, row, strict=True)) for row in result]
    described = task_rows.describe(session, rows)
    _atas_nama(user, diwakili, described)
    for row in described:
        row["created_at"], row["due_at"] = _iso(row["created_at"]), _iso(row["due_at"])
    return described


@dataclass(frozen=True)
class InboxBy:
    """Which filters an inbox statement has (one cached statement per combination)."""

    instance: bool = False
    key: bool = False
    overdue: bool | None = None
    period_id: bool = False
    period_key: bool = False
    step: bool = False
    skema: bool = False
    q: bool = False
    mine: bool = False


_SUMMARY_COLUMNS = (
    HumanTask.id,
    HumanTask.name,
    HumanTask.lane,
    HumanTask.instance_id,
    HumanTask.business_key,
    HumanTask.created_at,
    HumanTask.due_at,
    HumanTask.assignee,
    HumanTask.claimed_by,
    HumanTask.root_id,
    HumanTask.step,
    HumanTask.subject,
    HumanTask.skema,
)


@functools.cache
def _inbox_query(lanes: int, people: int, by: InboxBy) -> Select[Any]:
    """The inbox statement for one combination of filters and number of lanes, built once: building it costs
    more than running it.

    Index range scans that each return rows already in order (open to one lane, or narrowed to me; with a
    due date by due date, without one by creation), merged in one statement: a single OR, an IN over the
    lanes or a mixed ORDER BY would make the database sort every open task of the lanes. The scans use
    the partial indexes `ix_task_lane_open (role, due_at, created_at)` and
    `ix_task_assigned (assignee, due_at, created_at)` (migration 0004).

    `people` counts whose tasks the inbox holds: the user (`p_0`, also `me`) and the absent people they stand in
    for now (`p_1`...), each with their lanes (`p_roles_i`); `roles` is every lane among them."""
    persons: list[BindParameter[Any]] = [bindparam(f"p_{i}") for i in range(people)]
    filters = [
        # A literal, not a parameter: the partial indexes (WHERE state = 'ready') are only usable when the
        # statement itself says so (SQLite always, PostgreSQL also in a generic plan of a prepared statement).
        HumanTask.state == literal_column("'ready'"),
        or_(HumanTask.claimed_by.is_(None), *(HumanTask.claimed_by == p for p in persons)),
    ]
    if by.instance:
        filters.append(HumanTask.instance_id == bindparam("instance_id"))
    if by.key:
        filters.append(HumanTask.process_key == bindparam("key"))
    if by.period_id:
        filters.append(HumanTask.root_id == bindparam("period_id"))
    if by.period_key:  # children inherit their period's business key
        filters.append(HumanTask.business_key == bindparam("period_key"))
    if by.step:
        filters.append(HumanTask.step == bindparam("step"))
    if by.skema:
        filters.append(HumanTask.skema == bindparam("skema"))
    if by.q:
        filters.append(HumanTask.subject.in_(task_rows.subjects_named()))
    if by.mine:
        filters.append(or_(*(HumanTask.claimed_by == p for p in persons), *(HumanTask.assignee == p for p in persons)))
    if by.overdue is True:
        filters.append(HumanTask.due_at < bindparam("now"))
    elif by.overdue is False:
        filters.append(or_(HumanTask.due_at.is_(None), HumanTask.due_at >= bindparam("now")))
    if by.q:
        # A candidate or a TUK has a handful of open tasks: find them by subject (ix_task_subject_open)
        # and sort those, rather than walk every open task of the lanes in order.
        visible = or_(
            HumanTask.assignee.is_(None),
            *(
                and_(HumanTask.assignee == p, HumanTask.role.in_(bindparam(f"p_roles_{i}", expanding=True)))
                for i, p in enumerate(persons)
            ),
        )
        found = (
            select(*_SUMMARY_COLUMNS)
            .where(*filters, visible, HumanTask.role.in_(bindparam("roles", expanding=True)))
            .subquery()
        )
        return (
            select(found)
            .order_by(found.c.due_at.is_(None), found.c.due_at, found.c.created_at)
            .offset(bindparam("skip", type_=Integer))
            .limit(bindparam("page_size", type_=Integer))
        )
    # One scan per lane for the open tasks (one role value keeps the index order), one over my lanes for
    # the tasks narrowed to me (few: the index on assignee finds them, the lanes only filter).
    scopes: list[tuple[ColumnElement[bool], ColumnElement[bool]]] = [
        (HumanTask.assignee.is_(None), HumanTask.role == bindparam(f"role_{i}")) for i in range(lanes)
    ]
    scopes += [
        (HumanTask.assignee == p, HumanTask.role.in_(bindparam(f"p_roles_{i}", expanding=True)))
        for i, p in enumerate(persons)
    ]
    # due_at is NULL in every row of the undated scans, so ordering by it too changes nothing but lets
    # PostgreSQL walk the index in order: for its planner, IS NULL does not fix a column's value.
    order = (HumanTask.due_at, HumanTask.created_at)
    parts = []
    for scope in scopes:
        for dated in (HumanTask.due_at.is_not(None), HumanTask.due_at.is_(None)):
            scan = select(*_SUMMARY_COLUMNS).where(*filters, *scope, dated).order_by(*order)
            parts.append(select(scan.limit(bindparam("wanted", type_=Integer)).subquery()))
    merged = union_all(*parts).subquery()
    return (
        select(merged)
        .order_by(merged.c.due_at.is_(None), merged.c.due_at, merged.c.created_at)
        .offset(bindparam("skip", type_=Integer))
        .limit(bindparam("page_size", type_=Integer))
    )


@dataclass(frozen=True)
class Facet:
    """One value the inbox can be narrowed to, with how many of the user's open tasks have it."""

    value: str
    label: str | None
    count: int


@dataclass(frozen=True)
class InboxCounts:
    """What the inbox page counts over all the user's open tasks: the tabs (every task, mine, overdue), and
    per SOP step, period and skema (the filters' choices, each with its count)."""

    total: int
    mine: int
    overdue: int
    steps: list[Facet]
    periods: list[Facet]
    skema: list[Facet]


def inbox_counts(db: Database, user: CurrentUser, now: datetime) -> InboxCounts:
    """The counts of the user's inbox (the tasks `inbox` lists without filters), in one grouped query: a
    period has a handful of steps and skema, so the groups stay few however many tasks there are."""
    with db.reading() as session:
        people = _people(user, pengganti.diwakili_oleh(session, user.username, now))
        roles = sorted({r for _, rs in people for r in rs})
        if not roles:
            return InboxCounts(0, 0, 0, [], [], [])
        return _counts(session, people, roles, now)


def ready_total(session: Session, user: CurrentUser, now: datetime) -> int:
    """How many tasks the user's inbox ("Tugas saya") holds: `inbox_counts`'s total, by the same grouped
    query (their own lanes and, inside a substitution's range, the absent person's), without the labels."""
    people = _people(user, pengganti.diwakili_oleh(session, user.username, now))
    roles = sorted({r for _, rs in people for r in rs})
    return sum(int(g["n"]) for g in _count_groups(session, people, roles, now)) if roles else 0


def _count_groups(
    session: Session, people: list[tuple[str, list[str]]], roles: list[str], now: datetime
) -> list[dict[str, Any]]:
    """The inbox's ready tasks grouped by period, step and skema: how many, how many mine, how many late."""
    persons = [who for who, _ in people]
    mine = or_(HumanTask.claimed_by.in_(persons), HumanTask.assignee.in_(persons))
    stmt = (
        select(
            HumanTask.root_id,
            HumanTask.step,
            HumanTask.skema,
            func.count(),
            func.sum(case((mine, 1), else_=0)),
            func.sum(case((HumanTask.due_at < now, 1), else_=0)),
        )
        .where(
            HumanTask.state == literal_column("'ready'"),
            HumanTask.role.in_(roles),
            or_(
                HumanTask.assignee.is_(None),
                *(and_(HumanTask.assignee == who, HumanTask.role.in_(lanes or [""])) for who, lanes in people),
            ),
            or_(HumanTask.claimed_by.is_(None), HumanTask.claimed_by.in_(persons)),
        )
        .group_by(HumanTask.root_id, HumanTask.step, HumanTask.skema)
    )
    return [
        {"root_id": root_id, "step": step, "skema": skema, "subject": None, "n": n, "mine": m, "late": late}
        for root_id, step, skema, n, m, late in session.execute(stmt)
    ]


def _counts(session: Session, people: list[tuple[str, list[str]]], roles: list[str], now: datetime) -> InboxCounts:
    described = task_rows.describe(session, _count_groups(session, people, roles, now))
    steps: dict[str, tuple[str | None, int]] = {}
    periods: dict[str, tuple[str | None, int]] = {}
    skema: dict[str, tuple[str | None, int]] = {}
    for g in described:
        for facets, value, label in (
            (steps, g["step"], g["step_name"]),
            (periods, str(g["period_id"]) if g["period_id"] is not None else None, g["period_key"]),
            (skema, g["skema"], g["skema_judul"]),
        ):
            if value is not None:
                known, count = facets.get(value, (None, 0))
                facets[value] = (known or label, count + int(g["n"]))

    def listed(facets: dict[str, tuple[str | None, int]], key: Any) -> list[Facet]:
        return [Facet(v, label, n) for v, (label, n) in sorted(facets.items(), key=key)]

    return InboxCounts(
        total=sum(int(g["n"]) for g in described),
        mine=sum(int(g["mine"] or 0) for g in described),
        overdue=sum(int(g["late"] or 0) for g in described),
        steps=listed(steps, lambda kv: (len(kv[0]), kv[0])),  # "2" before "10"
        periods=listed(periods, lambda kv: kv[1][0] or kv[0]),
        skema=listed(skema, lambda kv: kv[1][0] or kv[0]),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _summary(session: Session, t: HumanTask, acting: "Acting | None" = None) -> TaskSummary:
    row = {c.key: getattr(t, c.key) for c in _SUMMARY_COLUMNS}
    described = task_rows.describe(session, [row])
    if acting is not None:
        _atas_nama(acting.user, acting.diwakili, described)
    return TaskSummary.model_validate(described[0])


# Built once: building a statement costs about what SQLite takes to run it.
_TASK = select(HumanTask).where(HumanTask.id == bindparam("task_id"))
_TASK_LOCKED = _TASK.with_for_update()


@dataclass(frozen=True)
class Acting:
    """Who works on a task and as whom: the user, the absent people they stand in for at the moment, and
    `atas_nama`, the one of them whose task this is (None: the user's own)."""

    user: CurrentUser
    diwakili: tuple[Diwakili, ...]
    atas_nama: str | None


def _task_acting(
    session: Session, task_id: str, user: CurrentUser, now: datetime, lock: bool
) -> tuple[HumanTask, Acting]:
    """The task this user may work on (locked on PostgreSQL when asked), and as whom: else 404 or 403. One
    read of the task: the caller uses the row this returns rather than select it again."""
    task = _task(session, task_id, lock)
    diwakili = pengganti.diwakili_oleh(session, user.username, now)
    who = acting_as(user, task.role, task.assignee, diwakili)
    if who is None:
        if task.role not in user.roles:
            raise ApiError(403, f"task is in lane {task.lane!r}, not one of yours")
        raise ApiError(403, "task is assigned to another user")
    return task, Acting(user, diwakili, who if who != user.username else None)


def _task(session: Session, task_id: str, lock: bool) -> HumanTask:
    stmt = _TASK_LOCKED if lock and session.get_bind().dialect.name == "postgresql" else _TASK
    task = session.scalars(stmt, {"task_id": task_id}).first()
    if task is None:
        raise ApiError(404, f"no task {task_id}")
    return task


def task_for(session: Session, task_id: str, user: CurrentUser, now: datetime, *, lock: bool = False) -> HumanTask:
    """A task this user may work on now (locked on PostgreSQL when asked): else 404 or 403."""
    return _task_acting(session, task_id, user, now, lock)[0]


def _ready(task: HumanTask) -> None:
    if task.state != TaskState.READY:
        raise ApiError(409, f"task is no longer ready (it is {task.state})")


def work_on(session: Session, task_id: str, user: CurrentUser, now: datetime) -> tuple[HumanTask, Acting]:
    """A ready task this user may act on now (locked on PostgreSQL), and as whom: else 403/404/409.

    A substitute may act on a task the absent person had claimed, never on one that decides what they
    assessed themselves (`permissions.assessed_what_it_decides`: 403 naming `pengganti`)."""
    t, acting = _task_acting(session, task_id, user, now, True)
    _ready(t)
    if t.claimed_by not in (None, user.username, acting.atas_nama):
        raise ApiError(409, f"task is claimed by {t.claimed_by}")
    if acting.atas_nama is not None and assessed_what_it_decides(session, user.username, t):
        raise ApiError(
            403,
            "a substitute never decides what they assessed",
            [
                {
                    "path": "pengganti",
                    "message": "Anda asesor dalam perkara ini: sebagai pengganti Anda tidak boleh memutuskan "
                    "peserta yang Anda nilai sendiri; tugas ini menunggu pejabatnya atau pengganti lain",
                }
            ],
        )
    return t, acting


def task_for_work(session: Session, task_id: str, user: CurrentUser, now: datetime) -> HumanTask:
    """A ready task this user may act on now (locked on PostgreSQL): else 403/404/409."""
    return work_on(session, task_id, user, now)[0]


def detail(db: Database, clock: Clock, settings: Settings, user: CurrentUser, task_id: str) -> TaskDetail:
    """A task as its user reads it: a ready task's form carries the choices and pre-filled values its fields
    declare (api/engine/form_sources.py)."""
    with db.reading() as session:
        t, acting = _task_acting(session, task_id, user, clock.now(), False)
        row = session.get_one(ProcessInstance, t.instance_id)
        schema = form_of(session, row, t.form)
        if schema is not None and t.state == TaskState.READY:
            ctx = source_context(session, t, row, user.username, clock.now(), settings.nomor_format)
            schema = with_sources(schema, ctx)
        form = Form(schema=schema, ui_schema=form_of(session, row, t.ui_form), file=t.form)
        draft = session.get(TaskDraft, (t.id, user.username))  # the caller's own, no one else's
        spec = model_of_definition(session, row.definition_id).spec.task_specs.get(t.element_id)
        people = {u for u in (t.claimed_by, t.completed_by) if u}
        names: dict[str, str] = {}
        if people:
            names = {
                u: n for u, n in session.execute(select(User.username, User.full_name).where(User.username.in_(people)))
            }
        submitted = None
        if t.state == TaskState.COMPLETED:
            submitted = session.scalars(
                select(Event.data).where(
                    Event.instance_id == t.instance_id, Event.type == EventType.TASK_COMPLETED, Event.task_id == t.id
                )
            ).first()
        return TaskDetail(
            **_summary(session, t, acting).model_dump(),
            process_key=t.process_key,
            element_id=t.element_id,
            state=t.state,
            completed_at=t.completed_at,
            completed_by=t.completed_by,
            completed_atas_nama=t.atas_nama,
            form=form,
            data=t.context or {},
            draft=Draft.model_validate(draft) if draft is not None else None,
            documentation=(getattr(spec, "documentation", None) or None) if spec is not None else None,
            submitted=submitted,
            claimed_by_name=names.get(t.claimed_by or ""),
            completed_by_name=names.get(t.completed_by or ""),
        )


def claim(db: Database, clock: Clock, settings: Settings, user: CurrentUser, task_id: str) -> TaskSummary:
    with db.transaction() as session:
        t, acting = work_on(session, task_id, user, clock.now())
        if t.claimed_by is None:
            t.claimed_by = user.username
            Runtime.for_app(session, clock, settings).record(
                session.get_one(ProcessInstance, t.instance_id),
                EventType.TASK_CLAIMED,
                user.username,
                t,
                atas_nama=acting.atas_nama,
            )
        return _summary(session, t, acting)


def unclaim(db: Database, clock: Clock, settings: Settings, user: CurrentUser, task_id: str) -> TaskSummary:
    with db.transaction() as session:
        t, acting = _task_acting(session, task_id, user, clock.now(), True)
        _ready(t)
        if t.claimed_by is None:
            return _summary(session, t, acting)
        if t.claimed_by != user.username:
            raise ApiError(409, f"task is claimed by {t.claimed_by}; only they can unclaim it")
        t.claimed_by = None
        Runtime.for_app(session, clock, settings).record(
            session.get_one(ProcessInstance, t.instance_id),
            EventType.TASK_UNCLAIMED,
            user.username,
            t,
            atas_nama=acting.atas_nama,
        )
        return _summary(session, t, acting)


def complete(
    db: Database, clock: Clock, settings: Settings, user: CurrentUser, task_id: str, data: dict[str, Any]
) -> CompletedTask:
    """Complete a task with its form's data: the form is checked, then the engine runs on to the next wait (after a
    task with `asyncAfter`, the worker does: `continuing`; until it has, the instance's other tasks answer 409).

    The worker may save the same instance a moment earlier (a child finished, a timer fired): the lost race
    rolled everything back, so run the whole request again on the new revision rather than answer 409 (so too
    a PostgreSQL deadlock or serialization failure, `is_retryable`).
    Against another user completing the same task, the retry finds it done and answers 409."""

    def act(session: Session) -> CompletedTask:
        t, acting = work_on(session, task_id, user, clock.now())
        row = session.get_one(ProcessInstance, t.instance_id)
        if row.status != InstanceStatus.RUNNING:
            raise ApiError(409, f"instance is {row.status}")
        if row.continue_pending_at is not None:
            raise continuing(row)
        # The runtime checks the form, then the SOP's validator (FormInvalid, TaskRefused: 422).
        # Completing claims the task: the runtime sets claimed_by with completed_by, in one UPDATE.
        Runtime.for_app(session, clock, settings).complete_task(
            row, t.id, data, user.username, atas_nama=acting.atas_nama
        )
        return CompletedTask(
            id=t.id, instance_id=row.id, instance_status=row.status, continuing=row.continue_pending_at is not None
        )

    return db.write(act, attempts=ATTEMPTS_ON_LOST_RACE, retry_on=(StaleDataError,))


def continuing(row: ProcessInstance) -> ApiError:
    """409 while the worker has yet to run the engine on after an `asyncAfter` task of the instance: a completion
    now would run that continuation inside this request (the cost the property moves out of requests) and be
    answered for its failure; a moment later it goes through."""
    return ApiError(
        409,
        f"instance {row.id} is being continued after a step just completed; complete this task again in a moment",
        [{"path": "instance", "message": "Langkah sebelumnya sedang diproses; kirim lagi sebentar lagi."}],
        headers={"Retry-After": "2"},
    )


def import_path(db: Database, user: CurrentUser, task_id: str, now: datetime) -> str:
    """Where a spreadsheet's rows go in the task's data (its `importXlsx` property): else 422."""
    with db.reading() as session:
        t = task_for(session, task_id, user, now)
        row = session.get_one(ProcessInstance, t.instance_id)
        spec = model_of_definition(session, row.definition_id).spec.task_specs.get(t.element_id)
        path = properties(spec).get(Prop.IMPORT_XLSX) if spec is not None else None
        if not path:
            raise ApiError(422, f"task {t.name!r} has no spreadsheet import (property importXlsx)")
        return str(path)


def complete_from_spreadsheet(
    db: Database, clock: Clock, settings: Settings, user: CurrentUser, task_id: str, path: str, content: bytes
) -> CompletedTask:
    """Complete a task from a spreadsheet's rows put at `path`: same form, same checks as `complete`; errors
    inside the list name their spreadsheet row."""
    try:
        rows = spreadsheet_rows(content)
    except SpreadsheetError as exc:
        raise ApiError(422, exc.detail, [{"path": "file", "message": exc.message}]) from exc
    data: dict[str, Any] = {}
    target = data
    *parents, leaf = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[leaf] = rows
    try:
        return complete(db, clock, settings, user, task_id, data)
    except FormInvalid as exc:
        raise ApiError(
            422, "the data does not satisfy the task's form", [_with_row(e, path) for e in exc.errors]
        ) from exc
    except TaskRefused as exc:
        raise ApiError(
            422,
            "the SOP's rules refuse this spreadsheet; nothing was saved",
            [_with_row({"path": r.field, "message": r.message}, path) for r in exc.refusals],
        ) from exc


def _with_row(error: dict[str, Any], path: str) -> dict[str, Any]:
    """Name the spreadsheet row (header is row 1) of an error inside the imported list."""
    where = str(error.get("path", ""))
    if where.startswith(path + "."):
        index = where[len(path) + 1 :].split(".", 1)[0]
        if index.isdigit():
            return {**error, "row": int(index) + 2}
    return error


def complete_batch(
    db: Database, clock: Clock, settings: Settings, user: CurrentUser, items: list[BatchItem]
) -> BatchResult:
    """Complete several ready tasks of one kind (one BPMN element) for one user: the attendance of a session,
    the pre-assessments or evidence checks of many candidates.

    Each item is `complete` as if sent alone (permission, form, SOP validator, the lost-race retry), in its own
    transaction: a refused item changes nothing and the others are done. Its outcome is the status and body
    the single completion would have answered; a bug in one item is logged with its traceback and answered
    500 for that item alone. Refused whole, before anything is done (422): a task named twice, or tasks of more
    than one kind among those the caller may work on (a task they may not work on is that item's 403 or 404)."""
    _each_task_once(items)
    _one_kind(db, user, items, clock.now())
    outcomes: list[BatchOutcome] = []
    busy: Answer | None = None
    for i, item in enumerate(items):
        if busy is not None:
            # SQLite's write lock was not free within its busy timeout: the items after it would wait as long
            # again, so they are not tried; the client sends them again after Retry-After.
            outcomes.append(_outcome(item, busy))
            continue
        try:
            done = complete(db, clock, settings, user, item.task_id, item.data)
        except Exception as exc:
            answer = answer_to(exc, f"item {i} (task {item.task_id}) of POST /api/tasks/complete-batch")
            busy = answer if answer.status == 503 else None
            outcomes.append(_outcome(item, answer))
        else:
            outcomes.append(
                BatchOutcome(
                    task_id=item.task_id, status=200, instance_id=done.instance_id, instance_status=done.instance_status
                )
            )
    return BatchResult(items=outcomes, completed=sum(o.status == 200 for o in outcomes))


def _outcome(item: BatchItem, answer: Answer) -> BatchOutcome:
    return BatchOutcome(
        task_id=item.task_id, status=answer.status, detail=answer.body.get("detail"), errors=answer.body.get("errors")
    )


def _each_task_once(items: list[BatchItem]) -> None:
    first: dict[str, int] = {}
    repeated: list[tuple[int, int]] = []
    for i, item in enumerate(items):
        if item.task_id in first:
            repeated.append((i, first[item.task_id]))
        else:
            first[item.task_id] = i
    if repeated:
        raise ApiError(
            422,
            "a batch names each task once: " + "; ".join(f"item {i} repeats item {j}" for i, j in repeated),
            [{"path": f"items.{i}.task_id", "message": f"Tugas ini sudah ada di baris {j + 1}"} for i, j in repeated],
        )


def _one_kind(db: Database, user: CurrentUser, items: list[BatchItem], now: datetime) -> None:
    """422 unless the tasks the user may work on are all of one BPMN element (process key and element id)."""
    wanted = [item.task_id for item in items]
    with db.reading() as session:
        diwakili = pengganti.diwakili_oleh(session, user.username, now)
        found = {
            t.id: (t.process_key, t.element_id, t.name)
            for t in session.scalars(select(HumanTask).where(HumanTask.id.in_(wanted)))
            if may_work_on(user, t, diwakili)
        }
    kinds = [(i, found[task_id]) for i, task_id in enumerate(wanted) if task_id in found]
    if not kinds:
        return
    j, (key, element, name) = kinds[0]
    others = [(i, kind) for i, kind in kinds if kind[:2] != (key, element)]
    if others:
        raise ApiError(
            422,
            f"a batch completes tasks of one kind, those of item {j} ({key}/{element}): "
            + "; ".join(f"item {i} is {k}/{e}" for i, (k, e, _) in others),
            [
                {
                    "path": f"items.{i}.task_id",
                    "message": f"Tugas {n!r} tidak sejenis dengan tugas baris {j + 1} ({name!r}): "
                    "satu permintaan hanya untuk tugas sejenis",
                }
                for i, (_, _, n) in others
            ],
        )


BATCH_PAGE_MAX = 50  # tasks one page completes with one form ("Kerjakan beberapa sekaligus")


def batch_form(
    db: Database, clock: Clock, settings: Settings, user: CurrentUser, task_ids: list[str]
) -> list[TaskDetail]:
    """The tasks a page completes with one form (each then completed as `complete_batch` does): ready, open to
    this user, of one kind, and serving the very same form (the same choices and pre-filled values), so one set
    of answers means the same for each. Else 422 (409 for a task no longer open to them), in Indonesian."""
    wanted = list(dict.fromkeys(task_ids))
    if not wanted:
        raise ApiError(422, "no task chosen", [{"path": "ids", "message": "Pilih sedikitnya satu tugas."}])
    if len(wanted) > BATCH_PAGE_MAX:
        message = f"Pilih paling banyak {BATCH_PAGE_MAX} tugas sekaligus."
        raise ApiError(422, f"at most {BATCH_PAGE_MAX} tasks", [{"path": "ids", "message": message}])
    found = [detail(db, clock, settings, user, task_id) for task_id in wanted]
    gone = [t for t in found if t.state != TaskState.READY or t.claimed_by not in (None, user.username, t.atas_nama)]
    if gone:
        names = ", ".join(t.subject_name or t.name for t in gone)
        message = f"Tugas ini sudah tidak terbuka untuk Anda: {names}."
        raise ApiError(409, "a chosen task is no longer open to the user", [{"path": "ids", "message": message}])
    first = found[0]
    if any((t.process_key, t.element_id) != (first.process_key, first.element_id) for t in found):
        message = "Tugas yang dipilih tidak sejenis: satu isian hanya untuk tugas yang sama."
        raise ApiError(422, "tasks of more than one kind", [{"path": "ids", "message": message}])
    if any(t.form.schema_ != first.form.schema_ for t in found):
        message = "Pilihan dan isian bawaan tugas-tugas ini berbeda: kerjakan satu per satu."
        raise ApiError(422, "the tasks serve different forms", [{"path": "ids", "message": message}])
    return found
