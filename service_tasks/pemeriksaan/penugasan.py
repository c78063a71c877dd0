"""Checks of SOP step 3's assignment: an asesor per accepted candidate and a verifikator per TUK used."""

from collections import Counter
from datetime import date
from typing import Any

from service_tasks import validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData, gabung_nama, proses_list, tanggal_asesmen
from service_tasks.format_indonesia import hari_ini
from service_tasks.guards import object_at, objects
from service_tasks.pemeriksaan._common import asesor_boleh_menilai, periksa_asesor, periode_tuk
from service_tasks.sesi_jadwal import Sesi, sesi_menurut_nomor


def _periksa_asesor_peserta(
    ctx: ServiceContext, m: MasterData, penugasan: list[dict[str, Any]], akhir: date
) -> tuple[list[Refusal], dict[str, int]]:
    """Each accepted candidate assigned once, at a TUK of the period, to an asesor who may assess them and
    is within the LSP's ratio; returns the refusals and the TUK used (code -> first row)."""
    refusals: list[Refusal] = []
    diterima = {p.get("username"): p for p in proses_list(ctx.data, "pendaftar_diterima")}
    tuk_periode = set(periode_tuk(ctx.data))
    rasio = m.rasio()
    asesor_names = {p.get("asesor") for p in penugasan}
    m.load_peserta(diterima)
    asesor_ids = [a.id for a in (m.asesor(n) for n in asesor_names) if a is not None]
    kompeten = m.kompeten_skema(asesor_ids)
    konflik = m.konflik(asesor_ids)

    assigned: dict[Any, int] = {}
    beban: Counter[Any] = Counter()
    tuk_dipakai: dict[str, int] = {}
    sesi = sesi_menurut_nomor(object_at(ctx.data, "jadwal"))
    terisi: Counter[tuple[str, int]] = Counter()
    tempat_asesor: dict[tuple[Any, int], tuple[str, int]] = {}
    for i, p in enumerate(penugasan):
        username, nama_asesor, kode = p.get("username"), p.get("asesor"), p.get("tuk_kode")
        field = f"penugasan_asesor.{i}"
        if username not in diterima:
            refusals.append(
                Refusal(
                    f"{field}.username", f"{m.nama(username)} bukan peserta yang berkasnya diterima pada periode ini"
                )
            )
            continue
        if username in assigned:
            refusals.append(
                Refusal(f"{field}.username", f"{m.nama(username)} sudah ditugaskan di baris {assigned[username] + 1}")
            )
            continue
        assigned[username] = i
        if kode not in tuk_periode:
            refusals.append(Refusal(f"{field}.tuk_kode", f"TUK {kode} untuk {m.nama(username)} bukan TUK periode ini"))
        else:
            tuk_dipakai.setdefault(str(kode), i)
            if sesi:  # a period planned before sessions existed has none to check
                refusals.extend(_periksa_sesi(m, p, field, sesi, m.nama(username), terisi, tempat_asesor, i))
        masalah = asesor_boleh_menilai(
            m,
            nama_asesor,
            username,
            diterima[username].get("skema_nomor"),
            akhir,
            f"{field}.asesor",
            kompeten=kompeten,
            konflik=konflik,
        )
        if masalah:
            refusals.extend(masalah)
            continue
        beban[nama_asesor] += 1
        if beban[nama_asesor] > rasio:
            refusals.append(
                Refusal(
                    f"{field}.asesor",
                    f"Asesor {m.nama(nama_asesor)} melebihi rasio asesor:asesi 1:{rasio}: "
                    f"{m.nama(username)} adalah asesi ke-{beban[nama_asesor]}",
                )
            )
    belum = [m.nama(u) for u in diterima if u not in assigned]
    if belum:
        refusals.append(Refusal("penugasan_asesor", f"Peserta yang belum ditugaskan asesor: {gabung_nama(belum)}"))
    return refusals, tuk_dipakai


def _periksa_sesi(
    m: MasterData,
    p: dict[str, Any],
    field: str,
    sesi: dict[int, Sesi],
    nama: str,
    terisi: Counter[tuple[str, int]],
    tempat_asesor: dict[tuple[Any, int], tuple[str, int]],
    i: int,
) -> list[Refusal]:
    """The row's session is one of the schedule's, its TUK has room in that session, and its asesor is at no
    other TUK in that session (`terisi` and `tempat_asesor` carry what the rows before it took)."""
    kode, nomor, asesor = str(p.get("tuk_kode")), p.get("sesi"), p.get("asesor")
    if not isinstance(nomor, int) or isinstance(nomor, bool) or nomor not in sesi:
        return [Refusal(f"{field}.sesi", f"Sesi {nomor} untuk {nama} tidak ada pada jadwal (sesi 1 s.d. {len(sesi)})")]
    s = sesi[nomor]
    refusals: list[Refusal] = []
    tuk = m.tuk(kode)
    terisi[(kode, nomor)] += 1
    if tuk is not None and terisi[(kode, nomor)] > tuk.kapasitas:
        refusals.append(
            Refusal(
                f"{field}.sesi",
                f"TUK {kode} ({tuk.nama}) menampung {tuk.kapasitas} peserta per sesi: {nama} adalah peserta "
                f"ke-{terisi[(kode, nomor)]} pada {s.judul}",
            )
        )
    if asesor is not None:
        lain = tempat_asesor.setdefault((asesor, nomor), (kode, i))
        if lain[0] != kode:
            refusals.append(
                Refusal(
                    f"{field}.asesor",
                    f"Asesor {m.nama(asesor)} sudah bertugas di TUK {lain[0]} pada {s.judul} (baris {lain[1] + 1}): "
                    f"tidak dapat sekaligus di TUK {kode}",
                )
            )
    return refusals


def _periksa_verifikator(
    m: MasterData, verifikator: list[dict[str, Any]], tuk_dipakai: dict[str, int], mulai: date
) -> list[Refusal]:
    """Exactly one verifikator per TUK used, each an active asesor whose MET is valid at the start."""
    refusals: list[Refusal] = []
    diverifikasi: dict[Any, int] = {}
    for j, v in enumerate(verifikator):
        kode, nama_v = v.get("tuk_kode"), v.get("verifikator")
        field = f"penugasan_verifikator.{j}"
        if kode not in tuk_dipakai:
            tuk = m.tuk(kode)
            label = f"TUK {kode} ({tuk.nama})" if tuk is not None else f"TUK {kode}"
            refusals.append(Refusal(f"{field}.tuk_kode", f"{label} tidak dipakai oleh peserta mana pun"))
            continue
        if kode in diverifikasi:
            refusals.append(
                Refusal(f"{field}.tuk_kode", f"TUK {kode} sudah punya verifikator di baris {diverifikasi[kode] + 1}")
            )
            continue
        diverifikasi[kode] = j
        refusals.extend(periksa_asesor(m, m.asesor(nama_v), nama_v, mulai, f"{field}.verifikator", "Verifikator"))
    tanpa = [f"TUK {k}" for k in tuk_dipakai if k not in diverifikasi]
    if tanpa:
        refusals.append(Refusal("penugasan_verifikator", f"Tugaskan verifikator untuk: {gabung_nama(tanpa)}"))
    return refusals


@validator("periksa_penugasan")
def periksa_penugasan(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """Kabid Sertifikasi assigns an asesor to each accepted candidate and a verifikator to each TUK used.

    Refused: a candidate not accepted, assigned twice or not at all; an asesor who is not an active asesor,
    whose MET is not valid through the end of the assessment, who is not competent for the candidate's
    skema, who declared a conflict of interest with the candidate, who is the candidate, or beyond the
    LSP's asesor:asesi ratio; a TUK outside the period's; a session not in the schedule, a TUK beyond its
    capacity in a session, an asesor at two TUK in one session; a TUK used without exactly one verifikator, a
    verifikator for a TUK not used, a verifikator who is not an active asesor with a valid MET.
    """
    m = MasterData(ctx.session)
    today = hari_ini(ctx)
    penugasan = objects(data.get("penugasan_asesor"))
    verifikator = objects(data.get("penugasan_verifikator"))
    # One bulk read of every asesor the form names, as asesor or as verifikator.
    m.load_asesor({p.get("asesor") for p in penugasan} | {v.get("verifikator") for v in verifikator})
    refusals, tuk_dipakai = _periksa_asesor_peserta(ctx, m, penugasan, tanggal_asesmen(ctx.data, today, akhir=True))
    mulai = tanggal_asesmen(ctx.data, today, akhir=False)
    return refusals + _periksa_verifikator(m, verifikator, tuk_dipakai, mulai)
