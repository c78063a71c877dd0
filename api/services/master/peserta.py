"""Peserta: the candidates (asesi), each a user with the role peserta."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from api.errors import ApiError
from api.schemas.common import Page
from api.schemas.master import PesertaIn, PesertaOut, PesertaPatch
from api.services.master import crud
from api.store.db import Database
from api.store.enums import AksiDataInduk, DataInduk, Role
from api.store.master import Peserta
from api.store.models import User

# The fields the change history keeps of a peserta.
FIELDS = (
    "nim",
    "prodi",
    "nik",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "telepon",
    "email",
    "aktif",
)


def _query() -> Select[Any]:
    return select(Peserta).join(Peserta.user).options(contains_eager(Peserta.user))


def list_page(
    db: Database, q: str | None, aktif: bool | None, prodi: str | None, page: int, page_size: int
) -> Page[PesertaOut]:
    where = crud.search(q, User.username, User.full_name, Peserta.nim, Peserta.prodi)
    if aktif is not None:
        where.append(Peserta.aktif.is_(aktif))
    if prodi:
        where.append(Peserta.prodi == prodi)
    return crud.page(
        db,
        _query().where(*where).order_by(User.full_name, Peserta.id),
        select(func.count(Peserta.id)).join(Peserta.user).where(*where),
        page,
        page_size,
        PesertaOut.model_validate,
    )


def mine(db: Database, username: str) -> PesertaOut:
    with db.reading() as session:
        peserta = session.scalars(_query().where(User.username == username)).first()
        if peserta is None:
            raise ApiError(404, f"no peserta record for {username!r} yet")
        return PesertaOut.model_validate(peserta)


def create(db: Database, now: datetime, actor: str, body: PesertaIn) -> PesertaOut:
    with db.transaction() as session:
        account = crud.user_with_role(session, body.username, Role.PESERTA, "username")
        if crud.taken(session, Peserta.user_id, account.id):
            raise crud.duplicate("username", body.username)
        if crud.taken(session, Peserta.nim, body.nim):
            raise crud.duplicate("nim", body.nim)
        peserta = Peserta(
            user=account, **body.model_dump(exclude={"username"}), aktif=True, created_at=now, updated_at=now
        )
        session.add(peserta)
        crud.flush(session)
        after = crud.snapshot(peserta, FIELDS)
        crud.catat(
            session, now, actor, DataInduk.PESERTA, peserta.id, account.username, AksiDataInduk.DIBUAT, {}, after
        )
        return PesertaOut.model_validate(peserta)


def get(db: Database, peserta_id: int) -> PesertaOut:
    with db.reading() as session:
        return PesertaOut.model_validate(crud.get_or_404(session, Peserta, peserta_id, "peserta"))


def update(db: Database, now: datetime, actor: str, peserta_id: int, body: PesertaPatch) -> PesertaOut:
    changes = body.patch()
    with db.transaction() as session:
        peserta = crud.get_or_404(session, Peserta, peserta_id, "peserta")
        before = crud.snapshot(peserta, FIELDS)
        if "nim" in changes and crud.taken(session, Peserta.nim, changes["nim"], peserta.id):
            raise crud.duplicate("nim", changes["nim"])
        for field, value in changes.items():
            setattr(peserta, field, value)
        peserta.updated_at = now
        crud.flush(session)
        after = crud.snapshot(peserta, FIELDS)
        who = peserta.username
        crud.catat(session, now, actor, DataInduk.PESERTA, peserta.id, who, AksiDataInduk.DIUBAH, before, after)
        return PesertaOut.model_validate(peserta)


def set_aktif(db: Database, now: datetime, actor: str, peserta_id: int, aktif: bool) -> PesertaOut:
    return crud.set_aktif(
        db,
        now,
        actor,
        Peserta,
        peserta_id,
        aktif,
        "peserta",
        PesertaOut.model_validate,
        DataInduk.PESERTA,
        lambda p: p.username,
    )
