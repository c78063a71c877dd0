"""Dokumen: the documents a user may read (staff: every period's, grouped by period and kind; a candidate their
own; an asesor those addressed to them), with their render state, versions and certificates' status; a period's
render progress polled every 2 s while documents wait for the renderer; preview, download and "Coba lagi"; a
printed certificate handed over ("Catat penyerahan"), re-issued on a new blangko after a misprint ("Ganti
blangko": the berita acara kerusakan and the new certificate) or revoked ("Cabut"), and the period's register of
certificates.

The permission is the API's (`api.permissions.may_read_document` through `api.services.dokumen`); a refusal or a
document still being rendered is an Indonesian page, never the API's JSON.
"""

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from api.errors import ApiError
from api.permissions import is_staff, may_correct, may_record_handover, may_reissue, may_revoke
from api.routes.deps import MAX_ID, AppSettings, BackgroundWorker, Db, Now, file_response
from api.schemas.dokumen import Penggantian, Penyerahan
from api.services import arsip, dokumen, register, serah_terima
from api.store.enums import Penerima, Role
from api.store.storage import attachment_disposition
from api.ui.galat import halaman_galat
from api.ui.sesi import PageUser
from api.ui.templating import page
from service_tasks.format_indonesia import as_date
from service_tasks.jenis_dokumen import JENIS_SK
from service_tasks.render import verify_url

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50

STATE_LABELS = {"siap": "Siap", "sedang_dibuat": "Sedang dibuat", "gagal": "Gagal dibuat"}
STATE_TONES = {"siap": "sukses", "sedang_dibuat": "dekat", "gagal": "lewat"}
SERTIFIKAT_LABELS = {"aktif": "Aktif", "kedaluwarsa": "Kedaluwarsa", "dicabut": "Dicabut", "diganti": "Diganti"}

# What a refused document request tells the reader, by the service's status.
_GALAT: dict[int, tuple[str, str]] = {
    403: ("Tidak berhak", "Anda tidak berhak membaca dokumen ini."),
    404: ("Dokumen tidak ditemukan", "Dokumen yang Anda cari tidak ada."),
    409: ("Dokumen sedang dibuat", "Berkas dokumen ini sedang dibuat. Coba lagi dalam beberapa saat."),
    415: ("Pratinjau tidak tersedia", "Dokumen ini berupa lembar kerja (.xlsx): unduh berkasnya untuk membukanya."),
}


def galat_page(request: Request, user: PageUser, exc: ApiError, *, kembali: str = "/dokumen") -> HTMLResponse:
    """An Indonesian page for a refused request (the service's English detail is never shown)."""
    judul, pesan = _GALAT.get(exc.status, ("Terjadi kesalahan", "Permintaan ini tidak dapat dipenuhi."))
    if exc.status == 409 and "failed" in str(exc):  # rendered_file: "... (last attempt failed: ...)"
        judul = "Dokumen gagal dibuat"
        pesan = "Berkas dokumen ini gagal dibuat. Staf LSP dapat membuatnya lagi dari halaman Dokumen."
    status = exc.status if 400 <= exc.status < 500 else 500
    return halaman_galat(request, status, judul=judul, pesan=pesan, kembali=(kembali, "Kembali"), aktif="dokumen")


def _list_url(where: dokumen.DokumenFilter, halaman: int) -> str:
    """The list's address with its filter, at page `halaman`."""
    params = {"periode": where.period_id or "", "jenis": where.kind or "", "cari": where.q.strip(), "halaman": halaman}
    return "/dokumen?" + urlencode({k: v for k, v in params.items() if v})


def angka_atau_none(value: str) -> int | None:
    """A positive number from an address or a form (an empty choice, or anything not a number, is None): a
    page answers an Indonesian page for it, never the API's JSON 422."""
    value = value.strip()
    return int(value) if value.isdigit() and 0 < len(value) <= 9 and 0 < int(value) <= MAX_ID else None


def tidak_ada(value: str) -> int:
    """An address naming no document or period: the page says it is not found."""
    raise ApiError(404, f"no such id {value[:20]!r}")


@router.get("/dokumen")
def daftar(
    request: Request,
    db: Db,
    now: Now,
    user: PageUser,
    periode: str = "",
    jenis: str = "",
    cari: str = "",
    halaman: str = "1",
) -> HTMLResponse:
    # Whatever the address says is read leniently (a filter it cannot read is no filter): never a JSON 422.
    where = dokumen.DokumenFilter(period_id=angka_atau_none(periode), kind=jenis.strip()[:40] or None, q=cari[:100])
    today = as_date(now) or now.date()
    nomor = min(angka_atau_none(halaman) or 1, 100_000)
    daftar = dokumen.readable_page(db, user, today, where, nomor, PAGE_SIZE)
    if not daftar.items and daftar.total:  # past the last page: the last page
        daftar = dokumen.readable_page(db, user, today, where, -(-daftar.total // PAGE_SIZE), PAGE_SIZE)
    settings = request.app.state.settings
    return page(
        request,
        "dokumen.html",
        user,
        title="Dokumen",
        aktif="dokumen",
        daftar=daftar,
        filter=where,
        progres_list=dokumen.periods_rendering(db, user),
        staf=is_staff(user),
        pencatat_penyerahan=may_record_handover(user),
        penerbit_ulang=may_reissue(user),
        pengoreksi=may_correct(user),
        pengubah_sk=may_correct(user) and Role.KETUA_LSP in user.roles,
        SK_KINDS=JENIS_SK,  # amended only by the Ketua in office: only they see its "Koreksi"
        pencabut=may_revoke(user),
        hari_ini=today.isoformat(),
        hanya_peserta=user.roles <= {Role.PESERTA},
        halaman_terakhir=max(1, -(-daftar.total // PAGE_SIZE)),
        query=request.url.query,
        halaman_url=lambda n: _list_url(where, n),
        STATE_LABELS=STATE_LABELS,
        STATE_TONES=STATE_TONES,
        SERTIFIKAT_LABELS=SERTIFIKAT_LABELS,
        verifikasi=lambda kode: verify_url(settings.public_base_url, kode),
    )


@router.get("/dokumen/progres/{instance_id}")
def progres(request: Request, instance_id: str, db: Db, user: PageUser) -> HTMLResponse:
    """The progress fragment (`_progres.html`) for htmx: it carries its own `hx-trigger="every 2s"` while
    documents wait, and drops it once none does, so polling stops. Opened as a page, the same in the layout."""
    try:
        p = dokumen.render_progress(db, user, angka_atau_none(instance_id) or tidak_ada(instance_id))
    except ApiError as exc:
        return galat_page(request, user, exc)
    template = "_progres.html" if request.headers.get("HX-Request") else "dokumen_progres.html"
    return page(request, template, user, title="Pembuatan dokumen", aktif="dokumen", progres=p)


@router.get("/dokumen/arsip/{instance_id}")
def arsip_unduh(request: Request, instance_id: str, db: Db, settings: AppSettings, user: PageUser) -> Response:
    """A period's whole archive as a ZIP download (staff); an Indonesian page when refused or not complete yet."""
    try:
        found = arsip.unduh(db, settings, user, angka_atau_none(instance_id) or tidak_ada(instance_id))
    except ApiError as exc:
        if exc.status == 403:
            pesan = "Hanya staf LSP yang dapat mengunduh arsip periode."
        elif exc.status == 404:
            pesan = "Periode yang Anda cari tidak ada."
        else:
            errors = exc.body.get("errors") or [{"message": "arsip belum dapat diunduh"}]
            pesan = str(errors[0]["message"]).capitalize() + "."
        judul = {403: "Tidak berhak", 404: "Periode tidak ditemukan"}.get(exc.status, "Arsip belum lengkap")
        status = exc.status if 400 <= exc.status < 500 else 500
        return halaman_galat(
            request, status, judul=judul, pesan=pesan, kembali=("/dokumen", "Kembali"), aktif="dokumen"
        )
    return StreamingResponse(
        found.chunks,
        media_type="application/zip",
        headers={"Content-Disposition": attachment_disposition(found.name), "Cache-Control": "no-store"},
    )


@router.get("/dokumen/{document_id}/unduh")
def unduh(request: Request, document_id: str, db: Db, settings: AppSettings, user: PageUser) -> Response:
    """The rendered file, as a download; an Indonesian page while it is being rendered (409) or when refused."""
    try:
        f = dokumen.rendered_file(db, settings, user, angka_atau_none(document_id) or tidak_ada(document_id))
    except ApiError as exc:
        return galat_page(request, user, exc)
    return file_response(f, download=True)


@router.get("/dokumen/{document_id}/cetak")
def cetak(
    request: Request, document_id: str, db: Db, settings: AppSettings, worker: BackgroundWorker, user: PageUser
) -> Response:
    """A certificate's print layer for BNSP's pre-printed blangko (staff, as GET /api/dokumen/{id}/cetak), opened
    in the browser to print; an Indonesian page when refused or when it cannot be rendered."""
    if not is_staff(user):
        return galat_page(request, user, ApiError(403))
    try:
        f = dokumen.print_layer(
            db, settings, worker.renderer, user, angka_atau_none(document_id) or tidak_ada(document_id)
        )
    except ApiError as exc:
        if exc.status == 503:  # the service's Indonesian message: the render processes, or the template
            pesan = str((exc.body.get("errors") or [{}])[0].get("message") or "Lapisan cetak belum dapat dibuat.")
            return halaman_galat(
                request,
                503,
                judul="Lapisan cetak gagal dibuat",
                pesan=pesan,
                kembali=("/dokumen", "Kembali"),
                headers=exc.headers,
                aktif="dokumen",
            )
        if exc.status == 409 and ("dicabut" in str(exc) or "diganti" in str(exc)):
            pesan = "Sertifikat ini sudah dicabut atau diganti dengan blangko baru: cetak penggantinya."
            return halaman_galat(
                request, 409, judul="Tidak dicetak lagi", pesan=pesan, kembali=("/dokumen", "Kembali"), aktif="dokumen"
            )
        if exc.status == 422:
            pesan = "Hanya sertifikat yang dicetak di atas blangko BNSP."
            return halaman_galat(
                request, 422, judul="Bukan sertifikat", pesan=pesan, kembali=("/dokumen", "Kembali"), aktif="dokumen"
            )
        return galat_page(request, user, exc)
    return file_response(f)


@router.get("/dokumen/{document_id}/pratinjau")
def pratinjau(request: Request, document_id: str, db: Db, settings: AppSettings, user: PageUser) -> HTMLResponse:
    """The document as HTML, from the same template and data as its PDF (shown even before the PDF exists)."""
    try:
        html = dokumen.preview(db, settings, user, angka_atau_none(document_id) or tidak_ada(document_id))
    except ApiError as exc:
        return galat_page(request, user, exc)
    # The preview is the document's own page (its kop, its styles); it runs no script and is framed by nobody.
    return HTMLResponse(html, headers={"Content-Security-Policy": "script-src 'none'; frame-ancestors 'none'"})


def _back(kembali: str) -> str:
    """Back to the list as it was filtered: only a /dokumen address of this site."""
    kembali = kembali[:2000]
    return kembali if kembali.startswith("/dokumen") and not kembali.startswith("//") else "/dokumen"


@router.post("/dokumen/{document_id}/coba-lagi")
def coba_lagi(
    request: Request,
    document_id: str,
    db: Db,
    worker: BackgroundWorker,
    user: PageUser,
    kembali: Annotated[str, Form()] = "/dokumen",
) -> Response:
    """A failed document goes back to the renderer (staff, as POST /api/dokumen/{id}/retry-render)."""
    if not is_staff(user):
        return galat_page(request, user, ApiError(403), kembali=_back(kembali))
    try:
        dokumen.retry_render(db, user, angka_atau_none(document_id) or tidak_ada(document_id))
    except ApiError as exc:
        if exc.status == 409:
            pesan = "Dokumen ini tidak sedang gagal: sudah selesai dibuat atau masih menunggu giliran."
            judul = "Tidak perlu dicoba lagi"
            return halaman_galat(
                request, 409, judul=judul, pesan=pesan, kembali=(_back(kembali), "Kembali"), aktif="dokumen"
            )
        return galat_page(request, user, exc, kembali=_back(kembali))
    worker.wake()
    return RedirectResponse(_back(kembali), status_code=303)


def _belum(request: Request, status: int, judul: str, pesan: str, kembali: str) -> HTMLResponse:
    """A certificate action (handover, re-issue, revocation) refused: why, in Indonesian, and back to the list as
    it was; nothing was written."""
    return halaman_galat(
        request, status, judul=judul, pesan=pesan, kembali=(_back(kembali), "Kembali"), aktif="dokumen"
    )


def _pesan(exc: ApiError, default: str) -> str:
    """The service's Indonesian message of a refusal, else `default`."""
    errors = exc.body.get("errors") or []
    return str(errors[0].get("message") or default) if errors else default


@router.post("/dokumen/{document_id}/serah-terima")
def serah_terima_catat(
    request: Request,
    document_id: str,
    db: Db,
    now: Now,
    user: PageUser,
    tanggal: Annotated[str, Form()] = "",
    penerima: Annotated[str, Form()] = "pemegang",
    diterima_oleh: Annotated[str, Form()] = "",
    keterangan: Annotated[str, Form()] = "",
    kembali: Annotated[str, Form()] = "/dokumen",
) -> Response:
    """A printed certificate handed over (as POST /api/dokumen/{id}/serah-terima); a refusal is a page saying
    why, in Indonesian, with nothing recorded."""
    if not may_record_handover(user):
        return galat_page(request, user, ApiError(403), kembali=_back(kembali))
    try:
        pada = date.fromisoformat(tanggal.strip()[:10])
    except ValueError:
        return _belum(request, 422, "Penyerahan belum dicatat", "Isi tanggal penyerahan sertifikat.", kembali)
    body = Penyerahan(
        tanggal=pada,
        penerima=Penerima.KUASA if penerima == "kuasa" else Penerima.PEMEGANG,
        diterima_oleh=diterima_oleh.strip()[:200] or None,
        keterangan=keterangan.strip()[:1000] or None,
    )
    try:
        serah_terima.catat(db, now, user, angka_atau_none(document_id) or tidak_ada(document_id), body)
    except ApiError as exc:
        if exc.status in (409, 422) and exc.body.get("errors"):
            return _belum(request, exc.status, "Penyerahan belum dicatat", _pesan(exc, ""), kembali)
        return galat_page(request, user, exc, kembali=_back(kembali))
    return RedirectResponse(_back(kembali), status_code=303)


@router.get("/dokumen/register-sertifikat/{instance_id}")
def register_sertifikat(request: Request, instance_id: str, db: Db, user: PageUser) -> Response:
    """The period's register of certificates (.xlsx), as GET /api/instances/{id}/register-sertifikat."""
    if not may_record_handover(user):
        return galat_page(request, user, ApiError(403))
    try:
        name, content = serah_terima.register(db, angka_atau_none(instance_id) or tidak_ada(instance_id))
    except ApiError as exc:
        return galat_page(request, user, exc)
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": attachment_disposition(name), "Cache-Control": "no-store"},
    )


@router.post("/dokumen/{document_id}/ganti-blangko")
def ganti_blangko(
    request: Request,
    document_id: str,
    db: Db,
    settings: AppSettings,
    now: Now,
    worker: BackgroundWorker,
    user: PageUser,
    kerusakan: Annotated[str, Form()] = "",
    no_blangko_baru: Annotated[str, Form()] = "",
    no_sertifikat: Annotated[str, Form()] = "",
    no_registrasi: Annotated[str, Form()] = "",
    kembali: Annotated[str, Form()] = "/dokumen",
) -> Response:
    """A misprinted certificate re-issued on a new blangko (as POST /api/dokumen/{id}/ganti-blangko): the berita
    acara kerusakan blangko and the new certificate; a refusal is a page saying why, with nothing written."""
    if not may_reissue(user):
        return galat_page(request, user, ApiError(403), kembali=_back(kembali))
    judul = "Blangko belum diganti"
    kerusakan, no_blangko_baru = " ".join(kerusakan.split())[:1000], no_blangko_baru.strip()[:100]
    if len(kerusakan) < 5:
        return _belum(
            request, 422, judul, "Tuliskan kerusakan blangko yang tercetak (sekurang-kurangnya 5 huruf).", kembali
        )
    if not no_blangko_baru:
        return _belum(request, 422, judul, "Isi nomor seri blangko baru.", kembali)
    body = Penggantian(
        kerusakan=kerusakan,
        no_blangko_baru=no_blangko_baru,
        no_sertifikat=no_sertifikat.strip()[:100] or None,
        no_registrasi=no_registrasi.strip()[:100] or None,
    )
    try:
        register.reissue(db, settings, now, user, angka_atau_none(document_id) or tidak_ada(document_id), body)
    except ApiError as exc:
        if exc.status in (409, 422):
            return _belum(request, exc.status, judul, _pesan(exc, "Sertifikat ini tidak dapat diganti") + ".", kembali)
        return galat_page(request, user, exc, kembali=_back(kembali))
    worker.wake()
    return RedirectResponse(_back(kembali), status_code=303)


@router.post("/dokumen/{document_id}/cabut")
def cabut(
    request: Request,
    document_id: str,
    db: Db,
    now: Now,
    user: PageUser,
    alasan: Annotated[str, Form()] = "",
    kembali: Annotated[str, Form()] = "/dokumen",
) -> Response:
    """A certificate revoked (as POST /api/dokumen/{id}/cabut): its verification page says DICABUT from now on."""
    if not may_revoke(user):
        return galat_page(request, user, ApiError(403), kembali=_back(kembali))
    judul = "Sertifikat belum dicabut"
    alasan = " ".join(alasan.split())[:1000]
    if len(alasan) < 5:
        return _belum(request, 422, judul, "Tuliskan alasan pencabutan (sekurang-kurangnya 5 huruf).", kembali)
    try:
        dokumen.revoke(db, now, user, angka_atau_none(document_id) or tidak_ada(document_id), alasan)
    except ApiError as exc:
        if exc.status in (409, 422):
            return _belum(request, exc.status, judul, _pesan(exc, "Sertifikat ini tidak dapat dicabut.") + ".", kembali)
        return galat_page(request, user, exc, kembali=_back(kembali))
    return RedirectResponse(_back(kembali), status_code=303)
