"""Where an instance stands, element by element, for drawing it on its own version's diagram.

Read from the projections and history only (no workflow is deserialized): user tasks from `human_task`,
service tasks, timers and SOP steps from `event`, call activities from the child instance rows. Elements
that leave no trace of their own are inferred from their neighbours (:meth:`DiagramProcess.infer`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.engine.bpmn import NS, ProcessGraph, Prop, element_properties, local_name, parse
from api.store.enums import EventType, InstanceStatus, TaskState
from api.store.models import DeploymentFile, Event, HumanTask, ProcessDefinition, ProcessInstance

# History entries that say an element ran to its end.
_DONE_EVENTS = (EventType.SERVICE_TASK_COMPLETED, EventType.TIMER_FIRED, EventType.STEP_COMPLETED)
_EVENT_TYPES = (*_DONE_EVENTS, EventType.INSTANCE_STARTED, EventType.CHILD_STARTED, EventType.CHILD_COMPLETED)
# Elements that leave no trace of their own (no task row, no history entry): their state is inferred
# from their neighbours. Those that finish the moment they are reached can also be inferred forwards.
_UNRECORDED = {
    "scriptTask",
    "task",
    "businessRuleTask",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
    "startEvent",
    "endEvent",
    "intermediateThrowEvent",
}
_INSTANT = {
    "scriptTask",
    "task",
    "businessRuleTask",
    "exclusiveGateway",
    "inclusiveGateway",
    "endEvent",
    "intermediateThrowEvent",
}


class DiagramProcess:
    """The flow nodes of the instance's process: what history entries name (task names) mapped to ids."""

    def __init__(self, content: str, key: str) -> None:
        process = next((p for p in parse(content).iterfind("bpmn:process", NS) if p.get("id") == key), None)
        self.ids: set[str] = set()
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.called: dict[str, str] = {}  # call activity id -> called process
        self.step_activity: dict[str, str] = {}  # SOP step -> id of the activity carrying its time standard
        self.starts: list[str] = []
        self.ends: list[str] = []
        self.types: dict[str, str] = {}
        self.incoming: dict[str, list[str]] = defaultdict(list)  # node -> source nodes of its flows
        self.outgoing: dict[str, list[str]] = defaultdict(list)  # node -> target nodes of its flows
        if process is None:
            return
        graph = ProcessGraph.read(process)
        self.incoming, self.outgoing = graph.incoming, graph.outgoing
        for element_id, el in graph.elements.items():
            self.ids.add(element_id)
            if el.get("name"):
                self.by_name[el.get("name")].append(element_id)
            self.types[element_id] = local_name(el)
            if self.types[element_id] == "callActivity":
                self.called[element_id] = el.get("calledElement") or ""
            props = element_properties(el)
            if props.get(Prop.SOP_STEP) and props.get(Prop.TIME_STANDARD):
                self.step_activity[props[Prop.SOP_STEP]] = element_id
        self.starts = graph.none_starts()
        self.ends = graph.ends()

    def infer(self, completed: set[str], active: set[str], forwards: bool) -> set[str]:
        """Unrecorded elements the token certainly passed: one whose successor ran and can only have been
        reached from it (a single incoming flow), or (forwards) an instant one reached by the only flow
        of a completed element."""
        done = set(completed)
        changed = True
        while changed:
            changed = False
            for node, kind in self.types.items():
                if kind not in _UNRECORDED or node in done or node in active:
                    continue
                reached = any((s in done or s in active) and len(self.incoming[s]) == 1 for s in self.outgoing[node])
                if not reached and forwards and kind in _INSTANT:
                    reached = any(
                        p in done and p not in active and len(self.outgoing[p]) == 1 for p in self.incoming[node]
                    )
                if reached:
                    done.add(node)
                    changed = True
        return done

    def resolve(self, task_name: str | None, called_element: str | None = None) -> list[str]:
        found = list(self.by_name.get(task_name or "", [])) or ([task_name] if task_name in self.ids else [])
        if called_element:
            found = [i for i in found if self.called.get(i) == called_element]
        return found


@dataclass
class ChildState:
    element_id: str | None  # the call activity that started it, when known
    instance: ProcessInstance


@dataclass
class InstanceDiagram:
    definition: ProcessDefinition
    completed: set[str] = field(default_factory=set)
    active: set[str] = field(default_factory=set)
    overdue: set[str] = field(default_factory=set)
    children: list[ChildState] = field(default_factory=list)


def _human_tasks(session: Session, row: ProcessInstance, now: datetime, state: InstanceDiagram) -> dict[str, str]:
    """User tasks from the projection; returns task id -> element id for the history to resolve."""
    by_task_id: dict[str, str] = {}
    for ht in session.scalars(select(HumanTask).where(HumanTask.instance_id == row.id)):
        by_task_id[ht.id] = ht.element_id
        if ht.state == TaskState.COMPLETED:
            state.completed.add(ht.element_id)
        elif ht.state == TaskState.READY:
            state.active.add(ht.element_id)
            if ht.due_at is not None and ht.due_at < now:
                state.overdue.add(ht.element_id)
    return by_task_id


def _history(
    session: Session, row: ProcessInstance, process: DiagramProcess, by_task_id: dict[str, str], state: InstanceDiagram
) -> tuple[dict[str, str], set[int]]:
    """Elements the history says ran; returns (calling task id -> call activity id, children applied)."""
    caller_of: dict[str, str] = {}
    applied: set[int] = set()  # children whose end the parent has taken in
    events = session.scalars(
        select(Event).where(Event.instance_id == row.id, Event.type.in_(_EVENT_TYPES)).order_by(Event.id)
    )
    for e in events:
        data: dict[str, Any] = e.data or {}
        if e.type == EventType.INSTANCE_STARTED:
            state.completed.update(process.starts)
        elif e.type == EventType.CHILD_STARTED:
            for element_id in process.resolve(e.task_name, data.get("called_element"))[:1]:
                caller_of[e.task_id or ""] = element_id
        elif e.type == EventType.CHILD_COMPLETED:
            applied.add(data.get("child_id"))  # type: ignore[arg-type]
        elif e.task_id in by_task_id:
            state.completed.add(by_task_id[e.task_id])
        else:
            state.completed.update(process.resolve(e.task_name))
    return caller_of, applied


def _children(
    session: Session,
    row: ProcessInstance,
    process: DiagramProcess,
    caller_of: dict[str, str],
    applied: set[int],
    state: InstanceDiagram,
) -> None:
    """Call activities wait while a child they started runs (or has ended unseen by the parent)."""
    waiting: set[str] = set()
    finished: set[str] = set()
    for child in session.scalars(
        select(ProcessInstance).where(ProcessInstance.parent_id == row.id).order_by(ProcessInstance.id)
    ):
        element_id = caller_of.get(child.parent_task_id or "")
        if element_id is None:  # started before history named its caller: find it by the called process
            callers = [i for i, called in process.called.items() if called == child.key]
            element_id = callers[0] if len(callers) == 1 else None
        state.children.append(ChildState(element_id, child))
        if element_id is None:
            continue
        if child.status in (InstanceStatus.RUNNING, InstanceStatus.ERROR) or (
            child.status == InstanceStatus.COMPLETED and child.id not in applied
        ):
            waiting.add(element_id)
        else:
            finished.add(element_id)
    state.active |= waiting
    state.completed |= finished - waiting


def instance_diagram(session: Session, row: ProcessInstance, now: datetime) -> InstanceDiagram:
    """Element ids completed, active (waiting for a person or for child instances) and overdue (past the
    task's due date or the SOP step's time standard), and the child instances started by call activities."""
    definition = session.get(ProcessDefinition, row.definition_id)
    if definition is None:
        raise LookupError(f"no process definition {row.definition_id}")
    content = session.scalar(
        select(DeploymentFile.content).where(
            DeploymentFile.deployment_id == definition.deployment_id, DeploymentFile.name == definition.bpmn_file
        )
    )
    process = DiagramProcess(content or "", row.key)
    state = InstanceDiagram(definition)
    by_task_id = _human_tasks(session, row, now, state)
    caller_of, applied = _history(session, row, process, by_task_id, state)
    if row.status == InstanceStatus.COMPLETED and len(process.ends) == 1:
        state.completed.update(process.ends)
    _children(session, row, process, caller_of, applied, state)
    for step, times in (row.steps or {}).items():
        element_id = process.step_activity.get(step)
        if element_id is None:
            continue
        if "completed_at" in times:
            state.completed.add(element_id)
        elif row.status == InstanceStatus.RUNNING and datetime.fromisoformat(times["due_at"]) < now:
            state.overdue.add(element_id)
    state.completed -= state.active
    state.completed = process.infer(state.completed, state.active, forwards=row.status != InstanceStatus.ERROR)
    return state
