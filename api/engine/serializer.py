"""Workflow (de)serialization that keeps the process spec out of every stored instance.

The parsed spec is ~9 KB of each serialized workflow and identical for every instance of a
process version, so it is cached per deployment and handed back on load instead of being stored.
"""

import json
import threading
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from api.engine.call_activity import HostedCallActivity, HostedCallActivityConverter
from api.engine.state_blobs import ESCAPE, MARK, Reader, Shrinker


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs", {})
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class _Registry(DefaultRegistry):
    """SpiffWorkflow's registry, restoring a state whose large values are kept apart (api/engine/state_blobs.py):
    a reference is replaced by its value where the data is restored, parsed by `json` and walked by the registry
    only if it holds a typed value (a date, a UUID); an escaped dict of a client's is made a dict again."""

    def __init__(self) -> None:
        super().__init__()
        self.reader: Reader | None = None

    def restore(self, val: Any, **kwargs: Any) -> Any:
        if type(val) is dict and len(val) == 1:
            if MARK in val and self.reader is not None:
                key = val[MARK]
                value = self.reader.value(key)
                return super().restore(value, **kwargs) if '"typename"' in self.reader.text(key) else value
            if ESCAPE in val and isinstance(val[ESCAPE], list):
                return {k: self.restore(v, **kwargs) for k, v in val[ESCAPE]}
        return super().restore(val, **kwargs)


_config = dict(SPIFF_CONFIG)
_config[HostedCallActivity] = HostedCallActivityConverter
_config[BpmnWorkflow] = SpeclessWorkflowConverter
_local = threading.local()


def _serializer() -> BpmnWorkflowSerializer:
    """One registry per thread: the registry keeps an encoder-mode flag that serializing flips, so a
    registry shared by request threads could convert one thread's workflow in the other's mode."""
    serializer = getattr(_local, "serializer", None)
    if serializer is None:
        serializer = _local.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config, _Registry()))
    return serializer


def dump_workflow(workflow: BpmnWorkflow) -> str:
    serializer = _serializer()
    serializer.registry._encoder_mode = True
    try:
        return json.dumps(serializer.registry.convert(workflow), cls=serializer._encoder_cls, separators=(",", ":"))
    finally:
        serializer.registry._encoder_mode = False


@dataclass(frozen=True)
class Shrunk:
    """A workflow serialized for its state row: `text` with its large data values as references to `blobs`
    (hash -> JSON text, see :mod:`api.engine.state_blobs`); `size` is what the text would be with them inline."""

    text: str
    blobs: dict[str, str]
    size: int


def dump_state(workflow: BpmnWorkflow) -> Shrunk:
    serializer = _serializer()
    encoder = serializer._encoder_cls
    serializer.registry._encoder_mode = True
    try:

        def dumps(value: Any) -> str:
            return json.dumps(value, cls=encoder, separators=(",", ":"))

        shrinker = Shrinker(dumps)
        text = dumps(shrinker.shrink(serializer.registry.convert(workflow)))
        return Shrunk(text, shrinker.blobs, len(text) + shrinker.expanded)
    finally:
        serializer.registry._encoder_mode = False


def load_workflow(
    state: str | dict[str, Any],
    spec: BpmnProcessSpec,
    subprocess_specs: dict[str, BpmnProcessSpec],
    reader: Reader | None = None,
) -> BpmnWorkflow:
    """A workflow from its serialized state: the text `dump_workflow` wrote, or a state already parsed with the
    reader of its references (`state_blobs.parse`: the runtime's reads)."""
    dct = json.loads(state) if isinstance(state, str) else state
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    registry = _serializer().registry
    assert isinstance(registry, _Registry)
    registry.reader = reader
    try:
        return registry.restore(dct)
    finally:
        registry.reader = None


def roundtrip_spec(spec: BpmnProcessSpec) -> BpmnProcessSpec:
    """A spec as the serializer restores it: that wiring (MI merge callbacks) is what instances need."""
    registry = _serializer().registry
    return registry.restore(json.loads(json.dumps(registry.convert(spec))))
