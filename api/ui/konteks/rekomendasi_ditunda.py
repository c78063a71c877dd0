"""Beside "Meninjau bukti tambahan peserta ditunda" (forms/rekomendasi_ditunda.json): the asesor's postponed
candidates, each with the units their FR.AK.02 judged BK (the record to open), what the pleno asked for and the
additional evidence Kabid Sertifikasi gathered (the file to open). The asesor recommends in the form; the
follow-up pleno decides."""

from typing import Any

from api.auth import CurrentUser
from api.services import antrian
from api.store.db import Database
from api.ui.konteks import konteks


@konteks("rekomendasi_ditunda.json", template="rekomendasi_ditunda.html")
def build(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    data = task.data or {}
    found = data.get("kelompok_ditunda")
    kelompok: dict[str, Any] = found if isinstance(found, dict) and found.get("asesor") == user.username else {}
    peserta = antrian.data_peserta(db, [p for p in kelompok.get("peserta") or [] if isinstance(p, dict)])
    records = antrian.dokumen_peserta(db, user, task.period_id or task.instance_id, "rekaman_asesmen")
    return {
        "peserta": [
            {
                "nama": p.get("nama") or p.get("username"),
                "nim": p.get("nim"),
                "skema": p.get("skema_judul") or p.get("skema_nomor"),
                "unit_bk": [
                    u.get("kode") for u in p.get("unit") or [] if isinstance(u, dict) and u.get("rekomendasi") != "K"
                ],
                "catatan_pleno": p.get("catatan_pleno") or "",
                "bukti": p.get("bukti") or "",
                "berkas_id": p.get("berkas_id") if isinstance(p.get("berkas_id"), int) else None,
                "dokumen": records.get(str(p.get("username"))),
            }
            for p in peserta
        ],
    }
