"""Pengganti saat saya tidak ada: an official names (and ends) who works on their tasks while they are away, and
sees whom they stand in for; the same service as `/api/pengganti` (api/services/pengganti.py)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import PENGGANTI_ADMINS, PENGGANTI_ROLES
from api.routes.deps import MAX_ID, Db, Now
from api.schemas.pengganti import PenggantiIn
from api.services import pengganti
from api.store.enums import AlasanPengganti
from api.ui.galat import halaman_galat
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)

ALASAN = {
    AlasanPengganti.CUTI: "Cuti",
    AlasanPengganti.DINAS_LUAR: "Dinas luar",
    AlasanPengganti.SAKIT: "Sakit",
    AlasanPengganti.LAINNYA: "Lainnya",
}
KEADAAN = {
    "akan_datang": ("Akan berlaku", ""),
    "berlaku": ("Berlaku", "lencana-sukses"),
    "selesai": ("Selesai", ""),
    "diakhiri": ("Diakhiri", "lencana-lewat"),
}
# The form's fields, in the order an error summary lists them.
BIDANG = ("pengganti", "mulai", "sampai", "alasan", "keterangan", "diwakili")


def _refused(request: Request) -> HTMLResponse:
    return halaman_galat(
        request,
        403,
        judul="Tidak dapat menunjuk pengganti",
        pesan="Pengganti ditunjuk oleh pejabat LSP (Direktur, Ketua LSP, Kepala Bidang) untuk tugasnya sendiri.",
    )


def _may(user: CurrentUser) -> bool:
    return user.has_any(*(PENGGANTI_ROLES | PENGGANTI_ADMINS))


def _page(
    request: Request,
    db: Db,
    user: CurrentUser,
    now: Now,
    *,
    isian: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
    pesan: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    semua = pengganti.daftar(db, user, now)
    return page(
        request,
        "pengganti.html",
        user,
        title="Pengganti saat saya tidak ada",
        aktif="pengganti",
        boleh_menunjuk=user.has_any(*PENGGANTI_ROLES),
        milik_saya=[p for p in semua if p.diwakili == user.username],
        saya_mewakili=[p for p in semua if p.pengganti == user.username],
        lainnya=[p for p in semua if user.username not in (p.diwakili, p.pengganti)],
        calon=pengganti.calon_pengganti(db, user),
        ALASAN=ALASAN,
        KEADAAN=KEADAAN,
        hari_ini=pengganti.hari_ini(now),
        isian=isian or {},
        errors=sorted(errors or [], key=lambda e: BIDANG.index(e["path"]) if e["path"] in BIDANG else 99),
        pesan=pesan,
        status_code=status_code,
    )


@router.get("/pengganti", response_class=HTMLResponse)
def halaman(
    request: Request, db: Db, now: Now, user: PageUser, dibuat: bool = False, diakhiri: bool = False
) -> Response:
    if not _may(user):
        return _refused(request)
    pesan = "Pengganti telah ditunjuk." if dibuat else "Penggantian telah diakhiri." if diakhiri else ""
    return _page(request, db, user, now, pesan=pesan)


def _tanggal(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@router.post("/pengganti")
def tunjuk(
    request: Request,
    db: Db,
    now: Now,
    user: PageUser,
    pengganti_: Annotated[str, Form(alias="pengganti", max_length=64)] = "",
    mulai: Annotated[str, Form(max_length=20)] = "",
    sampai: Annotated[str, Form(max_length=20)] = "",
    alasan: Annotated[str, Form(max_length=32)] = "",
    keterangan: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if not user.has_any(*PENGGANTI_ROLES):  # the page names one's own substitute (admin: POST /api/pengganti)
        return _refused(request)
    isian = {"pengganti": pengganti_, "mulai": mulai, "sampai": sampai, "alasan": alasan, "keterangan": keterangan}
    errors = []
    if not pengganti_:
        errors.append({"path": "pengganti", "message": "Pilih pengganti"})
    for field, value, label in (("mulai", mulai, "mulai"), ("sampai", sampai, "selesai")):
        if _tanggal(value) is None:
            errors.append({"path": field, "message": f"Isi tanggal {label}"})
    if alasan not in ALASAN:
        errors.append({"path": "alasan", "message": "Pilih alasan"})
    if errors:
        return _page(request, db, user, now, isian=isian, errors=errors, status_code=422)
    body = PenggantiIn(
        pengganti=pengganti_,
        mulai=_tanggal(mulai),  # type: ignore[arg-type]
        sampai=_tanggal(sampai),  # type: ignore[arg-type]
        alasan=AlasanPengganti(alasan),
        keterangan=keterangan or None,
    )
    try:
        pengganti.buat(db, user, now, body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        found = exc.body.get("errors") or [{"path": "pengganti", "message": "Pengganti tidak dapat ditunjuk"}]
        return _page(request, db, user, now, isian=isian, errors=found, status_code=422)
    return RedirectResponse("/pengganti?dibuat=true", status_code=303)


@router.post("/pengganti/{pengganti_id}/akhiri")
def akhiri(request: Request, pengganti_id: str, db: Db, now: Now, user: PageUser) -> Response:
    if not _may(user):
        return _refused(request)
    if not pengganti_id.isdigit() or not 1 <= int(pengganti_id) <= MAX_ID:
        return halaman_galat(request, 404)
    try:
        pengganti.akhiri(db, user, now, int(pengganti_id))
    except ApiError as exc:
        if exc.status == 409:
            return _page(request, db, user, now, pesan="Penggantian ini sudah berakhir.", status_code=409)
        return halaman_galat(request, exc.status)
    return RedirectResponse("/pengganti?diakhiri=true", status_code=303)
