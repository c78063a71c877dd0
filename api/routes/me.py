"""The caller's own view: `GET /api/me/status` (where a candidate stands; an asesor's candidates), and their
choice of e-mail for notifications (`/api/me/notifikasi`)."""

from fastapi import APIRouter

from api.auth import Caller
from api.routes.deps import Db, Now
from api.schemas.notifikasi import PreferensiNotifikasi, PreferensiPatch
from api.schemas.status import StatusSaya
from api.services import notifikasi, status

router = APIRouter(prefix="/api/me", tags=["me"])


@router.get("/status", response_model=StatusSaya)
def status_saya(db: Db, now: Now, user: Caller) -> StatusSaya:
    """Every signed-in user gets 200. A candidate (`peserta`): each period they are in, the SOP step they
    stand at, their ready tasks with due dates, the open tasks of others about them (by task and role), the
    results recorded (registration check, attendance, K/BK) and the documents about them they may read. An
    asesor (`asesor`): per period, their candidates with each one's step, the asesor's own ready tasks
    about them and what each waits for. Staff, designers and admin: both lists empty, with the number of
    ready tasks in their inbox (`tugas_siap`, for everyone: what "Tugas saya" holds, inside a
    substitution's range also the absent official's tasks). Only the caller's own data: never another candidate's."""
    return status.status_saya(db, user, now)


@router.get("/notifikasi", response_model=PreferensiNotifikasi)
def preferensi_notifikasi(db: Db, user: Caller) -> PreferensiNotifikasi:
    """Where the caller's notifications are e-mailed and whether they want e-mail at all."""
    return notifikasi.preferensi(db, user.username)


@router.patch("/notifikasi", response_model=PreferensiNotifikasi)
def ubah_preferensi_notifikasi(db: Db, user: Caller, body: PreferensiPatch) -> PreferensiNotifikasi:
    """Change the caller's address (`email`; null: none of their own, a candidate's peserta record's is used)
    or turn e-mail on or off (`email_notifikasi`); in-app notifications are always kept."""
    return notifikasi.ubah_preferensi(db, user.username, body)
