"""Deploying BPMN and form files: validate everything, store the files, version each changed process.

Errors name the file, the BPMN element and the line, so a designer can find them in the modeller; their
messages are Indonesian, for the designer (the lint's rules in lint_rules.py and form_rules.py; what the
parsers say, in tool_messages.py).
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import jsonschema
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from api.engine.bpmn import FORM_PROPS, NS, ProcessGraph, parse, process_elements
from api.engine.form_rules import FORM_ERRORS
from api.engine.lint_rules import LintContext, Problem, lint
from api.engine.penerbitan import perubahan_penerbitan
from api.engine.process_models import add_files, latest_definition, new_parser
from api.engine.tool_messages import json_message, parser_message, schema_message, xml_message
from api.store.enums import LANE_ROLES, DeploymentStatus
from api.store.models import Deployment, DeploymentFile, ProcessDefinition

__all__ = ["NS", "DeploymentInvalid", "Problem", "deploy", "form_problems", "problem_json", "validate"]
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")
_MAX_NAME = int(getattr(DeploymentFile.__table__.c.name.type, "length", 200))
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}
# Deployments take this transaction-scoped PostgreSQL lock first: two at once (two servers, a double click)
# then run one after the other, so identical content never gets two versions and versions never collide.
# SQLite needs none: a writer holds the database's write lock from its first statement (BEGIN IMMEDIATE).
DEPLOY_LOCK = 0x756A696B6F6D  # "ujikom"


class DeploymentInvalid(Exception):
    def __init__(self, errors: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in errors))
        self.errors = errors

    def as_json(self) -> dict[str, Any]:
        """The 422 body: `detail` for integrators (English); each error names its file, line and `path` (the
        BPMN element, or the dotted path in a form; the file when the whole file is at fault) with an
        Indonesian `message` for the designer."""
        return {
            "detail": f"the deployment is invalid ({len(self.errors)} error(s)); nothing was deployed",
            "errors": [problem_json(p) for p in self.errors],
        }


def problem_json(p: Problem) -> dict[str, Any]:
    """A problem as the API answers it: its fields and `path`, what it names."""
    return {**asdict(p), "path": p.element_id or p.file}


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


def _not_utf8(name: str, content: bytes) -> Problem | None:
    """Files are stored as text: UTF-8 only (an XML declaration naming another encoding is refused too)."""
    declared = _XML_ENCODING.match(content)
    if declared and declared.group(1).decode("ascii", "replace").lower() not in _UTF8:
        encoding = declared.group(1).decode("ascii", "replace")
        return Problem(name, None, 1, f"Berkas ini menyatakan encoding {encoding!r}: simpan sebagai UTF-8")
    try:
        decoded = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return Problem(name, None, line, f"Berkas ini bukan teks UTF-8 (byte ke-{exc.start}): simpan sebagai UTF-8")
    if "\x00" in decoded:
        line = decoded[: decoded.index("\x00")].count("\n") + 1
        return Problem(name, None, line, "Berkas ini memuat karakter NUL: hapus karakter itu")
    return None


def validate(session: Session, files: dict[str, bytes]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for a set of uploaded files, checked against what is already deployed."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    trees: dict[str, Any] = {}
    forms: dict[str, Any] = {}
    for name, content in sorted(files.items()):
        if not _SAFE_NAME.match(name) or len(name) > _MAX_NAME:
            errors.append(
                Problem(
                    name[:_MAX_NAME],
                    None,
                    None,
                    f"Nama berkas hanya boleh memakai huruf, angka, '.', '_' dan '-', "
                    f"paling banyak {_MAX_NAME} karakter",
                )
            )
        elif problem := _not_utf8(name, content):
            errors.append(problem)
        elif name.endswith(".bpmn"):
            try:
                trees[name] = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False)).getroottree()
            except etree.XMLSyntaxError as exc:
                errors.append(Problem(name, None, exc.lineno, xml_message(exc.msg)))
        elif name.endswith(".json"):
            schema, problems = form_problems(name, content)
            if schema is not None:
                forms[name] = schema
            errors += problems
        else:
            errors.append(Problem(name, None, None, "Hanya berkas .bpmn dan formulir .json yang dapat diterapkan"))
    if not trees and not errors:
        errors.append(Problem("", None, None, "Penerapan memerlukan setidaknya satu berkas .bpmn"))
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
                        f"Proses yang dipanggil, {missing!r}, tidak ada di penerapan ini dan belum pernah diterapkan: "
                        "unggah bersama atau periksa calledElement",
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
            errors.append(
                Problem(_file_defining(trees, process_id), process_id, None, f"Proses ini tidak dapat dibaca ({exc})")
            )

    called_here = {
        c.get("calledElement") for tree in trees.values() for c in tree.xpath("//bpmn:callActivity", namespaces=NS)
    }
    for name, tree in trees.items():
        context = LintContext(
            name,
            forms,
            form_deployed=lambda ref: _latest_file(session, ref) is not None,
            graphs=[ProcessGraph.read(p) for p in process_elements(tree.getroot())],
            called=lambda key: key in called_here or _called_by_deployed(session, key),
            deployed_form=lambda ref: _deployed_form(session, ref),
            called_outputs=lambda key: _called_outputs(session, trees, key),
        )
        file_errors, file_warnings = lint(tree, context)
        errors += file_errors
        warnings += file_warnings
    return errors, warnings


def form_problems(name: str, content: bytes | str) -> tuple[Any, list[Problem]]:
    """A form file's schema (None when it is not JSON or not a JSON Schema) and what the form rules refuse in
    it: what a deployment checks of one form, and what the form editor shows while it is typed."""
    try:
        schema = json.loads(content)
    except json.JSONDecodeError as exc:
        return None, [Problem(name, None, exc.lineno, f"Berkas ini {json_message(exc.msg, exc.lineno, exc.colno)}")]
    except ValueError as exc:  # bytes that are not UTF-8 (a deployment refuses them before)
        return None, [Problem(name, None, None, f"Berkas ini bukan teks UTF-8 ({exc}): simpan sebagai UTF-8")]
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        path = ".".join(str(p) for p in exc.absolute_path) or None
        return None, [Problem(name, path, None, schema_message(exc.message))]
    return schema, [p for rule in FORM_ERRORS for p in rule(name, schema)]


def _deployed_form(session: Session, name: str) -> Any:
    """The schema of the newest deployed form of this name (None when none is, or it is not JSON)."""
    f = _latest_file(session, name)
    try:
        return None if f is None else json.loads(f.content)
    except ValueError:
        return None


def _called_outputs(session: Session, trees: dict[str, Any], key: str) -> set[str] | None:
    """The data outputs (ids and names) of the process `key` as it would be called: from this deployment or
    the newest deployed version. None when it is nowhere or declares none (then it returns all its data)."""
    process = next((p for t in trees.values() for p in t.xpath("//bpmn:process[@id=$k]", namespaces=NS, k=key)), None)
    if process is None and (definition := latest_definition(session, key)) is not None:
        f = session.scalars(
            select(DeploymentFile).where(
                DeploymentFile.deployment_id == definition.deployment_id, DeploymentFile.name == definition.bpmn_file
            )
        ).first()
        found = [] if f is None else parse(f.content).xpath("//bpmn:process[@id=$k]", namespaces=NS, k=key)
        process = found[0] if found else None
    if process is None:
        return None
    outputs = process.xpath("./bpmn:ioSpecification/bpmn:dataOutput", namespaces=NS)
    return {v for o in outputs for v in (o.get("id"), o.get("name")) if v} or None


def _file_defining(trees: dict[str, Any], process_id: str) -> str:
    for name, tree in trees.items():
        if tree.xpath("//bpmn:process[@id=$p]", namespaces=NS, p=process_id):
            return name
    return ""


def _from_validation(exc: ValidationException, file: str, tree: Any) -> Problem:
    element_id = getattr(exc, "id", None) or None
    line = getattr(exc, "line_number", None) or _line_of(tree, element_id)
    said = str(getattr(exc, "message", None) or exc)
    message = parser_message(said)
    return Problem(file or getattr(exc, "file_name", "") or "", element_id, int(line) if line else None, message)


@dataclass
class DeployResult:
    deployment: Deployment
    definitions: list[ProcessDefinition]
    warnings: list[Problem]
    created: bool  # False: every file was already deployed as it is (nothing stored)

    @property
    def menunggu_persetujuan(self) -> bool:
        return self.deployment.status == DeploymentStatus.MENUNGGU_PERSETUJUAN


def deploy(session: Session, files: dict[str, bytes], actor: str, now: Any) -> DeployResult:
    """Store a validated deployment; a process whose content (file and its forms) changed gets version n+1.

    A deployment changing where issuing operators run (:func:`perubahan_penerbitan`) is stored waiting for
    Ketua LSP (`menunggu_persetujuan`): its files wait on the row, with no file rows and no versions, so
    nothing starts or resolves them until :func:`setujui` deploys them.
    """
    _lock_deploys(session)
    errors, warnings = validate(session, files)
    if errors:
        raise DeploymentInvalid(errors)
    duplicate = _unchanged(session, files)
    if duplicate is not None:
        return DeployResult(*duplicate, warnings=warnings, created=False)
    if perubahan := perubahan_penerbitan(session, files):
        waiting = Deployment(
            created_at=now,
            created_by=actor,
            status=DeploymentStatus.MENUNGGU_PERSETUJUAN,
            penerbitan=perubahan,
            berkas_tertunda={name: content.decode() for name, content in sorted(files.items())},
        )
        session.add(waiting)
        session.flush()
        return DeployResult(waiting, [], warnings, created=True)
    return DeployResult(*_store(session, files, Deployment(created_at=now, created_by=actor)), warnings, created=True)


class ApprovalRefused(Exception):
    """An approval or rejection that cannot be made: `status` is the HTTP status it answers."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _waiting(session: Session, deployment_id: int, actor: str) -> Deployment:
    row = session.get(Deployment, deployment_id, with_for_update=True)
    if row is None:
        raise ApprovalRefused(404, f"no deployment {deployment_id}")
    if row.status != DeploymentStatus.MENUNGGU_PERSETUJUAN:
        raise ApprovalRefused(409, f"deployment {deployment_id} is {row.status}, not awaiting approval")
    if row.created_by == actor:
        raise ApprovalRefused(403, f"deployment {deployment_id} was uploaded by {actor}: another person approves it")
    return row


def _lock_deploys(session: Session) -> None:
    """Deployments one at a time (PostgreSQL; SQLite's writers already are): identical concurrent uploads
    find each other's version instead of drawing the same version number."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": DEPLOY_LOCK})


def setujui(session: Session, deployment_id: int, actor: str, now: Any) -> DeployResult:
    """Ketua LSP approves a waiting deployment: its files are validated again and deployed as a new
    deployment (so versions and linked SOPs resolve in the order they became active)."""
    _lock_deploys(session)
    request = _waiting(session, deployment_id, actor)
    files = {name: content.encode() for name, content in (request.berkas_tertunda or {}).items()}
    errors, warnings = validate(session, files)
    if errors:
        raise DeploymentInvalid(errors)
    if perubahan_penerbitan(session, files) != request.penerbitan:
        raise ApprovalRefused(
            409, f"the deployed processes changed since deployment {deployment_id} was uploaded: upload it again"
        )
    request.status, request.diputuskan_oleh, request.diputuskan_at = DeploymentStatus.DISETUJUI, actor, now
    active = Deployment(
        created_at=now,
        created_by=request.created_by,
        penerbitan=request.penerbitan,
        diputuskan_oleh=actor,
        diputuskan_at=now,
        permintaan_id=request.id,
    )
    return DeployResult(*_store(session, files, active), warnings, created=True)


def tolak(session: Session, deployment_id: int, actor: str, now: Any, alasan: str) -> Deployment:
    """Ketua LSP rejects a waiting deployment, with the reason; nothing of it is ever deployed."""
    request = _waiting(session, deployment_id, actor)
    request.status, request.diputuskan_oleh, request.diputuskan_at = DeploymentStatus.DITOLAK, actor, now
    request.alasan = alasan
    session.flush()
    return request


def _store(
    session: Session, files: dict[str, bytes], deployment: Deployment
) -> tuple[Deployment, list[ProcessDefinition]]:
    """Store the files under `deployment` and version each process whose content changed."""
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
            latest = latest_definition(session, key)
            if latest is not None and latest.content_sha256 == digest:
                definitions.append(latest)
                continue
            version = (latest.version if latest is not None else 0) + 1
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
    return deployment, definitions


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
    definitions = [d for key in sorted(keys) if (d := latest_definition(session, key))]
    deployment = session.get_one(Deployment, max(f.deployment_id for f in latest))
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
        {p.get("value") for p in tree.xpath("//spiffworkflow:property", namespaces=NS) if p.get("name") in FORM_PROPS}
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
    graph = ProcessGraph.read(process)
    return sorted({role for s in graph.none_starts() if (role := LANE_ROLES.get(graph.lane_name(s) or ""))})
