"""Rules more than one stage's validators apply: who may assess a candidate, who may sit on a body that
decides (a pleno, a tim banding), and the dates the SK Jadwal fixes."""

from collections.abc import Callable
from datetime import date
from typing import Any

from api.store.master import Asesor, Skema
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import as_date, tanggal
from service_tasks.sesi_jadwal import jadwal_berlaku


def unit_skema(skema: Skema) -> list[Any]:
    return [u.get("kode") for u in (skema.unit or []) if isinstance(u, dict)]


def periode_tuk(data: dict[str, Any]) -> list[str]:
    """The TUK codes the period chose (`tuk_kode`), else those of its `tuk` rows."""
    kode = data.get("tuk_kode")
    if isinstance(kode, list) and kode:
        return [k for k in kode if isinstance(k, str)]
    tuk = data.get("tuk")
    rows = [t for t in tuk if isinstance(t, dict)] if isinstance(tuk, list) else []
    return [t["kode"] for t in rows if isinstance(t.get("kode"), str)]


def periksa_asesor(
    m: MasterData,
    asesor: Asesor | None,
    username: Any,
    berlaku_pada: date,
    field: str,
    peran: str = "Asesor",
) -> list[Refusal]:
    """The asesor exists, is active (with an active user account) and their MET is valid on the date."""
    if asesor is None:
        return [Refusal(field, f"{peran} {m.nama(username)} tidak terdaftar sebagai asesor kompetensi LSP")]
    if not asesor.aktif or not asesor.user.active:
        return [Refusal(field, f"{peran} {m.nama(username)} tidak aktif")]
    if asesor.met_berlaku_sd < berlaku_pada:
        return [
            Refusal(
                field,
                f"Sertifikat asesor (MET) {m.nama(username)} No. Reg. {asesor.no_reg_met} berlaku sampai "
                f"{tanggal(asesor.met_berlaku_sd)}, tidak berlaku sampai {tanggal(berlaku_pada)}",
            )
        ]
    return []


def asesor_boleh_menilai(
    m: MasterData,
    asesor: Any,
    peserta: Any,
    skema_nomor: Any,
    pada: date,
    field: str,
    *,
    kompeten: set[tuple[int, int]] | None = None,
    konflik: set[tuple[int, int]] | None = None,
    sebut_peserta: bool = True,
) -> list[Refusal]:
    """May `asesor` assess `peserta` on `skema_nomor`: not the candidate themself, an active asesor whose MET
    is valid on `pada`, competent for the skema, with no declared conflict of interest with the candidate.

    `kompeten` and `konflik` are the pairs read in bulk for many assignments (else read for this asesor);
    `sebut_peserta` names the candidate in the refusal on competence (where many candidates are assigned).
    """
    if asesor == peserta:
        return [Refusal(field, f"{m.nama(peserta)} tidak boleh menilai dirinya sendiri")]
    row = m.asesor(asesor)
    masalah = periksa_asesor(m, row, asesor, pada, field)
    if masalah or row is None:
        return masalah
    skema = m.skema(skema_nomor)
    pairs = kompeten if kompeten is not None else m.kompeten_skema([row.id])
    if skema is None or (row.id, skema.id) not in pairs:
        judul = f" ({skema.judul})" if skema is not None else ""
        diambil = f" yang diambil {m.nama(peserta)}" if sebut_peserta else ""
        return [Refusal(field, f"Asesor {m.nama(asesor)} tidak kompeten untuk skema {skema_nomor}{judul}{diambil}")]
    record = m.peserta(peserta)
    conflicts = konflik if konflik is not None else m.konflik([row.id])
    if record is not None and (row.id, record.id) in conflicts:
        return [
            Refusal(field, f"Asesor {m.nama(asesor)} telah menyatakan konflik kepentingan dengan {m.nama(peserta)}")
        ]
    return []


def anggota_independen(
    m: MasterData,
    anggota: list[Any],
    field: str,
    minimum: int,
    kurang: str,
    tidak_independen: Callable[[Any], str | None],
) -> list[Refusal]:
    """The members of a deciding body are at least `minimum` distinct people (else `kurang`), each listed
    once, an active user, and independent: `tidak_independen(member)` says why one is not, or None."""
    m.load_users(anggota)
    refusals: list[Refusal] = []
    if len(set(anggota)) < minimum:
        refusals.append(Refusal(field, kurang))
    seen: set[Any] = set()
    for i, a in enumerate(anggota):
        at = f"{field}.{i}"
        if a in seen:
            refusals.append(Refusal(at, f"{m.nama(a)} tercantum lebih dari sekali"))
            continue
        seen.add(a)
        user = m.user(a)
        if user is None or not user.active:
            refusals.append(Refusal(at, f"{m.nama(a)} bukan pengguna aktif"))
        elif (alasan := tidak_independen(a)) is not None:
            refusals.append(Refusal(at, alasan))
    return refusals


def jendela_asesmen(ctx: ServiceContext) -> tuple[date, date] | None:
    """The assessment window (first and last day) of the period's schedule in force (`jadwal_berlaku`: its last
    SK Jadwal, else the process data); None when it does not give both dates."""
    jadwal = jadwal_berlaku(ctx)
    mulai, selesai = as_date(jadwal.get("asesmen_mulai")), as_date(jadwal.get("asesmen_selesai"))
    return (mulai, selesai) if mulai is not None and selesai is not None else None


def tanggal_kejadian(value: Any, field: str, apa: str, hari_ini: date) -> tuple[date | None, list[Refusal]]:
    """A date the user entered for an event that happened: readable and not after today."""
    d = as_date(value)
    if d is None:
        return None, [Refusal(field, f"Tanggal {apa} tidak valid (format YYYY-MM-DD)")]
    if d > hari_ini:
        return d, [
            Refusal(
                field, f"Tanggal {apa} ({tanggal(d)}) belum terjadi: tidak boleh setelah hari ini ({tanggal(hari_ini)})"
            )
        ]
    return d, []
