"""The institution's profile: one row, heading the Direktur's letters (the Nota Dinas) and numbering them."""

from datetime import datetime

from api.auth import CurrentUser
from api.errors import ApiError
from api.schemas.master import InstitusiIn, InstitusiOut
from api.services.master.crud import catat, flush, snapshot
from api.settings import Settings
from api.store.db import Database
from api.store.enums import AksiDataInduk, DataInduk
from api.store.master import Institusi
from api.store.storage import stores

NOT_YET = "no institution profile yet: PUT /api/institusi first"


def _out(row: Institusi) -> InstitusiOut:
    return InstitusiOut.model_validate(row, from_attributes=True)


def get(db: Database) -> InstitusiOut:
    with db.reading() as session:
        row = session.get(Institusi, 1)
        if row is None:
            raise ApiError(404, NOT_YET)
        return _out(row)


def put(db: Database, now: datetime, user: CurrentUser, body: InstitusiIn) -> InstitusiOut:
    with db.transaction() as session:
        existing = session.get(Institusi, 1)
        fields = tuple(InstitusiIn.model_fields)
        before = snapshot(existing, fields) if existing else {}
        row = existing or Institusi(id=1)
        for field, value in body.model_dump().items():
            setattr(row, field, value)
        row.updated_at, row.updated_by = now, user.username
        session.add(row)
        flush(session)
        aksi = AksiDataInduk.DIUBAH if existing else AksiDataInduk.DIBUAT
        catat(session, now, user.username, DataInduk.INSTITUSI, 1, row.kode, aksi, before, snapshot(row, fields))
        return _out(row)


def put_logo(
    db: Database, settings: Settings, now: datetime, user: CurrentUser, content: bytes, content_type: str
) -> None:
    """The logo on the institution's kop surat (stored like an upload); letters issued from now on carry it."""
    sha256 = stores(settings.data_dir).berkas.put(content)
    with db.transaction() as session:
        row = session.get(Institusi, 1)
        if row is None:
            raise ApiError(404, NOT_YET)
        before = snapshot(row, ("logo_sha256",))
        row.logo_sha256, row.logo_content_type = sha256, content_type
        row.updated_at, row.updated_by = now, user.username
        after = snapshot(row, ("logo_sha256",))
        catat(session, now, user.username, DataInduk.INSTITUSI, 1, row.kode, AksiDataInduk.DIUBAH, before, after)
