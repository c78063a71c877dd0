"""The sessions of a period's schedule: what `jadwal.sesi` (step 2, or the postponement of step 3) holds and the
rules on it; who sits in which session is the assignment's `sesi` (step 3).

A session is numbered by its place in the list ("Sesi 1" is the first row). Each TUK of the period holds as many
candidates as its capacity in every session; an asesor is at one TUK in a session.
"""

from copy import deepcopy
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select

from api.store.db_cache import db_cache
from api.store.models import Dokumen
from service_tasks.context import Refusal, ServiceContext
from service_tasks.format_indonesia import as_date, hari_tanggal, tanggal
from service_tasks.guards import object_at, objects


@dataclass(frozen=True)
class Sesi:
    nomor: int
    tanggal: date
    mulai: time
    selesai: time

    @property
    def pukul(self) -> str:
        return f"{jam_teks(self.mulai)}–{jam_teks(self.selesai)} WIB"

    @property
    def judul(self) -> str:
        return f"Sesi {self.nomor} — {hari_tanggal(self.tanggal)}, pukul {self.pukul}"

    def dokumen(self) -> dict[str, Any]:
        """What a document prints of the session."""
        return {
            "nomor": self.nomor,
            "tanggal": self.tanggal.isoformat(),
            "mulai": jam_teks(self.mulai),
            "selesai": jam_teks(self.selesai),
        }


def jam(value: Any) -> time | None:
    """'08.00' or '08:00' as a time of day; None for anything else."""
    if not isinstance(value, str) or len(value) != 5 or value[2] not in ".:":
        return None
    hh, mm = value[:2], value[3:]
    if not (hh.isdigit() and mm.isdigit()) or int(hh) > 23 or int(mm) > 59:
        return None
    return time(int(hh), int(mm))


def jam_teks(value: time) -> str:
    return f"{value.hour:02d}.{value.minute:02d}"


def daftar_sesi(jadwal: dict[str, Any]) -> list[Sesi]:
    """The schedule's sessions that can be read (a row with a bad date or time is left out)."""
    out: list[Sesi] = []
    for i, s in enumerate(objects(jadwal.get("sesi"))):
        d, m, e = as_date(s.get("tanggal")), jam(s.get("mulai")), jam(s.get("selesai"))
        if d is not None and m is not None and e is not None:
            out.append(Sesi(i + 1, d, m, e))
    return out


def jadwal_berlaku(ctx: ServiceContext) -> dict[str, Any]:
    """The period's schedule in force: the `jadwal` of its last SK Jadwal issued (the amending SK once each
    candidate has a session), else the `jadwal` in the process data (a process run without an SK Jadwal).

    Every candidate's attendance and FR.AK.01 read it, and the SK carries every candidate's session (about 1 MB
    of JSON at 2,000 candidates): only the SK's id is read each time, its `jadwal` once per process (an issued
    document's data never changes; a revision is a new SK). A copy is returned, so no caller changes another's."""
    sk = ctx.session.execute(
        select(Dokumen.id, Dokumen.created_at)
        .where(Dokumen.root_id == ctx.root_id, Dokumen.kind == "sk_jadwal")
        .order_by(Dokumen.id.desc())
        .limit(1)
    ).first()
    if sk is None:
        return object_at(ctx.data, "jadwal")
    # Keyed by the moment it was issued too: SQLite may give a rolled-back SK's id to a later document.
    cache = db_cache(ctx.session, "jadwal_sk")
    jadwal = cache.get(tuple(sk))
    if jadwal is None:
        # Only `jadwal` leaves the database: the SK's candidates stay there.
        jadwal = object_at(
            {"jadwal": ctx.session.scalar(select(Dokumen.data["jadwal"]).where(Dokumen.id == sk.id))}, "jadwal"
        )
        cache[tuple(sk)] = jadwal  # a few KB per SK Jadwal ever issued: a handful per period
    return deepcopy(jadwal)


def sesi_menurut_nomor(jadwal: dict[str, Any]) -> dict[int, Sesi]:
    return {s.nomor: s for s in daftar_sesi(jadwal)}


def periksa_sesi(rows: Any, mulai: date | None, selesai: date | None, field: str) -> list[Refusal]:
    """Each session on a day of the assessment window, ending after it starts, none overlapping another."""
    refusals: list[Refusal] = []
    daftar = objects(rows)
    if not daftar:
        return [Refusal(field, "Isi sekurang-kurangnya satu sesi asesmen (hari, pukul mulai dan selesai)")]
    dibaca: list[Sesi] = []
    for i, s in enumerate(daftar):
        at = f"{field}.{i}"
        d = as_date(s.get("tanggal"))
        m, e = jam(s.get("mulai")), jam(s.get("selesai"))
        if d is None:
            refusals.append(Refusal(f"{at}.tanggal", f"Tanggal sesi {i + 1} tidak valid (format YYYY-MM-DD)"))
        elif mulai is not None and selesai is not None and not mulai <= d <= selesai:
            refusals.append(
                Refusal(
                    f"{at}.tanggal",
                    f"Sesi {i + 1} ({tanggal(d)}) di luar masa asesmen {tanggal(mulai)} s.d. {tanggal(selesai)}",
                )
            )
        if m is None:
            refusals.append(Refusal(f"{at}.mulai", f"Pukul mulai sesi {i + 1} tidak valid (mis. 08.00)"))
        if e is None:
            refusals.append(Refusal(f"{at}.selesai", f"Pukul selesai sesi {i + 1} tidak valid (mis. 12.00)"))
        if m is not None and e is not None and e <= m:
            refusals.append(
                Refusal(
                    f"{at}.selesai",
                    f"Sesi {i + 1} selesai pukul {jam_teks(e)}, tidak sesudah mulainya pukul {jam_teks(m)}",
                )
            )
            continue
        if d is None or m is None or e is None:
            continue
        sesi = Sesi(i + 1, d, m, e)
        for lain in dibaca:
            if lain.tanggal == d and m < lain.selesai and lain.mulai < e:
                refusals.append(
                    Refusal(
                        f"{at}.mulai",
                        f"Sesi {i + 1} ({sesi.pukul}) bertumpang dengan sesi {lain.nomor} ({lain.pukul}) "
                        f"pada {hari_tanggal(d)}",
                    )
                )
                break
        dibaca.append(sesi)
    return refusals
