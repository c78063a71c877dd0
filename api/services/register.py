"""How an issued document is put right, as Indonesian and BNSP practice does it, never in place:

- a certificate misprint: a Berita Acara kerusakan blangko, a new blangko, and the certificate re-issued on
  it (a new row and verification code; the old row shows as replaced, pointing at the new one);
- an SK: amended only by its signatory, as a new SK with its own number, "tentang Perubahan atas
  Keputusan ...";
- any other document: the correction as a new version keeping its number (`api.services.dokumen.correct`).

The register's rules (BNSP's shapes, blangko serials printed once) are :mod:`service_tasks.daftar_sertifikat`.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import asesor_readers
from api.schemas.dokumen import Correction, DokumenOut, Penggantian, PenggantianOut
from api.services import dokumen
from api.services.dokumen import corrected_data, readable
from api.settings import Settings
from api.store.db import Database, replayable_token
from api.store.enums import Role, SertifikatStatus
from api.store.master import Sertifikat
from api.store.models import Dokumen
from service_tasks import daftar_sertifikat as register
from service_tasks import snapshot
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import WIB
from service_tasks.jenis_dokumen import JENIS_DOKUMEN, JENIS_SK
from service_tasks.nomor_surat import judul_perubahan, next_seq, nomor_surat, perubahan_atas, register_perubahan

KERUSAKAN = JENIS_DOKUMEN["berita_acara_kerusakan_blangko"]


def is_sk(doc: Dokumen) -> bool:
    return doc.kind in JENIS_SK


def _refuse(status: int, detail: str, path: str, message: str) -> ApiError:
    return ApiError(status, detail, [{"path": path, "message": message}])


def _not_superseded(session: Session, doc: Dokumen) -> None:
    """Lock the row (PostgreSQL) so two at once queue, and refuse a document already replaced."""
    session.scalars(select(Dokumen.id).where(Dokumen.id == doc.id).with_for_update()).first()
    newer = session.scalars(select(Dokumen).where(Dokumen.supersedes_id == doc.id)).first()
    if newer is not None:
        raise _refuse(
            409,
            f"document {doc.id} was already replaced by document {newer.id} ({newer.number})",
            "",
            f"Dokumen ini sudah diganti dengan dokumen nomor {newer.number}",
        )


def _draw(session: Session, settings: Settings, code: str, now: datetime) -> tuple[int, str, datetime]:
    when = now.astimezone(WIB)
    seq = next_seq(session, code, when.year)
    return seq, nomor_surat(settings.nomor_format, seq, code, when.date()), when


def amend_sk(
    db: Database, settings: Settings, now: datetime, user: CurrentUser, doc_id: int, body: Correction
) -> DokumenOut:
    """An SK amended by its signatory, or by their successor in the signing office (the Ketua LSP now): a new SK
    with its own number, "tentang Perubahan atas Keputusan ...", signed by whoever amends."""
    with db.transaction() as session:
        old = readable(session, doc_id, user)
        signatory = (old.data.get("penandatangan") or {}) if isinstance(old.data, dict) else {}
        current = snapshot.ketua(MasterData(session))
        # The Ketua LSP's SK is amended by whoever is Ketua now (no longer a predecessor); another's by its signatory.
        if current["jabatan"] in (signatory.get("jabatan"), signatory.get("atas_nama")):  # a.n. Ketua LSP too
            allowed = current.get("username") == user.username
        else:
            allowed = signatory.get("username") == user.username
        if not allowed:
            nama = signatory.get("nama") or signatory.get("username") or "penandatangan"
            raise _refuse(
                403,
                "only the SK's signatory, or their successor as Ketua LSP, amends it, by a new SK",
                "",
                f"Keputusan hanya dapat diubah oleh penandatangannya ({nama}) atau penggantinya sebagai Ketua LSP,"
                " yang menjabat saat ini, dengan keputusan perubahan",
            )
        _not_superseded(session, old)
        data = corrected_data(old, body.data)
        code = register_perubahan(old)
        seq, number, when = _draw(session, settings, code, now)
        data["perubahan"] = perubahan_atas(old, body.alasan)
        data["tanggal"] = when.date().isoformat()
        if signatory.get("username") != user.username:
            data["penandatangan"] = current
        new = Dokumen(
            instance_id=old.instance_id,
            root_id=old.root_id,
            task_id=old.task_id,
            element_id=old.element_id,
            kind=old.kind,
            key=old.key,
            title=judul_perubahan(old, data["perubahan"]),
            number=number,
            code=code,
            seq=seq,
            month=when.month,
            year=when.year,
            candidate=old.candidate,
            data=data,
            created_at=now,
            created_by=user.username,
            version=old.version + 1,
            supersedes_id=old.id,
        )
        session.add(new)
        session.flush()
        return DokumenOut.model_validate(new)


JABATAN = {
    Role.KABID_ADMINISTRASI: "Kepala Bidang Administrasi",
    Role.KETUA_LSP: "Ketua LSP",
    Role.ADMIN: "Administrator Sistem",
}


def _jabatan(user: CurrentUser) -> str:
    return next((j for role, j in JABATAN.items() if user.has_any(role)), "Petugas LSP")


MAX_BUTIR = 30  # changed values a ralat lists; more are summed up in one line


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """A JSON value's leaves by dotted path (list items by their number from 1)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_leaves(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value, start=1):
            out.update(_leaves(v, f"{path}.{i}" if path else str(i)))
        return out
    return {path: value}


def bagian(path: str) -> str:
    """A part of a document's data as a ralat names it and the page Koreksi labels it: "daftar.2.nama" (list items
    numbered from 1) -> "Daftar › 2 › nama"."""
    text = path.replace("_", " ").replace(".", " › ")
    return text[:1].upper() + text[1:]


def _butir(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """What the ralat says changed: each leaf that differs, as "tertulis" (old) and "seharusnya" (new)."""
    a, b = _leaves(old), _leaves(new)
    rows = []
    for path in sorted(set(a) | set(b), key=lambda p: (p not in a, p)):
        if a.get(path) != b.get(path):
            rows.append({"bagian": bagian(path), "tertulis": _teks(a.get(path)), "seharusnya": _teks(b.get(path))})
    return rows


def _teks(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


def ralat(
    db: Database, settings: Settings, now: datetime, user: CurrentUser, doc_id: int, body: Correction
) -> DokumenOut:
    """A letter corrected by a ralat: a letter of its own (its own number) citing the letter and listing what
    was written and what should have been, and the letter's corrected version, keeping its number and
    naming the ralat instead of a note above its kop."""
    with db.transaction() as session:
        old = readable(session, doc_id, user)
        _not_superseded(session, old)
        data = corrected_data(old, body.data)
        butir = _butir(old.data, data)
        if not butir:
            pesan = "Koreksi tidak mengubah isi surat: tidak ada yang diralat"
            raise _refuse(422, "the correction changes nothing", "data", pesan)
        m = MasterData(session)
        jenis = JENIS_DOKUMEN[old.kind]
        seq, number, when = _draw(session, settings, "RL", now)
        signatory = old.data.get("penandatangan") or old.data.get("dari") or snapshot.ketua(m)
        tanggal_surat = str(old.data.get("tanggal") or old.created_at.astimezone(WIB).date().isoformat())
        letter = Dokumen(
            instance_id=old.instance_id,
            root_id=old.root_id,
            task_id=old.task_id,
            element_id=old.element_id,
            kind="ralat",
            key=f"{old.kind}:{old.key}:{old.version}",
            title=f"Ralat {jenis.label} {old.number}",
            number=number,
            code="RL",
            seq=seq,
            month=when.month,
            year=when.year,
            # Read by whoever reads the letter it corrects: its candidate, if candidates read that kind, and its asesor.
            candidate=old.candidate if jenis.peserta_membaca else None,
            data={
                "dibaca_asesor": [{"username": u} for u in asesor_readers(old.kind, old.data or {})],
                "tanggal": when.date().isoformat(),
                "lsp": old.data.get("lsp") or snapshot.lsp(m),
                "penandatangan": signatory,
                "surat": {
                    "jenis": jenis.label,
                    "nomor": old.number,
                    "tanggal": tanggal_surat,
                    "hal": str(old.data.get("hal") or old.title),
                },
                "alasan": body.alasan,
                "butir": butir[:MAX_BUTIR],
                "butir_lain": max(0, len(butir) - MAX_BUTIR),
            },
            created_at=now,
            created_by=user.username,
        )
        session.add(letter)
        session.flush()
        data["ralat"] = {"nomor": number, "tanggal": when.date().isoformat()}
        new = Dokumen(
            instance_id=old.instance_id,
            root_id=old.root_id,
            task_id=old.task_id,
            element_id=old.element_id,
            kind=old.kind,
            key=old.key,
            title=old.title,
            number=old.number,
            code=old.code,
            seq=None,  # the corrected letter keeps its number; the ralat has its own
            month=old.month,
            year=old.year,
            candidate=old.candidate,
            data=data,
            created_at=now,
            created_by=user.username,
            version=old.version + 1,
            supersedes_id=old.id,
            correction_reason=body.alasan,
        )
        session.add(new)
        session.flush()
        return DokumenOut.model_validate(new)


def _certificate(session: Session, doc: Dokumen) -> Sertifikat:
    cert = session.scalars(select(Sertifikat).where(Sertifikat.document_id == doc.id).with_for_update()).first()
    if cert is None:
        raise _refuse(422, f"document {doc.id} is not a certificate", "", "Dokumen ini bukan sertifikat")
    if cert.status == SertifikatStatus.DIGANTI:
        raise _refuse(409, "the certificate was already re-issued", "", "Sertifikat ini sudah diganti")
    if cert.status == SertifikatStatus.DICABUT:
        raise _refuse(
            409, "a revoked certificate is not re-issued", "", "Sertifikat yang dicabut tidak diterbitkan ulang"
        )
    return cert


def _numbers(session: Session, cert: Sertifikat, body: Penggantian) -> dict[str, str]:
    """The re-issue's numbers: the certificate's own, or corrected ones in BNSP's shapes and nobody else's;
    the new blangko never printed before."""
    numbers = {
        "no_sertifikat": body.no_sertifikat or cert.no_sertifikat,
        "no_registrasi": body.no_registrasi or cert.no_registrasi,
    }
    p = register.pola(session)
    for key, value in numbers.items():
        if value != getattr(cert, key) and (salah := register.bentuk_salah(p, key, value)):
            raise _refuse(422, f"{key} does not have BNSP's shape", key, salah)
        column = getattr(Sertifikat, key)
        other = session.scalars(
            select(Sertifikat).where(column == value, Sertifikat.peserta_username != cert.peserta_username)
        ).first()
        if other is not None:
            raise _refuse(
                409,
                f"{key} is another holder's",
                key,
                f"{register.LABEL[key]} {value} sudah dipakai sertifikat {other.nama} ({other.peserta_username})",
            )
    if body.no_blangko_baru == cert.no_blangko:
        raise _refuse(
            422,
            "the new blangko is the spoiled one",
            "no_blangko_baru",
            f"Nomor blangko {body.no_blangko_baru} adalah blangko yang rusak: isi nomor blangko pengganti",
        )
    used = register.blangko_terpakai(session, [body.no_blangko_baru])
    if used:
        raise _refuse(
            409,
            "the new blangko was already printed",
            "no_blangko_baru",
            register.pesan_blangko(body.no_blangko_baru, used[body.no_blangko_baru]),
        )
    return numbers


def reissue(
    db: Database, settings: Settings, now: datetime, user: CurrentUser, doc_id: int, body: Penggantian
) -> PenggantianOut:
    """BNSP's misprint route: the BA kerusakan blangko, then the certificate re-issued on a new blangko."""
    with db.transaction() as session:
        old_doc = readable(session, doc_id, user)
        if old_doc.kind != "sertifikat":
            raise _refuse(422, f"document {doc_id} is not a certificate", "", "Dokumen ini bukan sertifikat")
        _not_superseded(session, old_doc)
        cert = _certificate(session, old_doc)
        numbers = _numbers(session, cert, body)
        m = MasterData(session)
        lsp = snapshot.lsp(m)
        seq, number, when = _draw(session, settings, KERUSAKAN.register or "BA-KB", now)
        ba = Dokumen(
            instance_id=old_doc.instance_id,
            root_id=old_doc.root_id,
            task_id=old_doc.task_id,
            element_id=old_doc.element_id,
            kind=KERUSAKAN.kind,
            key=f"{old_doc.key}:{cert.no_blangko or cert.id}",
            title=f"Berita acara kerusakan blangko sertifikat {cert.nama}",
            number=number,
            code=KERUSAKAN.register,
            seq=seq,
            month=when.month,
            year=when.year,
            candidate=cert.peserta_username,
            data={
                "tanggal": when.date().isoformat(),
                "lsp": lsp,
                "penandatangan": snapshot.ketua(m),
                "dibuat_oleh": {**snapshot.orang(m, user.username), "jabatan": _jabatan(user)},
                "sertifikat": {
                    "nama": cert.nama,
                    "skema_nomor": cert.skema_nomor,
                    "skema_judul": cert.skema_judul,
                    "no_sertifikat": cert.no_sertifikat,
                    "no_registrasi": cert.no_registrasi,
                    "terbit": cert.terbit.isoformat(),
                },
                "blangko_rusak": cert.no_blangko,
                "kerusakan": body.kerusakan,
                "blangko_baru": body.no_blangko_baru,
                "nomor_baru": numbers,
            },
            created_at=now,
            created_by=user.username,
        )
        session.add(ba)
        session.flush()
        kode = replayable_token(12)
        data: dict[str, Any] = {
            **old_doc.data,
            **numbers,
            "lsp": lsp,
            "penandatangan": {**snapshot.ketua(m), "atas_nama": "Badan Nasional Sertifikasi Profesi"},
            "peserta": snapshot.peserta(m, {"username": cert.peserta_username, "nama": cert.nama}),
            "no_blangko": body.no_blangko_baru,
            "kode_verifikasi": kode,
            "menggantikan": {"no_blangko": cert.no_blangko, "berita_acara": number},
        }
        new_doc = Dokumen(
            instance_id=old_doc.instance_id,
            root_id=old_doc.root_id,
            task_id=old_doc.task_id,
            element_id=old_doc.element_id,
            kind=old_doc.kind,
            key=old_doc.key,
            title=old_doc.title,
            number=numbers["no_sertifikat"],
            code=None,
            seq=None,
            month=old_doc.month,
            year=old_doc.year,
            candidate=old_doc.candidate,
            data=data,
            created_at=now,
            created_by=user.username,
            version=old_doc.version + 1,
            supersedes_id=old_doc.id,
        )
        session.add(new_doc)
        # The replaced row gives up its numbers first (they are unique among rows not replaced).
        cert.status, cert.diganti_at, cert.ba_kerusakan_id = SertifikatStatus.DIGANTI, now, ba.id
        session.flush()
        new = Sertifikat(
            kode_verifikasi=kode,
            peserta_username=cert.peserta_username,
            nama=str(data["peserta"].get("nama") or cert.nama),
            skema_nomor=cert.skema_nomor,
            skema_judul=cert.skema_judul,
            no_sertifikat=numbers["no_sertifikat"],
            no_registrasi=numbers["no_registrasi"],
            no_blangko=body.no_blangko_baru,
            terbit=cert.terbit,
            berlaku_sd=cert.berlaku_sd,
            status=SertifikatStatus.AKTIF,
            instance_id=cert.instance_id,
            root_id=cert.root_id,
            document_id=new_doc.id,
            created_at=now,
        )
        session.add(new)
        session.flush()
        cert.diganti_oleh_id = new.id
        return PenggantianOut(
            berita_acara=DokumenOut.model_validate(ba),
            sertifikat=DokumenOut.model_validate(new_doc),
            kode_verifikasi=kode,
        )


class Jalur(StrEnum):
    """How a document is put right, by its kind."""

    PERUBAHAN_SK = "perubahan_sk"  # a new SK "tentang Perubahan atas Keputusan ...", by its signatory
    RALAT = "ralat"  # a letter keeps its number and gets a ralat of its own
    VERSI = "versi"  # anything else: a new version keeping its number, with a "Perbaikan ke-n" note
    GANTI_BLANGKO = "ganti_blangko"  # a certificate: never corrected, re-issued on a new blangko


def jalur(doc: Dokumen) -> Jalur:
    if doc.kind == "sertifikat":
        return Jalur.GANTI_BLANGKO
    if is_sk(doc):
        return Jalur.PERUBAHAN_SK
    jenis = JENIS_DOKUMEN.get(doc.kind)
    return Jalur.RALAT if jenis is not None and jenis.surat else Jalur.VERSI


@dataclass(frozen=True)
class UntukDikoreksi:
    """A document as a correction starts from: what it is, its data, its route, and the version that replaced it
    (its number), if one has."""

    dokumen: DokumenOut
    label: str
    data: dict[str, Any]
    jalur: Jalur
    diganti_oleh: str | None


def untuk_dikoreksi(db: Database, user: CurrentUser, doc_id: int) -> UntukDikoreksi:
    """The document `doc_id` to correct (the page Koreksi): 404 or 403 as reading it."""
    with db.reading() as session:
        doc = readable(session, doc_id, user)
        newer = session.scalars(select(Dokumen.number).where(Dokumen.supersedes_id == doc.id)).first()
        jenis = JENIS_DOKUMEN.get(doc.kind)
        return UntukDikoreksi(
            DokumenOut.model_validate(doc),
            jenis.label if jenis is not None else doc.kind,
            dict(doc.data or {}),
            jalur(doc),
            newer,
        )


def correct(
    db: Database, settings: Settings, now: datetime, user: CurrentUser, doc_id: int, body: Correction
) -> DokumenOut:
    """`POST /dokumen/{id}/koreksi`: an SK goes to its signatory's amending SK, a certificate is refused (its
    route is the re-issue on a new blangko), a letter gets a ralat, anything else a new version."""
    with db.reading() as session:
        route = jalur(readable(session, doc_id, user))
    if route == Jalur.GANTI_BLANGKO:
        raise _refuse(
            422,
            "a certificate is never corrected in place: report the spoiled blangko and re-issue it on a new one "
            f"(POST /api/dokumen/{doc_id}/ganti-blangko)",
            "",
            "Sertifikat tidak dikoreksi: buat berita acara kerusakan blangko dan terbitkan ulang pada blangko baru",
        )
    if route == Jalur.PERUBAHAN_SK:
        return amend_sk(db, settings, now, user, doc_id, body)
    if route == Jalur.RALAT:
        return ralat(db, settings, now, user, doc_id, body)
    return dokumen.correct(db, now, user, doc_id, body)
