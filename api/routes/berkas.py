"""Evidence files (bukti) a candidate uploads for FR.APL.01, checked for type and size, stored by SHA-256."""

from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import Caller
from api.errors import ApiError
from api.routes.tasks import task_for_work
from api.store.master import Berkas
from api.store.models import STAFF_ROLES, HumanTask, ProcessInstance
from api.store.storage import FileStore, inline_disposition

router = APIRouter(prefix="/api", tags=["files"])

# Recognised by their first bytes, not by the name or the Content-Type the client claims.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
STAFF = set(STAFF_ROLES)


class BerkasOut(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    nama: str
    content_type: str
    size: int
    sha256: str


def content_type_of(content: bytes) -> str | None:
    for kind, magics in SIGNATURES.items():
        if content.startswith(magics):
            return kind
    return None


def store(request: Request) -> FileStore:
    return FileStore(request.app.state.settings.data_dir / "berkas")


@router.post("/tasks/{task_id}/files", response_model=BerkasOut, status_code=status.HTTP_201_CREATED)
def upload(task_id: str, request: Request, user: Caller, file: Annotated[UploadFile, File()]) -> Berkas:
    limit = request.app.state.settings.max_upload_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise ApiError(413, f"{file.filename}: larger than {limit} bytes", [{"path": "file", "message": "too large"}])
    if not content:
        raise ApiError(422, "the file is empty", [{"path": "file", "message": "empty"}])
    kind = content_type_of(content)
    if kind is None:
        raise ApiError(
            415, f"{file.filename}: only PDF, PNG or JPEG files are accepted", [{"path": "file", "message": "type"}]
        )
    with request.app.state.db.transaction() as session:
        task = task_for_work(session, task_id, user)  # nothing is written for someone who may not upload here
        sha256 = store(request).put(content)  # before the row: a row never points at a missing file
        row = Berkas(
            sha256=sha256,
            nama="".join(c for c in (file.filename or "berkas").rsplit("/", 1)[-1] if c >= " ")[:200] or "berkas",
            content_type=kind,
            size=len(content),
            instance_id=task.instance_id,
            task_id=task.id,
            uploaded_by=user.username,
            created_at=request.app.state.clock.now(),
        )
        session.add(row)
        session.flush()
        return BerkasOut.model_validate(row)


@router.get("/files/{berkas_id}", response_class=Response)
def download(berkas_id: int, request: Request, user: Caller) -> Response:
    with request.app.state.db.reading() as session:
        row = session.get(Berkas, berkas_id)
        if row is None:
            raise ApiError(404, f"no file {berkas_id}")
        if not (row.uploaded_by == user.username or STAFF & set(user.roles) or _asesor_of(session, row, user.username)):
            raise ApiError(403, "only the candidate, LSP staff and the candidate's asesor may read this file")
        name, kind, sha256 = row.nama, row.content_type, row.sha256
    return Response(
        store(request).read(sha256), media_type=kind, headers={"Content-Disposition": inline_disposition(name)}
    )


def _asesor_of(session: Session, row: Berkas, username: str) -> bool:
    """The asesor holds (or held) a task about the uploading candidate in the same period."""
    instance = session.get(ProcessInstance, row.instance_id)
    if instance is None:
        return False
    subject_instances = select(ProcessInstance.id).where(
        ProcessInstance.root_id == instance.root_id, ProcessInstance.subject == row.uploaded_by
    )
    return (
        session.scalars(
            select(HumanTask.id).where(HumanTask.assignee == username, HumanTask.instance_id.in_(subject_instances))
        ).first()
        is not None
    )
