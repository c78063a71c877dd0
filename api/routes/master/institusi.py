"""The profile of the institution the LSP belongs to: the kop and register of the Direktur's Nota Dinas."""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from api.auth import Caller
from api.permissions import MasterWriter
from api.routes.deps import AppSettings, Db, Now
from api.schemas.master import InstitusiIn, InstitusiOut
from api.services.master import institusi
from api.store.storage import IMAGE, read_upload, require_type

router = APIRouter(prefix="/api", tags=["master data"])


@router.get("/institusi", response_model=InstitusiOut)
def get_institusi(db: Db, user: Caller) -> InstitusiOut:
    """The institution's profile: every signed-in user may read it (it heads the Direktur's letters)."""
    return institusi.get(db)


@router.put("/institusi", response_model=InstitusiOut)
def put_institusi(body: InstitusiIn, db: Db, now: Now, user: MasterWriter) -> InstitusiOut:
    return institusi.put(db, now, user, body)


@router.put("/institusi/logo", status_code=status.HTTP_204_NO_CONTENT)
def put_logo(
    db: Db, settings: AppSettings, now: Now, user: MasterWriter, file: Annotated[UploadFile, File()]
) -> Response:
    """The logo on the institution's kop surat (PNG, JPEG or SVG); letters issued from now on carry it."""
    content = read_upload(file, settings.max_upload_bytes)
    kind = require_type(content, IMAGE, "the logo")
    institusi.put_logo(db, settings, now, user, content, kind)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
