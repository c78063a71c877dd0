"""Documents of SOP step 4: the TUK verification form."""

from typing import Any

from service_tasks import operator, snapshot
from service_tasks.context import ServiceContext
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import hari_ini
from service_tasks.guards import require_object
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.nomor_surat import terbitkan_dokumen


@operator("terbitkan_formulir_verifikasi_tuk")
def terbitkan_formulir_verifikasi_tuk(
    ctx: ServiceContext, tuk: dict[str, Any], verifikasi: dict[str, Any]
) -> dict[str, Any]:
    m = MasterData(ctx.session)
    tuk = require_object("tuk", tuk)
    verifikasi = require_object("verifikasi", verifikasi)
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "tuk": snapshot.tuk(m, tuk.get("kode"), tuk),
        "verifikator": snapshot.asesor(m, tuk.get("verifikator") or ctx.actor),
        "tanggal": verifikasi.get("tanggal") or hari_ini(ctx).isoformat(),
        "verifikasi": verifikasi,
        "kesimpulan": verifikasi.get("kesimpulan"),
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["formulir_verifikasi_tuk"],
        f"Formulir hasil verifikasi TUK {data['tuk'].get('nama') or tuk.get('kode', '')}",
        data,
    )


@operator("terbitkan_sk_penetapan_tuk")
def terbitkan_sk_penetapan_tuk(
    ctx: ServiceContext,
    tuk: dict[str, Any],
    penetapan: dict[str, Any],
    terverifikasi: dict[str, Any],
    formulir: dict[str, Any],
    periode: str,
    jadwal: dict[str, Any],
) -> dict[str, Any]:
    """SK penetapan TUK (step 4): Ketua LSP sets the TUK verified for this period's assessments, citing the
    verification form by number and date; a TUK mandiri's penetapan holds for a year."""
    m = MasterData(ctx.session)
    tuk = require_object("tuk", tuk)
    penetapan = require_object("penetapan", penetapan)
    terverifikasi = require_object("terverifikasi", terverifikasi)
    formulir = require_object("formulir", formulir)
    jadwal = require_object("jadwal", jadwal)
    data: dict[str, Any] = {
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "periode": periode,
        "tuk": snapshot.tuk(m, tuk.get("kode"), tuk),
        "verifikator": snapshot.asesor(m, terverifikasi.get("verifikator") or tuk.get("verifikator")),
        "tanggal_verifikasi": terverifikasi.get("tanggal"),
        # The form is dated the day of the verification it records (documents/formulir_verifikasi_tuk.html).
        "formulir": [{"nomor": formulir.get("nomor"), "tanggal": terverifikasi.get("tanggal")}],
        "berlaku_sd": terverifikasi.get("berlaku_sd"),
        "asesmen_mulai": jadwal.get("asesmen_mulai"),
        "asesmen_selesai": jadwal.get("asesmen_selesai"),
        "catatan": penetapan.get("catatan"),
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["sk_penetapan_tuk"],
        f"SK penetapan TUK {data['tuk'].get('nama') or tuk.get('kode', '')}",
        data,
        key=str(tuk.get("kode") or ""),
    )
