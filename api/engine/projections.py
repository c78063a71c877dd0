"""The projections and history the runtime writes with an instance's state: the `human_task` rows of its
ready user tasks (the inbox), the SOP steps it has reached (`process_instance.steps`) and its history events.

Called by :class:`api.engine.runtime.Runtime` inside the caller's transaction, after the engine has run.
"""

import json
from datetime import datetime
from typing import Any, cast

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import (
    ClauseElement,
    Executable,
    Table,
    TableClause,
    TextClause,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.event import listens_for
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import visitors

from api.clock import Clock
from api.engine.bpmn import Prop, properties
from api.engine.durations import parse_duration
from api.engine.errors import EngineError
from api.engine.inbox_rows import row_fields
from api.engine.process_models import ProcessModel
from api.engine.script_engine import SCRIPT_ENGINE
from api.store.enums import LANE_ROLES, EventType
from api.store.enums import TaskState as HumanTaskState
from api.store.models import Event, HumanTask, ProcessInstance, TaskDraft

# The tables themselves, for Core INSERTs of many rows (no ORM object per row).
HUMAN_TASK_TABLE = cast(Table, HumanTask.__table__)
EVENT_TABLE = cast(Table, Event.__table__)
TASK_DRAFT_TABLE = cast(Table, TaskDraft.__table__)
# The projection's statements, built once (building one costs about what SQLite takes to run it).
_OPEN_ROWS = select(HumanTask).where(
    HumanTask.instance_id == bindparam("b_instance"), HumanTask.state == HumanTaskState.READY
)
_ROW_COMPLETED = (
    update(HUMAN_TASK_TABLE)
    .where(HUMAN_TASK_TABLE.c.id == bindparam("b_id"))
    .values(
        state=HumanTaskState.COMPLETED.value,
        completed_at=bindparam("b_at"),
        completed_by=bindparam("b_by"),
        claimed_by=bindparam("b_claimed"),
        atas_nama=bindparam("b_atas_nama"),
    )
)
_ROWS_CANCELLED = (
    update(HUMAN_TASK_TABLE)
    .where(HUMAN_TASK_TABLE.c.id.in_(bindparam("b_ids", expanding=True)))
    .values(state=HumanTaskState.CANCELLED.value, completed_at=bindparam("b_at"))
)
_DRAFTS_GONE = delete(TASK_DRAFT_TABLE).where(TASK_DRAFT_TABLE.c.task_id.in_(bindparam("b_ids", expanding=True)))
ALL = 10**9  # get_tasks(max_depth=...) returns a partial list without it on deep/wide trees


def _loaded(ht: HumanTask, **values: Any) -> None:
    """A loaded row's attributes as the statements just wrote them (not changes for the ORM to write again)."""
    for key, value in values.items():
        set_committed_value(ht, key, value)


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str))


class Projections:
    """What one transaction's runtime writes besides the instance's state."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def note_step(self, row: ProcessInstance, model: ProcessModel, task: Task, *, completed: bool) -> None:
        props = properties(task.task_spec)
        step = props.get("sopStep")
        if not step or step not in model.step_standards:
            return
        steps = dict(row.steps or {})
        now = self.clock.now()
        if step not in steps:
            steps[step] = {
                "name": model.step_names.get(step),
                "started_at": now.isoformat(),
                "due_at": (now + model.step_standards[step]).isoformat(),
            }
            self.event(row, "step_started", None, task, data={"step": step, "due_at": steps[step]["due_at"]})
        if completed and "completed_at" not in steps[step]:
            steps[step] = {**steps[step], "completed_at": now.isoformat()}
            self.event(row, "step_completed", None, task, data={"step": step})
        row.steps = steps

    def note_completed_steps(self, row: ProcessInstance, wf: BpmnWorkflow, model: ProcessModel) -> None:
        """A step is done when its step activity (the one carrying the time standard) has completed."""
        for step, spec_name in model.step_activities.items():
            if step in (row.steps or {}) and "completed_at" not in row.steps[step]:
                if wf.get_next_task(spec_name=spec_name, state=TaskState.COMPLETED, skip_subprocesses=True):
                    self.note_step(row, model, wf.get_next_task(spec_name=spec_name), completed=True)

    def due_at(self, row: ProcessInstance, task: Task) -> datetime | None:
        """When a task becoming ready now is due: its SOP step's due date (the step's time standard, or the
        parent's step it inherits), or sooner when the task has a time standard of its own (`dueAfter`)."""
        props = properties(task.task_spec)
        step = props.get(Prop.SOP_STEP)
        if step and step in (row.steps or {}):
            due: datetime | None = datetime.fromisoformat(row.steps[step]["due_at"])
        else:
            due = row.inherited_due_at
        if own := props.get(Prop.DUE_AFTER):
            mine = self.clock.now() + parse_duration(own)
            due = mine if due is None else min(due, mine)
        return due

    def sync_human_tasks(
        self,
        row: ProcessInstance,
        wf: BpmnWorkflow,
        model: ProcessModel,
        completed_now: set[str],
        actor: str,
        *,
        new: bool = False,
        atas_nama: str | None = None,
    ) -> None:
        """The instance's `human_task` rows follow its ready user tasks: a row for each task that became ready,
        its end for each row whose task is no longer ready (completed by `actor`, for `atas_nama` when they stood
        in for them, or cancelled).

        Written at once with statements of their own and no autoflush: the engine's other changes (the
        instance's steps, documents) go out with the state in the runtime's one flush."""
        info = self.session.info
        held, info[_HOLD] = info.get(_HOLD, False), True  # its own queries read no events
        try:
            with self.session.no_autoflush:
                self._sync_human_tasks(row, wf, model, completed_now, actor, new=new, atas_nama=atas_nama)
        finally:
            info[_HOLD] = held

    def _sync_human_tasks(
        self,
        row: ProcessInstance,
        wf: BpmnWorkflow,
        model: ProcessModel,
        completed_now: set[str],
        actor: str,
        *,
        new: bool,
        atas_nama: str | None,
    ) -> None:
        ready = wf.get_tasks(state=TaskState.READY, manual=True, max_depth=ALL)
        # An instance inserted in this transaction has no tasks yet.
        existing = {} if new else self._open_rows(row.id)
        ready_ids = set()
        now = self.clock.now()
        created: list[dict[str, Any]] = []
        for task in ready:
            tid = str(task.id)
            ready_ids.add(tid)
            if tid in existing:
                continue
            self.note_step(row, model, task, completed=False)
            props = properties(task.task_spec)
            lane = task.task_spec.lane
            assignee = None
            if props.get(Prop.ASSIGNEE):
                try:
                    assignee = SCRIPT_ENGINE.evaluate(task, props[Prop.ASSIGNEE])
                except WorkflowException as exc:
                    raise EngineError(f"assignee expression failed: {exc}", task.task_spec.bpmn_id) from exc
                assignee = str(assignee) if assignee else None
            due_at = self.due_at(row, task)
            created.append(
                {
                    "id": tid,
                    "instance_id": row.id,
                    "root_id": row.root_id or row.id,
                    "process_key": row.key,
                    "business_key": row.business_key,
                    "element_id": task.task_spec.bpmn_id,
                    "name": task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                    "lane": lane,
                    "role": LANE_ROLES.get(lane or ""),
                    "assignee": assignee,
                    "claimed_by": None,
                    "form": props.get(Prop.FORM),
                    "ui_form": props.get(Prop.UI_FORM),
                    "sop_step": props.get(Prop.SOP_STEP),
                    **row_fields(self.session, row, props.get(Prop.SOP_STEP), task.data),
                    "state": HumanTaskState.READY,
                    "created_at": now,
                    "due_at": due_at,
                    "completed_at": None,
                    "completed_by": None,
                    "context": jsonable(task.data),
                }
            )
            self.event(
                row,
                EventType.TASK_CREATED,
                None,
                task,
                data={"assignee": assignee, "due_at": due_at.isoformat() if due_at else None},
            )
            if step := props.get(Prop.ESKALASI_LANGKAH):
                overdue = (row.steps or {}).get(step, {}).get("due_at")
                self.event(
                    row, EventType.STEP_ESCALATED, None, task, data={"step": step, "to_lane": lane, "due_at": overdue}
                )
        if created:  # one INSERT for every new row (executemany), no ORM object per row
            self.session.execute(insert(HUMAN_TASK_TABLE), created)
        gone = [ht for tid, ht in existing.items() if tid not in ready_ids]
        if not gone:
            return
        ended = [ht for ht in gone if ht.id in completed_now]
        cancelled = [ht for ht in gone if ht.id not in completed_now]
        for ht in ended:  # completing an unclaimed task claims it
            claimed_by = ht.claimed_by or actor
            self.session.execute(
                _ROW_COMPLETED,
                {"b_id": ht.id, "b_at": now, "b_by": actor, "b_claimed": claimed_by, "b_atas_nama": atas_nama},
            )
            _loaded(
                ht,
                state=HumanTaskState.COMPLETED,
                completed_at=now,
                completed_by=actor,
                claimed_by=claimed_by,
                atas_nama=atas_nama,
            )
        for ht in cancelled:
            self.event(row, EventType.TASK_CANCELLED, None, task_id=ht.id, task_name=ht.name, lane=ht.lane)
            _loaded(ht, state=HumanTaskState.CANCELLED, completed_at=now)
        if cancelled:
            self.session.execute(_ROWS_CANCELLED, {"b_ids": [ht.id for ht in cancelled], "b_at": now})
        # A draft lives while its task is ready.
        self.session.execute(_DRAFTS_GONE, {"b_ids": [ht.id for ht in gone]})

    def _open_rows(self, instance_id: int) -> dict[str, HumanTask]:
        """The instance's ready rows (a row whose end this transaction has already written is not one)."""
        rows = self.session.scalars(_OPEN_ROWS, {"b_instance": instance_id})
        return {t.id: t for t in rows if t.state == HumanTaskState.READY}

    def event(
        self,
        row: ProcessInstance,
        type_: str,
        actor: str | None,
        task: Task | None = None,
        *,
        data: dict[str, Any] | None = None,
        task_id: str | None = None,
        task_name: str | None = None,
        lane: str | None = None,
        atas_nama: str | None = None,
    ) -> None:
        """A history event, written with the others of the transaction in one INSERT (`write_events`); `atas_nama`
        the absent person the actor stood in for."""
        if task is not None:
            task_id = str(task.id)
            task_name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
            lane = task.task_spec.lane
        pending_events(self.session).append(
            {
                "at": self.clock.now(),
                "instance_id": row.id,
                "root_id": row.root_id or row.id,
                "type": type_,
                "task_id": task_id,
                "task_name": task_name,
                "lane": lane,
                "actor": actor,
                "atas_nama": atas_nama,
                "data": jsonable(data or {}),
            }
        )

    def write_events(self) -> None:
        write_events(self.session)


# --- history events: buffered per session, few INSERTs --------------------------------------
# The ORM's unit of work costs more per event than the INSERT itself (an object, its state, RETURNING id).
# Events are buffered in the session and written in one executemany INSERT: before any ORM statement
# (service tasks and validators read the history of the transaction: a decision recorded a step earlier),
# by the runtime before its flush, and before the transaction commits for anything left (a claim's event);
# a rollback drops them. A savepoint (a queued signal's delivery, api/engine/children.py) starts with none
# buffered: those of the transaction around it are written first, before the SAVEPOINT, so the savepoint's
# rollback drops only its own (SQLAlchemy's `after_rollback` fires only for the outermost transaction).
# `event.instance_id` has no foreign key: no order to keep with the instance rows.
_PENDING = "ujikom_pending_events"
_HOLD = "ujikom_events_held"  # set while the projection's own queries run (they read no events)


def pending_events(session: Session) -> list[dict[str, Any]]:
    pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
    return pending


def write_events(session: Session) -> None:
    if rows := session.info.pop(_PENDING, None):
        session.execute(insert(EVENT_TABLE), rows)


@listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    write_events(session)


@listens_for(Session, "do_orm_execute")
def _write_before_orm_statement(state: ORMExecuteState) -> None:
    info = state.session.info
    if info.get(_PENDING) and not info.get(_HOLD) and _may_read_events(state.statement):
        write_events(state.session)


def _may_read_events(statement: Executable) -> bool:
    """Whether an ORM statement may read the `event` table: it names it somewhere (a join, a subquery, an
    alias), or it is text the ORM cannot see into. The master-data reads of a validator or an operator name
    other tables only, so the events wait for the runtime's one INSERT."""
    if isinstance(statement, TextClause) or not isinstance(statement, ClauseElement):
        return True
    # The ORM names a table through annotated copies of it: compare names (a table's name is unique).
    return any(isinstance(e, TableClause) and e.name == EVENT_TABLE.name for e in visitors.iterate(statement))


@listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


@listens_for(Session, "after_transaction_create")
def _write_before_savepoint(session: Session, transaction: SessionTransaction) -> None:
    """A savepoint begins: write the events buffered so far on the connection the session already holds. The
    SAVEPOINT itself is emitted only with the savepoint's first statement, so they are written before it, in
    the transaction (or the savepoint) around it."""
    if not transaction.nested or not session.info.get(_PENDING):
        return
    try:
        connection = session.get_transaction().bound_connection(Event)  # type: ignore[union-attr]
    except InvalidRequestError:  # nothing read or written yet, so nothing of it to keep apart
        return
    connection.execute(insert(EVENT_TABLE), session.info.pop(_PENDING))


@listens_for(Session, "after_soft_rollback")
def _drop_after_savepoint_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    """A savepoint rolled back: what is buffered was buffered inside it (it began with none buffered)."""
    if previous_transaction.nested:
        session.info.pop(_PENDING, None)
