"""Where an instance stands, element by element, for drawing it on its own version's diagram.

Read from the projections and history only (no workflow is deserialized): user tasks from `human_task`,
service tasks, timers and SOP steps from `event`, call activities from the child instance rows.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from lxml import etree
from pydantic import BaseModel
from sqlalchemy import select

from api.engine.deployments import NS
from api.errors import ApiError
from api.routes.instances import Reader
from api.routes.versions import file_url
from api.store.models import DeploymentFile, Event, HumanTask, ProcessDefinition, ProcessInstance

router = APIRouter(prefix="/api", tags=["process instances"])
# History entries that say an element ran to its end.
_DONE_EVENTS = ("service_task_completed", "timer_fired", "step_completed")
_EVENT_TYPES = (*_DONE_EVENTS, "instance_started", "child_started", "child_completed")
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


class ChildLink(BaseModel):
    element_id: str | None
    instance_id: int
    key: str
    subject: str | None
    status: str
    diagram_url: str


class ParentLink(BaseModel):
    instance_id: int
    diagram_url: str


class DiagramState(BaseModel):
    instance_id: int
    key: str
    version: int
    status: str
    business_key: str | None
    subject: str | None
    error: str | None
    bpmn_file: str
    bpmn_url: str
    completed: list[str]
    active: list[str]
    overdue: list[str]
    children: list[ChildLink]
    parent: ParentLink | None
    now: datetime


def diagram_url(instance_id: int) -> str:
    return f"/instances/{instance_id}/diagram"


class _Process:
    """The flow nodes of the instance's process: what history entries name (task names) mapped to ids."""

    def __init__(self, content: str, key: str) -> None:
        root = etree.fromstring(content.encode(), etree.XMLParser(resolve_entities=False))
        process = next((p for p in root.findall("bpmn:process", NS) if p.get("id") == key), None)
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
        for el in process.iter():
            if not isinstance(el.tag, str) or not el.get("id") or etree.QName(el).namespace != NS["bpmn"]:
                continue
            self.ids.add(el.get("id"))
            if el.get("name"):
                self.by_name[el.get("name")].append(el.get("id"))
            local = etree.QName(el).localname
            self.types[el.get("id")] = local
            if local == "sequenceFlow":
                self.outgoing[el.get("sourceRef")].append(el.get("targetRef"))
                self.incoming[el.get("targetRef")].append(el.get("sourceRef"))
            if local == "callActivity":
                self.called[el.get("id")] = el.get("calledElement") or ""
            props = {
                p.get("name"): p.get("value") for p in el.iterfind("bpmn:extensionElements//spiffworkflow:property", NS)
            }
            if props.get("sopStep") and props.get("timeStandard"):
                self.step_activity[props["sopStep"]] = el.get("id")
        # Only the process's own start and end events: nested subprocesses have theirs.
        self.starts = [
            s.get("id")
            for s in process.findall("bpmn:startEvent", NS)
            if not any("EventDefinition" in str(c.tag) for c in s)
        ]
        self.ends = [e.get("id") for e in process.findall("bpmn:endEvent", NS)]

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


@router.get("/instances/{instance_id}/diagram-state", response_model=DiagramState)
def diagram_state(instance_id: int, request: Request, user: Reader) -> DiagramState:
    """Element ids completed, active (waiting for a person or for child instances) and overdue (past the
    task's due date or the SOP step's time standard), and the child instances started by call activities."""
    now = request.app.state.clock.now()
    with request.app.state.db.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        if row is None:
            raise ApiError(404, f"no instance {instance_id}")
        definition = session.get(ProcessDefinition, row.definition_id)
        content = session.scalar(
            select(DeploymentFile.content).where(
                DeploymentFile.deployment_id == definition.deployment_id, DeploymentFile.name == definition.bpmn_file
            )
        )
        process = _Process(content or "", row.key)
        completed: set[str] = set()
        active: set[str] = set()
        overdue: set[str] = set()

        by_task_id: dict[str, str] = {}
        for ht in session.scalars(select(HumanTask).where(HumanTask.instance_id == row.id)):
            by_task_id[ht.id] = ht.element_id
            if ht.state == "completed":
                completed.add(ht.element_id)
            elif ht.state == "ready":
                active.add(ht.element_id)
                if ht.due_at is not None and ht.due_at < now:
                    overdue.add(ht.element_id)

        caller_of: dict[str, str] = {}  # calling task id -> call activity id
        applied: set[int] = set()  # children whose end the parent has taken in
        events = session.scalars(
            select(Event).where(Event.instance_id == row.id, Event.type.in_(_EVENT_TYPES)).order_by(Event.id)
        )
        for e in events:
            data: dict[str, Any] = e.data or {}
            if e.type == "instance_started":
                completed.update(process.starts)
            elif e.type == "child_started":
                for element_id in process.resolve(e.task_name, data.get("called_element"))[:1]:
                    caller_of[e.task_id or ""] = element_id
            elif e.type == "child_completed":
                applied.add(data.get("child_id"))
            elif e.task_id in by_task_id:
                completed.add(by_task_id[e.task_id])
            else:
                completed.update(process.resolve(e.task_name))
        if row.status == "completed" and len(process.ends) == 1:
            completed.update(process.ends)

        children = []
        waiting: set[str] = set()
        finished: set[str] = set()
        for child in session.scalars(
            select(ProcessInstance).where(ProcessInstance.parent_id == row.id).order_by(ProcessInstance.id)
        ):
            element_id = caller_of.get(child.parent_task_id or "")
            if element_id is None:  # started before history named its caller: find it by the called process
                callers = [i for i, called in process.called.items() if called == child.key]
                element_id = callers[0] if len(callers) == 1 else None
            children.append(
                ChildLink(
                    element_id=element_id,
                    instance_id=child.id,
                    key=child.key,
                    subject=child.subject,
                    status=child.status,
                    diagram_url=diagram_url(child.id),
                )
            )
            if element_id is None:
                continue
            if child.status in ("running", "error") or (child.status == "completed" and child.id not in applied):
                waiting.add(element_id)
            else:
                finished.add(element_id)
        active |= waiting
        completed |= finished - waiting

        for step, times in (row.steps or {}).items():
            element_id = process.step_activity.get(step)
            if element_id is None:
                continue
            if "completed_at" in times:
                completed.add(element_id)
            elif row.status == "running" and datetime.fromisoformat(times["due_at"]) < now:
                overdue.add(element_id)

        completed -= active
        completed = process.infer(completed, active, forwards=row.status != "error")
        return DiagramState(
            instance_id=row.id,
            key=row.key,
            version=row.version,
            status=row.status,
            business_key=row.business_key,
            subject=row.subject,
            error=row.error,
            bpmn_file=definition.bpmn_file,
            bpmn_url=file_url(definition.deployment_id, definition.bpmn_file),
            completed=sorted(completed),
            active=sorted(active),
            overdue=sorted(overdue),
            children=children,
            parent=ParentLink(instance_id=row.parent_id, diagram_url=diagram_url(row.parent_id))
            if row.parent_id
            else None,
            now=now,
        )
