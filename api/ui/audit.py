"""Jejak audit (`/audit`): the audit search as a page for the administrator, Ketua LSP and Direktur: the
filters as a form (sent with GET, so a search is an address to keep or share), the rows newest first in a
table that becomes cards on a phone, the next page by cursor, and the CSV of the whole search
(`/api/audit.csv` with the same filters). The query is api/services/audit.py's, as for `GET /api/audit`.
"""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.errors import ApiError
from api.permissions import may_read_audit
from api.routes.deps import Db
from api.services import audit
from api.store.enums import AksiDataInduk, AlasanPengganti, DataInduk, EventType, JenisAudit, PeristiwaPengganti
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50

JENIS_LABELS = {
    JenisAudit.PROSES: "Riwayat proses",
    JenisAudit.DATA_INDUK: "Perubahan data induk",
    JenisAudit.PENGGANTI: "Pengganti",
}
TYPE_LABELS: dict[str, str] = {
    EventType.INSTANCE_STARTED: "Proses dimulai",
    EventType.INSTANCE_COMPLETED: "Proses selesai",
    EventType.INSTANCE_CANCELLED: "Proses dibatalkan",
    EventType.INSTANCE_FAILED: "Proses gagal",
    EventType.TASK_CREATED: "Tugas dibuat",
    EventType.TASK_CLAIMED: "Tugas diklaim",
    EventType.TASK_UNCLAIMED: "Klaim tugas dilepas",
    EventType.TASK_COMPLETED: "Tugas diselesaikan",
    EventType.TASK_CANCELLED: "Tugas dibatalkan",
    EventType.SERVICE_TASK_COMPLETED: "Langkah otomatis selesai",
    EventType.TIMER_FIRED: "Batas waktu tercapai",
    EventType.CHILD_STARTED: "Subproses dimulai",
    EventType.CHILD_COMPLETED: "Subproses selesai",
    EventType.SIGNAL_SENT: "Sinyal dikirim",
    EventType.SIGNAL_RECEIVED: "Sinyal diterima",
    EventType.STEP_STARTED: "Langkah SOP dimulai",
    EventType.STEP_COMPLETED: "Langkah SOP selesai",
    EventType.STEP_ESCALATED: "Langkah SOP dieskalasi",
    AksiDataInduk.DIBUAT: "Data dibuat",
    AksiDataInduk.DIUBAH: "Data diubah",
    AksiDataInduk.DINONAKTIFKAN: "Data dinonaktifkan",
    AksiDataInduk.DIAKTIFKAN: "Data diaktifkan",
    PeristiwaPengganti.DITUNJUK: "Pengganti ditunjuk",
    PeristiwaPengganti.DIAKHIRI: "Penggantian diakhiri",
}
ALASAN_LABELS = {
    AlasanPengganti.CUTI: "cuti",
    AlasanPengganti.DINAS_LUAR: "dinas luar",
    AlasanPengganti.SAKIT: "sakit",
    AlasanPengganti.LAINNYA: "alasan lain",
}
DATA_LABELS = {
    DataInduk.LSP: "Profil LSP",
    DataInduk.INSTITUSI: "Profil institusi",
    DataInduk.SKEMA: "Skema",
    DataInduk.ASESOR: "Asesor",
    DataInduk.KONFLIK: "Konflik kepentingan",
    DataInduk.TUK: "TUK",
    DataInduk.PESERTA: "Peserta",
    DataInduk.AKUN: "Akun pengguna",
    DataInduk.PENGURUS_PLENO: "Pengurus pleno",
}
FIELDS = ("actor", "type", "kind", "period", "peserta", "skema", "date_from", "date_to", "task")
TANGGAL_SALAH = "isi tanggal dengan format tttt-bb-hh"


def _nilai(value: Any) -> str:
    """A value of a changed field, short enough for a cell (a skema's units are long)."""
    text = "kosong" if value is None else str(value)
    return text if len(text) <= 120 else text[:119] + "…"


def _date(value: str, field: str, errors: list[dict[str, str]]) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append({"path": field, "message": TANGGAL_SALAH})
        return None


@router.get("/audit")
def jejak(request: Request, db: Db, user: PageUser) -> HTMLResponse:
    if not may_read_audit(user):
        raise ApiError(403, "only the administrator, Ketua LSP and Direktur read the audit trail")
    raw = {name: request.query_params.get(name, "")[:300] for name in (*FIELDS, "cursor")}
    errors: list[dict[str, str]] = []
    kind = raw["kind"].strip()
    where = audit.AuditFilter(
        actor=raw["actor"].strip()[:64] or None,
        type=raw["type"].strip()[:40] or None,
        kind=JenisAudit(kind) if kind in set(JenisAudit) else None,
        period=raw["period"].strip()[:200] or None,
        peserta=raw["peserta"].strip()[:200] or None,
        skema=raw["skema"].strip()[:100] or None,
        date_from=_date(raw["date_from"], "date_from", errors),
        date_to=_date(raw["date_to"], "date_to", errors),
        task=raw["task"].strip() or None,
    )
    hasil = None
    if not errors:
        try:
            hasil = audit.search(db, where, raw["cursor"].strip() or None, PAGE_SIZE)
        except ApiError as exc:
            found = exc.body.get("errors")
            if exc.status != 422 or not found:
                raise
            errors = [{"path": str(e.get("path", "")), "message": str(e.get("message", ""))} for e in found]
    saringan = {name: raw[name].strip() for name in FIELDS if raw[name].strip()}
    return page(
        request,
        "audit.html",
        user,
        title="Jejak audit",
        aktif="audit",
        hasil=hasil,
        nilai={name: raw[name].strip() for name in FIELDS},
        disaring=bool(saringan),
        galat={e["path"]: e["message"] for e in errors},
        pilihan=audit.pilihan(db),
        csv_url="/api/audit.csv" + ("?" + urlencode(saringan) if saringan else ""),
        berikutnya=(
            "/audit?" + urlencode({**saringan, "cursor": hasil.next_cursor}) if hasil and hasil.next_cursor else None
        ),
        pertama=("/audit" + ("?" + urlencode(saringan) if saringan else "")) if raw["cursor"].strip() else None,
        JENIS_LABELS=JENIS_LABELS,
        TYPE_LABELS=TYPE_LABELS,
        DATA_LABELS=DATA_LABELS,
        proses_types=[t for t in EventType],
        data_types=[a for a in AksiDataInduk],
        pengganti_types=[p for p in PeristiwaPengganti],
        ALASAN_LABELS=ALASAN_LABELS,
        nilai_pendek=_nilai,
        status_code=422 if errors else 200,
    )
