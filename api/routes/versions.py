"""Process versions for the modeller: list them, download their files, compare two, validate before deploying.

Reading (process models, versions, files, differences) is open to process designers and to the staff
who read instances (admin, direktur, ketua_lsp, kabid_*): the diagram of an instance is drawn from its
version's file. Validating, like deploying, is for desainer and admin only.
"""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, Response, UploadFile
from lxml import etree
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import CurrentUser, require_roles
from api.engine.bpmn_summary import diff, summarize
from api.engine.deployments import NS, validate
from api.engine.process_models import resolve_definition
from api.errors import ApiError
from api.routes.deployments import MAX_FILE_BYTES
from api.routes.instances import READERS, latest_definitions
from api.store.models import Deployment, DeploymentFile, ProcessDefinition
from api.store.storage import inline_disposition

router = APIRouter(prefix="/api", tags=["process versions"])
VersionReader = Annotated[CurrentUser, require_roles("desainer", *READERS)]
Designer = Annotated[CurrentUser, require_roles("desainer", "admin")]
CONTENT_TYPES = {"bpmn": "application/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


class VersionOut(BaseModel):
    id: int
    key: str
    name: str
    version: int
    deployment_id: int
    bpmn_file: str
    startable: bool
    created_at: datetime
    created_by: str


class VersionFile(BaseModel):
    name: str
    deployment_id: int
    url: str
    processes: list[str]  # process ids defined in the file
    main: bool  # the file of the version itself; the others define the processes it calls
    # The newest deployment holding a file of this name: a linked SOP may have been deployed anew since.
    newest_deployment_id: int


class Problems(BaseModel):
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


def _version_out(session: Session, d: ProcessDefinition) -> VersionOut:
    deployment = session.get(Deployment, d.deployment_id)
    return VersionOut(
        id=d.id,
        key=d.key,
        name=d.name,
        version=d.version,
        deployment_id=d.deployment_id,
        bpmn_file=d.bpmn_file,
        startable=d.startable,
        created_at=deployment.created_at,
        created_by=deployment.created_by,
    )


def file_url(deployment_id: int, name: str) -> str:
    return f"/api/deployments/{deployment_id}/files/{name}"


def _definition(session: Session, key: str, version: int) -> ProcessDefinition:
    d = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == version)
    ).first()
    if d is None:
        raise ApiError(404, f"no version {version} of process {key!r}")
    return d


def _file(session: Session, deployment_id: int, name: str) -> DeploymentFile:
    f = session.scalars(
        select(DeploymentFile).where(DeploymentFile.deployment_id == deployment_id, DeploymentFile.name == name)
    ).first()
    if f is None:
        raise ApiError(404, f"deployment {deployment_id} has no file {name!r}")
    return f


@router.get("/process-models", response_model=list[VersionOut])
def list_process_models(request: Request, user: VersionReader) -> list[VersionOut]:
    """The latest version of every deployed process, the called (linked SOP) ones included."""
    with request.app.state.db.reading() as session:
        return [_version_out(session, d) for d in latest_definitions(session)]


@router.get("/process-definitions/{key}/versions", response_model=list[VersionOut])
def list_versions(key: str, request: Request, user: VersionReader) -> list[VersionOut]:
    """Every version of a process, newest first."""
    with request.app.state.db.reading() as session:
        rows = session.scalars(
            select(ProcessDefinition).where(ProcessDefinition.key == key).order_by(ProcessDefinition.version.desc())
        ).all()
        if not rows:
            raise ApiError(404, f"no process {key!r}")
        return [_version_out(session, d) for d in rows]


@router.get("/process-definitions/{key}/versions/{version}/files", response_model=list[VersionFile])
def version_files(key: str, version: int, request: Request, user: VersionReader) -> list[VersionFile]:
    """The BPMN files that open this version: its own, then those of the processes it calls (recursively),
    each at the version a period started now runs them with (the latest version takes the latest linked
    SOPs; an older version, those deployed with it)."""
    with request.app.state.db.reading() as session:
        d = _definition(session, key, version)
        latest = session.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key))
        snapshot = session.scalar(select(func.max(Deployment.id))) if version == latest else d.deployment_id
        out: list[VersionFile] = []
        seen: set[tuple[int, str]] = set()
        queue = [(d.deployment_id, d.bpmn_file)]
        while queue:
            deployment_id, name = queue.pop(0)
            if (deployment_id, name) in seen:
                continue
            seen.add((deployment_id, name))
            tree = etree.fromstring(
                _file(session, deployment_id, name).content.encode(), etree.XMLParser(resolve_entities=False)
            )
            defined = [p.get("id") for p in tree.findall("bpmn:process", NS)]
            out.append(
                VersionFile(
                    name=name,
                    deployment_id=deployment_id,
                    url=file_url(deployment_id, name),
                    processes=defined,
                    main=not out,
                    newest_deployment_id=session.scalar(
                        select(func.max(DeploymentFile.deployment_id)).where(DeploymentFile.name == name)
                    ),
                )
            )
            for called in sorted({c.get("calledElement") for c in tree.iterfind(".//bpmn:callActivity", NS)}):
                target = resolve_definition(session, called, snapshot) if called not in defined else None
                if target is not None:
                    queue.append((target.deployment_id, target.bpmn_file))
        return out


@router.get("/process-definitions/{key}/versions/{version}/diff")
def version_diff(
    key: str, version: int, request: Request, user: VersionReader, against: int | None = None
) -> dict[str, Any]:
    """What changed from version `against` (default: the one before) to `version`, compared by element id:
    elements added, removed and changed (name, type, lane, attributes, extension properties, service
    operator and parameters, flows, conditions/scripts), plus the forms whose content changed."""
    with request.app.state.db.reading() as session:
        new = _definition(session, key, version)
        if against is None:
            against = version - 1
        old = _definition(session, key, against)
        old_file = _file(session, old.deployment_id, old.bpmn_file).content
        new_file = _file(session, new.deployment_id, new.bpmn_file).content
        changes = diff(summarize(old_file, key).get(key, {}), summarize(new_file, key).get(key, {}))
        old_forms, new_forms = _forms(session, old, old_file), _forms(session, new, new_file)
        return {
            "key": key,
            "version": version,
            "against": against,
            **changes,
            "forms_changed": sorted(
                name for name in old_forms.keys() | new_forms.keys() if old_forms.get(name) != new_forms.get(name)
            ),
        }


def _forms(session: Session, d: ProcessDefinition, content: str) -> dict[str, str | None]:
    """Form file name -> sha256 of the form this version runs with (the newest deployed with or before it)."""
    tree = etree.fromstring(content.encode(), etree.XMLParser(resolve_entities=False))
    names = {
        p.get("value")
        for p in tree.iterfind(".//spiffworkflow:property", NS)
        if p.get("name") in ("formJsonSchemaFilename", "formUiSchemaFilename")
    }
    return {
        name: session.scalar(
            select(DeploymentFile.sha256)
            .where(DeploymentFile.name == name, DeploymentFile.deployment_id <= d.deployment_id)
            .order_by(DeploymentFile.deployment_id.desc())
            .limit(1)
        )
        for name in names
        if name
    }


@router.get("/deployments/{deployment_id}/files/{name}")
def download_file(deployment_id: int, name: str, request: Request, user: VersionReader) -> Response:
    """A deployed file as it was uploaded, to open in a modeller or editor."""
    with request.app.state.db.reading() as session:
        f = _file(session, deployment_id, name)
        media_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
        return Response(
            f.content.encode(),
            media_type=media_type,
            headers={"Content-Disposition": inline_disposition(name), "ETag": f'"{f.sha256}"'},
        )


@router.post("/deployments/validate", response_model=Problems)
def validate_files(
    request: Request,
    user: Designer,
    files: Annotated[list[UploadFile], File(description=".bpmn and form .json files")],
) -> Problems:
    """The deploy-time checks without deploying: 200 with every error and warning (the same validator)."""
    contents: dict[str, bytes] = {}
    for f in files:
        body = f.file.read(MAX_FILE_BYTES + 1)
        if len(body) > MAX_FILE_BYTES:
            raise ApiError(413, f"{f.filename}: larger than {MAX_FILE_BYTES} bytes")
        contents[(f.filename or "").rsplit("/", 1)[-1]] = body
    with request.app.state.db.reading() as session:
        errors, warnings = validate(session, contents)
    return Problems(errors=[asdict(p) for p in errors], warnings=[asdict(p) for p in warnings])
