"""The rules of the certificate register, shared by the validators, the issuing operator and the API's
re-issue: BNSP's number shapes, blangko serials printed once, one active certificate per holder and skema.

- A certificate or registration number must have BNSP's shape: the LSP profile's pattern (a regular
  expression matched whole), else BNSP's (:data:`api.store.master.POLA_NO_SERTIFIKAT`, ...).
- A blangko serial is used once, ever: a spoiled blangko stays on the certificate it was printed for.
- A holder has at most one active certificate per skema, unless the registration's purpose (APL.01
  `tujuan_asesmen`) is re-certification (:data:`api.store.enums.TUJUAN_SERTIFIKASI_ULANG`).
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.store.enums import TUJUAN_SERTIFIKASI_ULANG, EventType, SertifikatStatus
from api.store.master import POLA_NO_REGISTRASI, POLA_NO_SERTIFIKAT, LspProfil, Sertifikat
from api.store.models import Event
from service_tasks.format_indonesia import tanggal
from service_tasks.guards import chunks

CONTOH = {"no_sertifikat": "62090 2512 4 0000001 2026", "no_registrasi": "TIK 1234 00001 2026"}
BENTUK_BNSP = {
    "no_sertifikat": "KBLI 5 angka, KBJI 4 angka, jenjang KKNI 1 angka, nomor urut 7 angka, tahun 4 angka",
    "no_registrasi": "kode bidang (huruf), kode LSP, nomor urut, tahun",
}
LABEL = {"no_sertifikat": "Nomor sertifikat", "no_registrasi": "Nomor registrasi", "no_blangko": "Nomor blangko"}


@dataclass(frozen=True)
class Pola:
    """The shapes this LSP's BNSP numbers must have: compiled, with whether they are BNSP's own defaults."""

    no_sertifikat: re.Pattern[str]
    no_registrasi: re.Pattern[str]
    bawaan: dict[str, bool]


def pola(session: Session) -> Pola:
    lsp = session.get(LspProfil, 1)
    sertifikat = lsp.pola_no_sertifikat if lsp is not None else None
    registrasi = lsp.pola_no_registrasi if lsp is not None else None
    return Pola(
        re.compile(sertifikat or POLA_NO_SERTIFIKAT),
        re.compile(registrasi or POLA_NO_REGISTRASI),
        {"no_sertifikat": not sertifikat, "no_registrasi": not registrasi},
    )


def bentuk_salah(p: Pola, key: str, value: str) -> str | None:
    """Why `value` is not a BNSP number of kind `key` (no_sertifikat, no_registrasi); None when it is."""
    pattern: re.Pattern[str] = getattr(p, key)
    if pattern.fullmatch(value):
        return None
    if p.bawaan[key]:
        return (
            f"{LABEL[key]} {value} tidak sesuai bentuk nomor BNSP ({BENTUK_BNSP[key]}; contoh {CONTOH[key]}): "
            "salin nomor dari BNSP apa adanya"
        )
    return f"{LABEL[key]} {value} tidak sesuai pola nomor BNSP di profil LSP ({pattern.pattern})"


def blangko_terpakai(session: Session, serials: list[str]) -> dict[str, Sertifikat]:
    """The certificates (replaced ones included) already printed on these blangko serials."""
    found: dict[str, Sertifikat] = {}
    for chunk in chunks(serials):
        found.update(
            {str(r.no_blangko): r for r in session.scalars(select(Sertifikat).where(Sertifikat.no_blangko.in_(chunk)))}
        )
    return found


def pesan_blangko(value: str, row: Sertifikat) -> str:
    rusak = " (blangko rusak, sudah diganti)" if row.status == SertifikatStatus.DIGANTI else ""
    return (
        f"Nomor blangko {value} sudah dipakai sertifikat {row.no_sertifikat} {row.nama} ({row.peserta_username})"
        f"{rusak}: satu blangko hanya dicetak sekali"
    )


def aktif(session: Session, username: str, skema_nomor: Any, pada: date) -> Sertifikat | None:
    """The holder's certificate of the skema that is active on `pada` (not revoked, replaced or expired)."""
    return session.scalars(
        select(Sertifikat)
        .where(
            Sertifikat.peserta_username == username,
            Sertifikat.skema_nomor == str(skema_nomor),
            Sertifikat.status == SertifikatStatus.AKTIF,
            Sertifikat.berlaku_sd >= pada,
        )
        .order_by(Sertifikat.id)
    ).first()


def aktif_semua(session: Session, usernames: list[str], pada: date) -> dict[tuple[str, str], Sertifikat]:
    """`aktif` for many holders at once: by (holder, skema number), the first active certificate of each."""
    found: dict[tuple[str, str], Sertifikat] = {}
    for chunk in chunks(usernames):
        rows = session.scalars(
            select(Sertifikat)
            .where(
                Sertifikat.peserta_username.in_(chunk),
                Sertifikat.status == SertifikatStatus.AKTIF,
                Sertifikat.berlaku_sd >= pada,
            )
            .order_by(Sertifikat.id)
        )
        for r in rows:
            found.setdefault((r.peserta_username, r.skema_nomor), r)
    return found


def bernomor(session: Session, numbers: list[str]) -> dict[str, Sertifikat]:
    """The certificates carrying any of these certificate or registration numbers, by each of their numbers."""
    found: dict[str, Sertifikat] = {}
    for chunk in chunks(numbers):
        rows = session.scalars(
            select(Sertifikat)
            .where(or_(Sertifikat.no_sertifikat.in_(chunk), Sertifikat.no_registrasi.in_(chunk)))
            .order_by(Sertifikat.id)
        )
        for r in rows:
            found.setdefault(r.no_sertifikat, r)
            found.setdefault(r.no_registrasi, r)
    return found


def tujuan_pendaftaran(session: Session, root_id: int, username: str) -> str | None:
    """The purpose (APL.01 `tujuan_asesmen`) of the candidate's last registration in the period."""
    found = None
    for data in session.scalars(
        select(Event.data)
        .where(Event.root_id == root_id, Event.type == EventType.TASK_COMPLETED, Event.actor == username)
        .order_by(Event.id)
    ):
        apl01 = (data or {}).get("apl01")
        if isinstance(apl01, dict) and apl01.get("tujuan_asesmen"):
            found = str(apl01["tujuan_asesmen"])
    return found


def boleh_sertifikat_kedua(tujuan: str | None) -> bool:
    return tujuan in TUJUAN_SERTIFIKASI_ULANG


def pesan_aktif(nama: str, row: Sertifikat) -> str:
    return (
        f"{nama} masih memegang sertifikat aktif {row.no_sertifikat} untuk skema {row.skema_judul} "
        f"({row.skema_nomor}), berlaku sampai {tanggal(row.berlaku_sd)}: sertifikat kedua untuk skema yang sama "
        "hanya bila tujuan asesmen pada FR.APL.01 sertifikasi ulang atau PKT"
    )
