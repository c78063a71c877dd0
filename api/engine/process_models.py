"""Parsing deployed BPMN into runnable specs, once per process version, cached in process."""

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.engine.bpmn import Prop, properties
from api.engine.call_activity import HostParser
from api.engine.durations import parse_duration
from api.engine.serializer import roundtrip_spec
from api.store.db_cache import db_cache
from api.store.models import DeploymentFile, ProcessDefinition


@dataclass
class ProcessModel:
    definition_id: int
    key: str
    deployment_id: int
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    # SOP step number -> time standard, from the step activities' `timeStandard` property.
    step_standards: dict[str, timedelta] = field(default_factory=dict)
    # SOP step number -> the task spec name of the step activity itself.
    step_activities: dict[str, str] = field(default_factory=dict)
    # SOP step number -> the step activity's BPMN name ("Menerima pendaftaran uji kompetensi").
    step_names: dict[str, str] = field(default_factory=dict)
    # (process id, user task id) -> the task's own time standard (`dueAfter`, "P2D"), in this process and in every
    # process it calls as deployed with it: what a letter demanding that task's work prints as its deadline.
    due_after: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def io_specification(self) -> Any:
        return self.spec.io_specification


def new_parser() -> HostParser:
    return HostParser(validator=VALIDATOR)


def add_files(parser: HostParser, files: dict[str, bytes]) -> None:
    for name, content in sorted(files.items()):
        parser.add_bpmn_xml(etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False)), filename=name)


def bpmn_files_for(session: Session, definition: ProcessDefinition) -> dict[str, bytes]:
    """The BPMN files a definition parses with: its deployment's, plus those defining called processes
    that are deployed elsewhere (the newest version deployed no later than this one)."""
    rows = session.scalars(
        select(DeploymentFile).where(
            DeploymentFile.deployment_id == definition.deployment_id, DeploymentFile.name.like("%.bpmn")
        )
    ).all()
    files = {r.name: r.content.encode() for r in rows}
    parser = new_parser()
    add_files(parser, files)
    missing = set(parser.get_process_dependencies()) - set(parser.get_process_ids())
    seen: set[str] = set()
    while missing - seen:
        key = sorted(missing - seen)[0]
        seen.add(key)
        other = resolve_definition(session, key, definition.deployment_id)
        if other is None:
            continue
        f = session.scalars(
            select(DeploymentFile).where(
                DeploymentFile.deployment_id == other.deployment_id, DeploymentFile.name == other.bpmn_file
            )
        ).one()
        if f.name not in files:
            files[f.name] = f.content.encode()
            add_files(parser, {f.name: files[f.name]})
            missing |= set(parser.get_process_dependencies()) - set(parser.get_process_ids())
    return files


def resolve_definition(session: Session, key: str, deployment_id: int) -> ProcessDefinition | None:
    """The version of `key` a caller deployed in `deployment_id` uses: the newest no later than it."""
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.key == key, ProcessDefinition.deployment_id <= deployment_id)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def latest_definition(session: Session, key: str) -> ProcessDefinition | None:
    """The newest version of a process, or None when no version of `key` is deployed."""
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def step_activities(spec: BpmnProcessSpec) -> dict[str, tuple[str, timedelta]]:
    """SOP step -> (task spec name, time standard) of the activities carrying a `timeStandard`."""
    found = {}
    for task_spec in spec.task_specs.values():
        props = properties(task_spec)
        if props.get(Prop.SOP_STEP) and props.get(Prop.TIME_STANDARD):
            found[props[Prop.SOP_STEP]] = (task_spec.name, parse_duration(props[Prop.TIME_STANDARD]))
    return found


def due_after(specs: dict[str, BpmnProcessSpec]) -> dict[tuple[str, str], str]:
    """(process id, task spec name) -> `dueAfter` of each task carrying one, in these processes."""
    return {
        (process_id, task_spec.name): props[Prop.DUE_AFTER]
        for process_id, spec in specs.items()
        for task_spec in spec.task_specs.values()
        if (props := properties(task_spec)).get(Prop.DUE_AFTER)
    }


class ProcessModelCache:
    def __init__(self) -> None:
        # Keyed by content, not only by row id: ids repeat across databases (tests, a restored backup).
        self._models: dict[tuple[int, str], ProcessModel] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, definition: ProcessDefinition) -> ProcessModel:
        cache_key = (definition.id, definition.content_sha256)
        model = self._models.get(cache_key)
        if model is not None:
            return model
        with self._lock:
            model = self._models.get(cache_key)
            if model is None:
                model = self._build(session, definition)
                self._models[cache_key] = model
        return model

    def _build(self, session: Session, definition: ProcessDefinition) -> ProcessModel:
        parser = new_parser()
        add_files(parser, bpmn_files_for(session, definition))
        spec = roundtrip_spec(parser.get_spec(definition.key))
        subprocess_specs = {k: roundtrip_spec(v) for k, v in parser.get_subprocess_specs(definition.key).items()}
        steps = step_activities(spec)
        return ProcessModel(
            definition_id=definition.id,
            key=definition.key,
            deployment_id=definition.deployment_id,
            spec=spec,
            subprocess_specs=subprocess_specs,
            step_standards={step: std for step, (_, std) in steps.items()},
            step_activities={step: name for step, (name, _) in steps.items()},
            step_names={step: spec.task_specs[name].bpmn_name or name for step, (name, _) in steps.items()},
            due_after=due_after({**subprocess_specs, definition.key: spec}),
        )

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


MODELS = ProcessModelCache()


def model_of_definition(session: Session, definition_id: int, models: ProcessModelCache = MODELS) -> ProcessModel:
    """The parsed model of a definition row, without a query once known (definition rows never change)."""
    by_id = db_cache(session, "process_model")
    model: ProcessModel | None = by_id.get(definition_id)
    if model is None:
        definition = session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise LookupError(f"no process definition {definition_id}")
        model = by_id[definition_id] = models.get(session, definition)
    return model
