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
