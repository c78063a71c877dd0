"""The projections and history the runtime writes with an instance's state: the `human_task` rows of its
ready user tasks (the inbox), the SOP steps it has reached (`process_instance.steps`) and its history events.

Called by :class:`api.engine.runtime.Runtime` inside the caller's transaction, after the engine has run.
"""

import json
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.clock import Clock
from api.engine.bpmn import Prop, properties
from api.engine.errors import EngineError
from api.engine.inbox_rows import row_fields
from api.engine.process_models import ProcessModel
from api.engine.script_engine import SCRIPT_ENGINE
from api.store.enums import LANE_ROLES, EventType
from api.store.enums import TaskState as HumanTaskState
from api.store.models import Event, HumanTask, ProcessInstance, TaskDraft

ALL = 10**9  # get_tasks(max_depth=...) returns a partial list without it on deep/wide trees


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
        step = properties(task.task_spec).get(Prop.SOP_STEP)
        if step and step in (row.steps or {}):
            return datetime.fromisoformat(row.steps[step]["due_at"])
        return row.inherited_due_at

    def sync_human_tasks(
        self,
        row: ProcessInstance,
        wf: BpmnWorkflow,
        model: ProcessModel,
        completed_now: set[str],
        actor: str,
        *,
        new: bool = False,
    ) -> None:
        ready = wf.get_tasks(state=TaskState.READY, manual=True, max_depth=ALL)
        # An instance inserted in this transaction has no tasks yet: skipping the query also skips its
        # autoflush, so the root_id set after the INSERT goes out with the state in one UPDATE.
        existing = (
            {}
            if new
            else {
                t.id: t
                for t in self.session.scalars(
                    select(HumanTask).where(HumanTask.instance_id == row.id, HumanTask.state == HumanTaskState.READY)
                )
            }
        )
        ready_ids = set()
        now = self.clock.now()
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
            ht = HumanTask(
                id=tid,
                instance_id=row.id,
                root_id=row.root_id or row.id,
                process_key=row.key,
                business_key=row.business_key,
                element_id=task.task_spec.bpmn_id,
                name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                lane=lane,
                role=LANE_ROLES.get(lane or ""),
                assignee=assignee,
                form=props.get(Prop.FORM),
                ui_form=props.get(Prop.UI_FORM),
                sop_step=props.get(Prop.SOP_STEP),
                **row_fields(self.session, row, props.get(Prop.SOP_STEP), task.data),
                state=HumanTaskState.READY,
                created_at=now,
                due_at=self.due_at(row, task),
                context=jsonable(task.data),
            )
            self.session.add(ht)
            self.event(
                row,
                EventType.TASK_CREATED,
                None,
                task,
                data={"assignee": assignee, "due_at": ht.due_at.isoformat() if ht.due_at else None},
            )
            if step := props.get(Prop.ESKALASI_LANGKAH):
                overdue = (row.steps or {}).get(step, {}).get("due_at")
                self.event(
                    row, EventType.STEP_ESCALATED, None, task, data={"step": step, "to_lane": lane, "due_at": overdue}
                )
        for tid, ht in existing.items():
            if tid in ready_ids:
                continue
            if tid in completed_now:
                ht.state, ht.completed_at, ht.completed_by = HumanTaskState.COMPLETED, now, actor
                if ht.claimed_by is None:  # completing an unclaimed task claims it
                    ht.claimed_by = actor
            else:
                ht.state, ht.completed_at = HumanTaskState.CANCELLED, now
                self.event(row, EventType.TASK_CANCELLED, None, task_id=tid, task_name=ht.name, lane=ht.lane)
        if gone := [tid for tid in existing if tid not in ready_ids]:  # a draft lives while its task is ready
            self.session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(gone)))

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
    ) -> None:
        if task is not None:
            task_id = str(task.id)
            task_name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
            lane = task.task_spec.lane
        self.session.add(
            Event(
                at=self.clock.now(),
                instance_id=row.id,
                root_id=row.root_id or row.id,
                type=type_,
                task_id=task_id,
                task_name=task_name,
                lane=lane,
                actor=actor,
                data=jsonable(data or {}),
            )
        )
