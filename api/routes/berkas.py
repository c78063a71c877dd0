"""Evidence files (bukti) a candidate uploads for FR.APL.01, checked for type and size, stored by SHA-256.

Served so they can never run in the browser: the type is the one sniffed at upload (never the client's),
with `nosniff`, a CSP `sandbox` (no scripts, whatever the bytes), `no-store`, and PDFs as downloads
(`attachment`): a PDF/HTML polyglot is a file on the user's disk, not a page of this service.
"""

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from api.auth import Caller
from api.routes.deps import AppSettings, Db, Id, Now
from api.schemas.dokumen import BerkasOut
from api.services import berkas
from api.store.enums import JenisBerkas
from api.store.storage import attachment_disposition, inline_disposition

router = APIRouter(prefix="/api", tags=["berkas"])
# What a stored upload is served with: never cached, never framed, never scripted.
FILE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
}


@router.post("/tasks/{task_id}/berkas", response_model=BerkasOut, status_code=status.HTTP_201_CREATED)
def upload(
    task_id: str,
    db: Db,
    settings: AppSettings,
    now: Now,
    user: Caller,
    file: Annotated[UploadFile, File()],
    jenis: Annotated[JenisBerkas | None, Query(description="pas_foto: the candidate's 3 × 4 photo")] = None,
) -> BerkasOut:
    """403 unless the user may work on the task (checked before the file is looked at), 413 past the size cap
    or the candidate's quota per period (files and bytes), 415 not PDF/PNG/JPEG. `jenis=pas_foto` marks the
    candidate's photo (FR.APL.01 `pas_foto_berkas_id`), read only by the candidate, staff and documents."""
    return berkas.upload(db, settings, now, user, task_id, file, jenis)


@router.get("/berkas/{berkas_id}", response_class=Response)
def download(berkas_id: Id, db: Db, settings: AppSettings, user: Caller) -> Response:
    f = berkas.download(db, settings, user, berkas_id)
    disposition = (
        inline_disposition(f.name) if (f.content_type or "").startswith("image/") else attachment_disposition(f.name)
    )
    return Response(f.content, media_type=f.content_type, headers={**FILE_HEADERS, "Content-Disposition": disposition})
