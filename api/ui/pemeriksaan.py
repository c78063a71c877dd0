"""Antrian pemeriksaan berkas (Kabid Administrasi): the registrations awaiting the evidence check, oldest first,
with the period's counts; "Buka berikutnya" claims the next check and opens it; the progress of the period's
fan-outs (registration opened for hundreds of candidates by the worker, 100 per transaction), polled with
htmx; and an evidence file served for a same-origin frame beside the verdicts.

Queries and claims live in `api/services/antrian.py` (and `services.tasks`, `services.berkas`); this module
parses, asks, answers.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.errors import ApiError
from api.routes.deps import MAX_ID, AppSettings, ClockDep, Db, Id, PageNumber
from api.schemas import TaskDetail
from api.services import antrian, berkas, drafts, tasks
from api.store.enums import TaskState
from api.store.storage import inline_disposition
from api.ui import formulir, kirim
from api.ui.kirim import Submitted
from api.ui.konteks import for_form
from api.ui.konteks.pendaftaran_buka import skema_per_prodi
from api.ui.sesi import MAX_FORM_FIELDS, PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)

Periode = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Cari = Annotated[str, Query(max_length=100)]

# An evidence file shown inside a page of this site: framed by this origin only, never cached, never sniffed.
# An image keeps the API's sandbox; a PDF cannot have one (Chromium shows no PDF in a sandboxed document), but
# its type is the one sniffed at upload (%PDF), so with `nosniff` a browser only ever runs its PDF viewer on it.
_FRAME_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
}
_CSP_GAMBAR = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
_CSP_PDF = "default-src 'none'; frame-ancestors 'self'"


def antrian_url(periode: int | None = None, **extra: str | int) -> str:
    params: dict[str, str | int] = {"periode": periode} if periode else {}
    params.update({k: v for k, v in extra.items() if v not in ("", None)})
    return "/berkas/antrian" + (f"?{urlencode(params)}" if params else "")


@router.get("/berkas/antrian", response_class=HTMLResponse)
def daftar(
    request: Request,
    db: Db,
    user: PageUser,
    periode: Periode = None,
    q: Cari = "",
    halaman: PageNumber = 1,
    kosong: bool = False,
    tersimpan: bool = False,
    dibuka: bool = False,
    dilepas: bool = False,
) -> HTMLResponse:
    """The queue; an htmx search asks for the list alone (`HX-Target: #daftar-antrian`)."""
    data = antrian.antrian(db, user, periode, q, halaman)
    progres = antrian.progres(db, user, data.periode.id) if data.periode else None
    fragment = request.headers.get("HX-Target", "").endswith("#daftar-antrian")
    return page(
        request,
        "pemeriksaan_daftar.html" if fragment else "pemeriksaan_antrian.html",
        user,
        title="Antrian pemeriksaan berkas",
        aktif="antrian",
        a=data,
        progres=progres,
        kosong=kosong,
        tersimpan=tersimpan,
        dibuka=dibuka,
        dilepas=dilepas,
        antrian_url=antrian_url,
    )


@router.post("/berkas/antrian/berikutnya")
def buka_berikutnya(
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    user: PageUser,
    periode: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Claim the oldest check the user may take and open it; back to the queue when none is left."""
    task_id = antrian.berikutnya(db, clock, settings, user, periode)
    if task_id is None:
        return RedirectResponse(antrian_url(periode, kosong=1), status_code=303)
    return RedirectResponse(f"/berkas/periksa/{task_id}", status_code=303)


@router.get("/berkas/antrian/progres", response_class=HTMLResponse)
def progres(request: Request, db: Db, user: PageUser, periode: Annotated[int, Query(ge=1, le=MAX_ID)]) -> HTMLResponse:
    """The period's fan-outs as progress bars (polled every 2 s by htmx while one is still starting, or while a
    sent step is still being continued)."""
    return page(
        request,
        "pemeriksaan_progres.html",
        user,
        title="Kemajuan",
        progres=antrian.progres(db, user, periode),
        periode_id=periode,
    )


@router.get("/berkas/{berkas_id}/lihat")
def lihat(berkas_id: Id, db: Db, settings: AppSettings, user: PageUser) -> Response:
    """An evidence file inline, for an <img> or a same-origin frame of the check: the same permission as
    `GET /api/berkas/{id}` (`may_read_file`, in `services.berkas.download`)."""
    try:
        f = berkas.download(db, settings, user, berkas_id)
    except ApiError as exc:
        status = exc.status if exc.status in (403, 404) else 404
        pesan = "Anda tidak berhak melihat berkas ini." if status == 403 else "Berkas tidak ditemukan."
        return HTMLResponse(
            f'<!doctype html><html lang="id"><meta charset="utf-8"><title>Berkas</title><p>{pesan}</p></html>',
            status_code=status,
            headers={**_FRAME_HEADERS, "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'"},
        )
    csp = _CSP_GAMBAR if (f.content_type or "").startswith("image/") else _CSP_PDF
    return Response(
        f.content,
        media_type=f.content_type,
        headers={**_FRAME_HEADERS, "Content-Security-Policy": csp, "Content-Disposition": inline_disposition(f.name)},
    )


@router.post("/pendaftaran/{task_id}/pilihan")
async def pilihan_peserta(
    request: Request, task_id: str, db: Db, clock: ClockDep, settings: AppSettings, user: PageUser
) -> Response:
    """The candidate picker of "Membuka pendaftaran": the ticked candidates (plus every candidate of a prodi
    for "Pilih semua prodi X", or none for "Kosongkan") become the rows of the user's draft of the task, each
    with their prodi's target skema unless one was picked; then back to the task page, where the form shows
    them. Nothing is decided here: the form and the SOP's validator check the rows when the form is sent."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    ticked = {v for v in form.getlist("pilih") if isinstance(v, str)}
    picked = {
        key.removeprefix("skema-"): value
        for key, value in form.multi_items()
        if key.startswith("skema-") and isinstance(value, str) and value
    }
    tambah = form.get("tambah_prodi")
    kosongkan = bool(form.get("kosongkan"))
    task = await run_in_threadpool(tasks.detail, db, clock, settings, user, task_id)
    fields = ((task.form.schema_ or {}).get("properties") or {}) if task.form else {}
    if "daftar_pendaftar" not in fields:
        raise ApiError(
            422, "this task has no list of registrants", [{"path": "", "message": "Tugas ini tidak memilih peserta"}]
        )
    peserta = await run_in_threadpool(antrian.peserta_pilihan, db, user)
    per_prodi = skema_per_prodi([t for t in (task.data or {}).get("target") or [] if isinstance(t, dict)])
    rows = []
    if not kosongkan:
        for p in peserta:
            if p.username in ticked or (isinstance(tambah, str) and p.prodi == tambah):
                own = per_prodi.get(p.prodi.strip().casefold(), [])
                skema = picked.get(p.username) or (own[0] if own else "")
                rows.append({"username": p.username, **({"skema_nomor": skema} if skema else {})})
    kept = dict(task.draft.data) if task.draft is not None else {}
    await run_in_threadpool(drafts.save, db, clock.now(), settings, user, task_id, {**kept, "daftar_pendaftar": rows})
    where = "#pemilih-peserta" if tambah or kosongkan else "#f-daftar_pendaftar"
    return RedirectResponse(f"/pendaftaran/buka/{task_id}?tersimpan=1{where}", status_code=303)


# The check's form as this page draws it: one fixed row per evidence item the candidate sent (the file shown
# beside it, its name read-only), the verdicts to give. Presentation only: the form and the SOP's validator
# check what is sent.
UI_PERIKSA: dict[str, dict[str, object]] = {
    "pemeriksaan.bukti": {"baris_tetap": True},
    "pemeriksaan.bukti.*.berkas_id": {"widget": "tersembunyi"},
    "pemeriksaan.bukti.*.nama": {"widget": "hanya-baca"},
}


def _periksa_page(
    request: Request,
    db: Db,
    user: PageUser,
    task: TaskDetail,
    ulang: kirim.Ulang,
    *,
    tersimpan: str = "",
) -> HTMLResponse:
    panel = for_form(task.form.file)
    k = panel.build(db, user, task) if panel is not None else {}
    files = {b["berkas"].id: b["berkas"] for b in k.get("bukti", []) if b.get("berkas") is not None}
    schema = task.form.schema_ or {}
    nama = task.subject_name or task.subject or "peserta"
    data = ulang.data if ulang.data is not None else kirim.isian_awal(task)
    return page(
        request,
        "pemeriksaan_periksa.html",
        user,
        title=f"Periksa berkas {nama}",
        aktif="antrian",
        task=task,
        k=k,
        halaman_periksa=True,
        ringkasan=formulir.error_summary(ulang.errors, schema) if ulang.errors else "",
        isian=formulir.render(schema, data, ulang.errors, ui_schema=UI_PERIKSA, berkas=files),
        konfirmasi=ulang.konfirmasi,
        aksi_dikonfirmasi=ulang.aksi,
        konflik=ulang.konflik,
        tunggu=ulang.tunggu,
        tersimpan=tersimpan,
        status_code=ulang.status_code,
    )


def _check(p: kirim.Pengirim, task_id: str) -> TaskDetail:
    task = tasks.detail(p.db, p.clock, p.settings, p.user, task_id)
    if task.form.file != antrian.FORM_PERIKSA:
        raise ApiError(404, f"task {task_id} is not an evidence check")
    return task


@router.get("/berkas/periksa/{task_id}", response_class=HTMLResponse)
def periksa(p: kirim.Dari, task_id: str, tersimpan: Annotated[str, Query(max_length=20)] = "") -> Response:
    """The check as a split view: the candidate's APL.01 and each evidence file beside the verdicts, which
    start from the user's draft or the form's proposal (`kirim.isian_awal`), never an earlier check's."""
    task = _check(p, task_id)
    if task.state != TaskState.READY:
        return RedirectResponse(f"/tasks/{task_id}", status_code=303)
    return _periksa_page(p.request, p.db, p.user, task, kirim.Ulang(), tersimpan=tersimpan)


@router.post("/berkas/periksa/{task_id}")
def periksa_kirim(p: kirim.Dari, task_id: str, form: Submitted) -> Response:
    """Send the check (`kirim.kirim`: a refusal or BK asked about once more, a 422 shows the page again with
    the errors at their fields, nothing saved), then open the next one ("Simpan & berikutnya") or go back to
    the queue ("Simpan & kembali ke antrian"); "Simpan draf" keeps it as the user's draft."""
    task = _check(p, task_id)
    pressed = kirim.aksi(form)
    periode = task.period_id

    def sesudah() -> str:
        if pressed == "kembali":
            return antrian_url(periode, tersimpan=1)
        nxt = antrian.berikutnya(p.db, p.clock, p.settings, p.user, periode)
        return antrian_url(periode, kosong=1, tersimpan=1) if nxt is None else f"/berkas/periksa/{nxt}?tersimpan=1"

    def gambar(t: TaskDetail, u: kirim.Ulang) -> HTMLResponse:
        u.aksi = pressed
        return _periksa_page(p.request, p.db, p.user, t, u)

    layar = kirim.Layar(gambar=gambar, sesudah=sesudah, draf=f"/berkas/periksa/{task_id}?tersimpan=draf")
    if pressed == "draf":
        return kirim.simpan_draf(p, task, form, layar)
    return kirim.kirim(p, task, form, layar)


# "Membuka pendaftaran" for hundreds of candidates: the rows the picker chose are shown read-only (each
# candidate and skema by their titles, one hidden input each) rather than as a <select> of every candidate per
# row. Presentation only: the same form is sent, checked by the form and the SOP's validator.
FORM_BUKA = "membuka_pendaftaran.json"
UI_BUKA: dict[str, dict[str, object]] = {
    "daftar_pendaftar": {"baris_tetap": True},
    "daftar_pendaftar.*.username": {"widget": "hanya-baca"},
    "daftar_pendaftar.*.skema_nomor": {"widget": "hanya-baca"},
}


def _buka_task(p: kirim.Pengirim, task_id: str) -> TaskDetail:
    task = tasks.detail(p.db, p.clock, p.settings, p.user, task_id)
    if task.form.file != FORM_BUKA:
        raise ApiError(404, f"task {task_id} does not open registration")
    return task


def _buka_page(
    request: Request,
    db: Db,
    user: PageUser,
    task: TaskDetail,
    ulang: kirim.Ulang,
    *,
    tersimpan: bool = False,
) -> HTMLResponse:
    panel = for_form(task.form.file)
    schema = task.form.schema_ or {}
    data = ulang.data if ulang.data is not None else kirim.isian_awal(task)
    rows = data.get("daftar_pendaftar") if "daftar_pendaftar" in data else None
    shown = (
        rows if isinstance(rows, list) else (schema.get("properties") or {}).get("daftar_pendaftar", {}).get("default")
    )
    return page(
        request,
        "pemeriksaan_buka.html",
        user,
        title="Membuka pendaftaran",
        aktif="tugas",
        task=task,
        k=panel.build(db, user, task) if panel is not None else {},
        halaman_buka=True,
        jumlah=len(shown) if isinstance(shown, list) else 0,
        ringkasan=formulir.error_summary(ulang.errors, schema) if ulang.errors else "",
        isian=formulir.render(schema, data, ulang.errors, ui_schema=UI_BUKA),
        konfirmasi=ulang.konfirmasi,
        konflik=ulang.konflik,
        tunggu=ulang.tunggu,
        tersimpan=tersimpan,
        status_code=ulang.status_code,
    )


@router.get("/pendaftaran/buka/{task_id}", response_class=HTMLResponse)
def buka(p: kirim.Dari, task_id: str, tersimpan: bool = False) -> Response:
    """The picker over every active candidate beside the rows it chose, then "Buka pendaftaran"."""
    task = _buka_task(p, task_id)
    if task.state != TaskState.READY:
        return RedirectResponse(f"/tasks/{task_id}", status_code=303)
    return _buka_page(p.request, p.db, p.user, task, kirim.Ulang(), tersimpan=tersimpan)


@router.post("/pendaftaran/buka/{task_id}")
def buka_kirim(p: kirim.Dari, task_id: str, form: Submitted) -> Response:
    """Send the form (`kirim.kirim`); then the queue of the period, where the worker's progress opening
    registration for each candidate (100 per transaction) is polled. A 422 shows the page again."""
    task = _buka_task(p, task_id)
    layar = kirim.Layar(
        gambar=lambda t, u: _buka_page(p.request, p.db, p.user, t, u),
        sesudah=lambda: antrian_url(task.period_id or task.instance_id, dibuka=1),
        sesudah_saat_diproses=True,
    )
    return kirim.kirim(p, task, form, layar)


@router.post("/berkas/periksa/{task_id}/lepas")
def periksa_lepas(p: kirim.Dari, task_id: str) -> Response:
    """Leave a check unsent for a colleague (`services.tasks.unclaim`), back to the queue."""
    task = _check(p, task_id)
    tasks.unclaim(p.db, p.clock, p.settings, p.user, task_id)
    return RedirectResponse(antrian_url(task.period_id, dilepas=1), status_code=303)
