"""Beside FR.AK.05 (forms/ak05_laporan.json): the asesor's candidates of this skema and TUK with the K/BK of their
FR.AK.02 (to open), the units judged BK, and those not assessed with the reason recorded. The report's table is
filled from these when it is issued; the asesor writes only the aspects, rejections, suggestions and notes."""

from typing import Any

from api.auth import CurrentUser
from api.services import antrian, sesi_asesmen
from api.store.db import Database
from api.ui.konteks import konteks

ALASAN = {"tidak_hadir": "Tidak hadir", "tidak_setuju": "Hadir, tidak menyetujui asesmen (FR.AK.01)"}


@konteks("ak05_laporan.json", template="laporan_asesmen.html")
def build(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    data = task.data or {}
    found = data.get("kelompok_laporan")
    kelompok: dict[str, Any] = found if isinstance(found, dict) and found.get("asesor") == user.username else {}
    peserta = [p for p in kelompok.get("peserta") or [] if isinstance(p, dict)]  # only the asesor's own group
    peserta = antrian.data_peserta(db, [{**p, "skema_nomor": kelompok.get("skema_nomor")} for p in peserta])
    records = antrian.dokumen_peserta(db, user, task.period_id or task.instance_id, "rekaman_asesmen")
    kode_tuk = kelompok.get("tuk_kode")
    tuk = sesi_asesmen.tuk(db, kode_tuk) if isinstance(kode_tuk, str) else None
    return {
        "skema": peserta[0].get("skema_judul") if peserta else task.skema_judul,
        "tuk": tuk.nama if tuk is not None else kode_tuk,  # by its name, as the page's header and the letters
        "peserta": [
            {
                "nama": p.get("nama") or p.get("username"),
                "nim": p.get("nim"),
                "rekomendasi": p.get("rekomendasi"),
                "unit_bk": p.get("unit_bk") or [],
                "alasan": ALASAN.get(str(p.get("status")), "") + (f": {p['alasan']}" if p.get("alasan") else ""),
                "dokumen": records.get(str(p.get("username"))),
            }
            for p in peserta
        ],
    }
