"""Impor lembar kerja: a task whose form has a list filled from an .xlsx (its BPMN `importXlsx` property, e.g.
"Mencatat nomor sertifikat dari BNSP") is completed from the uploaded sheet, with the same form and SOP checks as
the API (`api.services.tasks.complete_from_spreadsheet`). A refused sheet shows each error with its row in the
sheet (header is row 1) and completes nothing; a completed one shows the period's documents being rendered.
"""

import io
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from api.errors import ApiError
from api.permissions import is_staff
from api.routes.deps import AppSettings, BackgroundWorker, ClockDep, Db
from api.schemas import TaskDetail
from api.services import dokumen, instances, tasks
from api.store.enums import TaskState
from api.store.storage import UploadRejected, attachment_disposition, read_upload
from api.ui.galat import halaman_galat
from api.ui.sesi import PageUser
from api.ui.templating import page
from service_tasks.jenis_dokumen import CONTENT_TYPES, Format

router = APIRouter(include_in_schema=False)

_GALAT: dict[int, tuple[str, str]] = {
    403: ("Tidak berhak", "Tugas ini bukan untuk Anda."),
    404: ("Tugas tidak ditemukan", "Tugas yang Anda cari tidak ada."),
    409: ("Tugas tidak dapat dikerjakan", "Tugas ini sudah selesai atau sedang dikerjakan orang lain."),
    422: ("Tidak ada impor", "Tugas ini tidak diisi dari lembar kerja .xlsx."),
}


def _galat(request: Request, user: PageUser, exc: ApiError) -> HTMLResponse:
    judul, pesan = _GALAT.get(exc.status, ("Terjadi kesalahan", "Permintaan ini tidak dapat dipenuhi."))
    status = exc.status if 400 <= exc.status < 500 else 500
    return halaman_galat(request, status, judul=judul, pesan=pesan, kembali=("/tasks", "Kembali"), aktif="tugas")


def _list_schema(schema: dict[str, Any] | None, path: str) -> dict[str, Any]:
    """The form's list the sheet fills (its `items` name the columns)."""
    node: dict[str, Any] = schema or {}
    for key in path.split("."):
        node = (node.get("properties") or {}).get(key) or {}
    return node


def _columns(node: dict[str, Any]) -> list[tuple[str, str]]:
    """The sheet's columns as (header, title), in the form's order."""
    props = (node.get("items") or {}).get("properties") or {}
    return [(name, str(spec.get("title") or name)) for name, spec in props.items()]


def _errors(body: dict[str, Any], path: str, titles: dict[str, str]) -> list[dict[str, Any]]:
    """The 422's errors as the table shows them: the sheet's row, its column (header and title), the message."""
    out: list[dict[str, Any]] = []
    for e in body.get("errors") or []:
        where, message = str(e.get("path", "")), str(e.get("message", ""))
        column = ""
        if where.startswith(path + "."):
            rest = where[len(path) + 1 :].split(".")
            column = rest[1] if len(rest) > 1 and rest[0].isdigit() else ""
        out.append({"row": e.get("row"), "kolom": column, "judul": titles.get(column, column), "pesan": message})
    return sorted(out, key=lambda e: (e["row"] is not None, e["row"] or 0))


def _page(
    request: Request,
    db: Db,
    user: PageUser,
    detail: TaskDetail,
    path: str,
    *,
    galat: list[dict[str, Any]] | None = None,
    nama_berkas: str = "",
    status: int = 200,
) -> HTMLResponse:
    node = _list_schema(detail.form.schema_, path)
    progres = None
    if detail.state != TaskState.READY and detail.period_id is not None and is_staff(user):
        progres = dokumen.render_progress(db, user, detail.period_id)
    return page(
        request,
        "impor.html",
        user,
        title=f"Impor lembar kerja: {detail.name}",
        aktif="tugas",
        tugas=detail,
        siap=detail.state == TaskState.READY,
        daftar_judul=str(node.get("title") or ""),
        petunjuk=str((detail.form.schema_ or {}).get("description") or ""),
        kolom=_columns(node),
        ada_isian=len(node.get("default") or []),
        galat=galat or [],
        nama_berkas=nama_berkas,
        progres=progres,
        diproses=detail.state != TaskState.READY and instances.continuing(db, detail.instance_id),
        status_code=status,
    )


@router.get("/tasks/{task_id}/impor")
def formulir(
    request: Request, task_id: str, db: Db, clock: ClockDep, settings: AppSettings, user: PageUser
) -> Response:
    try:
        path = tasks.import_path(db, user, task_id, clock.now())
        detail = tasks.detail(db, clock, settings, user, task_id)
    except ApiError as exc:
        return _galat(request, user, exc)
    return _page(request, db, user, detail, path)


def _templat(node: dict[str, Any]) -> bytes:
    """The sheet to fill: the header row, and a row per item the form pre-fills (e.g. each Kompeten candidate's
    username); a second sheet names the choices of each column that has them (only the first sheet is read)."""
    book = Workbook()
    isian = book.active
    assert isian is not None
    isian.title = "Isian"
    columns = _columns(node)
    isian.append([name for name, _ in columns])
    for item in node.get("default") or []:
        if isinstance(item, dict):
            isian.append([str(item.get(name, "")) for name, _ in columns])
    for i, (name, _) in enumerate(columns):
        isian.column_dimensions[get_column_letter(i + 1)].width = max(16, len(name) + 4)
    props = (node.get("items") or {}).get("properties") or {}
    pilihan = [(name, c) for name, spec in props.items() for c in spec.get("oneOf") or [] if "const" in c]
    if pilihan:
        daftar = book.create_sheet("Pilihan")
        daftar.append(["kolom", "isi", "keterangan"])
        for name, choice in pilihan:
            daftar.append([name, str(choice["const"]), str(choice.get("title", ""))])
        for letter, width in (("A", 16), ("B", 20), ("C", 60)):
            daftar.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@router.get("/tasks/{task_id}/impor/templat")
def templat(request: Request, task_id: str, db: Db, clock: ClockDep, settings: AppSettings, user: PageUser) -> Response:
    """The .xlsx to fill in, pre-filled as the task's form is (the same choices and defaults the API serves)."""
    try:
        path = tasks.import_path(db, user, task_id, clock.now())
        detail = tasks.detail(db, clock, settings, user, task_id)
    except ApiError as exc:
        return _galat(request, user, exc)
    return Response(
        _templat(_list_schema(detail.form.schema_, path)),
        media_type=CONTENT_TYPES[Format.XLSX],
        headers={"Content-Disposition": attachment_disposition(f"{path.split('.')[0]}.xlsx")},
    )


@router.post("/tasks/{task_id}/impor")
def impor(
    request: Request,
    task_id: str,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    worker: BackgroundWorker,
    user: PageUser,
    berkas: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Complete the task from the sheet (nothing is saved unless every row passes), then show it done."""
    try:
        path = tasks.import_path(db, user, task_id, clock.now())
        detail = tasks.detail(db, clock, settings, user, task_id)
    except ApiError as exc:
        return _galat(request, user, exc)
    if detail.state != TaskState.READY:
        return _galat(request, user, ApiError(409))
    titles = dict(_columns(_list_schema(detail.form.schema_, path)))
    name = berkas.filename or "" if berkas is not None else ""
    try:
        if berkas is None or not berkas.filename:
            raise UploadRejected(422, "no file", "Pilih berkas .xlsx yang akan diimpor.")
        content = read_upload(berkas, tasks.MAX_SPREADSHEET_BYTES)
    except UploadRejected as exc:
        message = exc.message[:1].upper() + exc.message[1:]
        if exc.status == 413:
            message = f"Berkas lebih besar dari {tasks.MAX_SPREADSHEET_BYTES // (1024 * 1024)} MB."
        galat = [{"row": None, "kolom": "", "judul": "", "pesan": message}]
        return _page(request, db, user, detail, path, galat=galat, nama_berkas=name, status=exc.status)
    try:
        tasks.complete_from_spreadsheet(db, clock, settings, user, task_id, path, content)
    except ApiError as exc:
        if exc.status != 422:
            return _galat(request, user, exc)
        galat = _errors(exc.body, path, titles) or [
            {"row": None, "kolom": "", "judul": "", "pesan": "Lembar kerja ditolak; tidak ada yang disimpan."}
        ]
        return _page(request, db, user, detail, path, galat=galat, nama_berkas=name, status=422)
    worker.wake()
    return RedirectResponse(f"/tasks/{task_id}/impor", status_code=303)
