"""Pengurus pleno: the LSP's eligible pleno staff (who may sit on a rapat pleno, with their fields of
competence), listed for staff and asesor, added and (de)activated by the master writers; the same service as
`/api/pengurus-pleno` (api/services/master/pengurus_pleno.py)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import MASTER_WRITERS, STAFF
from api.routes.deps import MAX_ID, Db, Now
from api.schemas.master import PengurusPlenoIn
from api.services.master import pengurus_pleno
from api.store.enums import Role
from api.ui.galat import halaman_galat
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)

# Who reads the list (as `GET /api/pengurus-pleno`) and who adds and (de)activates (as its write routes).
PEMBACA = STAFF | {Role.ASESOR}
PENULIS = MASTER_WRITERS
# The form's fields, in the order an error summary lists them.
BIDANG_FORMULIR = ("username", "jabatan", "bidang")
TIDAK_SAH = {"username": "Pilih pengguna dari daftar", "jabatan": "Isi jabatan", "bidang": "Pilih bidang dari daftar"}
# The list is the LSP's board: a few dozen people at most; one page of the service holds them all.
UKURAN = 500


def _refused(request: Request) -> HTMLResponse:
    return halaman_galat(
        request,
        403,
        judul="Tidak dapat membuka pengurus pleno",
        pesan="Daftar pengurus pleno dibuka oleh pejabat LSP dan asesor; diubah oleh Ketua LSP, Kepala Bidang "
        "dan administrator.",
        aktif="pengurus",
    )


def _path(path: str) -> str:
    """The form field an error of the service belongs to ("bidang.2" -> "bidang")."""
    return path.split(".", 1)[0]


def _page(
    request: Request,
    db: Db,
    user: CurrentUser,
    *,
    isian: dict[str, str] | None = None,
    dipilih: list[str] | None = None,
    errors: list[dict[str, str]] | None = None,
    pesan: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    boleh_menulis = user.has_any(*PENULIS)
    daftar = pengurus_pleno.list_page(db, None, None, 1, UKURAN)
    found = [{"path": _path(e["path"]), "message": e["message"]} for e in errors or []]
    return page(
        request,
        "pengurus_pleno.html",
        user,
        title="Pengurus pleno",
        aktif="pengurus",
        daftar=daftar.items,
        total=daftar.total,
        boleh_menulis=boleh_menulis,
        calon=pengurus_pleno.calon(db) if boleh_menulis else [],
        bidang_skema=pengurus_pleno.bidang_skema(db) if boleh_menulis else [],
        isian=isian or {},
        dipilih=dipilih or [],
        errors=sorted(found, key=lambda e: BIDANG_FORMULIR.index(e["path"]) if e["path"] in BIDANG_FORMULIR else 99),
        pesan=pesan,
        status_code=status_code,
    )


PESAN = {
    "ditambah": "Pengurus pleno telah ditambahkan.",
    "dinonaktifkan": "Pengurus pleno telah dinonaktifkan: tidak lagi ditawarkan sebagai anggota pleno.",
    "diaktifkan": "Pengurus pleno telah diaktifkan kembali.",
}


@router.get("/pengurus-pleno", response_class=HTMLResponse)
def halaman(request: Request, db: Db, user: PageUser, selesai: str = "") -> Response:
    if not user.has_any(*PEMBACA):
        return _refused(request)
    return _page(request, db, user, pesan=PESAN.get(selesai, ""))


@router.post("/pengurus-pleno")
def tambah(
    request: Request,
    db: Db,
    now: Now,
    user: PageUser,
    username: Annotated[str, Form(max_length=64)] = "",
    jabatan: Annotated[str, Form(max_length=200)] = "",
    bidang: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies a form default)
) -> Response:
    if not user.has_any(*PENULIS):
        return _refused(request)
    isian = {"username": username, "jabatan": jabatan}
    errors = []
    if not username.strip():
        errors.append({"path": "username", "message": "Pilih pengguna"})
    if not jabatan.strip():
        errors.append({"path": "jabatan", "message": "Isi jabatan"})
    if errors:
        return _page(request, db, user, isian=isian, dipilih=bidang, errors=errors, status_code=422)
    try:
        body = PengurusPlenoIn(username=username, jabatan=jabatan, bidang=[b for b in bidang if b.strip()])
    except ValidationError as exc:  # a form sent by hand: a username or field the page never offers
        found = [
            {"path": str(e["loc"][0]), "message": TIDAK_SAH.get(str(e["loc"][0]), "Isian tidak sah")}
            for e in exc.errors()
        ]
        return _page(request, db, user, isian=isian, dipilih=bidang, errors=found, status_code=422)
    try:
        pengurus_pleno.create(db, now, user.username, body)
    except ApiError as exc:
        if exc.status == 409:  # added meanwhile (another tab, another writer)
            found = [{"path": "username", "message": "Pengguna ini sudah menjadi pengurus pleno"}]
        elif exc.status == 422:
            found = exc.body.get("errors") or [{"path": "username", "message": "Pengurus tidak dapat ditambahkan"}]
        else:
            raise
        return _page(request, db, user, isian=isian, dipilih=bidang, errors=found, status_code=exc.status)
    return RedirectResponse("/pengurus-pleno?selesai=ditambah", status_code=303)


def _set_aktif(request: Request, db: Db, now: Now, user: CurrentUser, pengurus_id: str, aktif: bool) -> Response:
    if not user.has_any(*PENULIS):
        return _refused(request)
    if not pengurus_id.isdigit() or not 1 <= int(pengurus_id) <= MAX_ID:
        return halaman_galat(request, 404, aktif="pengurus")
    try:
        pengurus_pleno.set_aktif(db, now, user.username, int(pengurus_id), aktif)
    except ApiError as exc:
        return halaman_galat(request, exc.status, aktif="pengurus", kembali=("/pengurus-pleno", "Ke pengurus pleno"))
    return RedirectResponse(f"/pengurus-pleno?selesai={'diaktifkan' if aktif else 'dinonaktifkan'}", status_code=303)


@router.post("/pengurus-pleno/{pengurus_id}/nonaktifkan")
def nonaktifkan(request: Request, pengurus_id: str, db: Db, now: Now, user: PageUser) -> Response:
    return _set_aktif(request, db, now, user, pengurus_id, False)


@router.post("/pengurus-pleno/{pengurus_id}/aktifkan")
def aktifkan(request: Request, pengurus_id: str, db: Db, now: Now, user: PageUser) -> Response:
    return _set_aktif(request, db, now, user, pengurus_id, True)
