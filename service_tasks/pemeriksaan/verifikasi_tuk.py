"""Checks of SOP step 4: the date of a TUK's verification, and the follow-up of a TUK found not yet
suitable."""

from typing import Any

from service_tasks import validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData, tanggal_asesmen
from service_tasks.format_indonesia import hari_ini, tanggal
from service_tasks.guards import blank, object_at
from service_tasks.pemeriksaan._common import jendela_asesmen, tanggal_kejadian


@validator("periksa_verifikasi_tuk")
def periksa_verifikasi_tuk(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """The verification has happened (not after today) and precedes the assessment: not after the last day
    of the SK Jadwal's assessment window (the assessment itself is checked against it: periksa_kehadiran)."""
    field = "verifikasi.tanggal"
    pada, refusals = tanggal_kejadian(object_at(data, "verifikasi").get("tanggal"), field, "verifikasi", hari_ini(ctx))
    jendela = jendela_asesmen(ctx)
    if pada is not None and jendela is not None and pada > jendela[1]:
        refusals.append(
            Refusal(
                field,
                f"Tanggal verifikasi {tanggal(pada)} setelah jadwal asesmen dalam SK Jadwal "
                f"({tanggal(jendela[0])} s.d. {tanggal(jendela[1])}): TUK diverifikasi sebelum asesmen",
            )
        )
    return refusals


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
