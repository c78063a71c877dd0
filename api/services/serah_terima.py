"""The register of certificates handed over (serah terima sertifikat): a printed certificate given to its holder,
or to someone with their surat kuasa, recorded once, and each period's register as a workbook.

Only a certificate in force is handed over: a replaced one (misprint, BA kerusakan blangko) gives way to its
re-issue, a revoked one is not handed over. The day is a real one: not after today, not before it was issued.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.errors import ApiError
from api.schemas.dokumen import Penyerahan, PenyerahanOut
from api.services.dokumen import readable
from api.spreadsheet import xlsx_bytes
from api.store.db import Database
from api.store.enums import Penerima, SertifikatStatus
from api.store.master import PenyerahanSertifikat, Sertifikat
from api.store.models import ProcessInstance
from service_tasks.format_indonesia import WIB, tanggal

PENERIMA_LABEL = {Penerima.PEMEGANG: "Pemegang sertifikat", Penerima.KUASA: "Penerima kuasa"}
STATUS_LABEL = {
    SertifikatStatus.AKTIF: "Aktif",
    SertifikatStatus.DICABUT: "Dicabut",
    SertifikatStatus.DIGANTI: "Diganti",
}
HEADER = (
    "No",
    "Nama Pemegang",
    "Akun",
    "Nomor Skema",
    "Skema Sertifikasi",
    "Nomor Sertifikat",
    "Nomor Registrasi",
    "Nomor Blangko",
    "Tanggal Terbit",
    "Berlaku Sampai",
    "Status",
    "Tanggal Diserahkan",
    "Diterima Oleh",
    "Penerima",
    "Keterangan",
    "Dicatat Oleh",
)


def _refuse(status: int, detail: str, path: str, message: str) -> ApiError:
    return ApiError(status, detail, [{"path": path, "message": message}])


def _certificate(session: Session, document_id: int, user: CurrentUser) -> Sertifikat:
    doc = readable(session, document_id, user)
    cert = session.scalars(select(Sertifikat).where(Sertifikat.document_id == doc.id).with_for_update()).first()
    if cert is None:
        raise _refuse(422, f"document {document_id} is not a certificate", "", "Dokumen ini bukan sertifikat")
    if cert.status == SertifikatStatus.DIGANTI:
        raise _refuse(
            409,
            "the certificate was re-issued: hand over its re-issue",
            "",
            "Sertifikat ini sudah diganti karena blangko rusak: serahkan sertifikat penggantinya",
        )
    if cert.status == SertifikatStatus.DICABUT:
        raise _refuse(409, "a revoked certificate is not handed over", "", "Sertifikat yang dicabut tidak diserahkan")
    return cert


def catat(db: Database, now: datetime, user: CurrentUser, document_id: int, body: Penyerahan) -> PenyerahanOut:
    """Record a certificate handed over; 409 when it already was (the first record stands) or is not in force,
    422 at the field for a day in the future or before its issue, or an authorised taker without a name."""
    today = now.astimezone(WIB).date()
    with db.transaction() as session:
        cert = _certificate(session, document_id, user)
        done = session.scalars(
            select(PenyerahanSertifikat).where(PenyerahanSertifikat.sertifikat_id == cert.id)
        ).first()
        if done is not None:
            raise _refuse(
                409,
                "the certificate was already handed over",
                "",
                f"Sertifikat ini sudah diserahkan pada {tanggal(done.tanggal)} kepada {done.diterima_oleh}",
            )
        if body.tanggal > today:
            raise _refuse(422, "tanggal is after today", "tanggal", "Tanggal penyerahan tidak boleh setelah hari ini")
        if body.tanggal < cert.terbit:
            raise _refuse(
                422,
                "tanggal is before the certificate was issued",
                "tanggal",
                f"Tanggal penyerahan tidak boleh sebelum sertifikat terbit ({tanggal(cert.terbit)})",
            )
        nama = (body.diterima_oleh or "").strip()
        if body.penerima == Penerima.KUASA and not nama:
            raise _refuse(
                422,
                "diterima_oleh is required when someone authorised takes it",
                "diterima_oleh",
                "Nama penerima kuasa wajib diisi",
            )
        row = PenyerahanSertifikat(
            sertifikat_id=cert.id,
            root_id=cert.root_id,
            tanggal=body.tanggal,
            penerima=body.penerima,
            diterima_oleh=nama if body.penerima == Penerima.KUASA else cert.nama,
            keterangan=(body.keterangan or "").strip() or None,
            dicatat_oleh=user.username,
            dicatat_at=now,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # recorded by someone else in the meantime (SQLite has no row lock)
            raise _refuse(
                409, "the certificate was already handed over", "", "Sertifikat ini sudah diserahkan"
            ) from None
        return PenyerahanOut.model_validate(row)


def register(db: Database, instance_id: int) -> tuple[str, bytes]:
    """A period's register of certificates: every certificate row issued in it (re-issues and revoked ones too,
    with their status), and when and to whom each was handed over; blank where not yet. 404 for an id that is not
    a period."""
    with db.reading() as session:
        period = session.get(ProcessInstance, instance_id)
        if period is None or period.parent_id is not None:
            raise _refuse(404, f"no period {instance_id}", "instance_id", "Periode tidak ditemukan")
        rows = session.execute(
            select(Sertifikat, PenyerahanSertifikat)
            .outerjoin(PenyerahanSertifikat, PenyerahanSertifikat.sertifikat_id == Sertifikat.id)
            .where(Sertifikat.root_id == instance_id)
            .order_by(Sertifikat.id)
        ).all()
        content = xlsx_bytes(
            (
                "Register Sertifikat",
                HEADER,
                (
                    [
                        no,
                        cert.nama,
                        cert.peserta_username,
                        cert.skema_nomor,
                        cert.skema_judul,
                        cert.no_sertifikat,
                        cert.no_registrasi,
                        cert.no_blangko or "",
                        cert.terbit,
                        cert.berlaku_sd,
                        STATUS_LABEL.get(SertifikatStatus(cert.status), cert.status),
                        p.tanggal if p is not None else None,
                        p.diterima_oleh if p is not None else "",
                        PENERIMA_LABEL[Penerima(p.penerima)] if p is not None else "",
                        (p.keterangan or "") if p is not None else "",
                        p.dicatat_oleh if p is not None else "",
                    ]
                    for no, (cert, p) in enumerate(rows, start=1)
                ),
            )
        )
        name = f"register_sertifikat_{period.business_key or period.id}.xlsx".replace(" ", "_")
        return name, content
