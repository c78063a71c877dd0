"""Deploying BPMN and form files: validate everything, store the files, version each changed process.

Errors name the file, the BPMN element and the line, so a designer can find them in the modeller.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import jsonschema
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import service_tasks
from api.engine.durations import parse_duration
from api.engine.process_models import add_files, new_parser
from api.engine.sandbox import check_syntax
from api.store.models import (
    LANE_ROLES,
    SOP_LANES,
    Deployment,
    DeploymentFile,
    ProcessDefinition,
)

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
SOP_PROCESS = "uji_kompetensi"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


@dataclass
class Problem:
    file: str
    element_id: str | None
    line: int | None
    message: str


class DeploymentInvalid(Exception):
    def __init__(self, errors: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in errors))
        self.errors = errors

    def as_json(self) -> dict[str, Any]:
        return {"errors": [asdict(p) for p in self.errors]}


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _latest_file(session: Session, name: str) -> DeploymentFile | None:
    return session.scalars(
        select(DeploymentFile).where(DeploymentFile.name == name).order_by(DeploymentFile.deployment_id.desc()).limit(1)
    ).first()


def _deployed_process_keys(session: Session) -> set[str]:
    return set(session.scalars(select(ProcessDefinition.key).distinct()))


def _line_of(tree: Any, element_id: str | None) -> int | None:
    if tree is None or not element_id:
        return None
    found = tree.xpath("//*[@id=$i]", i=element_id)
    return found[0].sourceline if found else None


def validate(session: Session, files: dict[str, bytes]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for a set of uploaded files, checked against what is already deployed."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    trees: dict[str, Any] = {}
    forms: dict[str, Any] = {}
    for name, content in sorted(files.items()):
        if not _SAFE_NAME.match(name):
            errors.append(Problem(name, None, None, "file names may use letters, digits, '.', '_' and '-' only"))
        elif name.endswith(".bpmn"):
            try:
                trees[name] = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False)).getroottree()
            except etree.XMLSyntaxError as exc:
                errors.append(Problem(name, None, exc.lineno, f"malformed XML: {exc.msg}"))
        elif name.endswith(".json"):
            try:
                schema = json.loads(content)
                jsonschema.validators.validator_for(schema).check_schema(schema)
                forms[name] = schema
            except (ValueError, jsonschema.SchemaError) as exc:
                errors.append(Problem(name, None, getattr(exc, "lineno", None), f"not a valid JSON Schema: {exc}"))
        else:
            errors.append(Problem(name, None, None, "only .bpmn and form .json files can be deployed"))
    if not trees and not errors:
        errors.append(Problem("", None, None, "a deployment needs at least one .bpmn file"))
    if errors:
        return errors, warnings

    # The parser: XSD and BPMN semantics. Called processes may come from earlier deployments.
    parser = new_parser()
    for name, tree in trees.items():
        try:
            add_files(parser, {name: etree.tostring(tree)})
        except ValidationException as exc:
            errors.append(_from_validation(exc, name, tree))
    if errors:
        return errors, warnings
    defined = set(parser.get_process_ids())
    deployed = _deployed_process_keys(session)
    for missing in sorted(set(parser.get_process_dependencies()) - defined - deployed):
        for name, tree in trees.items():
            for el in tree.xpath("//bpmn:callActivity[@calledElement=$c]", namespaces=NS, c=missing):
                errors.append(
                    Problem(
                        name,
                        el.get("id"),
                        el.sourceline,
                        f"called process {missing!r} is neither in this deployment nor deployed",
                    )
                )
    if errors:
        return errors, warnings
    for process_id in sorted(defined):
        try:
            parser.get_spec(process_id)
        except ValidationException as exc:
            file = exc.file_name or _file_defining(trees, process_id)
            errors.append(_from_validation(exc, file, trees.get(file)))
        except Exception as exc:  # the parser's own bugs still point at the process
            errors.append(Problem(_file_defining(trees, process_id), process_id, None, f"cannot parse: {exc}"))

    for name, tree in trees.items():
        _lint(session, name, tree, forms, errors, warnings)
    return errors, warnings


def _file_defining(trees: dict[str, Any], process_id: str) -> str:
    for name, tree in trees.items():
        if tree.xpath("//bpmn:process[@id=$p]", namespaces=NS, p=process_id):
            return name
    return ""


def _from_validation(exc: ValidationException, file: str, tree: Any) -> Problem:
    element_id = getattr(exc, "id", None) or None
    line = getattr(exc, "line_number", None) or _line_of(tree, element_id)
    message = str(getattr(exc, "message", None) or exc).strip()
    return Problem(file or getattr(exc, "file_name", "") or "", element_id, int(line) if line else None, message)


def _lint(
    session: Session, name: str, tree: Any, forms: dict[str, Any], errors: list[Problem], warnings: list[Problem]
) -> None:
    def err(el: Any, message: str) -> None:
        errors.append(Problem(name, el.get("id"), el.sourceline, message))

    def element_of(el: Any) -> Any:
        """The BPMN element an extension belongs to (extensions such as parameters have ids of their own)."""
        el = el.getparent()
        while el is not None and not (etree.QName(el).namespace == BPMN and el.get("id")):
            el = el.getparent()
        return el

    # Python in conditions, scripts, parameters and expressions.
    for cond in tree.xpath("//bpmn:conditionExpression", namespaces=NS):
        if problem := check_syntax(cond.text or "", "eval"):
            err(element_of(cond), f"condition is not valid Python: {problem}")
    for script in tree.xpath("//bpmn:scriptTask/bpmn:script", namespaces=NS):
        if problem := check_syntax(script.text or "", "exec"):
            err(element_of(script), f"script is not valid Python: {problem}")
    for param in tree.xpath("//spiffworkflow:parameter", namespaces=NS):
        if problem := check_syntax(param.get("value") or "", "eval"):
            err(element_of(param), f"parameter {param.get('id')!r} is not a valid Python expression: {problem}")
    for op in tree.xpath("//spiffworkflow:serviceTaskOperator", namespaces=NS):
        if op.get("id") not in service_tasks.REGISTRY:
            err(
                element_of(op),
                f"service operator {op.get('id')!r} is not registered "
                f"(known: {', '.join(sorted(service_tasks.REGISTRY))})",
            )

    lanes_of: dict[str, str] = {}
    for lane in tree.xpath("//bpmn:lane", namespaces=NS):
        for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS):
            lanes_of[(ref.text or "").strip()] = lane.get("name") or ""
    for task in tree.xpath("//bpmn:userTask", namespaces=NS):
        lane = lanes_of.get(task.get("id"))
        if lane not in LANE_ROLES:
            err(task, f"user task is in lane {lane!r}, which maps to no role (lanes: {', '.join(LANE_ROLES)})")
        props = {p.get("name"): p.get("value") for p in task.xpath(".//spiffworkflow:property", namespaces=NS)}
        form = props.get("formJsonSchemaFilename")
        if not form:
            err(task, "user task has no form (property formJsonSchemaFilename)")
        for key in ("formJsonSchemaFilename", "formUiSchemaFilename"):
            ref = props.get(key)
            if ref and ref not in forms and _latest_file(session, ref) is None:
                err(task, f"form file {ref!r} is neither in this deployment nor deployed")
        if props.get("assignee") and (problem := check_syntax(props["assignee"], "eval")):
            err(task, f"assignee is not a valid Python expression: {problem}")
        if (name_ := props.get("validator")) and name_ not in service_tasks.VALIDATORS:
            err(task, f"validator {name_!r} is not registered (known: {', '.join(sorted(service_tasks.VALIDATORS))})")
        if (step := props.get("eskalasiLangkah")) is not None and not step.isdigit():
            err(task, f"eskalasiLangkah must be an SOP step number, not {step!r}")
    for timer in tree.xpath(
        "//bpmn:timerEventDefinition/*[self::bpmn:timeDate or self::bpmn:timeDuration or self::bpmn:timeCycle]",
        namespaces=NS,
    ):
        if problem := check_syntax(timer.text or "", "eval"):
            err(element_of(timer), f"timer expression is not valid Python: {problem}")
    for prop in tree.xpath("//bpmn:callActivity//spiffworkflow:property[@name='childSubject']", namespaces=NS):
        if problem := check_syntax(prop.get("value") or "", "eval"):
            err(element_of(prop), f"childSubject is not a valid Python expression: {problem}")
    for el in tree.xpath(
        "//*[spiffworkflow:properties or bpmn:extensionElements/spiffworkflow:properties]", namespaces=NS
    ):
        for p in el.xpath(".//spiffworkflow:property[@name='timeStandard']", namespaces=NS):
            try:
                parse_duration(p.get("value") or "")
            except ValueError as exc:
                err(el, str(exc))

    for process in tree.xpath("//bpmn:process[@id=$p]", namespaces=NS, p=SOP_PROCESS):
        names = {lane.get("name") for lane in process.xpath(".//bpmn:lane", namespaces=NS)}
        for lane in SOP_LANES:
            if lane not in names:
                err(process, f"the SOP process must keep the lane {lane!r}")

    shapes = {s.get("bpmnElement") for s in tree.xpath("//*[local-name()='BPMNShape' or local-name()='BPMNEdge']")}
    for el in tree.xpath("//bpmn:process//*[@id][not(self::bpmn:lane) and not(self::bpmn:laneSet)]", namespaces=NS):
        tag = etree.QName(el).localname
        if tag in (
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
        ):
            if el.get("id") not in shapes:
                warnings.append(
                    Problem(
                        name, el.get("id"), el.sourceline, "element has no diagram shape: modellers will not show it"
                    )
                )


@dataclass
class DeployResult:
    deployment: Deployment
    definitions: list[ProcessDefinition]
    warnings: list[Problem]
    created: bool  # False: every file was already deployed as it is (nothing stored)


def deploy(session: Session, files: dict[str, bytes], actor: str, now: Any) -> DeployResult:
    """Store a validated deployment; a process whose content (file and its forms) changed gets version n+1."""
    errors, warnings = validate(session, files)
    if errors:
        raise DeploymentInvalid(errors)
    duplicate = _unchanged(session, files)
    if duplicate is not None:
        return DeployResult(*duplicate, warnings=warnings, created=False)
    deployment = Deployment(created_at=now, created_by=actor)
    session.add(deployment)
    session.flush()
    for name, content in sorted(files.items()):
        session.add(
            DeploymentFile(deployment_id=deployment.id, name=name, content=content.decode(), sha256=_sha(content))
        )
    session.flush()
    definitions = []
    for name, content in sorted(files.items()):
        if not name.endswith(".bpmn"):
            continue
        tree = etree.fromstring(content).getroottree()
        digest = _content_digest(session, content, tree, files)
        for process in tree.xpath("//bpmn:process", namespaces=NS):
            key = process.get("id")
            latest = session.scalars(
                select(ProcessDefinition)
                .where(ProcessDefinition.key == key)
                .order_by(ProcessDefinition.version.desc())
                .limit(1)
            ).first()
            if latest is not None and latest.content_sha256 == digest:
                definitions.append(latest)
                continue
            version = (
                session.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key)) or 0
            ) + 1
            definition = ProcessDefinition(
                key=key,
                version=version,
                name=process.get("name") or key,
                deployment_id=deployment.id,
                bpmn_file=name,
                content_sha256=digest,
                startable=False,
                start_roles=_start_roles(process),
            )
            session.add(definition)
            definitions.append(definition)
    called = set()
    for name, content in files.items():
        if name.endswith(".bpmn"):
            tree = etree.fromstring(content).getroottree()
            called |= {c.get("calledElement") for c in tree.xpath("//bpmn:callActivity", namespaces=NS)}
    for d in definitions:
        if d.deployment_id == deployment.id:
            d.startable = d.key not in called and not _called_by_deployed(session, d.key)
    session.flush()
    session.refresh(deployment)
    return DeployResult(deployment, definitions, warnings, created=True)


def _unchanged(session: Session, files: dict[str, bytes]) -> tuple[Deployment, list[ProcessDefinition]] | None:
    """Duplicate filtering: when every file equals the newest deployed file of its name, nothing is stored
    and the answer is the newest deployment holding them, with the current versions of their processes."""
    latest: list[DeploymentFile] = []
    for name, content in files.items():
        f = _latest_file(session, name)
        if f is None or f.sha256 != _sha(content):
            return None
        latest.append(f)
    keys = set()
    for name, content in files.items():
        if name.endswith(".bpmn"):
            keys |= {p.get("id") for p in etree.fromstring(content).xpath("//bpmn:process", namespaces=NS)}
    definitions = [
        d
        for key in sorted(keys)
        if (
            d := session.scalars(
                select(ProcessDefinition)
                .where(ProcessDefinition.key == key)
                .order_by(ProcessDefinition.version.desc())
                .limit(1)
            ).first()
        )
    ]
    deployment = session.get(Deployment, max(f.deployment_id for f in latest))
    return deployment, definitions


def _called_by_deployed(session: Session, key: str) -> bool:
    """Is `key` the target of a call activity in the latest version of any other deployed process?"""
    for f in session.scalars(
        select(DeploymentFile)
        .join(
            ProcessDefinition,
            (ProcessDefinition.deployment_id == DeploymentFile.deployment_id)
            & (ProcessDefinition.bpmn_file == DeploymentFile.name),
        )
        .where(ProcessDefinition.key != key)
    ):
        if f'calledElement="{key}"' in f.content:
            return True
    return False


def _content_digest(session: Session, content: bytes, tree: Any, files: dict[str, bytes]) -> str:
    """The BPMN file plus every form it references: a changed form is a new version too."""
    h = hashlib.sha256(content)
    refs = sorted(
        {
            p.get("value")
            for p in tree.xpath(
                "//spiffworkflow:property[@name='formJsonSchemaFilename' or @name='formUiSchemaFilename']",
                namespaces=NS,
            )
        }
    )
    for ref in refs:
        body = files.get(ref)
        if body is None:
            latest = _latest_file(session, ref)
            body = latest.content.encode() if latest else b""
        h.update(ref.encode() + b"\0" + body)
    return h.hexdigest()


def _start_roles(process: Any) -> list[str]:
    """Who may start a process: the roles of the lanes holding its none start events."""
    starts = {
        s.get("id")
        for s in process.xpath("bpmn:startEvent[not(*[contains(local-name(), 'EventDefinition')])]", namespaces=NS)
    }
    roles = set()
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        if starts & {(r.text or "").strip() for r in lane.xpath("bpmn:flowNodeRef", namespaces=NS)}:
            if role := LANE_ROLES.get(lane.get("name") or ""):
                roles.add(role)
    return sorted(roles)
