"""The deploy linter: what SpiffWorkflow's parser accepts but the service cannot run, one small rule each.

A rule reads one BPMN file (`tree`, with its processes read once in `context.graphs`) and yields the
problems it finds, each naming the file, the element and its line. `ERRORS` refuse a deployment;
`WARNINGS` are reported beside it. A new check is one function added to a list, and one test.

A problem's message is read by a process designer in the modeller, the form editor and `ujikom deploy`: it is
Indonesian, says what to do, and keeps ids, property and file names verbatim.
"""

import builtins
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from lxml import etree

import service_tasks
from api.engine.bpmn import BPMN, FORM_PROPS, NS, ProcessGraph, Prop, element_properties, local_name
from api.engine.durations import TIMER_CHECKS, parse_duration, timer_problem
from api.engine.expression_names import assigned_in, free_names, schema_fields, string_literal
from api.engine.penerbitan import issuing_start_lanes
from api.engine.sandbox import check_syntax
from api.store.enums import LANE_ROLES, SOP_LANES
from api.store.models import HumanTask, ProcessDefinition
from service_tasks.durasi import Durasi

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
    # A deployed form's schema (None: not deployed); the data outputs of a process this one calls (None:
    # unknown, or all of its data). Both default to "unknown", which skips the checks that need them.
    deployed_form: Callable[[str], Any] = lambda _: None
    called_outputs: Callable[[str], set[str] | None] = lambda _: None

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
            yield ctx.problem(element_of(cond), f"Kondisi ini bukan ekspresi Python yang sah: {problem}")
    for script in tree.xpath("//bpmn:scriptTask/bpmn:script", namespaces=NS):
        if problem := check_syntax(script.text or "", "exec"):
            yield ctx.problem(element_of(script), f"Skrip ini bukan kode Python yang sah: {problem}")
    for param in tree.xpath("//spiffworkflow:parameter", namespaces=NS):
        if problem := check_syntax(param.get("value") or "", "eval"):
            yield ctx.problem(
                element_of(param),
                f"Parameter {param.get('id')!r} bukan ekspresi Python yang sah: {problem} "
                "(teks ditulis dengan tanda kutip, mis. 'P2D')",
            )


def service_operators(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for op in tree.xpath("//spiffworkflow:serviceTaskOperator", namespaces=NS):
        if op.get("id") not in service_tasks.REGISTRY:
            yield ctx.problem(
                element_of(op),
                f"Operator layanan {op.get('id')!r} tidak terdaftar; daftar operator: {_known(service_tasks.REGISTRY)}",
            )


def user_task_lanes(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A user task's lane decides whose inbox it reaches."""
    for graph, task in ctx.user_tasks():
        lane_el = graph.lane_of.get(task.get("id"))
        lane = None if lane_el is None else (lane_el.get("name") or "")
        if lane not in LANE_ROLES:
            where = (
                "tidak berada di lane mana pun"
                if lane is None
                else f"ada di lane {lane!r}, yang tidak terhubung ke peran mana pun"
            )
            yield ctx.problem(
                task,
                f"Tugas pengguna {task.get('id')!r} {where}: pindahkan ke salah satu lane {', '.join(LANE_ROLES)}",
            )


def forms_present(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """Every user task has a form, deployed with it or before."""
    for _, task in ctx.user_tasks():
        props = element_properties(task)
        if not props.get(Prop.FORM):
            yield ctx.problem(task, f"Tugas pengguna {task.get('id')!r} tidak punya formulir: isi properti {Prop.FORM}")
        for key in (Prop.FORM, Prop.UI_FORM):
            ref = props.get(key)
            if ref and ref not in ctx.forms and not ctx.form_deployed(ref):
                yield ctx.problem(
                    task,
                    f"Berkas formulir {ref!r} tidak ada di penerapan ini dan belum pernah diterapkan: "
                    "unggah bersama BPMN-nya",
                )


def assignees(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for _, task in ctx.user_tasks():
        expr = element_properties(task).get(Prop.ASSIGNEE)
        if expr and (problem := check_syntax(expr, "eval")):
            yield ctx.problem(task, f"{Prop.ASSIGNEE} bukan ekspresi Python yang sah: {problem}")


def validators_registered(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for _, task in ctx.user_tasks():
        if (name := element_properties(task).get(Prop.VALIDATOR)) and name not in service_tasks.VALIDATORS:
            yield ctx.problem(
                task,
                f"Tugas {task.get('id')!r} menamai validator {name!r} yang tidak terdaftar; "
                f"daftar validator: {_known(service_tasks.VALIDATORS)}",
            )


def escalation_steps(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for _, task in ctx.user_tasks():
        if (step := element_properties(task).get(Prop.ESKALASI_LANGKAH)) is not None and not step.isdigit():
            yield ctx.problem(task, f"{Prop.ESKALASI_LANGKAH} harus nomor langkah SOP (mis. 3), bukan {step!r}")


def timer_expressions(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for timer in tree.xpath(
        "//bpmn:timerEventDefinition/*[self::bpmn:timeDate or self::bpmn:timeDuration or self::bpmn:timeCycle]",
        namespaces=NS,
    ):
        if problem := check_syntax(timer.text or "", "eval"):
            # The event the timer belongs to (its definition may have an id of its own, but no shape).
            yield ctx.problem(element_of(timer.getparent()), f"Ekspresi timer bukan Python yang sah: {problem}")


def child_subjects(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    for prop in tree.xpath(
        "//bpmn:callActivity//spiffworkflow:property[@name=$n]", namespaces=NS, n=Prop.CHILD_SUBJECT.value
    ):
        if problem := check_syntax(prop.get("value") or "", "eval"):
            yield ctx.problem(element_of(prop), f"{Prop.CHILD_SUBJECT} bukan ekspresi Python yang sah: {problem}")


def async_after(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """`asyncAfter` belongs on a user task (the worker runs what follows its completion) and is "true"."""
    for prop in tree.xpath("//spiffworkflow:property[@name=$n]", namespaces=NS, n=Prop.ASYNC_AFTER.value):
        el = element_of(prop)
        if local_name(el) != "userTask":
            yield ctx.problem(el, f"{Prop.ASYNC_AFTER} hanya berlaku pada tugas pengguna, bukan pada {local_name(el)}")
        elif (value := prop.get("value")) != "true":
            yield ctx.problem(el, f'{Prop.ASYNC_AFTER} harus bernilai "true", bukan {value!r}')


def time_standards(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """Each time standard (a step's, a task's own) is an ISO 8601 duration, reported once, on the element it
    belongs to."""
    for prop in (Prop.TIME_STANDARD, Prop.DUE_AFTER):
        for p in tree.xpath("//spiffworkflow:property[@name=$n]", namespaces=NS, n=prop.value):
            try:
                parse_duration(p.get("value") or "")
            except ValueError as exc:
                yield ctx.problem(element_of(p), f"{prop}: {exc}")


def sop_lanes(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """The SOP process keeps its six lanes: they are who does what."""
    for graph in ctx.graphs:
        if graph.id != SOP_PROCESS:
            continue
        names = {lane.get("name") for lane in graph.lanes()}
        for lane in SOP_LANES:
            if lane not in names:
                yield ctx.problem(
                    graph.process,
                    f"Proses SOP harus tetap memiliki lane {lane!r}: lane itu menentukan siapa yang mengerjakan apa",
                )


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
                yield ctx.problem(
                    el,
                    "Elemen ini tidak punya bentuk di diagram, jadi modeller tidak menampilkannya: "
                    "gambar ulang elemennya",
                )


def unknown_properties(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A property the service does not read is most likely a typo of one it does."""
    known = {p.value for p in Prop}
    for prop in tree.xpath("//spiffworkflow:properties/spiffworkflow:property", namespaces=NS):
        if (name := prop.get("name") or "") not in known:
            yield ctx.problem(
                element_of(prop),
                f"Properti {name!r} tidak dibaca layanan (salah ketik?); properti yang dikenal: {_known(known)}",
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
    async_after,
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


# --- what runs only at run time, checked at deploy (issue 13, L2) ------------------------------------

# Names a condition or timer may use besides the process's data: the sandbox's builtins and host functions.
HOST_NAMES = frozenset(dir(builtins)) | {"date", "datetime", "timedelta", "batas_langkah"}


def _length(column: Any) -> int:
    return int(column.type.length)


# The columns the ids and names a process brings are stored in.
MAX_KEY = _length(ProcessDefinition.__table__.c.key)
MAX_NAME = _length(ProcessDefinition.__table__.c.name)
MAX_ELEMENT_ID = _length(HumanTask.__table__.c.element_id)
MAX_LANE = _length(HumanTask.__table__.c.lane)


def operator_parameters(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A registered operator gets exactly the keyword parameters its function takes."""
    for op in tree.xpath("//spiffworkflow:serviceTaskOperator", namespaces=NS):
        fn = service_tasks.REGISTRY.get(op.get("id") or "")
        if fn is None:
            continue  # service_operators reports it
        given = {p.get("id") or "" for p in op.iterfind("spiffworkflow:parameters/spiffworkflow:parameter", NS)}
        params = list(inspect.signature(fn).parameters.values())[1:]  # after the ServiceContext
        keyword = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        any_keyword = any(p.kind == p.VAR_KEYWORD for p in params)
        unknown = set() if any_keyword else given - keyword
        missing = {p.name for p in params if p.name in keyword and p.default is p.empty} - given
        wrong = [f"tidak dikenal {_known(unknown)}"] if unknown else []
        wrong += [f"kurang {_known(missing)}"] if missing else []
        if wrong:
            yield ctx.problem(
                element_of(op),
                f"Operator layanan {op.get('id')!r}: parameternya salah: {'; '.join(wrong)} "
                f"(parameternya: {_known(keyword)})",
            )


def duration_parameters(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """An operator parameter the operator takes as a duration (annotated `Durasi`) is given, and is a quoted ISO
    8601 duration ('P14D'), as a time standard is: it is data the process designer edits, checked here, not at run
    time (a default in Python only serves the versions deployed before it was a parameter)."""
    for op in tree.xpath("//spiffworkflow:serviceTaskOperator", namespaces=NS):
        fn = service_tasks.REGISTRY.get(op.get("id") or "")
        if fn is None:
            continue  # service_operators reports it
        try:
            hints = get_type_hints(fn)
        except Exception:  # an annotation that does not resolve declares no duration
            continue
        given = {p.get("id") for p in op.iterfind("spiffworkflow:parameters/spiffworkflow:parameter", NS)}
        for name in sorted(n for n, hint in hints.items() if hint is Durasi and n not in given):
            yield ctx.problem(
                element_of(op),
                f"Operator layanan {op.get('id')!r}: parameter {name!r} (durasi ISO-8601 bertanda kutip, mis. "
                "'P14D') harus diisi di BPMN",
            )
        for param in op.iterfind("spiffworkflow:parameters/spiffworkflow:parameter", NS):
            name, value = param.get("id") or "", (param.get("value") or "").strip()
            if hints.get(name) is not Durasi or check_syntax(value, "eval"):
                continue  # python_expressions reports what is not Python
            literal = string_literal(value)
            if literal is None:
                problem = f"bukan durasi ISO-8601 bertanda kutip: {value!r} (contoh: 'P14D', 'P2D' atau 'PT1H')"
            else:
                try:
                    parse_duration(literal)
                    continue
                except ValueError as exc:
                    problem = str(exc)
            yield ctx.problem(element_of(op), f"Operator layanan {op.get('id')!r}, parameter {name!r}: {problem}")


_ISO_WORD = re.compile(r"^(R\d*_?)?P[0-9WDTHMS_]*$|^R\d*$", re.IGNORECASE)


def timer_literals(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A timer written as a string is a valid ISO 8601 value, and a cycle ends; an unquoted one is refused."""
    for timer in tree.xpath("//bpmn:timerEventDefinition/*", namespaces=NS):
        expression = (timer.text or "").strip()
        if local_name(timer) not in TIMER_CHECKS or check_syntax(expression, "eval"):
            continue  # timer_expressions reports what is not Python
        literal = string_literal(expression)
        if literal is not None:
            if problem := timer_problem(local_name(timer), literal):
                yield ctx.problem(element_of(timer.getparent()), f"{local_name(timer)}: {problem}")
        elif _ISO_WORD.match(expression):
            yield ctx.problem(
                element_of(timer.getparent()),
                f"{local_name(timer)} {expression} dibaca sebagai nama Python: beri tanda kutip ('{expression}')",
            )


def process_data_names(graph: ProcessGraph, ctx: LintContext) -> set[str] | None:
    """Every name a process's data can hold, or None when that cannot be known here (a user task's form
    or a called process's outputs are nowhere to read, or a called process returns all its data)."""
    names = {"periode"}  # starting a period with a business key sets it
    for el in graph.elements.values():
        kind = local_name(el)
        if kind in ("dataInput", "dataOutput", "dataObject", "dataObjectReference", "inputDataItem", "outputDataItem"):
            names |= {v for v in (el.get("id"), el.get("name")) if v}
        elif kind == "userTask":
            ref = element_properties(el).get(Prop.FORM)
            schema = ctx.forms.get(ref) if ref in ctx.forms else ctx.deployed_form(ref) if ref else None
            if ref and schema is None:
                return None
            names |= schema_fields(schema)
        elif kind == "callActivity":
            outputs = ctx.called_outputs(el.get("calledElement") or "")
            if outputs is None:
                return None
            names |= outputs
    for el in graph.process.iter():
        kind = local_name(el) if isinstance(el.tag, str) else ""
        if kind in ("loopDataInputRef", "loopDataOutputRef"):
            names.add((el.text or "").strip())
        elif kind in ("script", "preScript", "postScript"):  # script tasks' and spiffworkflow's pre/post
            names |= assigned_in(el.text or "", "exec")
        elif kind == "serviceTaskOperator" and (var := el.get("resultVariable")):
            names.add(var)
    return names


def condition_names(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A gateway condition (or a timer expression) reads only names the process's data can hold, the
    sandbox's builtins and host functions: a name assigned nowhere is a typo that fails at run time."""
    for graph in ctx.graphs:
        known: set[str] | None = None
        expressions = [(c, c.text or "") for c in graph.process.iterfind(".//bpmn:conditionExpression", NS)] + [
            (t, t.text or "") for t in graph.process.iterfind(".//bpmn:timerEventDefinition/*", NS)
        ]
        for el, expression in expressions:
            timer = local_name(el) != "conditionExpression"
            # An unquoted ISO 8601 timer (PT1H) is timer_literals' to report.
            free = [n for n in free_names(expression) if n not in HOST_NAMES and not (timer and _ISO_WORD.match(n))]
            if not free:
                continue
            if known is None and (known := process_data_names(graph, ctx)) is None:
                break
            if unknown := [n for n in free if n not in known]:
                what = local_name(el) if timer else "Kondisi"
                yield ctx.problem(
                    element_of(el.getparent() if timer else el),
                    f"{what} membaca {_known(unknown)}, yang tidak diisi apa pun di proses {graph.id!r} "
                    "(skrip, kolom formulir, data input, keluaran pemanggilan atau hasil tugas layanan): "
                    "periksa ejaannya",
                )


def stored_lengths(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """Ids and names the service stores fit their columns (a longer one would fail only at run time)."""
    for graph in ctx.graphs:
        if len(graph.id) > MAX_KEY:
            yield ctx.problem(graph.process, f"Id proses lebih dari {MAX_KEY} karakter: persingkat")
        if len(graph.process.get("name") or "") > MAX_NAME:
            yield ctx.problem(graph.process, f"Nama proses lebih dari {MAX_NAME} karakter: persingkat")
        for element_id, el in graph.elements.items():
            if el is graph.process:
                continue
            if len(element_id) > MAX_ELEMENT_ID:
                yield ctx.problem(el, f"Id elemen lebih dari {MAX_ELEMENT_ID} karakter: persingkat")
            limit = MAX_LANE if local_name(el) == "lane" else MAX_NAME
            if len(el.get("name") or "") > limit:
                yield ctx.problem(el, f"Nama elemen lebih dari {limit} karakter: persingkat")
    for _, task in ctx.user_tasks():
        for key in FORM_PROPS:
            if len(element_properties(task).get(key) or "") > MAX_ELEMENT_ID:
                yield ctx.problem(task, f"{key} lebih dari {MAX_ELEMENT_ID} karakter: persingkat nama berkasnya")


ERRORS += [operator_parameters, duration_parameters, timer_literals, condition_names, stored_lengths]


# Flow nodes that run straight on: a loop made only of these never waits for a person, a timer or a child.
_RUNS_ON = frozenset(
    {
        "task",
        "scriptTask",
        "serviceTask",
        "sendTask",
        "businessRuleTask",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "intermediateThrowEvent",
    }
)


def endless_loops(tree: Any, ctx: LintContext) -> Iterator[Problem]:
    """A loop of flow nodes that never wait and that no flow or boundary event leaves runs forever."""
    for graph in ctx.graphs:
        nodes = {i for i, el in graph.elements.items() if local_name(el) in _RUNS_ON}
        attached = {el.get("attachedToRef") for el in graph.of_type("boundaryEvent")}
        reach: dict[str, set[str]] = {}
        for node in nodes:
            seen, todo = set(), [node]
            while todo:
                for target in graph.outgoing.get(todo.pop(), []):
                    if target in nodes and target not in seen:
                        seen.add(target)
                        todo.append(target)
            reach[node] = seen
        reported: set[str] = set()
        for node in sorted(nodes, key=lambda i: (graph.elements[i].sourceline or 0, i)):
            if node in reported or node not in reach[node]:
                continue
            loop = {n for n in reach[node] if node in reach[n]}
            reported |= loop
            leaves = any(t not in loop for n in loop for t in graph.outgoing.get(n, [])) or loop & attached
            if not leaves:
                yield ctx.problem(
                    graph.elements[node],
                    f"Perulangan melalui {_known(loop)} tidak pernah menunggu dan tidak ada jalan keluarnya: "
                    "ia akan berjalan tanpa henti",
                )


ERRORS += [endless_loops]
