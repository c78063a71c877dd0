"""The BPMN vocabulary the service reads, in one place: namespaces, extension property names, one reader.

The deploy linter, the version diff (`bpmn_summary`) and the diagram state all read a process through
:class:`ProcessGraph`: its elements, lanes, sequence flows and `spiffworkflow:property` values. The modeller
offers the names of :class:`Prop` (served by `GET /api/process-properties`) and deploy lint warns on any other.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}


class Prop(StrEnum):
    """A `spiffworkflow:property` name the service reads."""

    FORM = "formJsonSchemaFilename"
    UI_FORM = "formUiSchemaFilename"
    ASSIGNEE = "assignee"
    VALIDATOR = "validator"
    IMPORT_XLSX = "importXlsx"
    ESKALASI_LANGKAH = "eskalasiLangkah"
    SOP_STEP = "sopStep"
    TIME_STANDARD = "timeStandard"
    DUE_AFTER = "dueAfter"
    SOP_INPUTS = "sopInputs"
    SOP_OUTPUTS = "sopOutputs"
    LINKED_SOP = "linkedSop"
    CHILD_SUBJECT = "childSubject"
    ASYNC_AFTER = "asyncAfter"


# What each property does, for the modeller and the API (English: it is machinery for designers).
PROP_DESCRIPTIONS: dict[Prop, str] = {
    Prop.FORM: "user task: the JSON Schema form file the task shows and checks",
    Prop.UI_FORM: "user task: the form's UI schema file",
    Prop.ASSIGNEE: "user task: a Python expression naming the one user the task is for",
    Prop.VALIDATOR: "user task: the SOP check (service_tasks.VALIDATORS) that may refuse a submission",
    Prop.IMPORT_XLSX: "user task: the form's list a spreadsheet's rows fill",
    Prop.ESKALASI_LANGKAH: "user task: an escalation of this SOP step number (records step_escalated)",
    Prop.SOP_STEP: "the SOP step number an activity belongs to",
    Prop.TIME_STANDARD: "step activity: the step's time standard, an ISO 8601 duration (P2D, PT1H)",
    Prop.DUE_AFTER: "user task: its own time standard, an ISO 8601 duration from the moment it is ready; "
    "it is due at the earlier of that and its SOP step's due date",
    Prop.SOP_INPUTS: "step activity: the SOP step's inputs, as the SOP names them",
    Prop.SOP_OUTPUTS: "step activity: the SOP step's outputs, as the SOP names them",
    Prop.LINKED_SOP: "step activity: the linked SOP the step runs",
    Prop.CHILD_SUBJECT: "call activity: a Python expression naming what each child instance is about",
    Prop.ASYNC_AFTER: 'user task: "true": the completion is recorded and answered at once; what follows the task '
    "(issuing documents, deciding over every candidate, starting children) is run by the worker",
}
FORM_PROPS = (Prop.FORM, Prop.UI_FORM)
_XML = etree.XMLParser(resolve_entities=False)


def properties(task_spec: Any) -> dict[str, str]:
    """The `spiffworkflow:property` values of a parsed task spec."""
    props: dict[str, str] = (getattr(task_spec, "extensions", None) or {}).get("properties", {}) or {}
    return props


def parse(content: bytes | str) -> Any:
    """The root element of a BPMN document (entities are never resolved)."""
    return etree.fromstring(content.encode() if isinstance(content, str) else content, _XML)


def local_name(el: Any) -> str:
    return str(etree.QName(el).localname)


def is_bpmn(el: Any) -> bool:
    return isinstance(el.tag, str) and etree.QName(el).namespace == BPMN


def element_properties(el: Any) -> dict[str, str]:
    """The `spiffworkflow:property` values in an element's own extension elements."""
    return {
        p.get("name") or "": p.get("value") or ""
        for p in el.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


def process_elements(root: Any) -> list[Any]:
    return list(root.iterfind("bpmn:process", NS))


@dataclass
class ProcessGraph:
    """One `bpmn:process` read once: its id'd BPMN elements (nested subprocesses included), lanes and flows."""

    process: Any
    elements: dict[str, Any] = field(default_factory=dict)  # element id -> XML element
    lane_of: dict[str, Any] = field(default_factory=dict)  # flow node id -> its innermost lane element
    outgoing: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # node -> flow targets
    incoming: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # node -> flow sources

    @classmethod
    def read(cls, process: Any) -> "ProcessGraph":
        graph = cls(process)
        for el in process.iter():
            if not is_bpmn(el) or not el.get("id"):
                continue
            graph.elements[el.get("id")] = el
            kind = local_name(el)
            if kind == "sequenceFlow":
                graph.outgoing[el.get("sourceRef") or ""].append(el.get("targetRef") or "")
                graph.incoming[el.get("targetRef") or ""].append(el.get("sourceRef") or "")
            elif kind == "lane":
                for ref in el.iterfind("bpmn:flowNodeRef", NS):
                    # Nested lanes come later in document order, so the innermost lane wins.
                    graph.lane_of[(ref.text or "").strip()] = el
        return graph

    @property
    def id(self) -> str:
        return str(self.process.get("id"))

    def lane_name(self, element_id: str) -> str | None:
        lane = self.lane_of.get(element_id)
        return None if lane is None else lane.get("name")

    def lanes(self) -> list[Any]:
        return [el for el in self.elements.values() if local_name(el) == "lane"]

    def of_type(self, *kinds: str) -> list[Any]:
        return [el for el in self.elements.values() if local_name(el) in kinds]

    def properties(self, element_id: str) -> dict[str, str]:
        el = self.elements.get(element_id)
        return {} if el is None else element_properties(el)

    def none_starts(self) -> list[str]:
        """The process's own start events without an event definition (nested subprocesses have theirs)."""
        return [
            s.get("id")
            for s in self.process.iterfind("bpmn:startEvent", NS)
            if not any("EventDefinition" in str(c.tag) for c in s)
        ]

    def ends(self) -> list[str]:
        return [e.get("id") for e in self.process.iterfind("bpmn:endEvent", NS)]


def read_processes(content: bytes | str) -> dict[str, ProcessGraph]:
    """process id -> graph, for every process of a BPMN document."""
    return {g.id: g for g in map(ProcessGraph.read, process_elements(parse(content)))}
