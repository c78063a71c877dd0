"""Deployments: process designers upload BPMN and form files; each changed process gets a new version."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from sqlalchemy import select

from api.auth import CurrentUser, require_roles
from api.engine.deployments import deploy
from api.errors import ApiError
from api.schemas import DeployedProcess, DeploymentOut
from api.store.models import Deployment, ProcessDefinition

router = APIRouter(prefix="/api/deployments", tags=["deployments"])
Designer = Annotated[CurrentUser, require_roles("desainer", "admin")]
MAX_FILE_BYTES = 5 * 1024 * 1024


def _out(deployment: Deployment, definitions: list[ProcessDefinition], warnings: list | None = None) -> DeploymentOut:
    return DeploymentOut(
        id=deployment.id,
        created_at=deployment.created_at,
        created_by=deployment.created_by,
        files=[f.name for f in deployment.files],
        processes=[DeployedProcess(key=d.key, version=d.version) for d in definitions],
        warnings=warnings or [],
    )


@router.get("", response_model=list[DeploymentOut])
def list_deployments(request: Request, user: Designer) -> list[DeploymentOut]:
    with request.app.state.db.reading() as session:
        deployments = session.scalars(select(Deployment).order_by(Deployment.id.desc())).all()
        out = []
        for d in deployments:
            defs = session.scalars(select(ProcessDefinition).where(ProcessDefinition.deployment_id == d.id)).all()
            out.append(_out(d, list(defs)))
        return out


@router.post("", response_model=DeploymentOut, status_code=status.HTTP_201_CREATED)
def create_deployment(
    request: Request,
    response: Response,
    user: Designer,
    files: Annotated[list[UploadFile], File(description=".bpmn and form .json files")],
) -> DeploymentOut:
    """201 with the new versions; 200 with the current ones when every file is already deployed unchanged."""
    contents: dict[str, bytes] = {}
    for f in files:
        body = f.file.read(MAX_FILE_BYTES + 1)
        if len(body) > MAX_FILE_BYTES:
            raise ApiError(413, f"{f.filename}: larger than {MAX_FILE_BYTES} bytes")
        contents[(f.filename or "").rsplit("/", 1)[-1]] = body
    with request.app.state.db.transaction() as session:
        result = deploy(session, contents, user.username, request.app.state.clock.now())
        if not result.created:
            response.status_code = status.HTTP_200_OK
        return _out(result.deployment, result.definitions, [asdict(w) for w in result.warnings])
