"""Pengurus pleno: the configurable set of LSP decision-makers a rapat pleno's members are chosen from, each
with the skema fields they are competent in (service_tasks/pengurus_pleno.py holds the rules)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, contains_eager

from api.schemas.common import Page
from api.schemas.master import PengurusPlenoIn, PengurusPlenoOut, PengurusPlenoPatch
from api.services.master import crud
from api.store.db import Database
from api.store.enums import AksiDataInduk, DataInduk
from api.store.master import PengurusPleno, Skema
from api.store.models import User
from service_tasks.pengurus_pleno import bukan_pengambil_keputusan

# The fields the change history keeps of an eligible pleno member.
FIELDS = ("jabatan", "bidang", "aktif")


def _out(p: PengurusPleno) -> PengurusPlenoOut:
    return PengurusPlenoOut(
        id=p.id,
        username=p.username,
        nama=p.nama,
        jabatan=p.jabatan,
        bidang=list(p.bidang or []),
        aktif=p.aktif,
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


def _bidang(session: Session, bidang: Sequence[str]) -> list[str]:
    """Each field once, as a skema names it; a 422 naming one no skema has."""
    known = {b.casefold(): b for b in session.scalars(select(Skema.bidang).distinct())}
    out: list[str] = []
    for i, b in enumerate(bidang):
        found = known.get(b.strip().casefold())
        if found is None:
            raise crud.field_error(
                422, f"bidang.{i}", f"no skema has the field {b!r}", f"tidak ada skema dengan bidang {b!r}"
            )
        if found not in out:
            out.append(found)
    return out


def _query() -> Select[Any]:
    return select(PengurusPleno).join(PengurusPleno.user).options(contains_eager(PengurusPleno.user))


def calon(db: Database) -> list[tuple[str, str]]:
    """Who may be added (username, full name): the active accounts that may decide on a pleno
    (`bukan_pengambil_keputusan`) and are not eligible pleno staff yet, by name."""
    with db.reading() as session:
        taken = set(session.scalars(select(PengurusPleno.user_id)))
        users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name, User.username))
        return [(u.username, u.full_name) for u in users if u.id not in taken and bukan_pengambil_keputusan(u) is None]


def bidang_skema(db: Database) -> list[str]:
    """The skema fields a member may be competent in (`Skema.bidang`), each once, sorted."""
    with db.reading() as session:
        return sorted(set(session.scalars(select(Skema.bidang).distinct())), key=str.casefold)


def list_page(db: Database, q: str | None, aktif: bool | None, page: int, page_size: int) -> Page[PengurusPlenoOut]:
    where = crud.search(q, User.username, User.full_name, PengurusPleno.jabatan)
    if aktif is not None:
        where.append(PengurusPleno.aktif.is_(aktif))
    return crud.page(
        db,
        _query().where(*where).order_by(User.full_name, PengurusPleno.id),
        select(func.count(PengurusPleno.id)).join(PengurusPleno.user).where(*where),
        page,
        page_size,
        _out,
    )


def create(db: Database, now: datetime, actor: str, body: PengurusPlenoIn) -> PengurusPlenoOut:
    with db.transaction() as session:
        account = session.scalars(select(User).where(User.username == body.username)).first()
        if account is None:
            raise crud.field_error(
                422, "username", f"no user {body.username!r}", f"pengguna {body.username!r} tidak ada"
            )
        if (alasan := bukan_pengambil_keputusan(account)) is not None:
            raise crud.field_error(422, "username", f"user {body.username!r} may not decide on a pleno", alasan)
        if crud.taken(session, PengurusPleno.user_id, account.id):
            raise crud.duplicate("username", body.username)
        row = PengurusPleno(
            user=account,
            jabatan=body.jabatan,
            bidang=_bidang(session, body.bidang),
            aktif=True,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        crud.flush(session)
        after = crud.snapshot(row, FIELDS)
        crud.catat(
            session, now, actor, DataInduk.PENGURUS_PLENO, row.id, account.username, AksiDataInduk.DIBUAT, {}, after
        )
        return _out(row)


def get(db: Database, pengurus_id: int) -> PengurusPlenoOut:
    with db.reading() as session:
        return _out(crud.get_or_404(session, PengurusPleno, pengurus_id, "pengurus pleno"))


def update(db: Database, now: datetime, actor: str, pengurus_id: int, body: PengurusPlenoPatch) -> PengurusPlenoOut:
    changes = body.patch()
    with db.transaction() as session:
        row = crud.get_or_404(session, PengurusPleno, pengurus_id, "pengurus pleno")
        before = crud.snapshot(row, FIELDS)
        if "jabatan" in changes:
            row.jabatan = changes["jabatan"]
        if "bidang" in changes:
            row.bidang = _bidang(session, changes["bidang"])
        row.updated_at = now
        crud.flush(session)
        after = crud.snapshot(row, FIELDS)
        crud.catat(
            session, now, actor, DataInduk.PENGURUS_PLENO, row.id, row.username, AksiDataInduk.DIUBAH, before, after
        )
        return _out(row)


def set_aktif(db: Database, now: datetime, actor: str, pengurus_id: int, aktif: bool) -> PengurusPlenoOut:
    return crud.set_aktif(
        db,
        now,
        actor,
        PengurusPleno,
        pengurus_id,
        aktif,
        "pengurus pleno",
        _out,
        DataInduk.PENGURUS_PLENO,
        lambda p: p.username,
    )
