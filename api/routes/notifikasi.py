"""The caller's notifications: the list (with the bell's unread count), marking one or all read. The worker
writes and e-mails them (api/background/notifikasi.py); each user reads only their own."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import Caller
from api.routes.deps import Db, Id, Now, PageNumber
from api.schemas.notifikasi import DaftarNotifikasi, NotifikasiOut
from api.services import notifikasi

router = APIRouter(prefix="/api/notifikasi", tags=["notifikasi"])


@router.get("", response_model=DaftarNotifikasi)
def daftar(
    db: Db, user: Caller, page: PageNumber = 1, belum_dibaca: Annotated[bool, Query()] = False
) -> DaftarNotifikasi:
    """The caller's own notifications, newest first, 20 a page (`belum_dibaca=true`: the unread only), with
    the count of unread ones."""
    return notifikasi.daftar(db, user.username, page, hanya_belum_dibaca=belum_dibaca)


@router.post("/baca-semua")
def baca_semua(db: Db, now: Now, user: Caller) -> dict[str, int]:
    """Mark every unread notification of the caller read: `{"dibaca": n}`."""
    return {"dibaca": notifikasi.baca_semua(db, now, user.username)}


@router.post("/{notifikasi_id}/baca", response_model=NotifikasiOut, responses={404: {"description": "not yours"}})
def baca(db: Db, now: Now, user: Caller, notifikasi_id: Id) -> NotifikasiOut:
    """Mark one of the caller's notifications read; another user's answers 404, as one that does not exist."""
    return notifikasi.baca(db, now, user.username, notifikasi_id)
