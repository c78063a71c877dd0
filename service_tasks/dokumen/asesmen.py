"""Documents of SOP step 5: each candidate's FR.AK.01 agreement, FR.AK.02 record and FR.AK.03 feedback, the Berita
Acara Asesmen and each asesor's FR.AK.05 Laporan Asesmen.

The candidate's own forms (FR.AK.01, FR.AK.03) print what the candidate submitted, as the history recorded it
(:func:`service_tasks.keputusan_tercatat.diserahkan_peserta`), dated the day they submitted it."""

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from api.store.enums import Role
from api.store.models import Dokumen
from service_tasks import operator, snapshot
from service_tasks.context import ServiceContext, ServiceTaskError
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
from service_tasks.keputusan_tercatat import diserahkan_peserta, terakhir
from service_tasks.nomor_surat import dokumen_peserta, dokumen_proses, terbitkan_dokumen
from service_tasks.sesi_jadwal import jadwal_berlaku, sesi_menurut_nomor


def _asesi(m: MasterData, peserta: dict[str, Any]) -> dict[str, Any]:
    """Who and what a candidate's own assessment form is about: the LSP, the candidate, the skema, the TUK and the
    asesor, as the master data says at issue."""
    return {
        "lsp": snapshot.lsp(m),
        "peserta": snapshot.peserta(m, peserta),
        "skema": snapshot.skema(m, peserta.get("skema_nomor"), peserta.get("skema_judul")),
        "tuk": snapshot.tuk(m, peserta.get("tuk_kode")) if peserta.get("tuk_kode") else None,
        "asesor": snapshot.asesor(m, peserta.get("asesor")) if peserta.get("asesor") else None,
    }


def _asesmen_ulang(ctx: ServiceContext, asesor: str | None) -> dict[str, Any] | None:
    """In a re-assessment after an upheld appeal (`asesor`: the re-assessing asesor), the surat tugas that sends
    them, as issued in this instance (number and date), and the re-assessment's schedule it prints in its version
    in force (the first day, the hours on it: Kabid Sertifikasi's forms/asesor_ulang.json, as a ralat corrected
    them); None in an assessment of step 5."""
    if not asesor:
        return None
    kind = "surat_tugas_asesor_ulang"
    isi = (
        ctx.session.scalar(
            select(Dokumen.data)
            .where(Dokumen.instance_id == ctx.instance_id, Dokumen.kind == kind)
            .order_by(Dokumen.id.desc())
            .limit(1)
        )
        or {}
    )
    return {
        "surat_tugas": dokumen_proses(ctx, kind),
        "tanggal_mulai": isi.get("tanggal_mulai"),
        "pukul_mulai": isi.get("pukul_mulai"),
        "pukul_selesai": isi.get("pukul_selesai"),
    }


@operator("terbitkan_persetujuan_asesmen")
def terbitkan_persetujuan_asesmen(
    ctx: ServiceContext, peserta: dict[str, Any], kehadiran: dict[str, Any] | None = None, asesor: str | None = None
) -> dict[str, Any]:
    """FR.AK.01 of one candidate who agreed to the assessment: the asesi, the asesor (No. Reg. MET), the skema, the
    TUK, the evidence to be collected, when and where the assessment is held (the day recorded with the attendance,
    the candidate's session in the SK Jadwal in force), the statements, both signatures dated the day the candidate
    agreed. Refused for a candidate who did not agree: a refusal is never printed as an agreement.

    In a re-assessment after an upheld appeal, `asesor` is the re-assessing asesor: they are named and sign, the
    assessment is agreed for the first day and the hours its surat tugas gives (Kabid Sertifikasi's schedule; the
    day the candidate agreed where the letter has no day), no session of the SK Jadwal: the surat tugas is cited."""
    m = MasterData(ctx.session)
    peserta = require_object("peserta", peserta)
    username = str(peserta.get("username") or "")
    persetujuan, pada = diserahkan_peserta(ctx, "ak01", username)
    if persetujuan.get("setuju") is not True:
        raise ServiceTaskError(f"{username}: peserta tidak menyetujui asesmen (FR.AK.01); tidak ada yang diterbitkan")
    ulang = _asesmen_ulang(ctx, asesor)
    if ulang is not None:
        peserta = {**peserta, "asesor": asesor, "sesi": None}
    hadir = kehadiran if isinstance(kehadiran, dict) else {}
    hari_asesmen = as_date(hadir.get("tanggal")) or as_date((ulang or {}).get("tanggal_mulai")) or as_date(pada)
    jadwal = jadwal_berlaku(ctx)
    nomor_sesi = peserta.get("sesi")
    sesi = sesi_menurut_nomor(jadwal).get(nomor_sesi) if isinstance(nomor_sesi, int) else None
    mulai, selesai = as_date(jadwal.get("asesmen_mulai")), as_date(jadwal.get("asesmen_selesai"))
    di_luar = bool(hari_asesmen and mulai and selesai and not mulai <= hari_asesmen <= selesai)
    data: dict[str, Any] = {
        **_asesi(m, peserta),
        "tanggal": pada,
        "tanggal_asesmen": hari_asesmen.isoformat() if hari_asesmen else None,
        # The session prints its time only when the assessment was held on its day.
        "sesi": sesi.dokumen() if sesi is not None else None,
        "sesi_pada_hari_asesmen": sesi is not None and sesi.tanggal == hari_asesmen,
        "alasan_di_luar_jadwal": (hadir.get("alasan_di_luar_jadwal") or "") if di_luar else "",
        "asesmen_ulang": ulang,
        "persetujuan": persetujuan,
    }
    judul = "Persetujuan asesmen ulang" if ulang is not None else "Persetujuan asesmen"
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["persetujuan_asesmen"],
        f"{judul} dan kerahasiaan (FR.AK.01) {data['peserta']['nama'] or username}",
        data,
        key=username,
        candidate=username,
    )


@operator("terbitkan_umpan_balik_asesmen")
def terbitkan_umpan_balik_asesmen(
    ctx: ServiceContext, peserta: dict[str, Any], kehadiran: dict[str, Any] | None = None, asesor: str | None = None
) -> dict[str, Any]:
    """FR.AK.03 of one candidate: their Ya/Tidak to each statement on the assessment and their comment, as they
    submitted it, with the asesor, the skema and the day of the assessment; signed by the candidate the day they
    gave it. In a re-assessment (`asesor`: the re-assessing asesor) the day of the assessment is the day that
    asesor recorded the re-assessment's FR.AK.02 in this instance."""
    m = MasterData(ctx.session)
    peserta = require_object("peserta", peserta)
    username = str(peserta.get("username") or "")
    umpan_balik, pada = diserahkan_peserta(ctx, "ak03", username)
    ulang = _asesmen_ulang(ctx, asesor)
    hadir = kehadiran if isinstance(kehadiran, dict) else {}
    hari_asesmen = as_date(hadir.get("tanggal"))
    if ulang is not None:
        peserta = {**peserta, "asesor": asesor}
        dinilai = terakhir(ctx.session, ctx.instance_id, Role.ASESOR, "penilaian")
        hari_asesmen = as_date(dinilai.event.at) if dinilai is not None else None
    data: dict[str, Any] = {
        **_asesi(m, peserta),
        "tanggal": pada,
        "tanggal_asesmen": hari_asesmen.isoformat() if hari_asesmen else None,
        "asesmen_ulang": ulang,
        "umpan_balik": umpan_balik,
    }
    judul = "Umpan balik asesmen ulang" if ulang is not None else "Umpan balik"
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["umpan_balik_asesmen"],
        f"{judul} dan catatan asesmen (FR.AK.03) {data['peserta']['nama'] or username}",
        data,
        key=username,
        candidate=username,
    )


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


@operator("susun_laporan_asesor")
def susun_laporan_asesor(ctx: ServiceContext, hasil: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The FR.AK.05 each asesor owes (surat tugas asesor: the report within two days of the assessment): one per
    asesor, skema and TUK where they assessed at least one candidate, listing every candidate of that group with
    the result of their FR.AK.02 (or why they were not assessed)."""
    kelompok: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for h in require_objects("hasil", hasil):
        if h.get("asesor"):
            kelompok[(str(h.get("asesor")), str(h.get("skema_nomor")), str(h.get("tuk_kode")))].append(h)
    return [
        {
            "asesor": asesor,
            "skema_nomor": skema,
            "tuk_kode": tuk,
            "peserta": [
                {
                    "username": h.get("username"),
                    "rekomendasi": rekomendasi(h),
                    "status": tidak_dinilai(h) or "dinilai",
                    "alasan": h.get("alasan") or "",
                    "tanggal": h.get("tanggal"),
                    "unit_bk": [u.get("kode") for u in objects(h.get("unit")) if u.get("rekomendasi") == "BK"],
                }
                for h in anggota
            ],
        }
        for (asesor, skema, tuk), anggota in sorted(kelompok.items())
        if any(rekomendasi(h) is not None for h in anggota)
    ]


@operator("terbitkan_laporan_asesmen")
def terbitkan_laporan_asesmen(
    ctx: ServiceContext, kelompok: dict[str, Any], laporan: dict[str, Any], tuk: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """FR.AK.05 Laporan Asesmen of one asesor for one skema and TUK: each candidate with the recommendation of
    their FR.AK.02 (cited by number), what the asesor wrote on the assessment, signed with their No. Reg. MET."""
    m = MasterData(ctx.session)
    kelompok = require_object("kelompok", kelompok)
    laporan = require_object("laporan", laporan)
    anggota = require_objects("kelompok.peserta", kelompok.get("peserta"))
    m.load_peserta(p.get("username") for p in anggota)
    ak02 = dokumen_peserta(ctx, "rekaman_asesmen", [str(p.get("username")) for p in anggota])
    tuk_by_kode = {t.get("kode"): t for t in require_objects("tuk", tuk or [])}
    hari = sorted({d for p in anggota if (d := as_date(p.get("tanggal"))) is not None}) or [hari_ini(ctx)]
    asesor = snapshot.asesor(m, kelompok.get("asesor"))
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "tanggal": hari_ini(ctx).isoformat(),
        "tanggal_asesmen_mulai": hari[0].isoformat(),
        "tanggal_asesmen": hari[-1].isoformat(),
        "skema": snapshot.skema(m, kelompok.get("skema_nomor")),
        "tuk": snapshot.tuk(m, kelompok.get("tuk_kode"), tuk_by_kode.get(kelompok.get("tuk_kode"))),
        "asesor": asesor,
        "peserta": [
            {
                "no": i,
                **{k: snapshot.peserta(m, p)[k] for k in ("username", "nama", "nim", "prodi")},
                "rekomendasi": p.get("rekomendasi"),
                "status": p.get("status"),
                "alasan": p.get("alasan") or "",
                "unit_bk": p.get("unit_bk") or [],
                "ak02": ak02.get(str(p.get("username"))),
            }
            for i, p in enumerate(anggota, start=1)
        ],
        "laporan": laporan,
        **rekap([{"status": p.get("status"), "rekomendasi": p.get("rekomendasi")} for p in anggota]),
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["laporan_asesmen"],
        f"Laporan asesmen (FR.AK.05) {asesor['nama']}, {data['skema']['judul']}, {data['tuk'].get('nama') or ''}",
        data,
        key=f"{kelompok.get('asesor')}:{kelompok.get('skema_nomor')}:{kelompok.get('tuk_kode')}",
    )
