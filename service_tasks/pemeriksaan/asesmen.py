"""Checks of SOP step 5: the day of the assessment, and an asesor's assessment of every unit of the
candidate's skema."""

from typing import Any

from service_tasks import validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData, gabung_nama
from service_tasks.format_indonesia import hari_ini, tanggal
from service_tasks.guards import blank, object_at, objects
from service_tasks.pemeriksaan._common import (
    jendela_asesmen,
    tanggal_kejadian,
    unit_skema,
)


@validator("periksa_kehadiran")
def periksa_kehadiran(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """The day of the assessment (recorded with the attendance) has happened, is not before the TUK's
    verification, and lies inside the SK Jadwal's assessment window unless a reason is written."""
    m = MasterData(ctx.session)
    kehadiran = object_at(data, "kehadiran")
    field = "kehadiran.tanggal"
    pada, refusals = tanggal_kejadian(kehadiran.get("tanggal"), field, "asesmen", hari_ini(ctx))
    if pada is None:
        return refusals
    jendela = jendela_asesmen(ctx)
    if jendela is not None and not jendela[0] <= pada <= jendela[1] and blank(kehadiran.get("alasan_di_luar_jadwal")):
        refusals.append(
            Refusal(
                "kehadiran.alasan_di_luar_jadwal",
                f"Tanggal asesmen {tanggal(pada)} di luar jadwal asesmen dalam SK Jadwal "
                f"({tanggal(jendela[0])} s.d. {tanggal(jendela[1])}): tuliskan alasannya",
            )
        )
    kode = object_at(ctx.data, "peserta_asesmen").get("tuk_kode")
    tuk = m.tuk(kode) if isinstance(kode, str) else None
    verifikasi = m.verifikasi_berlaku(tuk, ctx.root_id, pada) if tuk is not None else None
    if tuk is not None and verifikasi is not None and verifikasi.tanggal > pada:
        refusals.append(
            Refusal(
                field,
                f"Tanggal asesmen {tanggal(pada)} sebelum verifikasi TUK {tuk.kode} ({tuk.nama}) "
                f"tanggal {tanggal(verifikasi.tanggal)}: asesmen hanya di TUK yang sudah diverifikasi",
            )
        )
    return refusals


@validator("periksa_penilaian")
def periksa_penilaian(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    peserta = ctx.data.get("peserta_asesmen")
    if not isinstance(peserta, dict):
        peserta = object_at(ctx.data, "peserta_banding")
    nomor = peserta.get("skema_nomor")
    skema = m.skema(nomor)
    penilaian = object_at(data, "penilaian")
    unit = objects(penilaian.get("unit"))
    if skema is None:
        return [Refusal("penilaian.unit", f"Skema {nomor} peserta ini tidak ada di data master skema")]
    judul = {u.get("kode"): u.get("judul") for u in skema.unit or []}
    dinilai: dict[Any, int] = {}
    for i, u in enumerate(unit):
        kode = u.get("kode")
        if kode not in judul:
            refusals.append(
                Refusal(
                    f"penilaian.unit.{i}.kode", f"Unit {kode} bukan unit kompetensi skema {skema.nomor} ({skema.judul})"
                )
            )
            continue
        if kode in dinilai:
            refusals.append(
                Refusal(
                    f"penilaian.unit.{i}.kode",
                    f"Unit {kode} ({judul[kode]}) sudah dinilai di baris {dinilai[kode] + 1}",
                )
            )
            continue
        dinilai[kode] = i
        if u.get("rekomendasi") == "BK" and blank(u.get("catatan")):
            refusals.append(
                Refusal(
                    f"penilaian.unit.{i}.catatan",
                    f"Unit {kode} ({judul[kode]}) dinilai BK: tuliskan catatan bukti yang belum memadai",
                )
            )
    belum = [f"{k} ({judul[k]})" for k in unit_skema(skema) if k not in dinilai]
    if belum:
        refusals.append(Refusal("penilaian.unit", f"Unit skema {skema.nomor} yang belum dinilai: {gabung_nama(belum)}"))
    return refusals


@validator("periksa_laporan_asesmen")
def periksa_laporan_asesmen(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """FR.AK.05: the asesor writes each part (not blanks), and a real suggestion for improvement (not "tidak ada")
    when one of their candidates is Belum Kompeten."""
    m = MasterData(ctx.session)
    laporan = object_at(data, "laporan_asesmen")
    judul = {
        "aspek_positif": "Aspek positif",
        "aspek_negatif": "Aspek negatif",
        "penolakan_hasil": "Pencatatan penolakan hasil asesmen",
        "saran_perbaikan": "Saran perbaikan",
    }
    refusals = [
        Refusal(f"laporan_asesmen.{k}", f"{label} wajib diisi")
        for k, label in judul.items()
        if k in laporan and blank(laporan.get(k))
    ]
    peserta = objects(object_at(ctx.data, "kelompok_laporan").get("peserta"))
    bk = [p.get("username") for p in peserta if p.get("rekomendasi") == "BK"]
    saran = str(laporan.get("saran_perbaikan") or "").strip(" .").lower()
    if bk and not blank(laporan.get("saran_perbaikan")) and saran in TANPA_ISI:
        m.load_users(bk)
        refusals.append(
            Refusal(
                "laporan_asesmen.saran_perbaikan",
                f"Tuliskan saran perbaikan: {gabung_nama([m.nama(u) for u in bk])} direkomendasikan Belum Kompeten",
            )
        )
    return refusals


# What an asesor writes for "nothing to say".
TANPA_ISI = frozenset({"-", "tidak ada", "tidak ada saran", "nihil"})
