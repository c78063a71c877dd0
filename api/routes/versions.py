"""Process versions for the modeller: list them, download their files, compare two, validate before deploying.

Reading (process models, versions, files, differences, the property names the service reads) is open to
process designers and to the staff who read instances (admin, direktur, ketua_lsp, kabid_*): the diagram of
an instance is drawn from its version's file. Validating, like deploying, is for desainer and admin only.
"""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile
from pydantic import BaseModel

from api.engine.bpmn import PROP_DESCRIPTIONS
from api.engine.deployments import problem_json, validate
from api.permissions import Designer, StaffOrDesigner
from api.routes.deps import Db, Id, IdFilter
from api.services import definitions
from api.store.storage import inline_disposition
from service_tasks.sumber_formulir import SUMBER

router = APIRouter(prefix="/api", tags=["process versions"])
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


class ProcessProperty(BaseModel):
    name: str
    description: str


class SumberFormulir(BaseModel):
    nama: str
    jenis: str  # `pilihan` (named by x-sumber) or `isian` (named by x-isian)
    keterangan: str


def _version_out(v: definitions.Version) -> VersionOut:
    d = v.definition
    return VersionOut(
        id=d.id,
        key=d.key,
        name=d.name,
        version=d.version,
        deployment_id=d.deployment_id,
        bpmn_file=d.bpmn_file,
        startable=d.startable,
        created_at=v.deployment.created_at,
        created_by=v.deployment.created_by,
    )


@router.get("/process-properties", response_model=list[ProcessProperty])
def process_properties(user: StaffOrDesigner) -> list[ProcessProperty]:
    """The `spiffworkflow:property` names the service reads (the modeller offers these; lint warns on others)."""
    return [ProcessProperty(name=p, description=text) for p, text in PROP_DESCRIPTIONS.items()]


@router.get("/form-sources", response_model=list[SumberFormulir])
def form_sources(user: StaffOrDesigner) -> list[SumberFormulir]:
    """The sources a form's fields may name for their choices (`x-sumber`) and proposed values (`x-isian`):
    service_tasks/sumber_formulir.py (the form editor lists these; the deploy lint refuses others)."""
    return [SumberFormulir(nama=n, jenis=s.jenis, keterangan=s.keterangan) for n, s in sorted(SUMBER.items())]


@router.get("/process-models", response_model=list[VersionOut])
def list_process_models(db: Db, user: StaffOrDesigner) -> list[VersionOut]:
    """The latest version of every deployed process, the called (linked SOP) ones included."""
    with db.reading() as session:
        return [_version_out(v) for v in definitions.latest_versions(session)]


@router.get("/process-definitions/{key}/versions", response_model=list[VersionOut])
def list_versions(key: str, db: Db, user: StaffOrDesigner) -> list[VersionOut]:
    """Every version of a process, newest first."""
    with db.reading() as session:
        return [_version_out(v) for v in definitions.list_versions(session, key)]


@router.get("/process-definitions/{key}/versions/{version}/files", response_model=list[VersionFile])
def version_files(key: str, version: Id, db: Db, user: StaffOrDesigner) -> list[VersionFile]:
    """The BPMN files that open this version: its own, then those of the processes it calls (recursively),
    each at the version a period started now runs them with (the latest version takes the latest linked
    SOPs; an older version, those deployed with it)."""
    with db.reading() as session:
        return [
            VersionFile(**asdict(f), url=definitions.file_url(f.deployment_id, f.name))
            for f in definitions.version_files(session, key, version)
        ]


@router.get("/process-definitions/{key}/versions/{version}/diff")
def version_diff(key: str, version: Id, db: Db, user: StaffOrDesigner, against: IdFilter = None) -> dict[str, Any]:
    """What changed from version `against` (default: the one before) to `version`, compared by element id:
    elements added, removed and changed (name, type, lane, attributes, extension properties, service
    operator and parameters, flows, conditions/scripts), plus the forms whose content changed."""
    with db.reading() as session:
        return definitions.version_diff(session, key, version, against)


@router.get("/process-definitions/{key}/versions/{version}/forms/{name}")
def version_form(key: str, version: Id, name: str, db: Db, user: StaffOrDesigner) -> Response:
    """A form file as this version runs it (the newest deployed with or before it), for the form editor."""
    with db.reading() as session:
        f = definitions.version_form(session, key, version, name)
        return Response(f.content.encode(), media_type="application/json", headers={"ETag": f'"{f.sha256}"'})


@router.get("/deployments/{deployment_id}/files/{name}")
def download_file(deployment_id: Id, name: str, db: Db, user: StaffOrDesigner) -> Response:
    """A deployed file as it was uploaded, to open in a modeller or editor."""
    with db.reading() as session:
        f = definitions.get_file(session, deployment_id, name)
        media_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
        return Response(
            f.content.encode(),
            media_type=media_type,
            headers={"Content-Disposition": inline_disposition(name), "ETag": f'"{f.sha256}"'},
        )


@router.post("/deployments/validate", response_model=Problems)
def validate_files(
    db: Db,
    user: Designer,
    files: Annotated[list[UploadFile], File(description=".bpmn and form .json files")],
) -> Problems:
    """The deploy-time checks without deploying: 200 with every error and warning (the same validator)."""
    contents = definitions.read_files(files)
    with db.reading() as session:
        errors, warnings = validate(session, contents)
    return Problems(errors=[problem_json(p) for p in errors], warnings=[problem_json(p) for p in warnings])
