"""Documents of SOP steps 1 and 2 (target and plan): Nota Dinas, TOR, RAB and the SK Jadwal; in step 3 the SK
amending the SK Jadwal with the schedule as assigned (skema, TUK, session, asesor)."""

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select

from api.store.models import Dokumen
from service_tasks import operator, snapshot
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import hari_ini, terbilang
from service_tasks.guards import require_object, require_objects
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.keputusan import (
    jumlah_baris_rab,
)
from service_tasks.nomor_surat import summary, terbit_pada_tugas, terbitkan_dokumen, terbitkan_perubahan
from service_tasks.sesi_jadwal import daftar_sesi, sesi_menurut_nomor


@operator("terbitkan_nota_dinas")
def terbitkan_nota_dinas(ctx: ServiceContext, periode: str, target: list[dict[str, Any]]) -> dict[str, Any]:
    m = MasterData(ctx.session)
    rows = snapshot.target(m, require_objects("target", target))
    # The Direktur writes on the institution's kop, in its register (jenis_dokumen: penerbit INSTITUSI); an LSP
    # that has not recorded its institution yet keeps its own kop.
    institusi = snapshot.institusi(m)
    data: dict[str, Any] = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "kop_surat": institusi,
        "dari": snapshot.penandatangan(m, ctx, f"Direktur {institusi['nama']}" if institusi else "Direktur"),
        "kepada": snapshot.ketua(m),
        "hal": f"Target uji kompetensi dan sertifikasi kompetensi {periode}",
        "target": rows,
        "jumlah_total": sum(int(t.get("jumlah", 0)) for t in rows),
    }
    return terbitkan_dokumen(ctx, JENIS_DOKUMEN["nota_dinas"], f"Nota Dinas target uji kompetensi {periode}", data)


@operator("terbitkan_tor")
def terbitkan_tor(
    ctx: ServiceContext,
    periode: str,
    target: list[dict[str, Any]],
    tor: dict[str, Any],
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    m = MasterData(ctx.session)
    data: dict[str, Any] = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "target": snapshot.target(m, require_objects("target", target)),
        "tor": require_object("tor", tor),
        "jadwal": jadwal,
        "tuk": [snapshot.tuk(m, t.get("kode"), t) for t in require_objects("tuk", tuk or [])],
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
    }
    return terbitkan_dokumen(ctx, JENIS_DOKUMEN["tor"], f"TOR uji kompetensi dan sertifikasi {periode}", data)


@operator("terbitkan_rab")
def terbitkan_rab(ctx: ServiceContext, periode: str, rab: list[dict[str, Any]]) -> dict[str, Any]:
    m = MasterData(ctx.session)
    baris = [{**item, "jumlah": jumlah_baris_rab(item)} for item in require_objects("rab", rab)]
    per_kelompok: dict[str, float] = defaultdict(float)
    for b in baris:
        per_kelompok[str(b.get("kelompok", "Lain-lain"))] += b["jumlah"]
    total = sum(per_kelompok.values())
    data: dict[str, Any] = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "baris": baris,
        "subtotal": dict(per_kelompok),
        "total": total,
        "terbilang": f"{terbilang(round(total))} rupiah",
        "disusun_oleh": snapshot.penandatangan(m, ctx, "Ketua LSP"),
        "disetujui_oleh": snapshot.direktur(ctx),
    }
    return terbitkan_dokumen(ctx, JENIS_DOKUMEN["rab"], f"RAB uji kompetensi {periode}", data)


@operator("terbitkan_sk_jadwal")
def terbitkan_sk_jadwal(
    ctx: ServiceContext,
    periode: str,
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]],
    target: list[dict[str, Any]] | None = None,
    keputusan_kuota: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """SK Jadwal Uji Kompetensi; with `keputusan_kuota` it is the revised SK of a postponed assessment."""
    m = MasterData(ctx.session)
    data: dict[str, Any] = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "jadwal": jadwal,
        "tuk": [snapshot.tuk(m, t.get("kode"), t) for t in require_objects("tuk", tuk)],
        "target": snapshot.target(m, require_objects("target", target or [])),
        "sesi": [s.dokumen() for s in daftar_sesi(jadwal)],
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "revisi": keputusan_kuota is not None,
    }
    if keputusan_kuota is not None:
        data["keputusan_kuota"] = keputusan_kuota
    judul = "SK Jadwal Uji Kompetensi" + (" (revisi)" if keputusan_kuota is not None else "")
    return terbitkan_dokumen(ctx, JENIS_DOKUMEN["sk_jadwal"], f"{judul} {periode}", data)


@operator("terbitkan_jadwal_pelaksanaan")
def terbitkan_jadwal_pelaksanaan(
    ctx: ServiceContext, periode: str, peserta: list[dict[str, Any]], jadwal: dict[str, Any]
) -> dict[str, Any]:
    """The SK amending the SK Jadwal in force once every candidate going on to the assessment has a session at a
    TUK with an asesor (step 3): its lampiran becomes the schedule as held, one row per skema, TUK, session and
    asesor with the number of candidates. The step 2 SK could not say this: the candidates, and so the asesor
    free of conflict with them, are known only when registration has closed and the Kabid has assigned them."""
    if (issued := terbit_pada_tugas(ctx, "sk_jadwal")) is not None:
        return summary(issued)
    sk = ctx.session.scalars(
        select(Dokumen)
        .where(Dokumen.instance_id == ctx.instance_id, Dokumen.kind == "sk_jadwal")
        .order_by(Dokumen.id.desc())
    ).first()
    if sk is None:
        raise ServiceTaskError("tidak ada SK jadwal uji kompetensi pada proses ini: tidak ada yang diubah")
    m = MasterData(ctx.session)
    daftar = require_objects("peserta", peserta)
    m.load_asesor(p.get("asesor") for p in daftar)
    sesi = sesi_menurut_nomor(require_object("jadwal", jadwal))
    jumlah: Counter[tuple[int, str, str, str]] = Counter()
    for p in daftar:
        nomor = p.get("sesi")
        if isinstance(nomor, int) and nomor in sesi:
            jumlah[(nomor, str(p.get("tuk_kode")), str(p.get("skema_nomor")), str(p.get("asesor")))] += 1
    pelaksanaan = []
    for (nomor, kode, skema_nomor, asesor), n in sorted(jumlah.items()):
        tuk = snapshot.tuk(m, kode)
        skema = snapshot.skema(m, skema_nomor)
        penilai = snapshot.asesor(m, asesor)
        pelaksanaan.append(
            {
                **sesi[nomor].dokumen(),
                "sesi": nomor,
                "tuk_kode": kode,
                "tuk_nama": tuk.get("nama") or kode,
                "skema_nomor": skema_nomor,
                "skema_judul": skema.get("judul"),
                "asesor": penilai,  # who reads the SK (jenis_dokumen: asesor_membaca_sebagai)
                "asesor_nama": penilai.get("nama"),
                "asesor_no_reg_met": penilai.get("no_reg_met"),
                "jumlah": n,
            }
        )
    data: dict[str, Any] = {
        **sk.data,
        "periode": periode,
        "lsp": snapshot.lsp(m),
        "jadwal": jadwal,
        "sesi": [s.dokumen() for s in daftar_sesi(jadwal)],
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "pelaksanaan": pelaksanaan,
        "jumlah_peserta": sum(jumlah.values()),
    }
    alasan = (
        "setelah pendaftaran ditutup, Kepala Bidang Sertifikasi telah menugaskan asesor kompetensi dan menetapkan "
        "TUK dan sesi setiap peserta"
    )
    return terbitkan_perubahan(ctx, sk, data, alasan)
