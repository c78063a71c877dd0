"""The public certificate verification page a certificate's QR code opens: no login, nothing beyond what the
certificate itself shows (holder, skema, numbers, validity) and its status today."""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.routes.deps import Db, Now
from api.services import dokumen
from service_tasks.format_indonesia import WIB
from service_tasks.render import page

router = APIRouter(tags=["verification"])
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@router.get("/verify/{code}", response_class=HTMLResponse)
def verify(code: str, db: Db, now: Now) -> HTMLResponse:
    kode = code[:64]
    found = dokumen.verification(db, kode, now.astimezone(WIB).date())
    if found.sertifikat is None:
        return HTMLResponse(page("halaman_verifikasi.html", kode=kode, lsp=found.lsp), 404, headers=HEADERS)
    body = page("halaman_verifikasi.html", sertifikat=found.sertifikat, status=found.status, lsp=found.lsp)
    return HTMLResponse(body, headers=HEADERS)
