"""Deployments: process designers upload BPMN and form files; each changed process gets a new version."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile, status

from api.engine.deployments import deploy
from api.permissions import Designer
from api.routes.deps import Db, Now
from api.schemas import DeployedProcess, DeploymentOut
from api.services.definitions import list_deployments as listed_deployments
from api.services.definitions import read_files
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
        files=files,
        processes=[DeployedProcess(key=d.key, version=d.version) for d in definitions],
        warnings=warnings or [],
    )


@router.get("", response_model=list[DeploymentOut])
def list_deployments(db: Db, user: Designer) -> list[DeploymentOut]:
    with db.reading() as session:
        return [_out(d.deployment, d.files, d.definitions) for d in listed_deployments(session)]


@router.post("", response_model=DeploymentOut, status_code=status.HTTP_201_CREATED)
def create_deployment(
    db: Db,
    now: Now,
    response: Response,
    user: Designer,
    files: Annotated[list[UploadFile], File(description=".bpmn and form .json files")],
) -> DeploymentOut:
    """201 with the new versions; 200 with the current ones when every file is already deployed unchanged."""
    contents = read_files(files)
    with db.transaction() as session:
        result = deploy(session, contents, user.username, now)
        if not result.created:
            response.status_code = status.HTTP_200_OK
        names = [f.name for f in result.deployment.files]
        return _out(result.deployment, names, result.definitions, [asdict(w) for w in result.warnings])
