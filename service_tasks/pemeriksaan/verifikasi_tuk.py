"""Checks of SOP step 4: the follow-up of a TUK found not yet suitable."""

from typing import Any

from service_tasks import validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData, tanggal_asesmen
from service_tasks.format_indonesia import hari_ini
from service_tasks.guards import blank, object_at


@validator("periksa_tindak_lanjut_tuk")
def periksa_tindak_lanjut_tuk(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    tl = object_at(data, "tindak_lanjut_tuk")
    if blank(tl.get("catatan")):
        refusals.append(Refusal("tindak_lanjut_tuk.catatan", "Tuliskan catatan tindak lanjut TUK"))
    if tl.get("tindakan") != "pindah":
        return refusals
    current = object_at(ctx.data, "tuk_verifikasi")
    kode = tl.get("tuk_pengganti")
    field = "tindak_lanjut_tuk.tuk_pengganti"
    if blank(kode):
        refusals.append(Refusal(field, "Pilih TUK pengganti"))
        return refusals
    if kode == current.get("kode"):
        refusals.append(Refusal(field, f"TUK pengganti harus berbeda dari TUK {kode} yang belum sesuai"))
        return refusals
    tuk = m.tuk(kode)
    if tuk is None:
        refusals.append(Refusal(field, f"TUK {kode} tidak ada di data master TUK"))
    elif not tuk.aktif:
        refusals.append(Refusal(field, f"TUK {tuk.kode} ({tuk.nama}) tidak aktif"))
    else:
        pada = tanggal_asesmen(ctx.data, hari_ini(ctx))
        if m.verifikasi_berlaku(tuk, ctx.root_id, pada) is None:
            refusals.append(
                Refusal(
                    field,
                    f"TUK {tuk.kode} ({tuk.nama}) belum terverifikasi untuk periode ini: "
                    "pindahkan hanya ke TUK yang sudah ditetapkan terverifikasi",
                )
            )
    return refusals
