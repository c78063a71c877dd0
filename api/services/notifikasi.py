"""Reading one's notifications, marking them read, and choosing e-mail on or off. The notifications themselves
are written and e-mailed by the worker (api/background/notifikasi.py), never in a request."""

import re
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.schemas.notifikasi import DaftarNotifikasi, NotifikasiOut, PreferensiNotifikasi, PreferensiPatch
from api.store.db import Database
from api.store.master import Peserta
from api.store.models import Notifikasi, User

PAGE_SIZE = 20
# An address as people write it: one @, a dot in the domain, no spaces (deliverability is the server's word).
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _out(n: Notifikasi) -> NotifikasiOut:
    return NotifikasiOut(
        id=n.id,
        jenis=n.jenis,
        judul=n.judul,
        isi=n.isi,
        tautan=n.tautan,
        created_at=n.created_at,
        dibaca_at=n.dibaca_at,
        email_status=n.email_status,
    )


def _unread(session: Session, username: str) -> int:
    return int(
        session.scalar(select(func.count()).where(Notifikasi.username == username, Notifikasi.dibaca_at.is_(None))) or 0
    )


def belum_dibaca(db: Database, username: str) -> int:
    """The bell's count."""
    with db.reading() as session:
        return _unread(session, username)


def daftar(db: Database, username: str, page: int = 1, *, hanya_belum_dibaca: bool = False) -> DaftarNotifikasi:
    """The user's own notifications only, newest first."""
    where = [Notifikasi.username == username]
    if hanya_belum_dibaca:
        where.append(Notifikasi.dibaca_at.is_(None))
    with db.reading() as session:
        total = int(session.scalar(select(func.count()).where(*where)) or 0)
        rows = session.scalars(
            select(Notifikasi)
            .where(*where)
            .order_by(Notifikasi.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
        return DaftarNotifikasi(
            belum_dibaca=_unread(session, username),
            total=total,
            page=page,
            page_size=PAGE_SIZE,
            items=[_out(n) for n in rows],
        )


def baca(db: Database, now: datetime, username: str, notifikasi_id: int) -> NotifikasiOut:
    """Mark one of the user's notifications read (again: no change); another user's is a 404, as one that
    does not exist."""
    with db.transaction() as session:
        n = session.get(Notifikasi, notifikasi_id)
        if n is None or n.username != username:
            raise ApiError(404, f"no notifikasi {notifikasi_id}")
        if n.dibaca_at is None:
            n.dibaca_at = now
        return _out(n)


def baca_semua(db: Database, now: datetime, username: str) -> int:
    """Mark every unread notification of the user read; returns how many."""
    with db.transaction() as session:
        result = session.execute(
            update(Notifikasi)
            .where(Notifikasi.username == username, Notifikasi.dibaca_at.is_(None))
            .values(dibaca_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _preferensi(session: Session, user: User) -> PreferensiNotifikasi:
    email = user.email or session.scalar(select(Peserta.email).where(Peserta.user_id == user.id))
    return PreferensiNotifikasi(email=email, email_notifikasi=user.email_notifikasi)


def _user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise ApiError(404, f"no user {username!r}")
    return user


def preferensi(db: Database, username: str) -> PreferensiNotifikasi:
    with db.reading() as session:
        return _preferensi(session, _user(session, username))


def ubah_preferensi(db: Database, username: str, body: PreferensiPatch) -> PreferensiNotifikasi:
    fields = body.model_fields_set
    email = (body.email or "").strip() if "email" in fields else None
    if email and not EMAIL.match(email):
        raise ApiError(
            422, "email is not an e-mail address", [{"path": "email", "message": "alamat e-mail tidak valid"}]
        )
    with db.transaction() as session:
        user = _user(session, username)
        if "email" in fields:
            user.email = email or None
        if "email_notifikasi" in fields and body.email_notifikasi is not None:
            user.email_notifikasi = body.email_notifikasi
        session.flush()
        return _preferensi(session, user)
