"""One request, one transaction: load an instance, act on it, run the engine, save it with its projections.

Every change to an instance goes through :class:`Runtime` inside the caller's DB transaction: the
state is written with an optimistic revision check, and the `human_task` projection, history events,
child instances, outbox rows and documents are written in the same transaction, or not at all.

A user task with `asyncAfter="true"` ends its request once the task itself is done (`_defer`): the instance is
saved with `continue_pending_at` set and the worker runs the engine on (`continue_after`), in a transaction of
its own, as the person who completed it.
"""

import logging
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import SignalEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

import service_tasks
from api.clock import CLOCK, Clock
from api.clock import CURRENT as CURRENT_CLOCK
from api.engine import (
    children,
    spiff_timers,  # noqa: F401 - timers read the service clock
    state_blobs,
)
from api.engine.bpmn import Prop, properties
from api.engine.call_activity import child_outputs
from api.engine.errors import EngineError, FormInvalid, TaskNotReady, TaskRefused
from api.engine.forms import form_errors, load_form
from api.engine.process_models import MODELS, ProcessModel, ProcessModelCache, model_of_definition
from api.engine.projections import Projections, jsonable
from api.engine.sandbox import ScriptMemoryExceeded, ScriptRejected, ScriptTimeout, StepDeadlines
from api.engine.script_engine import (
    DEFAULT_LIMITS,
    HOST_CONTEXT_ATTR,
    SCRIPT_ENGINE,
    RuntimeLimits,
    ScriptBudget,
    StepCounter,
    element_in_traceback,
)
from api.engine.serializer import dump_state, load_workflow
from api.settings import Settings
from api.store.enums import EventType, InstanceStatus
from api.store.enums import TaskState as HumanTaskState
from api.store.models import (
    ChildCompletion,
    Event,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    TaskDraft,
)
from service_tasks import ServiceContext, ServiceTaskError

__all__ = ["EngineError", "FormInvalid", "Runtime", "TaskNotReady", "TaskRefused", "model_of_definition"]

log = logging.getLogger(__name__)
# Failures of the process itself (a script, a condition, a service task's refusal to work with its data):
# SpiffWorkflow wraps every error raised inside a script or expression in a WorkflowException.
PROCESS_FAILURES = (WorkflowException, ServiceTaskError, ScriptRejected, ScriptTimeout, ScriptMemoryExceeded)


@dataclass
class Host:
    """What the engine needs from the host while it runs one instance in one transaction."""

    runtime: "Runtime"
    row: ProcessInstance
    wf: BpmnWorkflow
    actor: str
    completed_now: set[str] = field(default_factory=set)
    atas_nama: str | None = None  # the absent person the actor stands in for (`Pengganti`)

    def service_context(self, task: Task) -> ServiceContext:
        return ServiceContext(
            session=self.runtime.session,
            instance_id=self.row.id,
            root_id=self.row.root_id or self.row.id,
            business_key=self.row.business_key,
            task_id=str(task.id),
            element_id=task.task_spec.bpmn_id or task.task_spec.name,
            task_name=task.task_spec.bpmn_name or task.task_spec.name,
            lane=task.task_spec.lane,
            actor=self.actor,
            atas_nama=self.atas_nama,
            now=self.runtime.clock.now(),
            data=task.data,
            nomor_format=self.runtime.nomor_format,
            standar_tugas=lambda proses, tugas: self.runtime.model_for(self.row).due_after.get((proses, tugas)),
            signal_children=lambda call_activity, signal: children.signal_children(
                self.runtime, self.row, self.wf, call_activity, signal
            ),
        )

    def step_deadlines(self) -> StepDeadlines:
        """`batas_langkah(step)`: an SOP step's due time (its start + time standard); a child's is its caller's."""
        due = {step: str(s["due_at"]) for step, s in (self.row.steps or {}).items()}
        now = self.runtime.clock.now()
        for step, standard in self.runtime.model_for(self.row).step_standards.items():
            due.setdefault(step, (now + standard).isoformat())  # reached in the same pass that starts it
        inherited = self.row.inherited_due_at.isoformat() if self.row.inherited_due_at is not None else None
        return StepDeadlines(due, inherited, self.row.key)


class Runtime:
    def __init__(
        self,
        session: Session,
        *,
        nomor_format: str,
        clock: Clock = CLOCK,
        models: ProcessModelCache = MODELS,
        limits: RuntimeLimits = DEFAULT_LIMITS,
    ) -> None:
        self.session = session
        self.clock = clock
        self.models = models
        self.nomor_format = nomor_format
        self.limits = limits
        self.script_budget = ScriptBudget(limits.script_seconds)  # shared by every script of this transaction
        self.projections = Projections(session, clock)

    @classmethod
    def for_app(cls, session: Session, clock: Clock, settings: Settings) -> "Runtime":
        """The runtime for one transaction of the app (requests, worker, CLI): its clock and settings."""
        return cls(
            session, clock=clock, nomor_format=settings.nomor_format, limits=RuntimeLimits.from_settings(settings)
        )

    # --- loading and saving -------------------------------------------------------------
    def model_for(self, row: ProcessInstance) -> ProcessModel:
        return model_of_definition(self.session, row.definition_id, self.models)

    def load(self, row: ProcessInstance) -> BpmnWorkflow:
        model = self.model_for(row)
        state, reader = state_blobs.parse(self.session, row.state)
        wf = load_workflow(state, model.spec, model.subprocess_specs, reader)
        wf.script_engine = SCRIPT_ENGINE  # not serialized: reattach or it runs unrestricted
        return wf

    # --- acts ---------------------------------------------------------------------------
    def start(
        self,
        definition: ProcessDefinition,
        *,
        business_key: str | None,
        data: dict[str, Any],
        actor: str,
        parent: ProcessInstance | None = None,
        link: "children.ChildLink | None" = None,
        subject: str | None = None,
    ) -> ProcessInstance:
        model = self.models.get(self.session, definition)
        now = self.clock.now()
        wf = self._run(
            None, lambda: BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=SCRIPT_ENGINE), None
        )
        wf.task_tree.data.update(deepcopy(data))
        row = ProcessInstance(
            definition_id=definition.id,
            key=definition.key,
            version=definition.version,
            business_key=business_key,
            subject=subject,
            status=InstanceStatus.RUNNING,
            parent_id=parent.id if parent else None,
            parent_task_id=link.task_id if link else None,
            started_at=now,
            started_by=actor,
            state="",
            steps={},
        )
        if parent is not None and link is not None:
            step = link.sop_step
            row.sop_step = step
            if step and step in (parent.steps or {}):
                row.inherited_due_at = datetime.fromisoformat(parent.steps[step]["due_at"])
            else:
                row.inherited_due_at = parent.inherited_due_at
        self.session.add(row)
        self.session.flush()
        row.root_id = (parent.root_id or parent.id) if parent else row.id
        self._event(
            row,
            EventType.INSTANCE_STARTED,
            actor,
            data={
                "key": definition.key,
                "version": definition.version,
                "business_key": business_key,
                "parent_id": row.parent_id,
                "subject": subject,
            },
        )
        self._advance(row, wf, actor, new=True)
        return row

    def complete_task(
        self, row: ProcessInstance, task_id: str, data: dict[str, Any], actor: str, atas_nama: str | None = None
    ) -> None:
        """Complete a ready task as `actor`; `atas_nama` the absent person they stand in for, recorded in the
        history, on the task and in what the operators that run on see (`ServiceContext.atas_nama`)."""
        wf = self.load(row)
        task = find_task(wf, task_id)
        if task is None or task.state != TaskState.READY:
            raise TaskNotReady(task_id)
        host = self._attach(row, wf, actor)
        host.atas_nama = atas_nama
        # The form, then the SOP's rules, then the engine: no caller can skip a check.
        schema = load_form(self.session, self.model_for(row).deployment_id, properties(task.task_spec).get(Prop.FORM))
        if schema is not None and (errors := form_errors(schema, data)):
            raise FormInvalid(errors)
        if name := properties(task.task_spec).get(Prop.VALIDATOR):
            if refusals := service_tasks.check(name, host.service_context(task), data):
                raise TaskRefused(name, refusals)
        task.data.update(deepcopy(data))
        self._event(row, EventType.TASK_COMPLETED, actor, task, data=data, atas_nama=atas_nama)
        self._run(wf, lambda: task.run(), task)
        host.completed_now.add(task_id)
        if properties(task.task_spec).get(Prop.ASYNC_AFTER) == "true":
            self._defer(row, wf, host)
        else:
            self._advance(row, wf, actor, host)

    def continue_after(self, row: ProcessInstance) -> None:
        """Run the engine on from an `asyncAfter` user task's completion (the worker's part of it): as the
        person who completed it, for whom they stood in, as the request would have."""
        self._continue(row, self.load(row))

    def _continue(self, row: ProcessInstance, wf: BpmnWorkflow) -> None:
        actor, atas_nama = self.session.execute(
            select(Event.actor, Event.atas_nama)
            .where(Event.instance_id == row.id, Event.type == EventType.TASK_COMPLETED)
            .order_by(Event.id.desc())
            .limit(1)
        ).one()
        host = self._attach(row, wf, actor or "system")
        host.atas_nama = atas_nama
        self._advance(row, wf, host.actor, host)

    def load_to_act(self, row: ProcessInstance) -> BpmnWorkflow:
        """The workflow, for the worker to act on (a timer, a signal, a child's end): when the instance still
        awaits its continuation after an `asyncAfter` task, that runs first, as the person who completed the task
        (as `continue_after` would), so what it issues is theirs, not the system's."""
        wf = self.load(row)
        if row.continue_pending_at is not None:
            self._continue(row, wf)
        return wf

    def apply_child_completions(self, row: ProcessInstance, completions: list[ChildCompletion]) -> int:
        """Complete the parent's waiting call activities with their children's outputs (one load/save)."""
        return children.apply_child_completions(self, row, completions)

    def signal(self, row: ProcessInstance, name: str, actor: str) -> None:
        """Deliver a BPMN signal to one instance (catching boundary and intermediate events run)."""
        wf = self.load_to_act(row)
        host = self._attach(row, wf, actor)
        self._run(wf, lambda: wf.catch(BpmnEvent(SignalEventDefinition(name))), None)
        self._event(row, EventType.SIGNAL_RECEIVED, actor, data={"signal": name})
        self._advance(row, wf, actor, host)

    def cancel(self, row: ProcessInstance, actor: str, reason: str) -> list[int]:
        """Cancel a running instance and every running instance below it (children are separate rows).
        Their open tasks leave every inbox; pending child completions are never applied."""
        now = self.clock.now()
        cancelled, frontier = [], [row]
        while frontier:
            current = frontier.pop()
            if current.status in (InstanceStatus.RUNNING, InstanceStatus.ERROR):
                current.status, current.ended_at = InstanceStatus.CANCELLED, now
                current.continue_pending_at = None  # its continuation is never run
                open_tasks = self.session.scalars(
                    select(HumanTask).where(
                        HumanTask.instance_id == current.id, HumanTask.state == HumanTaskState.READY
                    )
                ).all()
                for ht in open_tasks:
                    ht.state, ht.completed_at = HumanTaskState.CANCELLED, now
                self.session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_([t.id for t in open_tasks])))
                self._event(
                    current, EventType.INSTANCE_CANCELLED, actor, data={"reason": reason, "requested_on": row.id}
                )
                cancelled.append(current.id)
            children.lock_fanouts(self.session, current.id)  # a start batch in flight: wait, then see its children
            frontier.extend(
                self.session.scalars(select(ProcessInstance).where(ProcessInstance.parent_id == current.id))
            )
        self.projections.write_events()
        self.session.flush()
        return cancelled

    def fire_timers(self, row: ProcessInstance) -> None:
        wf = self.load_to_act(row)
        host = self._attach(row, wf, "system")
        self._run(wf, wf.refresh_timers, None)
        self._advance(row, wf, "system", host)

    # --- the engine loop ----------------------------------------------------------------
    def _attach(self, row: ProcessInstance, wf: BpmnWorkflow, actor: str) -> Host:
        host = Host(self, row, wf, actor)
        setattr(wf, HOST_CONTEXT_ATTR, host)
        return host

    def _run(self, wf: BpmnWorkflow | None, fn: Any, task: Task | None) -> Any:
        token = CURRENT_CLOCK.set(self.clock)  # SpiffWorkflow's timers read it (api/engine/spiff_timers.py)
        try:
            return fn()
        except RecursionError as exc:  # a cycle of tasks with no wait state, predicted or run
            element = element_in_traceback(exc)
            raise EngineError("the process loops through tasks with no wait state (RecursionError)", element) from None
        except PROCESS_FAILURES as exc:  # the transaction is discarded; anything else is not ours to name
            if isinstance(cause := exc.__cause__ or exc.__context__, SQLAlchemyError):
                raise cause from None  # a database error inside a script: a lost race must reach the retry
            failed = getattr(exc, "task", None) or task
            element = failed.task_spec.bpmn_id if failed is not None else None
            raise EngineError(str(exc), element) from exc
        finally:
            CURRENT_CLOCK.reset(token)

    def _advance(
        self, row: ProcessInstance, wf: BpmnWorkflow, actor: str, host: Host | None = None, *, new: bool = False
    ) -> None:
        host = host or self._attach(row, wf, actor)
        model = self.model_for(row)
        row.continue_pending_at = None  # every ready engine step runs now, an awaited continuation's too

        steps = StepCounter(self.limits.max_engine_steps)

        def did_complete(task: Task) -> None:
            steps.count(task)
            self._note_step(row, model, task, completed=False)
            if isinstance(task.task_spec, ServiceTask):
                result = task.data.get(task.task_spec.result_variable)
                self._event(row, EventType.SERVICE_TASK_COMPLETED, actor, task, data={"result": result})
            elif isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
                self._event(row, EventType.TIMER_FIRED, actor, task)

        self._run(wf, lambda: wf.do_engine_steps(did_complete_task=did_complete), None)
        while children.start_requested(self, row, wf, actor):  # a fan-out over nothing completes at once
            self._run(wf, lambda: wf.do_engine_steps(did_complete_task=did_complete), None)
        self.projections.sync_human_tasks(
            row, wf, model, host.completed_now, host.actor, new=new, atas_nama=host.atas_nama
        )
        self.projections.note_completed_steps(row, wf, model)
        if wf.is_completed() and row.status == InstanceStatus.RUNNING:  # finished once (a continuation run first)
            self._finish(row, wf)
        self._save(row, wf)

    def _defer(self, row: ProcessInstance, wf: BpmnWorkflow, host: Host) -> None:
        """An `asyncAfter` user task was completed: its task leaves the inbox and the instance is saved as it
        stands, waiting for the worker to run the engine on (`continue_after`)."""
        model = self.model_for(row)
        self.projections.sync_human_tasks(row, wf, model, host.completed_now, host.actor, atas_nama=host.atas_nama)
        row.continue_pending_at = self.clock.now()
        self._save(row, wf)

    def _save(self, row: ProcessInstance, wf: BpmnWorkflow) -> None:
        row.next_timer_at = _next_timer(wf)
        shrunk = self._run(wf, lambda: dump_state(wf), None)
        row.state = self.limits.checked_state(shrunk.text, wf.last_task, shrunk.size)
        state_blobs.save(self.session, shrunk.blobs)
        self.projections.write_events()
        self.session.flush()  # the revision check happens here: a lost race raises StaleDataError

    def _finish(self, row: ProcessInstance, wf: BpmnWorkflow) -> None:
        row.status = InstanceStatus.COMPLETED
        row.ended_at = self.clock.now()
        end = wf.get_next_task(spec_name="End", skip_subprocesses=True)
        end_data = dict(end.data) if end is not None else dict(wf.data)
        self._event(row, EventType.INSTANCE_COMPLETED, None)
        if row.parent_id is not None and row.parent_task_id is not None:
            model = self.model_for(row)
            try:
                outputs = child_outputs(end_data, model.io_specification)
            except KeyError as exc:
                raise EngineError(f"process {row.key!r} ended without its data output(s) {exc}") from exc
            self.session.add(
                ChildCompletion(
                    parent_id=row.parent_id,
                    parent_task_id=row.parent_task_id,
                    child_id=row.id,
                    outputs=jsonable(outputs),
                    created_at=self.clock.now(),
                )
            )

    # --- projections and history (api/engine/projections.py) ---------------------------
    def _note_step(self, row: ProcessInstance, model: ProcessModel, task: Task, *, completed: bool) -> None:
        self.projections.note_step(row, model, task, completed=completed)

    def _event(
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
        self.projections.event(
            row, type_, actor, task, data=data, task_id=task_id, task_name=task_name, lane=lane, atas_nama=atas_nama
        )

    def record(
        self,
        row: ProcessInstance,
        type_: str,
        actor: str,
        ht: HumanTask,
        data: dict[str, Any] | None = None,
        atas_nama: str | None = None,
    ) -> None:
        """A history event about a human task that did not change the workflow (claim, unclaim)."""
        self._event(row, type_, actor, data=data, task_id=ht.id, task_name=ht.name, lane=ht.lane, atas_nama=atas_nama)


def find_task(wf: BpmnWorkflow, task_id: str) -> Task | None:
    """A task of the workflow or of one of its embedded subprocesses, or None (SpiffWorkflow's own
    lookup raises as soon as one subprocess lacks the id)."""
    uuid = UUID(task_id)
    for workflow in (wf, *wf.subprocesses.values()):
        if uuid in workflow.tasks:
            return workflow.tasks[uuid]
    return None


TIMER_EVENT_TYPES = {"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"}


def _next_timer(wf: BpmnWorkflow) -> datetime | None:
    """Due time of the earliest waiting timer, stored on the row so the worker finds it without loading."""
    due = []
    for event in wf.waiting_events():
        if str(event.event_type) in TIMER_EVENT_TYPES:
            try:
                due.append(datetime.fromisoformat(str(event.value)))
            except (TypeError, ValueError):
                continue
    return min(due, default=None)
