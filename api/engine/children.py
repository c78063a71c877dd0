"""Child instances of call activities: starting them, signalling them, applying their ends to the parent.

A plain call activity starts one child inside the transaction that reaches it, and the worker completes it
from the child's `ChildCompletion` row (:func:`apply_child_completions`).

A parallel multi-instance call activity is one task in the parent (a *fan-out*, see
`api/engine/call_activity.py`); everything that grows with its collection lives in rows, never in the
parent's state:

- **start**: the transaction that reaches it resolves the called definition once (in the period's deployment
  snapshot), writes a `fanout` row and one `fanout_item` per item (one bulk insert) and starts the first
  `FIRST_BATCH` children; the worker starts the rest, `BATCH` per transaction, without loading the parent.
- **apply**: a child's end is a `child_completion` row; the worker marks every pending one of a fan-out
  applied in one statement (the parent is not loaded) and counts them; only when the last child has ended
  does it load the parent, once, and complete the task with the output collection read from the rows in
  input order.
- **signal**: signalling the children of a fan-out signals the first `SIGNAL_FIRST_BATCH` running ones at once and
  queues the rest (`pending_signal`, delivered by the worker in batches); children started later receive the
  fan-out's signals as they start.

On PostgreSQL the `fanout` row is the lock that orders these: a start batch, an apply pass and a signal take
it, and cancelling a parent takes it before it looks for children, so a child started by a worker is
either seen by the cancel or never started; no child is started twice, no completion applied twice.
"""

from copy import deepcopy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from api.engine.bpmn import Prop, properties
from api.engine.call_activity import CHILD_REQUEST, HostedCallActivity, child_inputs, is_fanout, needs_child
from api.engine.errors import EngineError
from api.engine.process_models import resolve_definition
from api.engine.script_engine import SCRIPT_ENGINE
from api.store.enums import EventType, InstanceStatus
from api.store.models import (
    ChildCompletion,
    Deployment,
    Event,
    Fanout,
    FanoutItem,
    PendingSignal,
    ProcessDefinition,
    ProcessInstance,
)

if TYPE_CHECKING:
    from api.engine.runtime import Runtime

FIRST_BATCH = 100  # children started inside the request that reaches the fan-out
SIGNAL_FIRST_BATCH = 10  # children signalled inside the request that signals them (a small period at once)
BATCH = 100  # children started, or signals delivered, per worker transaction
APPLY_BATCH = 500  # children's ends marked applied per worker transaction (one UPDATE, one INSERT of events)


@dataclass(frozen=True)
class ChildLink:
    """Where a child was called from: the caller's task and its SOP step (a child inherits its due time)."""

    task_id: str
    sop_step: str | None


def _jsonable(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


def deployment_snapshot(runtime: "Runtime", row: ProcessInstance) -> int:
    """Linked SOPs run in the versions deployed when the period started: a running period finishes on
    what it started with, and a period started after a linked SOP alone was redeployed takes it."""
    session = runtime.session
    root_id = row.root_id or row.id
    # One query per transaction, not per child (the session lives as long as the transaction).
    at_start = session.info.setdefault("ujikom_deployment_at_start", {})
    if root_id not in at_start:
        root = session.get(ProcessInstance, root_id) or row
        at_start[root_id] = session.scalar(
            select(func.max(Deployment.id)).where(Deployment.created_at <= root.started_at)
        )
    return max(runtime.model_for(row).deployment_id, at_start[root_id] or 0)


def _called_definition(runtime: "Runtime", row: ProcessInstance, task: Task) -> ProcessDefinition:
    called = task.task_spec.spec
    definition = resolve_definition(runtime.session, called, deployment_snapshot(runtime, row))
    if definition is None:
        raise EngineError(f"called process {called!r} is not deployed", task.task_spec.bpmn_id)
    return definition


def _subject(task: Task, extra: dict[str, Any] | None = None) -> str | None:
    expr = properties(task.task_spec).get(Prop.CHILD_SUBJECT)
    if not expr:
        return None
    try:
        return str(SCRIPT_ENGINE.evaluate(task, expr, extra))
    except WorkflowException as exc:
        raise EngineError(f"childSubject expression failed: {exc}", task.task_spec.bpmn_id) from exc


# --- starting -------------------------------------------------------------------------------
def start_requested(runtime: "Runtime", row: ProcessInstance, wf: BpmnWorkflow, actor: str) -> bool:
    """Start what the call activities just reached ask for. True when a task completed at once (a fan-out
    over an empty collection): the engine must run again."""
    completed = False
    for task in wf.get_tasks(state=TaskState.STARTED, max_depth=10**9):
        if isinstance(task.task_spec, HostedCallActivity) and needs_child(task):
            if is_fanout(task):
                completed |= _start_fanout(runtime, row, task, actor)
            else:
                _start_child(runtime, row, task, actor)
    return completed


def _start_child(runtime: "Runtime", row: ProcessInstance, task: Task, actor: str) -> None:
    called = task.task_spec.spec
    runtime._note_step(row, runtime.model_for(row), task, completed=False)
    definition = _called_definition(runtime, row, task)
    child_model = runtime.models.get(runtime.session, definition)
    try:
        inputs = child_inputs(task, child_model.io_specification)
    except KeyError as exc:
        raise EngineError(
            f"call activity is missing data input(s) {exc} for {called!r}", task.task_spec.bpmn_id
        ) from exc
    subject = _subject(task)
    task.internal_data[CHILD_REQUEST]["started"] = True
    link = ChildLink(str(task.id), properties(task.task_spec).get(Prop.SOP_STEP))
    child = runtime.start(
        definition, business_key=row.business_key, data=inputs, actor=actor, parent=row, link=link, subject=subject
    )
    task.internal_data[CHILD_REQUEST]["child_id"] = child.id
    runtime._event(row, EventType.CHILD_STARTED, actor, task, data={"child_id": child.id, "called_element": called})


def _start_fanout(runtime: "Runtime", row: ProcessInstance, task: Task, actor: str) -> bool:
    spec = task.task_spec
    fan: dict[str, Any] = spec.fanout
    session = runtime.session
    runtime._note_step(row, runtime.model_for(row), task, completed=False)
    collection = task.data.get(fan["input"])
    if not isinstance(collection, list):
        raise EngineError(f"multi-instance input {fan['input']!r} is not a list", spec.bpmn_id)
    definition = _called_definition(runtime, row, task)
    io = runtime.models.get(session, definition).io_specification
    item_name = fan["input_item"]
    if io is None or not io.data_inputs:
        shared = {k: v for k, v in task.data.items() if k != item_name}
        passes_item = True
    else:
        names = [v.bpmn_id for v in io.data_inputs]
        if missing := [n for n in names if n != item_name and n not in task.data]:
            raise EngineError(
                f"call activity is missing data input(s) {', '.join(missing)} for {spec.spec!r}", spec.bpmn_id
            )
        shared = {n: task.data[n] for n in names if n != item_name}
        passes_item = item_name in names
    task.internal_data[CHILD_REQUEST]["started"] = True
    if not collection:
        if fan["output"]:
            task.data[fan["output"]] = []
        runtime._run(task.workflow, task.complete, task)
        return True
    now = runtime.clock.now()
    fanout = Fanout(
        parent_id=row.id,
        parent_task_id=str(task.id),
        element_id=spec.bpmn_id,
        definition_id=definition.id,
        sop_step=properties(spec).get(Prop.SOP_STEP),
        input_item=item_name if passes_item else None,
        output_item=fan["output_item"],
        shared_inputs=_jsonable(shared),
        total=len(collection),
        started=0,
        signals=[],
        started_by=actor,
        created_at=now,
    )
    session.add(fanout)
    session.flush()
    session.execute(
        insert(FanoutItem),
        [
            {
                "fanout_id": fanout.id,
                "idx": i,
                "item": _jsonable(item),
                "subject": _subject(task, {item_name: item}) if item_name else _subject(task),
            }
            for i, item in enumerate(collection)
        ],
    )
    task.internal_data[CHILD_REQUEST]["fanout_id"] = fanout.id
    start_children(runtime, fanout, row, FIRST_BATCH)
    return False


def start_children(runtime: "Runtime", fanout: Fanout, parent: ProcessInstance, limit: int) -> int:
    """Start up to `limit` children of the fan-out that are not started yet, in input order."""
    session = runtime.session
    items = session.scalars(
        select(FanoutItem)
        .where(FanoutItem.fanout_id == fanout.id, FanoutItem.child_id.is_(None))
        .order_by(FanoutItem.idx)
        .limit(limit)
    ).all()
    definition = session.get(ProcessDefinition, fanout.definition_id)
    assert definition is not None  # a foreign key
    task_spec = runtime.model_for(parent).spec.task_specs.get(fanout.element_id)
    task_name = (task_spec.bpmn_name or fanout.element_id) if task_spec is not None else fanout.element_id
    lane = task_spec.lane if task_spec is not None else None
    link = ChildLink(fanout.parent_task_id, fanout.sop_step)
    for it in items:
        data = deepcopy(fanout.shared_inputs)
        if fanout.input_item:
            data[fanout.input_item] = deepcopy(it.item)
        child = runtime.start(
            definition,
            business_key=parent.business_key,
            data=data,
            actor=fanout.started_by,
            parent=parent,
            link=link,
            subject=it.subject,
        )
        it.child_id = child.id
        for name in fanout.signals or []:  # sent before this child existed
            runtime.signal(child, name, "system")
        runtime._event(
            parent,
            EventType.CHILD_STARTED,
            fanout.started_by,
            data={"child_id": child.id, "called_element": definition.key},
            task_id=fanout.parent_task_id,
            task_name=task_name,
            lane=lane,
        )
    fanout.started += len(items)
    if fanout.started >= fanout.total:
        fanout.all_started_at = runtime.clock.now()
    session.flush()
    return len(items)


def lock_fanouts(session: Session, parent_id: int) -> None:
    """Wait for the start batches running on the parent's fan-outs (PostgreSQL; SQLite has one writer)."""
    session.execute(select(Fanout.id).where(Fanout.parent_id == parent_id).with_for_update()).all()


# --- signals --------------------------------------------------------------------------------
def signal_children(runtime: "Runtime", row: ProcessInstance, wf: BpmnWorkflow, call_activity: str, name: str) -> int:
    """Signal every running child this instance started from one call activity (e.g. registration closed)."""
    session = runtime.session
    signalled = 0
    fanouts = session.scalars(
        select(Fanout)
        .where(Fanout.parent_id == row.id, Fanout.element_id == call_activity, Fanout.completed_at.is_(None))
        .with_for_update()
    ).all()
    for fanout in fanouts:
        fanout.signals = [*(fanout.signals or []), name]
        running = session.scalars(
            select(ProcessInstance.id)
            .where(
                ProcessInstance.parent_id == row.id,
                ProcessInstance.parent_task_id == fanout.parent_task_id,
                ProcessInstance.status == InstanceStatus.RUNNING,
            )
            .order_by(ProcessInstance.id)
        ).all()
        for child_id in running[:SIGNAL_FIRST_BATCH]:
            child = session.get(ProcessInstance, child_id)
            assert child is not None
            runtime.signal(child, name, "system")
        if later := running[SIGNAL_FIRST_BATCH:]:
            now = runtime.clock.now()
            session.execute(
                insert(PendingSignal), [{"instance_id": i, "signal": name, "created_at": now} for i in later]
            )
        signalled += len(running) + (fanout.total - fanout.started)
    # Plain call activities (and multi-instance loops SpiffWorkflow still wraps) started from tasks in the tree.
    callers = [
        str(t.id)
        for t in wf.get_tasks(state=TaskState.STARTED, max_depth=10**9)
        if isinstance(t.task_spec, HostedCallActivity)
        and not is_fanout(t)
        and call_activity in (t.task_spec.bpmn_id, t.parent.task_spec.bpmn_id)
    ]
    if callers:
        children = session.scalars(
            select(ProcessInstance)
            .where(
                ProcessInstance.parent_id == row.id,
                ProcessInstance.parent_task_id.in_(callers),
                ProcessInstance.status == InstanceStatus.RUNNING,
            )
            .order_by(ProcessInstance.id)
        ).all()
        for child in children:
            runtime.signal(child, name, "system")
        signalled += len(children)
    runtime._event(
        row, EventType.SIGNAL_SENT, None, data={"signal": name, "call_activity": call_activity, "to": signalled}
    )
    return signalled


def deliver_signals(runtime: "Runtime", pending: list[PendingSignal]) -> int:
    """Deliver queued signals, one savepoint each: a child whose process fails on it is marked `error`."""
    session = runtime.session
    for p in pending:
        child = session.get(ProcessInstance, p.instance_id)
        if child is not None and child.status == InstanceStatus.RUNNING:
            try:
                with session.begin_nested():
                    runtime.signal(child, p.signal, "system")
            except EngineError as exc:
                child.status, child.error = InstanceStatus.ERROR, f"{exc.element_id or ''}: {exc}"
                runtime._event(child, EventType.INSTANCE_FAILED, "system", data={"element_id": exc.element_id})
        session.delete(p)
    session.flush()
    return len(pending)


# --- applying ends --------------------------------------------------------------------------
def apply_child_completions(runtime: "Runtime", row: ProcessInstance, completions: list[ChildCompletion]) -> int:
    """Complete the parent's waiting plain call activities with their children's outputs (one load/save)."""
    from api.engine.runtime import find_task

    wf = runtime.load_to_act(row)
    host = runtime._attach(row, wf, "system")
    applied = 0
    now = runtime.clock.now()
    # Each complete() re-checks every waiting task (the parallel join, timers): over a batch of N that
    # is N full tree walks. Check once after the batch instead; the end state is the same.
    wf.update_waiting_tasks = lambda: None
    try:
        for c in completions:
            task = find_task(wf, c.parent_task_id)
            c.applied_at = now
            # complete() only on STARTED: on COMPLETED it would merge the result twice.
            if task is None or task.state != TaskState.STARTED:
                continue
            task.data.update(deepcopy(c.outputs))
            runtime._run(task.workflow, task.complete, task)
            applied += 1
            runtime._event(row, EventType.CHILD_COMPLETED, "system", task, data={"child_id": c.child_id})
    finally:
        del wf.update_waiting_tasks
    runtime._run(wf, wf.update_waiting_tasks, None)
    runtime._advance(row, wf, "system", host)
    return applied


def apply_fanout(runtime: "Runtime", fanout: Fanout, lock_parent: Any) -> int:
    """Mark every pending completion of the fan-out applied (one statement, the parent not loaded); when the
    last child has ended, load the parent once and complete the task with the output collection.
    `lock_parent()` returns the parent row locked for writing, or None when another writer holds it."""
    session = runtime.session
    of_fanout = (ChildCompletion.parent_id == fanout.parent_id, ChildCompletion.parent_task_id == fanout.parent_task_id)
    pending = session.execute(
        select(ChildCompletion.id, ChildCompletion.child_id)
        .where(*of_fanout, ChildCompletion.applied_at.is_(None))
        .order_by(ChildCompletion.id)
        .limit(APPLY_BATCH + 1)
    ).all()
    if not pending:
        return 0
    more = len(pending) > APPLY_BATCH  # a short transaction: the rest in the next pass, the parent then
    pending = pending[:APPLY_BATCH]
    # The ends this pass accounts for: those applied before (stable: appliers take the fan-out row first) and the
    # pending ones it read. Not a second count of every row: on PostgreSQL (read committed) a child ending between
    # the two statements would be counted without being applied here, the fan-out completed, and that child's end
    # then applied with no child_completed event.
    ended = len(pending) + (
        session.scalar(
            select(func.count()).select_from(ChildCompletion).where(*of_fanout, ChildCompletion.applied_at.is_not(None))
        )
        or 0
    )
    parent = None
    if fanout.completed_at is None and ended >= fanout.total and not more:
        parent = lock_parent()
        if parent is None:
            return 0  # the parent is busy: this pass leaves the last completions pending, the next one ends it
    now = runtime.clock.now()
    session.execute(
        update(ChildCompletion).where(ChildCompletion.id.in_([p.id for p in pending])).values(applied_at=now)
    )
    if fanout.completed_at is not None:
        return 0  # applied once already (a worker that crashed before recording it): nothing merged twice
    parent_row = parent or session.get(ProcessInstance, fanout.parent_id)
    assert parent_row is not None
    task_spec = runtime.model_for(parent_row).spec.task_specs.get(fanout.element_id)
    name = (task_spec.bpmn_name or fanout.element_id) if task_spec is not None else fanout.element_id
    lane = task_spec.lane if task_spec is not None else None
    session.execute(  # one INSERT for the batch, not one ORM object per child
        insert(Event),
        [
            {
                "at": now,
                "instance_id": parent_row.id,
                "root_id": parent_row.root_id or parent_row.id,
                "type": EventType.CHILD_COMPLETED,
                "task_id": fanout.parent_task_id,
                "task_name": name,
                "lane": lane,
                "actor": "system",
                "data": {"child_id": p.child_id},
            }
            for p in pending
        ],
    )
    if parent is not None:
        _complete_fanout(runtime, fanout, parent)
    session.flush()
    return len(pending)


def _complete_fanout(runtime: "Runtime", fanout: Fanout, parent: ProcessInstance) -> None:
    from api.engine.runtime import find_task

    fanout.completed_at = runtime.clock.now()
    wf = runtime.load_to_act(parent)
    host = runtime._attach(parent, wf, "system")
    task = find_task(wf, fanout.parent_task_id)
    if task is None or task.state != TaskState.STARTED:
        return
    output = task.task_spec.fanout["output"]
    if output:
        rows = runtime.session.execute(
            select(ChildCompletion.outputs)
            .join(FanoutItem, FanoutItem.child_id == ChildCompletion.child_id)
            .where(FanoutItem.fanout_id == fanout.id)
            .order_by(FanoutItem.idx)
        ).all()
        item = fanout.output_item
        task.data[output] = [deepcopy(r.outputs.get(item)) if item else None for r in rows]
    runtime._run(task.workflow, task.complete, task)
    runtime._advance(parent, wf, "system", host)
