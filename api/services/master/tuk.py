"""TUK: the places where assessments are held."""

from datetime import datetime

from sqlalchemy import func, select

from api.schemas.common import Page
from api.schemas.master import TukIn, TukOut, TukPatch
from api.services.master import crud
from api.store.db import Database
from api.store.enums import AksiDataInduk, DataInduk
from api.store.master import Tuk

# The fields the change history keeps of a TUK.
FIELDS = ("kode", "nama", "jenis", "alamat", "penanggung_jawab", "kapasitas", "aktif")


def list_page(db: Database, q: str | None, aktif: bool | None, page: int, page_size: int) -> Page[TukOut]:
    where = crud.search(q, Tuk.kode, Tuk.nama, Tuk.alamat)
    if aktif is not None:
        where.append(Tuk.aktif.is_(aktif))
    return crud.page(
        db,
        select(Tuk).where(*where).order_by(Tuk.kode),
        select(func.count(Tuk.id)).where(*where),
        page,
        page_size,
        TukOut.model_validate,
    )


def create(db: Database, now: datetime, actor: str, body: TukIn) -> TukOut:
    with db.transaction() as session:
        if crud.taken(session, Tuk.kode, body.kode):
            raise crud.duplicate("kode", body.kode)
        tuk = Tuk(**body.model_dump(), aktif=True, created_at=now, updated_at=now)
        session.add(tuk)
        crud.flush(session)
        after = crud.snapshot(tuk, FIELDS)
        crud.catat(session, now, actor, DataInduk.TUK, tuk.id, tuk.kode, AksiDataInduk.DIBUAT, {}, after)
        return TukOut.model_validate(tuk)


def get(db: Database, tuk_id: int) -> TukOut:
    with db.reading() as session:
        return TukOut.model_validate(crud.get_or_404(session, Tuk, tuk_id, "TUK"))


def update(db: Database, now: datetime, actor: str, tuk_id: int, body: TukPatch) -> TukOut:
    changes = body.patch()
    with db.transaction() as session:
        tuk = crud.get_or_404(session, Tuk, tuk_id, "TUK")
        before = crud.snapshot(tuk, FIELDS)
        if "kode" in changes and crud.taken(session, Tuk.kode, changes["kode"], tuk.id):
            raise crud.duplicate("kode", changes["kode"])
        for field, value in changes.items():
            setattr(tuk, field, value)
        tuk.updated_at = now
        crud.flush(session)
        after = crud.snapshot(tuk, FIELDS)
        crud.catat(session, now, actor, DataInduk.TUK, tuk.id, tuk.kode, AksiDataInduk.DIUBAH, before, after)
        return TukOut.model_validate(tuk)


def set_aktif(db: Database, now: datetime, actor: str, tuk_id: int, aktif: bool) -> TukOut:
    return crud.set_aktif(
        db, now, actor, Tuk, tuk_id, aktif, "TUK", TukOut.model_validate, DataInduk.TUK, lambda t: t.kode
    )
