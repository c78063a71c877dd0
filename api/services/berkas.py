"""Evidence files (bukti) a candidate uploads for FR.APL.01, stored by SHA-256."""

from datetime import datetime

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import may_read_file
from api.schemas.dokumen import BerkasOut
from api.services.dokumen import StoredFile
from api.services.tasks import task_for_work
from api.settings import Settings
from api.store.db import Database
from api.store.master import Berkas
from api.store.storage import stores


def _clean_name(filename: str | None) -> str:
    """The name without a path or control characters, at most 200 characters."""
    return "".join(c for c in (filename or "berkas").rsplit("/", 1)[-1] if c >= " ")[:200] or "berkas"


def upload(
    db: Database,
    settings: Settings,
    now: datetime,
    user: CurrentUser,
    task_id: str,
    filename: str | None,
    content: bytes,
    content_type: str,
) -> BerkasOut:
    """Store a file for a task the user may work on now; nothing is written for someone who may not."""
    with db.transaction() as session:
        task = task_for_work(session, task_id, user)
        sha256 = stores(settings.data_dir).berkas.put(content)  # before the row: a row never points at no file
        row = Berkas(
            sha256=sha256,
            nama=_clean_name(filename),
            content_type=content_type,
            size=len(content),
            instance_id=task.instance_id,
            task_id=task.id,
            uploaded_by=user.username,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return BerkasOut.model_validate(row)


def download(db: Database, settings: Settings, user: CurrentUser, berkas_id: int) -> StoredFile:
    with db.reading() as session:
        row = session.get(Berkas, berkas_id)
        if row is None:
            raise ApiError(404, f"no file {berkas_id}")
        if not may_read_file(session, user, row):
            raise ApiError(403, "only the candidate, LSP staff and the candidate's asesor may read this file")
        name, kind, sha256 = row.nama, row.content_type, row.sha256
    return StoredFile(stores(settings.data_dir).berkas.read(sha256), kind, name, sha256)
