"""Substitutes: a staff member away (cuti, dinas luar, sakit) names another official to work on their tasks
from one date to another, in the substitute's own name "atas nama" them.

Who may work on which task as whom is decided once, in `api.permissions.acting_as`; this module says whom a
user stands in for now (`diwakili_oleh`, read by api/services/tasks.py for the inbox, the task and every act
on it), and names and ends substitutions under their rules:
- the absent person holds an official's role (`PENGGANTI_ROLES`), and so does the substitute, who is active,
  no candidate, and not the absent person themselves;
- the range starts no earlier than today (WIB, by the service's clock), ends no earlier than it starts, and
  lasts at most `HARI_MAKSIMUM` days;
- one substitute at a time: the absent person's ranges never overlap;
- no chains: a substitute is not away themselves in that range, and an absent person stands in for nobody.
The separation of assessing and deciding is checked on the task (`permissions.assessed_what_it_decides`).

A substitution is its own audit record: who named it and when, who ended it and when (models.py keeps it
from being changed otherwise or deleted).
"""

import functools
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import BindParameter, ColumnElement, Date, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import PENGGANTI_ADMINS, PENGGANTI_DITOLAK, PENGGANTI_ROLES, Diwakili
from api.schemas.pengganti import PenggantiIn, PenggantiOut
from api.store.db import Database, UtcDateTime
from api.store.models import Pengganti, User, UserRole
from service_tasks import format_indonesia as fmt

HARI_MAKSIMUM = 180


def hari_ini(now: datetime) -> date:
    """Today in WIB: the ranges are the LSP's calendar days."""
    return now.astimezone(fmt.WIB).date()


def _in_force(today: date | BindParameter[date], now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    return (
        (Pengganti.mulai <= today)
        & (Pengganti.sampai >= today)
        & or_(Pengganti.diakhiri_pada.is_(None), Pengganti.diakhiri_pada > now)
    )


@functools.cache
def _diwakili_query() -> Select[str, str, str]:
    """`diwakili_oleh`'s statement, built once: every request on a task or the inbox runs it, and building it
    cost more than running it."""
    today, now = bindparam("today", type_=Date), bindparam("now", type_=UtcDateTime)
    return (
        select(User.username, User.full_name, UserRole.role)
        .join(Pengganti, Pengganti.diwakili == User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(Pengganti.pengganti == bindparam("username"), _in_force(today, now), User.active.is_(True))
    )


def diwakili_oleh(session: Session, username: str, now: datetime) -> tuple[Diwakili, ...]:
    """The absent people `username` stands in for at `now`, with the roles whose tasks they take over (only the
    officials' lanes: never an absent person's other roles), ordered by username."""
    # Core execution: the statement names columns only, the ORM's compile and loading steps add nothing.
    found = session.connection().execute(_diwakili_query(), {"username": username, "today": hari_ini(now), "now": now})
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for who, nama, role in found:
        if role in PENGGANTI_ROLES:
            roles[(who, nama)].add(role)
    return tuple(Diwakili(who, nama, frozenset(r)) for (who, nama), r in sorted(roles.items()))


def keadaan(row: Pengganti, now: datetime) -> str:
    today = hari_ini(now)
    if row.diakhiri_pada is not None and row.diakhiri_pada <= now:
        return "diakhiri"
    if today < row.mulai:
        return "akan_datang"
    return "selesai" if today > row.sampai else "berlaku"


def _out(row: Pengganti, names: dict[str, str], now: datetime) -> PenggantiOut:
    state = keadaan(row, now)
    return PenggantiOut(
        id=row.id,
        diwakili=row.diwakili,
        diwakili_nama=names.get(row.diwakili, row.diwakili),
        pengganti=row.pengganti,
        pengganti_nama=names.get(row.pengganti, row.pengganti),
        mulai=row.mulai,
        sampai=row.sampai,
        alasan=row.alasan,  # type: ignore[arg-type]
        keterangan=row.keterangan,
        dibuat_oleh=row.dibuat_oleh,
        dibuat_oleh_nama=names.get(row.dibuat_oleh, row.dibuat_oleh),
        dibuat_pada=row.dibuat_pada,
        diakhiri_oleh=row.diakhiri_oleh,
        diakhiri_oleh_nama=names.get(row.diakhiri_oleh, row.diakhiri_oleh) if row.diakhiri_oleh else None,
        diakhiri_pada=row.diakhiri_pada,
        berlaku=state == "berlaku",
        keadaan=state,
    )


def _names(session: Session, rows: list[Pengganti]) -> dict[str, str]:
    people = {who for r in rows for who in (r.diwakili, r.pengganti, r.dibuat_oleh, r.diakhiri_oleh) if who}
    if not people:
        return {}
    found = session.execute(select(User.username, User.full_name).where(User.username.in_(people)))
    return {username: full_name for username, full_name in found}


def daftar(db: Database, user: CurrentUser, now: datetime) -> list[PenggantiOut]:
    """The substitutions the user names or is named in (every one for the administrator), newest first."""
    with db.reading() as session:
        stmt = select(Pengganti).order_by(Pengganti.mulai.desc(), Pengganti.id.desc())
        if not user.has_any(*PENGGANTI_ADMINS):
            stmt = stmt.where(or_(Pengganti.diwakili == user.username, Pengganti.pengganti == user.username))
        rows = list(session.scalars(stmt.limit(500)))
        names = _names(session, rows)
        return [_out(r, names, now) for r in rows]


def calon_pengganti(db: Database, user: CurrentUser) -> list[tuple[str, str]]:
    """Who the user may name (username, full name): the active officials but themselves and candidates."""
    with db.reading() as session:
        users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name))
        return [
            (u.username, u.full_name)
            for u in users
            if u.username != user.username
            and set(u.role_codes) & PENGGANTI_ROLES
            and not set(u.role_codes) & PENGGANTI_DITOLAK
        ]


def _refuse(path: str, message: str, detail: str) -> ApiError:
    return ApiError(422, detail, [{"path": path, "message": message}])


def _overlapping(who: ColumnElement[bool], mulai: date, sampai: date, now: datetime) -> ColumnElement[bool]:
    """Substitutions matching `who` whose range shares a day with [mulai, sampai] and that were not ended."""
    return (
        who
        & (Pengganti.mulai <= sampai)
        & (Pengganti.sampai >= mulai)
        & or_(Pengganti.diakhiri_pada.is_(None), Pengganti.diakhiri_pada > now)
    )


def _first(session: Session, where: ColumnElement[bool]) -> Pengganti | None:
    return session.scalars(select(Pengganti).where(where).order_by(Pengganti.mulai).limit(1)).first()


def buat(db: Database, user: CurrentUser, now: datetime, body: PenggantiIn) -> PenggantiOut:
    """Name a substitute (422 naming the field for a refusal; 403 naming one for someone else)."""
    diwakili = body.diwakili or user.username
    if diwakili != user.username and not user.has_any(*PENGGANTI_ADMINS):
        raise ApiError(403, "only the administrator names a substitute for someone else")
    today = hari_ini(now)
    if body.mulai < today:
        raise _refuse("mulai", f"Tanggal mulai tidak boleh sebelum hari ini ({fmt.tanggal(today)})", "mulai is past")
    if body.sampai < body.mulai:
        raise _refuse("sampai", "Tanggal selesai tidak boleh sebelum tanggal mulai", "sampai before mulai")
    if body.sampai - body.mulai >= timedelta(days=HARI_MAKSIMUM):
        raise _refuse("sampai", f"Paling lama {HARI_MAKSIMUM} hari sekali tunjuk", "range too long")
    with db.transaction() as session:
        absent = session.scalars(select(User).where(User.username == diwakili)).first()
        if absent is None or not set(absent.role_codes) & PENGGANTI_ROLES:
            raise _refuse(
                "diwakili",
                "Hanya pejabat (Direktur, Ketua LSP, Kepala Bidang) yang tugasnya dapat dikerjakan pengganti",
                f"{diwakili!r} holds no official's role",
            )
        if body.pengganti == diwakili:
            raise _refuse("pengganti", "Anda tidak dapat menjadi pengganti diri sendiri", "no self-substitution")
        sub = session.scalars(select(User).where(User.username == body.pengganti)).first()
        if sub is None or not sub.active:
            raise _refuse("pengganti", "Pengguna ini tidak ada atau tidak aktif", f"no active user {body.pengganti!r}")
        roles = set(sub.role_codes)
        if roles & PENGGANTI_DITOLAK:
            raise _refuse(
                "pengganti",
                f"{sub.full_name} adalah peserta uji kompetensi: tidak dapat menjadi pengganti",
                "a candidate is never a substitute",
            )
        if not roles & PENGGANTI_ROLES:
            raise _refuse(
                "pengganti",
                f"{sub.full_name} bukan pejabat LSP (Direktur, Ketua LSP, Kepala Bidang): "
                "tidak dapat menjadi pengganti",
                "the substitute holds no official's role",
            )
        own = _first(session, _overlapping(Pengganti.diwakili == diwakili, body.mulai, body.sampai, now))
        if own is not None:
            raise _refuse(
                "mulai",
                f"Sudah ada pengganti {fmt.tanggal(own.mulai)} s.d. {fmt.tanggal(own.sampai)}: tanggalnya bertumpang "
                "tindih; akhiri yang lama dahulu",
                "the range overlaps another substitution of the same person",
            )
        away = _first(session, _overlapping(Pengganti.diwakili == body.pengganti, body.mulai, body.sampai, now))
        if away is not None:
            raise _refuse(
                "pengganti",
                f"{sub.full_name} sendiri berhalangan dan diwakili pada tanggal itu: pengganti tidak boleh berantai",
                "the substitute is away themselves in that range",
            )
        standing_in = _first(session, _overlapping(Pengganti.pengganti == diwakili, body.mulai, body.sampai, now))
        if standing_in is not None:
            raise _refuse(
                "diwakili",
                "Pada tanggal itu Anda sendiri menjadi pengganti orang lain: pengganti tidak boleh berantai",
                "the absent person stands in for someone in that range",
            )
        row = Pengganti(
            diwakili=diwakili,
            pengganti=body.pengganti,
            mulai=body.mulai,
            sampai=body.sampai,
            alasan=body.alasan,
            keterangan=(body.keterangan or "").strip() or None,
            dibuat_oleh=user.username,
            dibuat_pada=now,
        )
        session.add(row)
        session.flush()
        return _out(row, _names(session, [row]), now)


def akhiri(db: Database, user: CurrentUser, now: datetime, pengganti_id: int) -> PenggantiOut:
    """End a substitution now (the absent person is back early, or it was a mistake): by the absent person, who
    named it, or the administrator; 404 for anyone else, 409 when it has ended already."""
    with db.transaction() as session:
        row = session.get(Pengganti, pengganti_id, with_for_update=True)
        if row is None or not (
            user.username in (row.diwakili, row.dibuat_oleh, row.pengganti) or user.has_any(*PENGGANTI_ADMINS)
        ):
            raise ApiError(404, f"no substitution {pengganti_id}")
        if user.username == row.pengganti and user.username not in (row.diwakili, row.dibuat_oleh):
            if not user.has_any(*PENGGANTI_ADMINS):
                raise ApiError(403, "only the absent person, who named the substitute, or the administrator ends it")
        if keadaan(row, now) in ("diakhiri", "selesai"):
            raise ApiError(
                409,
                f"substitution {pengganti_id} is over",
                [{"path": "id", "message": "Penggantian ini sudah berakhir"}],
            )
        row.diakhiri_oleh = user.username
        row.diakhiri_pada = now
        session.flush()
        return _out(row, _names(session, [row]), now)
