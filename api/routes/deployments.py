"""Deployments: process designers upload BPMN and form files; each changed process gets a new version.

A deployment changing where issuing operators (certificates, SKs) run waits for Ketua LSP: 202, then
`/setujui` deploys it or `/tolak` rejects it (api/engine/penerbitan.py says what needs approval).
"""

from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile, status

from api.engine.deployments import ApprovalRefused, DeployResult, deploy, problem_json, setujui, tolak
from api.errors import ApiError
from api.permissions import DeploymentApprover, DeploymentReader, Designer, may_approve_deployment
from api.routes.deps import Db, Now
from api.schemas import DeployedProcess, DeploymentOut, PenolakanIn
from api.services.definitions import list_deployments as listed_deployments
from api.services.definitions import menunggu_persetujuan, read_files
from api.store.models import Deployment, ProcessDefinition

router = APIRouter(prefix="/api/deployments", tags=["deployments"])


def _out(
    deployment: Deployment,
    files: list[str],
    definitions: list[ProcessDefinition],
    warnings: list[dict[str, Any]] | None = None,
) -> DeploymentOut:
    return DeploymentOut(
        id=deployment.id,
        created_at=deployment.created_at,
        created_by=deployment.created_by,
        files=files or sorted(deployment.berkas_tertunda or {}),
        processes=[DeployedProcess(key=d.key, version=d.version) for d in definitions],
        warnings=warnings or [],
        status=deployment.status,
        penerbitan=deployment.penerbitan or [],
        diputuskan_oleh=deployment.diputuskan_oleh,
        diputuskan_at=deployment.diputuskan_at,
        alasan=deployment.alasan,
        permintaan_id=deployment.permintaan_id,
    )


def _result(result: DeployResult) -> DeploymentOut:
    names = [f.name for f in result.deployment.files]
    return _out(result.deployment, names, result.definitions, [problem_json(w) for w in result.warnings])


@router.get("", response_model=list[DeploymentOut])
def list_deployments(db: Db, user: Designer) -> list[DeploymentOut]:
    with db.reading() as session:
        return [_out(d.deployment, d.files, d.definitions) for d in listed_deployments(session)]


@router.get("/menunggu-persetujuan", response_model=list[DeploymentOut])
def waiting_deployments(db: Db, user: DeploymentReader) -> list[DeploymentOut]:
    """The deployments awaiting Ketua LSP's approval, oldest first, with what each changes (`penerbitan`)."""
    with db.reading() as session:
        return [_out(d, [], []) for d in menunggu_persetujuan(session)]


@router.post("", response_model=DeploymentOut, status_code=status.HTTP_201_CREATED)
def create_deployment(
    db: Db,
    now: Now,
    response: Response,
    user: Designer,
    files: Annotated[list[UploadFile], File(description=".bpmn and form .json files")],
) -> DeploymentOut:
    """201 with the new versions; 200 with the current ones when every file is already deployed unchanged;
    202 when it changes where issuing operators run: it waits for Ketua LSP (`penerbitan` says what)."""
    contents = read_files(files)
    with db.transaction() as session:
        result = deploy(session, contents, user.username, now)
        if not result.created:
            response.status_code = status.HTTP_200_OK
        elif result.menunggu_persetujuan:
            response.status_code = status.HTTP_202_ACCEPTED
        return _result(result)


def _may_decide(db: Db, user: DeploymentApprover, deployment_id: int) -> None:
    with db.reading() as session:
        row = session.get(Deployment, deployment_id)
        if row is None:
            raise ApiError(404, f"no deployment {deployment_id}")
        if not may_approve_deployment(user, row.created_by):
            raise ApiError(403, "a deployment is approved by Ketua LSP, not by a designer or its uploader")


@router.post("/{deployment_id}/setujui", response_model=DeploymentOut, status_code=status.HTTP_201_CREATED)
def approve_deployment(db: Db, now: Now, user: DeploymentApprover, deployment_id: int) -> DeploymentOut:
    """Ketua LSP approves a waiting deployment: 201 with the deployment that activates its versions."""
    _may_decide(db, user, deployment_id)
    with db.transaction() as session:
        try:
            return _result(setujui(session, deployment_id, user.username, now))
        except ApprovalRefused as exc:
            raise ApiError(exc.status, str(exc)) from exc


@router.post("/{deployment_id}/tolak", response_model=DeploymentOut)
def reject_deployment(
    db: Db, now: Now, user: DeploymentApprover, deployment_id: int, body: PenolakanIn
) -> DeploymentOut:
    """Ketua LSP rejects a waiting deployment with `alasan`; nothing of it is deployed."""
    _may_decide(db, user, deployment_id)
    with db.transaction() as session:
        try:
            return _out(tolak(session, deployment_id, user.username, now, body.alasan), [], [])
        except ApprovalRefused as exc:
            raise ApiError(exc.status, str(exc)) from exc
