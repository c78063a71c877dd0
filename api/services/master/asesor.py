"""Asesor: the assessors, each a user with the role asesor, with their MET, competences and declared
conflicts of interest."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import may_declare_konflik
from api.schemas.common import Page
from api.schemas.master import AsesorIn, AsesorOut, AsesorPatch, KonflikIn, KonflikOut
from api.services.master import crud
from api.store.db import Database
from api.store.enums import AksiDataInduk, DataInduk, Role
from api.store.master import Asesor, KonflikKepentingan, Peserta, Skema
from api.store.models import User

# The fields the change history keeps of an asesor (`skema_nomor`: the skema they assess, by nomor).
FIELDS = ("no_reg_met", "met_berlaku_sd", "skema_nomor", "aktif")


def _out(asesor: Asesor, on: date) -> AsesorOut:
    return AsesorOut(
        id=asesor.id,
        username=asesor.username,
        nama=asesor.nama,
        no_reg_met=asesor.no_reg_met,
        met_berlaku_sd=asesor.met_berlaku_sd,
        met_berlaku=asesor.met_berlaku_pada(on),
        skema=asesor.skema_nomor,
        konflik=[_konflik_out(k) for k in asesor.konflik],
        aktif=asesor.aktif,
        created_at=asesor.created_at,
        updated_at=asesor.updated_at,
    )


def _konflik_out(konflik: KonflikKepentingan) -> KonflikOut:
    return KonflikOut(
        peserta_username=konflik.peserta.username,
        peserta_nama=konflik.peserta.nama,
        keterangan=konflik.keterangan,
        dinyatakan_at=konflik.dinyatakan_at,
        dinyatakan_oleh=konflik.dinyatakan_oleh,
    )


def _skema_list(session: Session, nomor: Sequence[str]) -> list[Skema]:
    """The skema with these numbers, each once, by nomor (as they are read back); a 422 naming an unknown one."""
    wanted = [n.strip() for n in nomor]
    found = {s.nomor: s for s in session.scalars(select(Skema).where(Skema.nomor.in_(wanted)))}
    for i, n in enumerate(wanted):
        if n not in found:
            raise crud.field_error(422, f"skema.{i}", f"no skema {n!r}", f"skema {n!r} tidak ada")
    return [found[n] for n in sorted(found)]


def _query() -> Select[Any]:
    return select(Asesor).join(Asesor.user).options(contains_eager(Asesor.user))


def list_page(
    db: Database, now: datetime, q: str | None, aktif: bool | None, skema: str | None, page: int, page_size: int
) -> Page[AsesorOut]:
    where = crud.search(q, User.username, User.full_name, Asesor.no_reg_met)
    if aktif is not None:
        where.append(Asesor.aktif.is_(aktif))
    if skema:
        where.append(Asesor.skema.any(Skema.nomor == skema))
    on = crud.today(now)
    return crud.page(
        db,
        _query().where(*where).order_by(User.full_name, Asesor.id),
        select(func.count(Asesor.id)).join(Asesor.user).where(*where),
        page,
        page_size,
        lambda a: _out(a, on),
    )


def mine(db: Database, now: datetime, username: str) -> AsesorOut:
    with db.reading() as session:
        asesor = session.scalars(_query().where(User.username == username)).first()
        if asesor is None:
            raise ApiError(404, f"no asesor record for {username!r} yet")
        return _out(asesor, crud.today(now))


def create(db: Database, now: datetime, actor: str, body: AsesorIn) -> AsesorOut:
    with db.transaction() as session:
        account = crud.user_with_role(session, body.username, Role.ASESOR, "username")
        if crud.taken(session, Asesor.user_id, account.id):
            raise crud.duplicate("username", body.username)
        if crud.taken(session, Asesor.no_reg_met, body.no_reg_met):
            raise crud.duplicate("no_reg_met", body.no_reg_met)
        asesor = Asesor(
            user=account,
            no_reg_met=body.no_reg_met,
            met_berlaku_sd=body.met_berlaku_sd,
            skema=_skema_list(session, body.skema),
            konflik=[],
            aktif=True,
            created_at=now,
            updated_at=now,
        )
        session.add(asesor)
        crud.flush(session)
        after = crud.snapshot(asesor, FIELDS)
        crud.catat(session, now, actor, DataInduk.ASESOR, asesor.id, account.username, AksiDataInduk.DIBUAT, {}, after)
        return _out(asesor, crud.today(now))


def get(db: Database, now: datetime, asesor_id: int) -> AsesorOut:
    with db.reading() as session:
        return _out(crud.get_or_404(session, Asesor, asesor_id, "asesor"), crud.today(now))


def update(db: Database, now: datetime, actor: str, asesor_id: int, body: AsesorPatch) -> AsesorOut:
    changes = body.patch()
    with db.transaction() as session:
        asesor = crud.get_or_404(session, Asesor, asesor_id, "asesor")
        before = crud.snapshot(asesor, FIELDS)
        if "no_reg_met" in changes and crud.taken(session, Asesor.no_reg_met, changes["no_reg_met"], asesor.id):
            raise crud.duplicate("no_reg_met", changes["no_reg_met"])
        if "skema" in changes:
            asesor.skema = _skema_list(session, changes.pop("skema"))
        for field, value in changes.items():
            setattr(asesor, field, value)
        asesor.updated_at = now
        crud.flush(session)
        after = crud.snapshot(asesor, FIELDS)
        who = asesor.username
        crud.catat(session, now, actor, DataInduk.ASESOR, asesor.id, who, AksiDataInduk.DIUBAH, before, after)
        return _out(asesor, crud.today(now))


def set_aktif(db: Database, now: datetime, actor: str, asesor_id: int, aktif: bool) -> AsesorOut:
    on = crud.today(now)
    return crud.set_aktif(
        db,
        now,
        actor,
        Asesor,
        asesor_id,
        aktif,
        "asesor",
        lambda a: _out(a, on),
        DataInduk.ASESOR,
        lambda a: a.username,
    )


def declare_konflik(db: Database, now: datetime, user: CurrentUser, asesor_id: int, body: KonflikIn) -> KonflikOut:
    """Declare a conflict of interest between an asesor and a candidate (`may_declare_konflik` says who)."""
    with db.transaction() as session:
        asesor = crud.get_or_404(session, Asesor, asesor_id, "asesor")
        if not may_declare_konflik(user, asesor):
            raise ApiError(403, "only staff who write master data, or the asesor themselves, declare a conflict")
        peserta = session.scalars(
            select(Peserta).join(Peserta.user).where(User.username == body.peserta_username)
        ).first()
        if peserta is None:
            raise crud.field_error(
                422,
                "peserta_username",
                f"no peserta {body.peserta_username!r}",
                f"peserta {body.peserta_username!r} tidak ada",
            )
        if any(k.peserta_id == peserta.id for k in asesor.konflik):
            raise crud.field_error(
                409,
                "peserta_username",
                f"a conflict of interest with {body.peserta_username!r} is already declared",
                f"konflik kepentingan dengan {body.peserta_username!r} sudah dinyatakan",
            )
        konflik = KonflikKepentingan(
            asesor=asesor,
            peserta=peserta,
            keterangan=body.keterangan,
            dinyatakan_at=now,
            dinyatakan_oleh=user.username,
        )
        session.add(konflik)
        crud.flush(session)
        after = {"peserta_username": body.peserta_username, "keterangan": body.keterangan}
        crud.catat(
            session, now, user.username, DataInduk.KONFLIK, konflik.id, asesor.username, AksiDataInduk.DIBUAT, {}, after
        )
        return _konflik_out(konflik)
