"""A call activity that waits for a separate, persisted child instance instead of embedding one.

The BPMN stays a plain ``callActivity``; only the host behaviour differs. The task records what it
asks for in ``internal_data`` and stays STARTED; the host starts the child instance and, when the
child ends, copies the child's declared outputs back and completes the task.

A parallel multi-instance call activity over a data collection is ONE such task (a *fan-out*), not one
SpiffWorkflow task per item: the items, the children and their outputs live in database rows
(`api/engine/fanout.py`), so the parent's state does not grow with the collection. When the last child has
ended, the host sets the output collection (each child's output item, in input order) and completes it.
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
from SpiffWorkflow.spiff.serializer.task_spec import SubWorkflowTaskConverter
from SpiffWorkflow.spiff.specs.spiff_task import SpiffBpmnTask
from SpiffWorkflow.task import Task

CHILD_REQUEST = "child_request"


class HostedCallActivity(CallActivityMixin, SpiffBpmnTask):
    def __init__(
        self, wf_spec: Any, bpmn_id: str, subworkflow_spec: str, fanout: dict[str, Any] | None = None, **kw: Any
    ):
        super().__init__(wf_spec, bpmn_id, subworkflow_spec, **kw)
        # A parallel multi-instance call activity: {"input", "input_item", "output", "output_item"} (names).
        self.fanout = fanout

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


def is_fanout(task: Task) -> bool:
    return getattr(task.task_spec, "fanout", None) is not None


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


class HostedCallActivityParser(CallActivityParser):
    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        """A parallel multi-instance over a collection becomes one fan-out task; any other loop (cardinality,
        sequential, a completion condition) keeps SpiffWorkflow's own multi-instance wrapper."""
        prefix = "./bpmn:multiInstanceLoopCharacteristics"

        def text(tag: str) -> str | None:
            found = self.xpath(f"{prefix}/bpmn:{tag}")
            return found[0].text if len(found) > 0 else None

        def item(tag: str) -> str | None:
            found = self.xpath(f"{prefix}/bpmn:{tag}")
            return (found[0].get("name") or found[0].get("id")) if len(found) > 0 else None

        loop_input = text("loopDataInputRef")
        if (
            loop_characteristics.get("isSequential") == "true"
            or loop_input is None
            or text("completionCondition") is not None
            or self.task.io_specification is not None
        ):
            super()._add_multiinstance_task(loop_characteristics)
            return
        self.task.fanout = {
            "input": loop_input,
            "input_item": item("inputDataItem"),
            "output": text("loopDataOutputRef"),
            "output_item": item("outputDataItem"),
        }


class HostedCallActivityConverter(SubWorkflowTaskConverter):
    def to_dict(self, spec: HostedCallActivity) -> dict[str, Any]:
        dct: dict[str, Any] = super().to_dict(spec)
        dct["fanout"] = spec.fanout
        return dct


class HostParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("callActivity"): (HostedCallActivityParser, HostedCallActivity),
    }
