"""Evidence files (bukti) a candidate uploads for FR.APL.01, checked for type and size, stored by SHA-256."""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from api.auth import Caller
from api.routes.deps import AppSettings, Db, Id, Now
from api.schemas.dokumen import BerkasOut
from api.services import berkas
from api.store.storage import PDF_OR_IMAGE, inline_disposition, read_upload, require_type

router = APIRouter(prefix="/api", tags=["berkas"])


@router.post("/tasks/{task_id}/berkas", response_model=BerkasOut, status_code=status.HTTP_201_CREATED)
def upload(
    task_id: str, db: Db, settings: AppSettings, now: Now, user: Caller, file: Annotated[UploadFile, File()]
) -> BerkasOut:
    content = read_upload(file, settings.max_upload_bytes)
    kind = require_type(content, PDF_OR_IMAGE, file.filename or "the file")
    return berkas.upload(db, settings, now, user, task_id, file.filename, content, kind)


@router.get("/berkas/{berkas_id}", response_class=Response)
def download(berkas_id: Id, db: Db, settings: AppSettings, user: Caller) -> Response:
    f = berkas.download(db, settings, user, berkas_id)
    return Response(f.content, media_type=f.content_type, headers={"Content-Disposition": inline_disposition(f.name)})
