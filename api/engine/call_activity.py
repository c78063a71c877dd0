"""A call activity that waits for a separate, persisted child instance instead of embedding one.

The BPMN stays a plain ``callActivity``; only the host behaviour differs. The task records what it
asks for in ``internal_data`` and stays STARTED; the host starts the child instance and, when the
child ends, copies the child's declared outputs back and completes the task.
"""

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import (
    CallActivity as CallActivityMixin,
)
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import CallActivityParser
from SpiffWorkflow.spiff.specs.spiff_task import SpiffBpmnTask
from SpiffWorkflow.task import Task

CHILD_REQUEST = "child_request"


class HostedCallActivity(CallActivityMixin, SpiffBpmnTask):
    def _update_hook(self, my_task: Task) -> bool:
        # Skip SubWorkflowTask._update_hook: it would build an embedded subprocess.
        return super(SubWorkflowTask, self)._update_hook(my_task)

    def _run_hook(self, my_task: Task) -> None:
        # Returning None leaves the task STARTED until the host completes it.
        my_task.internal_data[CHILD_REQUEST] = {"called_element": self.spec, "started": False}
        return None

    def _on_cancel(self, my_task: Task) -> None:
        # Children are separate rows; the host cancels them.
        return None


def needs_child(task: Task) -> bool:
    req = task.internal_data.get(CHILD_REQUEST)
    return bool(req) and not req.get("started")


def child_inputs(task: Task, io_specification: Any) -> dict[str, Any]:
    """The data the called process declares as inputs (all of the caller's data if it declares none)."""
    if io_specification is None or not io_specification.data_inputs:
        return deepcopy(task.data)
    missing = [v.bpmn_id for v in io_specification.data_inputs if v.bpmn_id not in task.data]
    if missing:
        raise KeyError(", ".join(missing))
    return {v.bpmn_id: deepcopy(task.data[v.bpmn_id]) for v in io_specification.data_inputs}


def child_outputs(end_data: dict[str, Any], io_specification: Any) -> dict[str, Any]:
    """The data the called process declares as outputs (all of its data if it declares none)."""
    if io_specification is None or not io_specification.data_outputs:
        return dict(end_data)
    missing = [v.bpmn_id for v in io_specification.data_outputs if v.bpmn_id not in end_data]
    if missing:
        raise KeyError(", ".join(missing))
    return {v.bpmn_id: end_data[v.bpmn_id] for v in io_specification.data_outputs}


class HostParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("callActivity"): (CallActivityParser, HostedCallActivity),
    }
