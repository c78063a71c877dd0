"""Dasbor: a period at a glance for Ketua LSP and Direktur (the Kabids and the administrator may read it).

`/dasbor` lists the periods; `/dasbor/{id}` shows one: the SOP steps against their time standards, the
escalations, the counts from target to certificate, the tasks done on time per step, role and person, K/BK per
skema, TUK and asesor, and the documents' progress, each panel a table beside server-drawn bars (SVG with a
title and a description; the table is the accessible source), and each table as CSV and XLSX
(`/dasbor/{id}/{panel}.csv|.xlsx`). `/dasbor/tren` sets the last periods side by side (`/dasbor/tren.csv|.xlsx`).
Figures from `api.services.dasbor`, the same as `GET /api/periode/{id}/dasbor` and `GET /api/periode/tren`.
"""

import io
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from api import permissions
from api.auth import CurrentUser
from api.routes.deps import MAX_ID, Db, Now
from api.schemas.dasbor import CorongBaris, Dasbor, KepatuhanBaris, KeputusanKelompok, TrenPeriode
from api.services import dasbor
from api.services.ekspor import csv_text
from api.ui.galat import halaman_galat
from api.ui.sesi import PageUser
from api.ui.templating import ROLE_LABELS, page
from service_tasks import format_indonesia as fmt

router = APIRouter(include_in_schema=False)

STATUS_PERIODE = {"running": "Berjalan", "completed": "Selesai", "cancelled": "Dibatalkan", "error": "Galat"}
KEADAAN_LANGKAH = {"belum": "Belum dimulai", "berjalan": "Berjalan", "selesai": "Selesai", "terhenti": "Terhenti"}
# The columns from target to certificate, as the page and the CSV name them.
TAHAP = (
    ("target", "Target"),
    ("terdaftar", "Terdaftar"),
    ("diterima", "Diterima"),
    ("hadir", "Hadir"),
    ("kompeten", "Kompeten"),
    ("sertifikat", "Sertifikat"),
)


def _refused(request: Request, user: CurrentUser) -> HTMLResponse:
    return halaman_galat(
        request,
        403,
        judul="Anda tidak berhak membuka dasbor",
        pesan="Dasbor periode hanya untuk Ketua LSP, Direktur, Kepala Bidang dan administrator.",
        kembali=("/", "Ke beranda"),
        aktif="dasbor",
    )


def _not_found(request: Request, user: CurrentUser) -> HTMLResponse:
    return halaman_galat(
        request,
        404,
        judul="Periode tidak ditemukan",
        pesan="Periode yang Anda cari tidak ada. Pilih periode dari daftar.",
        kembali=("/", "Ke beranda"),
        aktif="dasbor",
    )


def _period_id(text: str) -> int | None:
    return int(text) if text.isdigit() and 1 <= int(text) <= MAX_ID else None


@router.get("/dasbor")
def daftar_periode(request: Request, db: Db, user: PageUser) -> Response:
    if not permissions.may_read_dasbor(user):
        return _refused(request, user)
    return page(
        request,
        "dasbor_daftar.html",
        user,
        title="Dasbor",
        aktif="dasbor",
        periode=dasbor.periode_list(db),
        STATUS_PERIODE=STATUS_PERIODE,
    )


@router.get("/dasbor/tren")
def tren_periode(request: Request, db: Db, now: Now, user: PageUser) -> Response:
    if not permissions.may_read_dasbor(user):
        return _refused(request, user)
    return page(
        request,
        "dasbor_tren.html",
        user,
        title="Tren antarperiode",
        aktif="dasbor",
        tren=dasbor.tren(db, now),
        pada=now,
        STATUS_PERIODE=STATUS_PERIODE,
    )


@router.get("/dasbor/tren.csv")
def tren_csv(request: Request, db: Db, now: Now, user: PageUser) -> Response:
    if not permissions.may_read_dasbor(user):
        return _refused(request, user)
    return _download(_tren(dasbor.tren(db, now)), "dasbor-tren", "csv")


@router.get("/dasbor/tren.xlsx")
def tren_xlsx(request: Request, db: Db, now: Now, user: PageUser) -> Response:
    if not permissions.may_read_dasbor(user):
        return _refused(request, user)
    return _download(_tren(dasbor.tren(db, now)), "dasbor-tren", "xlsx")


@router.get("/dasbor/{instance_id}")
def dasbor_periode(request: Request, instance_id: str, db: Db, now: Now, user: PageUser) -> Response:
    if not permissions.may_read_dasbor(user):
        return _refused(request, user)
    pid = _period_id(instance_id)
    found = dasbor.dasbor(db, now, pid) if pid is not None else None
    if found is None:
        return _not_found(request, user)
    return page(
        request,
        "dasbor.html",
        user,
        title=f"Dasbor {found.periode.business_key or found.periode.id}",
        aktif="dasbor",
        d=found,
        STATUS_PERIODE=STATUS_PERIODE,
        KEADAAN_LANGKAH=KEADAAN_LANGKAH,
        TAHAP=TAHAP,
    )


@router.get("/dasbor/{instance_id}/{panel}.csv")
def dasbor_csv(request: Request, instance_id: str, panel: str, db: Db, now: Now, user: PageUser) -> Response:
    return _panel(request, instance_id, panel, db, now, user, "csv")


@router.get("/dasbor/{instance_id}/{panel}.xlsx")
def dasbor_xlsx(request: Request, instance_id: str, panel: str, db: Db, now: Now, user: PageUser) -> Response:
    return _panel(request, instance_id, panel, db, now, user, "xlsx")


def _panel(
    request: Request, instance_id: str, panel: str, db: Db, now: datetime, user: CurrentUser, format_: str
) -> Response:
    if not permissions.may_read_dasbor(user):
        return _refused(request, user)
    pid = _period_id(instance_id)
    found = dasbor.dasbor(db, now, pid) if pid is not None and panel in PANELS else None
    if found is None:
        return _not_found(request, user)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", found.periode.business_key or str(found.periode.id)).strip("-")
    return _download(PANELS[panel](found), f"dasbor-{name or pid}-{panel}", format_)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(rows: list[list[Any]], filename: str, format_: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}.{format_}"'}
    if format_ == "xlsx":
        return Response(_xlsx(rows), media_type=XLSX, headers=headers)
    # A byte-order mark: spreadsheet programs then read the names' letters as UTF-8.
    return Response("\ufeff" + csv_text(rows), media_type="text/csv; charset=utf-8", headers=headers)


def _xlsx(rows: list[list[Any]]) -> bytes:
    """One sheet: the header row bold-free and plain, counts as numbers, every text a text (never a formula)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dasbor")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=None if value == "" else value)
            if isinstance(value, str) and value:
                cell.data_type = "s"  # a name starting with "=" stays a name
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------
# The panels as CSV: Indonesian column names, WIB times as "2026-11-30 14:30", counts as numbers.


def _waktu(value: datetime | None) -> str:
    return value.astimezone(fmt.WIB).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _durasi(seconds: float | None) -> str:
    return fmt.durasi(seconds) if seconds is not None else ""


def _langkah(d: Dasbor) -> list[list[Any]]:
    head = ["Langkah", "Nama", "Standar waktu", "Mulai (WIB)", "Batas (WIB)", "Selesai (WIB)", "Keadaan", "Lama"]
    rows: list[list[Any]] = [head + ["Terlambat", "Tugas terbuka", "Eskalasi terbuka"]]
    for s in d.langkah:
        rows.append(
            [
                s.nomor,
                s.nama,
                _durasi(s.standar_detik),
                _waktu(s.mulai),
                _waktu(s.batas),
                _waktu(s.selesai),
                KEADAAN_LANGKAH[s.keadaan],
                _durasi(s.lama_detik),
                _durasi(s.terlambat_detik) if s.terlambat else "",
                s.tugas_terbuka,
                s.eskalasi_terbuka,
            ]
        )
    return rows


def _eskalasi(d: Dasbor) -> list[list[Any]]:
    rows: list[list[Any]] = [
        ["Tugas", "Langkah", "Untuk", "Batas langkah (WIB)", "Dibuat (WIB)", "Keadaan", "Ditindaklanjuti (WIB)", "Oleh"]
    ]
    for e in d.eskalasi:
        rows.append(
            [
                e.nama,
                e.langkah or "",
                ROLE_LABELS.get(e.peran or "", e.peran or ""),
                _waktu(e.batas_langkah),
                _waktu(e.dibuat),
                "Terbuka" if e.terbuka else "Dibatalkan" if e.dibatalkan else "Ditindaklanjuti",
                _waktu(e.selesai),
                e.selesai_oleh or "",
            ]
        )
    return rows


def _corong_rows(first: list[str], rows: list[CorongBaris], total: CorongBaris | None) -> list[list[Any]]:
    out: list[list[Any]] = [first + [label for _, label in TAHAP]]
    for r in rows + ([total] if total is not None else []):
        lead = [r.kunci, r.judul] if len(first) == 2 else [r.judul]
        out.append(lead + [getattr(r, key) for key, _ in TAHAP])
    return out


def _corong(d: Dasbor) -> list[list[Any]]:
    return _corong_rows(["Nomor skema", "Skema"], d.corong, d.corong_total)


def _prodi(d: Dasbor) -> list[list[Any]]:
    return _corong_rows(["Program studi"], d.corong_prodi, d.corong_total)


def _keputusan(d: Dasbor) -> list[list[Any]]:
    rows: list[list[Any]] = [["Nomor skema", "Skema", "Kompeten (K)", "Belum kompeten (BK)", "Ditunda"]]
    rows += [[k.skema_nomor, k.skema_judul, k.k, k.bk, k.ditunda] for k in d.keputusan]
    return rows


def _dokumen(d: Dasbor) -> list[list[Any]]:
    rows: list[list[Any]] = [["Jenis dokumen", "Selesai dibuat", "Gagal", "Jumlah"]]
    rows += [[j.label, j.selesai, j.gagal, j.total] for j in d.dokumen.per_jenis]
    rows.append(["Jumlah", d.dokumen.selesai, d.dokumen.gagal, d.dokumen.total])
    return rows


def _persen(value: float | None) -> Any:
    return value if value is not None else ""


def _kepatuhan_rows(first: list[str], rows: list[KepatuhanBaris], total: KepatuhanBaris | None) -> list[list[Any]]:
    head = ["Tepat waktu", "Selesai terlambat", "Terbuka lewat batas", "Berjalan", "Persen tepat waktu"]
    out: list[list[Any]] = [first + head]
    for r in rows + ([total] if total is not None else []):
        lead = [r.kunci, r.judul] + ([ROLE_LABELS.get(r.peran or "", r.peran or "")] if len(first) == 3 else [])
        out.append(
            lead + [r.tepat_waktu, r.terlambat_selesai, r.terlambat_terbuka, r.berjalan, _persen(r.persen_tepat_waktu)]
        )
    return out


def _kepatuhan_langkah(d: Dasbor) -> list[list[Any]]:
    return _kepatuhan_rows(["Langkah", "Nama"], d.kepatuhan.per_langkah, d.kepatuhan.total)


def _kepatuhan_peran(d: Dasbor) -> list[list[Any]]:
    return _kepatuhan_rows(["Kode peran", "Peran"], d.kepatuhan.per_peran, d.kepatuhan.total)


def _kepatuhan_orang(d: Dasbor) -> list[list[Any]]:
    return _kepatuhan_rows(["Pengguna", "Nama", "Peran"], d.kepatuhan.per_orang, None)


def _kelompok(first: list[str], rows: list[KeputusanKelompok]) -> list[list[Any]]:
    out: list[list[Any]] = [first + ["Kompeten (K)", "Belum kompeten (BK)", "Ditunda"]]
    out += [[k.kunci, k.judul, k.k, k.bk, k.ditunda] for k in rows]
    return out


def _keputusan_tuk(d: Dasbor) -> list[list[Any]]:
    return _kelompok(["Kode TUK", "TUK"], d.keputusan_tuk)


def _keputusan_asesor(d: Dasbor) -> list[list[Any]]:
    return _kelompok(["Pengguna", "Asesor"], d.keputusan_asesor)


PANELS: dict[str, Callable[[Dasbor], list[list[Any]]]] = {
    "langkah": _langkah,
    "eskalasi": _eskalasi,
    "corong": _corong,
    "prodi": _prodi,
    "keputusan": _keputusan,
    "keputusan_tuk": _keputusan_tuk,
    "keputusan_asesor": _keputusan_asesor,
    "kepatuhan_langkah": _kepatuhan_langkah,
    "kepatuhan_peran": _kepatuhan_peran,
    "kepatuhan_orang": _kepatuhan_orang,
    "dokumen": _dokumen,
}


def _tren(rows: list[TrenPeriode]) -> list[list[Any]]:
    out: list[list[Any]] = [
        ["Periode", "Keadaan", "Dimulai (WIB)", "Target", "Terdaftar", "Diterima", "Hadir", "Kompeten (K)"]
        + ["Belum kompeten (BK)", "Sertifikat", "Langkah selesai", "Langkah terlambat", "Tugas tepat waktu"]
        + ["Tugas diputuskan", "Persen tepat waktu", "Eskalasi"]
    ]
    for t in rows:
        out.append(
            [t.business_key or str(t.id), STATUS_PERIODE.get(t.status, t.status), _waktu(t.mulai), t.target]
            + [t.terdaftar, t.diterima, t.hadir, t.kompeten, t.belum_kompeten, t.sertifikat, t.langkah_selesai]
            + [t.langkah_terlambat, t.tugas_tepat_waktu, t.tugas_diputuskan, _persen(t.persen_tepat_waktu), t.eskalasi]
        )
    return out
