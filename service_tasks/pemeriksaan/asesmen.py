"""Checks of SOP step 5: an asesor's assessment of every unit of the candidate's skema."""

from typing import Any

from service_tasks import validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData, gabung_nama
from service_tasks.guards import blank, object_at, objects
from service_tasks.pemeriksaan._common import (
    unit_skema,
)


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
