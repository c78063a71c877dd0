"""The public certificate verification page a certificate's QR code opens: no login, nothing beyond what the
certificate itself shows (holder, skema, numbers, validity) and its status today."""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from api.store.master import LspProfil, Sertifikat
from service_tasks.format_indonesia import WIB
from service_tasks.render import page

router = APIRouter(tags=["verification"])
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def status_on(cert: Sertifikat, today: date) -> str:
    """aktif, kedaluwarsa (valid until a day before today) or dicabut (revoked by the LSP)."""
    if cert.status == "dicabut":
        return "dicabut"
    return "kedaluwarsa" if cert.berlaku_sd < today else "aktif"


@router.get("/verify/{code}", response_class=HTMLResponse)
def verify(code: str, request: Request) -> HTMLResponse:
    today = request.app.state.clock.now().astimezone(WIB).date()
    with request.app.state.db.reading() as session:
        cert = session.scalars(select(Sertifikat).where(Sertifikat.kode_verifikasi == code[:64])).first()
        lsp = session.get(LspProfil, 1)
        lsp_view = {"nama": lsp.nama, "no_lisensi": lsp.no_lisensi} if lsp is not None else None
        if cert is None:
            return HTMLResponse(page("halaman_verifikasi.html", kode=code[:64], lsp=lsp_view), 404, headers=HEADERS)
        view = {
            "nama": cert.nama,
            "skema_nomor": cert.skema_nomor,
            "skema_judul": cert.skema_judul,
            "no_sertifikat": cert.no_sertifikat,
            "no_registrasi": cert.no_registrasi,
            "terbit": cert.terbit,
            "berlaku_sd": cert.berlaku_sd,
        }
        status = status_on(cert, today)
    return HTMLResponse(page("halaman_verifikasi.html", sertifikat=view, status=status, lsp=lsp_view), headers=HEADERS)
