"""Documents of SOP steps 1 and 2 (target and plan): Nota Dinas, TOR, RAB and the SK Jadwal."""

from collections import defaultdict
from typing import Any

from service_tasks import operator, snapshot
from service_tasks.context import ServiceContext
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import hari_ini, terbilang
from service_tasks.guards import require_object, require_objects
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.keputusan import (
    jumlah_baris_rab,
)
from service_tasks.nomor_surat import terbitkan_dokumen


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
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "revisi": keputusan_kuota is not None,
    }
    if keputusan_kuota is not None:
        data["keputusan_kuota"] = keputusan_kuota
    judul = "SK Jadwal Uji Kompetensi" + (" (revisi)" if keputusan_kuota is not None else "")
    return terbitkan_dokumen(ctx, JENIS_DOKUMEN["sk_jadwal"], f"{judul} {periode}", data)
