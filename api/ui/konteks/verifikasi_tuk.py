"""Beside the TUK verification checklist: the TUK as master data has it (address, kind, person in charge,
capacity), its last recorded verification, and the period's assessment days it is verified for."""

from typing import Any

from api.auth import CurrentUser
from api.services import sesi_asesmen
from api.store.db import Database
from api.ui.konteks import konteks
from service_tasks.format_indonesia import as_date

JENIS_TUK = {"sewaktu": "TUK Sewaktu", "tempat_kerja": "TUK Tempat Kerja", "mandiri": "TUK Mandiri"}
KESIMPULAN = {"sesuai": "Sesuai persyaratan", "belum_sesuai": "Belum sesuai persyaratan"}


@konteks("verifikasi_tuk.json", template="verifikasi_tuk.html")
def verifikasi_tuk(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    data: dict[str, Any] = task.data or {}
    entry = data.get("tuk_verifikasi")
    kode = entry.get("kode") if isinstance(entry, dict) else None
    jadwal = data.get("jadwal")
    jadwal = jadwal if isinstance(jadwal, dict) else {}
    return {
        "tuk": sesi_asesmen.tuk(db, kode) if isinstance(kode, str) else None,
        "mulai": as_date(jadwal.get("asesmen_mulai")),
        "selesai": as_date(jadwal.get("asesmen_selesai")),
        "jenis": JENIS_TUK,
        "kesimpulan": KESIMPULAN,
    }
