"""Documents of SOP step 5: each candidate's FR.AK.02 record and the Berita Acara Asesmen."""

from collections import defaultdict
from typing import Any

from service_tasks import operator, snapshot
from service_tasks.context import ServiceContext
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import as_date, hari_ini
from service_tasks.guards import object_at, objects, require_object, require_objects
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.keputusan import (
    rekap,
    rekomendasi,
    tidak_dinilai,
    unit_kompeten,
)
from service_tasks.nomor_surat import terbitkan_dokumen


@operator("terbitkan_rekaman_asesmen")
def terbitkan_rekaman_asesmen(
    ctx: ServiceContext,
    peserta: dict[str, Any],
    penilaian: dict[str, Any],
    asesor: str | None = None,
    kehadiran: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """FR.AK.02 of one candidate, dated the day of the assessment the asesor recorded with the attendance
    (`kehadiran`; the day of issue where none was recorded, as in a re-assessment); in banding the
    re-assessing asesor (`asesor`, else `asesor_ulang`)."""
    m = MasterData(ctx.session)
    hadir = kehadiran if isinstance(kehadiran, dict) else {}
    pada = as_date(hadir.get("tanggal")) or hari_ini(ctx)
    peserta = require_object("peserta", peserta)
    penilaian = require_object("penilaian", penilaian)
    ulang = object_at(ctx.data, "asesor_ulang")
    penilai = asesor or ulang.get("asesor") or peserta.get("asesor")
    skema = snapshot.skema(m, peserta.get("skema_nomor"), peserta.get("skema_judul"), unit=True)
    judul = {u["kode"]: u["judul"] for u in skema.get("unit", [])}
    unit = [{**u, "judul": u.get("judul") or judul.get(u.get("kode"))} for u in penilaian.get("unit") or []]
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "peserta": snapshot.peserta(m, peserta),
        "skema": {k: v for k, v in skema.items() if k != "unit"},
        "tuk": snapshot.tuk(m, peserta.get("tuk_kode")) if peserta.get("tuk_kode") else None,
        "asesor": snapshot.asesor(m, penilai) if penilai else None,
        "asesmen_ulang": bool(asesor or ulang.get("asesor")),
        "tanggal": pada.isoformat(),
        "alasan_di_luar_jadwal": hadir.get("alasan_di_luar_jadwal") or "",
        "penilaian": {**penilaian, "unit": unit},
        "rekomendasi": "K" if unit_kompeten(objects(penilaian.get("unit"))) else "BK",
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["rekaman_asesmen"],
        f"Rekaman asesmen kompetensi (FR.AK.02) {data['peserta']['nama'] or peserta['username']}",
        data,
        key=peserta["username"],
        candidate=peserta["username"],
    )


@operator("terbitkan_berita_acara_asesmen")
def terbitkan_berita_acara_asesmen(
    ctx: ServiceContext,
    periode: str,
    hasil: list[dict[str, Any]],
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Berita Acara Asesmen: per skema and TUK, its asesor (No. Reg. MET) and each candidate's K/BK."""
    m = MasterData(ctx.session)
    hasil = snapshot.bernama(m, require_objects("hasil", hasil))  # the results carry ids
    m.load_peserta(h.get("username") for h in hasil)
    m.load_asesor(h.get("asesor") for h in hasil)
    tuk_by_kode = {t.get("kode"): t for t in require_objects("tuk", tuk or [])}
    kelompok: dict[tuple[Any, Any], list[dict[str, Any]]] = defaultdict(list)
    for h in hasil:
        kelompok[(h.get("skema_nomor"), h.get("tuk_kode"))].append(h)
    hari_terbit = hari_ini(ctx)

    def hari_asesmen(anggota: list[dict[str, Any]]) -> list[Any]:
        """The days the candidates were assessed (or recorded absent), as the asesor entered them."""
        return sorted({d for h in anggota if (d := as_date(h.get("tanggal"))) is not None})

    rows = []
    for (nomor, kode), anggota in sorted(kelompok.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        hari = hari_asesmen(anggota) or [hari_terbit]
        rows.append(
            {
                "tanggal_mulai": hari[0].isoformat(),
                "tanggal": hari[-1].isoformat(),
                "di_luar_jadwal": sorted(
                    {str(h.get("alasan_di_luar_jadwal")) for h in anggota if h.get("alasan_di_luar_jadwal")}
                ),
                "skema": snapshot.skema(m, nomor, anggota[0].get("skema_judul")),
                "tuk": snapshot.tuk(m, kode, tuk_by_kode.get(kode)),
                "asesor": [snapshot.asesor(m, a) for a in dict.fromkeys(h.get("asesor") for h in anggota) if a],
                "peserta": [
                    {
                        "no": i,
                        "username": h.get("username"),
                        "nama": snapshot.peserta(m, h)["nama"],
                        "nim": snapshot.peserta(m, h)["nim"],
                        "prodi": snapshot.peserta(m, h)["prodi"],
                        "telepon": snapshot.peserta(m, h).get("telepon"),
                        "asesor": h.get("asesor"),
                        "status": tidak_dinilai(h) or h.get("status"),
                        "rekomendasi": rekomendasi(h),
                        "alasan": h.get("alasan"),
                    }
                    for i, h in enumerate(anggota, start=1)
                ],
                **rekap(anggota),
            }
        )
    data: dict[str, Any] = {
        "periode": periode,
        # The day the last assessment was held: the Berita Acara records it, not the day it was issued.
        "tanggal": (hari_asesmen(hasil) or [hari_terbit])[-1].isoformat(),
        "lsp": snapshot.lsp(m),
        "jadwal": jadwal,
        "kelompok": rows,
        "hasil": hasil,
        **rekap(hasil),
    }
    return terbitkan_dokumen(ctx, JENIS_DOKUMEN["berita_acara_asesmen"], f"Berita acara asesmen {periode}", data)
