"""Skema: the certification schemes with their units, elements and KUK."""

from datetime import datetime

from sqlalchemy import func, select

from api.schemas.common import Page
from api.schemas.master import SkemaIn, SkemaOut, SkemaPatch
from api.services.master import crud
from api.store.db import Database
from api.store.enums import AksiDataInduk, DataInduk
from api.store.master import Sertifikat, Skema

# The fields the change history keeps of a skema.
FIELDS = ("nomor", "judul", "jenis", "level_kkni", "bidang", "dalam_lisensi", "aktif", "unit")


def list_page(db: Database, q: str | None, aktif: bool | None, page: int, page_size: int) -> Page[SkemaOut]:
    where = crud.search(q, Skema.nomor, Skema.judul, Skema.bidang)
    if aktif is not None:
        where.append(Skema.aktif.is_(aktif))
    return crud.page(
        db,
        select(Skema).where(*where).order_by(Skema.nomor),
        select(func.count(Skema.id)).where(*where),
        page,
        page_size,
        SkemaOut.model_validate,
    )


def create(db: Database, now: datetime, actor: str, body: SkemaIn) -> SkemaOut:
    with db.transaction() as session:
        if crud.taken(session, Skema.nomor, body.nomor):
            raise crud.duplicate("nomor", body.nomor)
        skema = Skema(**body.model_dump(), aktif=True, created_at=now, updated_at=now)
        session.add(skema)
        crud.flush(session)
        after = crud.snapshot(skema, FIELDS)
        crud.catat(session, now, actor, DataInduk.SKEMA, skema.id, skema.nomor, AksiDataInduk.DIBUAT, {}, after)
        return SkemaOut.model_validate(skema)


def get(db: Database, skema_id: int) -> SkemaOut:
    with db.reading() as session:
        return SkemaOut.model_validate(crud.get_or_404(session, Skema, skema_id, "skema"))


def update(db: Database, now: datetime, actor: str, skema_id: int, body: SkemaPatch) -> SkemaOut:
    changes = body.patch()
    with db.transaction() as session:
        skema = crud.get_or_404(session, Skema, skema_id, "skema")
        before = crud.snapshot(skema, FIELDS)
        nomor = changes.get("nomor", skema.nomor)
        if nomor != skema.nomor:
            if crud.taken(session, Skema.nomor, nomor, skema.id):
                raise crud.duplicate("nomor", nomor)
            # Certificates keep the nomor they were issued under; renaming would orphan them.
            if session.scalars(select(Sertifikat.id).where(Sertifikat.skema_nomor == skema.nomor).limit(1)).first():
                raise crud.field_error(
                    409,
                    "nomor",
                    "the skema's nomor is printed on certificates and cannot change",
                    "nomor skema sudah tercantum pada sertifikat dan tidak dapat diubah",
                )
        for field, value in changes.items():
            setattr(skema, field, value)
        skema.updated_at = now
        crud.flush(session)
        after = crud.snapshot(skema, FIELDS)
        crud.catat(session, now, actor, DataInduk.SKEMA, skema.id, skema.nomor, AksiDataInduk.DIUBAH, before, after)
        return SkemaOut.model_validate(skema)


def set_aktif(db: Database, now: datetime, actor: str, skema_id: int, aktif: bool) -> SkemaOut:
    return crud.set_aktif(
        db, now, actor, Skema, skema_id, aktif, "skema", SkemaOut.model_validate, DataInduk.SKEMA, lambda s: s.nomor
    )
