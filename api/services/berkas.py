"""Evidence files (bukti) a candidate uploads for FR.APL.01, stored by SHA-256, within a quota per candidate
and period: `berkas_quota_files` files and `berkas_quota_bytes` bytes over the period's whole instance tree
(files not referenced by the submitted form count too, so uploading in a loop stops at the quota)."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import may_read_file
from api.schemas.dokumen import BerkasOut
from api.services.dokumen import StoredFile
from api.services.tasks import task_for_work
from api.settings import Settings
from api.store.db import Database
from api.store.enums import JenisBerkas
from api.store.master import Berkas
from api.store.models import ProcessInstance
from api.store.storage import PDF_OR_IMAGE, Upload, UploadRejected, image_size, peek, require_type, stores


def _clean_name(filename: str | None) -> str:
    """The name without a path or control characters, at most 200 characters."""
    return "".join(c for c in (filename or "berkas").rsplit("/", 1)[-1] if c >= " ")[:200] or "berkas"


def _used(session: Session, username: str, instance_id: int) -> tuple[int, int]:
    """Files and bytes `username` has uploaded in the period (root instance) of `instance_id`."""
    instance = session.get(ProcessInstance, instance_id)
    root = (instance.root_id or instance.id) if instance is not None else instance_id
    in_period = select(ProcessInstance.id).where(or_(ProcessInstance.id == root, ProcessInstance.root_id == root))
    count, size = session.execute(
        select(func.count(Berkas.id), func.coalesce(func.sum(Berkas.size), 0)).where(
            Berkas.uploaded_by == username, Berkas.instance_id.in_(in_period)
        )
    ).one()
    return int(count), int(size)


def _quota_check(settings: Settings, files: int, used: int) -> Callable[[int], None]:
    def check(size: int) -> None:
        if files + 1 > settings.berkas_quota_files:
            limit = settings.berkas_quota_files
            raise UploadRejected(
                413,
                f"quota: at most {limit} files per candidate and period",
                f"kuota berkas terlampaui: paling banyak {limit} berkas per peserta per periode",
            )
        if used + size > settings.berkas_quota_bytes:
            limit = settings.berkas_quota_bytes
            raise UploadRejected(
                413,
                f"quota: at most {limit} bytes per candidate and period ({used} used)",
                f"kuota berkas terlampaui: paling banyak {limit} byte per peserta per periode "
                f"(sudah terpakai {used} byte)",
            )

    return check


def upload(
    db: Database,
    settings: Settings,
    now: datetime,
    user: CurrentUser,
    task_id: str,
    upload: Upload,
    jenis: JenisBerkas | None = None,
) -> BerkasOut:
    """Store a file for a task the user may work on now, streamed to disk with the size cap and within the
    quota; nothing is written (nor the file looked at) for someone who may not, past the cap or quota.

    A pas foto (`jenis`) is stored with its size in pixels when it is a PNG or JPEG; whether it is a photo the
    LSP can print (type, bytes, size, 3 × 4) is the registration's check on submit (`periksa_apl`), at the
    form's field."""
    name = _clean_name(upload.filename)
    with db.transaction() as session:
        task = task_for_work(session, task_id, user, now)
        content_type = require_type(peek(upload), PDF_OR_IMAGE, upload.filename or "the file")
        check = _quota_check(settings, *_used(session, user.username, task.instance_id))
        # The file before the row: a row never points at no file.
        store = stores(settings.data_dir).berkas
        sha256, size = store.put_stream(upload.file, settings.max_upload_bytes, name, check)
        photo = jenis is not None and content_type.startswith("image/")
        lebar_tinggi = image_size(store.path(sha256)) if photo else None
        row = Berkas(
            sha256=sha256,
            nama=name,
            content_type=content_type,
            size=size,
            instance_id=task.instance_id,
            task_id=task.id,
            uploaded_by=user.username,
            created_at=now,
            jenis=jenis,
            lebar=lebar_tinggi[0] if lebar_tinggi else None,
            tinggi=lebar_tinggi[1] if lebar_tinggi else None,
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


def info(db: Database, user: CurrentUser, ids: set[int]) -> dict[int, dict[str, object]]:
    """What a form shows of the uploaded files `ids` (name, size, content type), for those the user may read:
    another person's file id in the data shows nothing."""
    if not ids:
        return {}
    with db.reading() as session:
        rows = session.scalars(select(Berkas).where(Berkas.id.in_(ids))).all()
        return {
            b.id: {"nama": b.nama, "size": b.size, "content_type": b.content_type}
            for b in rows
            if may_read_file(session, user, b)
        }
