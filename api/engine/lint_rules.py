"""The deploy linter: what SpiffWorkflow's parser accepts but the service cannot run, one small rule each.

A rule reads one BPMN file (`tree`, with its processes read once in `context.graphs`) and yields the
problems it finds, each naming the file, the element and its line. `ERRORS` refuse a deployment;
`WARNINGS` are reported beside it. A new check is one function added to a list, and one test.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

import service_tasks
from api.engine.bpmn import BPMN, NS, ProcessGraph, Prop, element_properties, local_name
from api.engine.durations import parse_duration
from api.engine.penerbitan import issuing_start_lanes
from api.engine.sandbox import check_syntax
from api.store.enums import LANE_ROLES, SOP_LANES

SOP_PROCESS = "uji_kompetensi"
# Flow elements a modeller can only show with a diagram shape (or edge).
DRAWN = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "scriptTask",
        "callActivity",
        "subProcess",
        "startEvent",
        "endEvent",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "boundaryEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "sequenceFlow",
        "manualTask",
        "sendTask",
        "receiveTask",
        "eventBasedGateway",
        "businessRuleTask",
    }
)


@dataclass
class Problem:
    file: str
    element_id: str | None
    line: int | None
    message: str


@dataclass
class LintContext:
    file: str
    forms: dict[str, Any]  # form files of this deployment, by name
    form_deployed: Callable[[str], bool]  # is a form of this name deployed already?
    graphs: list[ProcessGraph] = field(default_factory=list)
    # Is this process key the target of a call activity (in this deployment or deployed)? Its children are
    # started by their caller, never by a user.
    called: Callable[[str], bool] = field(default=lambda _key: False)

    def problem(self, el: Any, message: str) -> Problem:
        return Problem(self.file, el.get("id"), el.sourceline, message)

    def user_tasks(self) -> Iterator[tuple[ProcessGraph, Any]]:
        for graph in self.graphs:
            for task in graph.of_type("userTask"):
                yield graph, task


Rule = Callable[[Any, LintContext], Iterable[Problem]]


def element_of(el: Any) -> Any:
    """The BPMN element an extension belongs to (extensions such as parameters have ids of their own)."""
    el = el.getparent()
    while el is not None and not (etree.QName(el).namespace == BPMN and el.get("id")):
        el = el.getparent()
    return el


def _known(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


# --- errors ------------------------------------------------------------------------------------------


def python_expressions(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """Conditions, scripts and service-task parameters are Python the sandbox accepts."""
    for cond in tree.xpath("//bpmn:conditionExpression", namespaces=NS):
        if problem := check_syntax(cond.text or "", "eval"):
            yield ctx.problem(element_of(cond), f"condition is not valid Python: {problem}")
    for script in tree.xpath("//bpmn:scriptTask/bpmn:script", namespaces=NS):
        if problem := check_syntax(script.text or "", "exec"):
            yield ctx.problem(element_of(script), f"script is not valid Python: {problem}")
    for param in tree.xpath("//spiffworkflow:parameter", namespaces=NS):
        if problem := check_syntax(param.get("value") or "", "eval"):
            yield ctx.problem(
                element_of(param), f"parameter {param.get('id')!r} is not a valid Python expression: {problem}"
            )


def service_operators(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for op in tree.xpath("//spiffworkflow:serviceTaskOperator", namespaces=NS):
        if op.get("id") not in service_tasks.REGISTRY:
            yield ctx.problem(
                element_of(op),
                f"service operator {op.get('id')!r} is not registered (known: {_known(service_tasks.REGISTRY)})",
            )


def user_task_lanes(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A user task's lane decides whose inbox it reaches."""
    for graph, task in ctx.user_tasks():
        lane_el = graph.lane_of.get(task.get("id"))
        lane = None if lane_el is None else (lane_el.get("name") or "")
        if lane not in LANE_ROLES:
            yield ctx.problem(
                task, f"user task is in lane {lane!r}, which maps to no role (lanes: {', '.join(LANE_ROLES)})"
            )


def forms_present(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """Every user task has a form, deployed with it or before."""
    for _, task in ctx.user_tasks():
        props = element_properties(task)
        if not props.get(Prop.FORM):
            yield ctx.problem(task, f"user task has no form (property {Prop.FORM})")
        for key in (Prop.FORM, Prop.UI_FORM):
            ref = props.get(key)
            if ref and ref not in ctx.forms and not ctx.form_deployed(ref):
                yield ctx.problem(task, f"form file {ref!r} is neither in this deployment nor deployed")


def assignees(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for _, task in ctx.user_tasks():
        expr = element_properties(task).get(Prop.ASSIGNEE)
        if expr and (problem := check_syntax(expr, "eval")):
            yield ctx.problem(task, f"assignee is not a valid Python expression: {problem}")


def validators_registered(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for _, task in ctx.user_tasks():
        if (name := element_properties(task).get(Prop.VALIDATOR)) and name not in service_tasks.VALIDATORS:
            yield ctx.problem(task, f"validator {name!r} is not registered (known: {_known(service_tasks.VALIDATORS)})")


def escalation_steps(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for _, task in ctx.user_tasks():
        if (step := element_properties(task).get(Prop.ESKALASI_LANGKAH)) is not None and not step.isdigit():
            yield ctx.problem(task, f"{Prop.ESKALASI_LANGKAH} must be an SOP step number, not {step!r}")


def timer_expressions(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for timer in tree.xpath(
        "//bpmn:timerEventDefinition/*[self::bpmn:timeDate or self::bpmn:timeDuration or self::bpmn:timeCycle]",
        namespaces=NS,
    ):
        if problem := check_syntax(timer.text or "", "eval"):
            yield ctx.problem(element_of(timer), f"timer expression is not valid Python: {problem}")


def child_subjects(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for prop in tree.xpath(
        "//bpmn:callActivity//spiffworkflow:property[@name=$n]", namespaces=NS, n=Prop.CHILD_SUBJECT.value
    ):
        if problem := check_syntax(prop.get("value") or "", "eval"):
            yield ctx.problem(element_of(prop), f"{Prop.CHILD_SUBJECT} is not a valid Python expression: {problem}")


def time_standards(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for el in tree.xpath(
        "//*[spiffworkflow:properties or bpmn:extensionElements/spiffworkflow:properties]", namespaces=NS
    ):
        for p in el.xpath(".//spiffworkflow:property[@name=$n]", namespaces=NS, n=Prop.TIME_STANDARD.value):
            try:
                parse_duration(p.get("value") or "")
            except ValueError as exc:
                yield ctx.problem(el, str(exc))


def sop_lanes(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """The SOP process keeps its six lanes: they are who does what."""
    for graph in ctx.graphs:
        if graph.id != SOP_PROCESS:
            continue
        names = {lane.get("name") for lane in graph.lanes()}
        for lane in SOP_LANES:
            if lane not in names:
                yield ctx.problem(graph.process, f"the SOP process must keep the lane {lane!r}")


def issuing_processes(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A process calling an issuing operator (certificates, SKs) cannot be started by a candidate or an
    asesor (where it may run at all is the approval rule in `api/engine/penerbitan.py`)."""
    for graph in ctx.graphs:
        for start, message in issuing_start_lanes(graph, ctx.called(graph.id)):
            yield ctx.problem(start, message)


# --- warnings ----------------------------------------------------------------------------------------


def diagram_shapes(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    shapes = {s.get("bpmnElement") for s in tree.xpath("//*[local-name()='BPMNShape' or local-name()='BPMNEdge']")}
    for graph in ctx.graphs:
        for element_id, el in graph.elements.items():
            if el is not graph.process and local_name(el) in DRAWN and element_id not in shapes:
                yield ctx.problem(el, "element has no diagram shape: modellers will not show it")


def unknown_properties(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A property the service does not read is most likely a typo of one it does."""
    known = {p.value for p in Prop}
    for prop in tree.xpath("//spiffworkflow:properties/spiffworkflow:property", namespaces=NS):
        if (name := prop.get("name") or "") not in known:
            yield ctx.problem(
                element_of(prop), f"property {name!r} is not one the service reads (known: {_known(known)})"
            )


ERRORS: list[Rule] = [
    python_expressions,
    service_operators,
    user_task_lanes,
    forms_present,
    assignees,
    validators_registered,
    escalation_steps,
    timer_expressions,
    child_subjects,
    time_standards,
    sop_lanes,
    issuing_processes,
]
WARNINGS: list[Rule] = [diagram_shapes, unknown_properties]


def lint(tree: Any, ctx: LintContext) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of one BPMN file."""
    errors = [p for rule in ERRORS for p in rule(tree, ctx)]
    warnings = [p for rule in WARNINGS for p in rule(tree, ctx)]
    return errors, warnings
