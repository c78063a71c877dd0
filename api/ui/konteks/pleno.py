"""Beside "Melaksanakan rapat pleno" (forms/rapat_pleno.json): per candidate the asesor's recommendation (K or
BK by their units), the units judged BK, the asesor, and the FR.AK.02 record to open; those not assessed
(absent, refusing FR.AK.01) named apart. The pleno decides in the form; the member pickers already exclude
the candidates' asesor (`x-sumber`)."""

from typing import Any

from api.auth import CurrentUser
from api.services import antrian
from api.store.db import Database
from api.ui.konteks import konteks
from service_tasks.keputusan import TIDAK_SETUJU, rekomendasi, tidak_dinilai

TIDAK_DINILAI = {TIDAK_SETUJU: "Hadir, tidak menyetujui asesmen (FR.AK.01)"}


def _rows(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


@konteks("rapat_pleno.json", template="pleno.html")
def build(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    data = task.data or {}
    hasil = _rows(data.get("hasil_asesmen")) or _rows(data.get("daftar_hasil_asesmen"))
    hasil = antrian.data_peserta(db, hasil)  # the results carry ids: name and skema title from the master data
    period = task.period_id or task.instance_id
    records = antrian.dokumen_peserta(db, user, period, "rekaman_asesmen")
    names = antrian.nama_pengguna(db, {str(h.get("asesor")) for h in hasil if h.get("asesor")})
    dinilai, lain = [], []
    for h in hasil:
        units = _rows(h.get("unit"))
        row = {
            "nama": h.get("nama") or h.get("username"),
            "username": h.get("username"),
            "skema": h.get("skema_judul") or h.get("skema_nomor"),
            "asesor": names.get(str(h.get("asesor")), h.get("asesor") or "-"),
            "rekomendasi": rekomendasi(h),
            "unit_k": sum(1 for u in units if u.get("rekomendasi") == "K"),
            "unit": len(units),
            "unit_bk": [
                f"{u.get('kode')} {u.get('judul') or ''}".strip() for u in units if u.get("rekomendasi") == "BK"
            ],
            "dokumen": records.get(str(h.get("username"))),
        }
        if row["rekomendasi"] is None:
            alasan = tidak_dinilai(h)
            row["alasan"] = TIDAK_DINILAI.get(alasan or "", "Tidak hadir")
            lain.append(row)
        else:
            dinilai.append(row)
    return {
        "dinilai": dinilai,
        "lain": lain,
        "jumlah_k": sum(1 for r in dinilai if r["rekomendasi"] == "K"),
        "jumlah_bk": sum(1 for r in dinilai if r["rekomendasi"] == "BK"),
    }
