"""Notifikasi: the user's notices (the bell in the header counts the unread), each opening the task or document
it is about and marked read on the way; "Tandai sudah dibaca" for one or all. Only one's own: another user's
notice is a 404 page, as one that does not exist."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.errors import ApiError
from api.routes.deps import MAX_ID, Db, Now
from api.services import notifikasi
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)


def _id(value: str) -> int:
    """A notice's id from the address; anything else is the 404 page (never the API's JSON 422)."""
    if value.isdigit() and 0 < len(value) <= 10 and 0 < int(value) <= MAX_ID:
        return int(value)
    raise ApiError(404, f"no notifikasi {value[:20]!r}")


def _halaman(value: str) -> int:
    return int(value) if value.isdigit() and 0 < len(value) <= 6 and int(value) > 0 else 1


@router.get("/notifikasi", response_class=HTMLResponse)
def daftar(request: Request, db: Db, user: PageUser, halaman: str = "1") -> HTMLResponse:
    isi = notifikasi.daftar(db, user.username, _halaman(halaman))
    return page(request, "notifikasi.html", user, title="Notifikasi", aktif="notifikasi", daftar=isi)


@router.get("/notifikasi/{notifikasi_id}/buka")
def buka(db: Db, now: Now, user: PageUser, notifikasi_id: str) -> Response:
    """Open what the notice is about, marking it read."""
    n = notifikasi.baca(db, now, user.username, _id(notifikasi_id))
    return RedirectResponse(n.tautan if n.tautan.startswith("/") and not n.tautan.startswith("//") else "/", 303)


@router.post("/notifikasi/{notifikasi_id}/baca")
def baca(db: Db, now: Now, user: PageUser, notifikasi_id: str) -> Response:
    notifikasi.baca(db, now, user.username, _id(notifikasi_id))
    return RedirectResponse("/notifikasi", status_code=303)


@router.post("/notifikasi/baca-semua")
def baca_semua(db: Db, now: Now, user: PageUser) -> Response:
    notifikasi.baca_semua(db, now, user.username)
    return RedirectResponse("/notifikasi", status_code=303)
