"""Output documents: which of an instance's documents a user reads, their files and previews, corrections as
new versions (certificates and SKs take their own routes: api.services.register), revocation of a
certificate, the LSP's logo, and what the public verification page shows."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.background.renderer import job_for
from api.errors import ApiError
from api.permissions import may_read_document
from api.schemas.dokumen import Correction, DokumenOut
from api.services.instances import get_or_404, scope
from api.settings import Settings
from api.store.db import Database
from api.store.enums import SertifikatStatus
from api.store.master import LspProfil, Sertifikat
from api.store.models import Dokumen
from api.store.storage import stores
from service_tasks.jenis_dokumen import JENIS_DOKUMEN, Format
from service_tasks.render import RenderError, RenderJob, html


def readable(session: Session, document_id: int, user: CurrentUser) -> Dokumen:
    """The document, if this user may read it: else 404 or 403."""
    doc = session.get(Dokumen, document_id)
    if doc is None:
        raise ApiError(404, f"no document {document_id}")
    if not may_read_document(user, doc):
        raise ApiError(403, "you may not read this document")
    return doc


def of_instance(db: Database, user: CurrentUser, instance_id: int, include_children: bool) -> list[DokumenOut]:
    """An instance's documents this user may read, oldest first; with its children, its whole subtree's."""
    with db.reading() as session:
        row = get_or_404(session, instance_id)
        condition = scope(session, row, include_children, Dokumen)
        docs = session.scalars(select(Dokumen).where(condition).order_by(Dokumen.id)).all()
        return [DokumenOut.model_validate(d) for d in docs if may_read_document(user, d)]


@dataclass(frozen=True)
class StoredFile:
    content: bytes
    content_type: str | None
    name: str
    sha256: str


def rendered_file(db: Database, settings: Settings, user: CurrentUser, document_id: int) -> StoredFile:
    """The rendered file; 409 while it is still being rendered."""
    with db.reading() as session:
        doc = readable(session, document_id, user)
        if doc.sha256 is None:
            detail = f"document {document_id} is not rendered yet"
            if doc.render_error:
                detail += f" (last attempt failed: {doc.render_error})"
            raise ApiError(409, detail)
        sha256, content_type, name = doc.sha256, doc.content_type, doc.file_name or "dokumen"
    return StoredFile(stores(settings.data_dir).dokumen.read(sha256), content_type, name, sha256)


def preview(db: Database, settings: Settings, user: CurrentUser, document_id: int) -> str:
    """The document as HTML, from the same template and data as its PDF."""
    with db.reading() as session:
        doc = readable(session, document_id, user)
        jenis = JENIS_DOKUMEN.get(doc.kind)
        if jenis is not None and jenis.format == Format.XLSX:
            raise ApiError(415, "this document is a spreadsheet: download it")
        job: RenderJob = job_for(session, doc, settings, {})
    try:
        return html(job)
    except RenderError as exc:
        raise ApiError(500, str(exc)) from exc


def retry_render(db: Database, user: CurrentUser, document_id: int) -> DokumenOut:
    """Give a document whose render failed its attempts back (error cleared, attempts from zero, no lease),
    so the renderer takes it again; 409 when it is rendered or waiting without a failure."""
    with db.transaction() as session:
        doc = readable(session, document_id, user)
        failed = (Dokumen.id == doc.id) & Dokumen.rendered_at.is_(None) & Dokumen.render_error.is_not(None)
        reset = session.scalars(
            update(Dokumen)
            .where(failed)
            .values(render_error=None, render_attempts=0, render_claimed_by=None, render_claimed_until=None)
            .returning(Dokumen.id)
            .execution_options(synchronize_session=False)
        ).first()
        if reset is None:
            state = (
                "is already rendered" if doc.rendered_at is not None else "has not failed: it waits for the renderer"
            )
            raise ApiError(409, f"document {document_id} {state}")
        session.refresh(doc)
        return DokumenOut.model_validate(doc)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def correct(db: Database, now: datetime, user: CurrentUser, document_id: int, body: Correction) -> DokumenOut:
    """A correction: a new version with its own file, keeping the number; the old version and file stay."""
    with db.transaction() as session:
        old = readable(session, document_id, user)
        if old.kind == "sertifikat":  # its route is api.services.register.reissue
            raise ApiError(422, "a certificate is never corrected in place: re-issue it on a new blangko")
        # Locked on PostgreSQL, so two corrections at once queue here and the second sees the first.
        session.scalars(select(Dokumen.id).where(Dokumen.id == old.id).with_for_update()).first()
        newer = session.scalars(select(Dokumen.id).where(Dokumen.supersedes_id == old.id)).first()
        if newer is not None:
            raise ApiError(409, f"document {document_id} was already corrected by document {newer}: correct that one")
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
            seq=None,  # no new number is drawn: the corrected letter keeps its number
            month=old.month,
            year=old.year,
            candidate=old.candidate,
            data=merge_patch(old.data, body.data),
            created_at=now,
            created_by=user.username,
            version=old.version + 1,
            supersedes_id=old.id,
            correction_reason=body.alasan,
        )
        session.add(new)
        session.flush()
        return DokumenOut.model_validate(new)


def revoke(db: Database, now: datetime, user: CurrentUser, document_id: int, alasan: str) -> None:
    """Revoke a certificate: its verification page shows it as dicabut from now on."""
    with db.transaction() as session:
        doc = readable(session, document_id, user)
        cert = session.scalars(select(Sertifikat).where(Sertifikat.document_id == doc.id)).first()
        if cert is None:
            raise ApiError(422, f"document {document_id} is not a certificate")
        if cert.status == SertifikatStatus.DICABUT:
            raise ApiError(409, "the certificate is already revoked")
        cert.status = SertifikatStatus.DICABUT
        cert.dicabut_at = now
        cert.alasan_dicabut = alasan


def put_logo(
    db: Database, settings: Settings, now: datetime, user: CurrentUser, content: bytes, content_type: str
) -> None:
    """The logo on every kop surat and certificate; documents issued from now on carry it."""
    sha256 = stores(settings.data_dir).berkas.put(content)
    with db.transaction() as session:
        lsp = session.get(LspProfil, 1)
        if lsp is None:
            raise ApiError(404, "no LSP profile yet: PUT /api/lsp first")
        lsp.logo_sha256, lsp.logo_content_type = sha256, content_type
        lsp.updated_at, lsp.updated_by = now, user.username


def status_on(cert: Sertifikat, today: date) -> str:
    """aktif, kedaluwarsa (valid until a day before today), dicabut (revoked by the LSP) or diganti (re-issued
    on a new blangko after a misprint)."""
    if cert.status == SertifikatStatus.DICABUT:
        return "dicabut"
    if cert.status == SertifikatStatus.DIGANTI:
        return "diganti"
    return "kedaluwarsa" if cert.berlaku_sd < today else "aktif"


@dataclass(frozen=True)
class Verification:
    """What the public verification page of a code shows: the LSP, and the certificate (None: unknown code)."""

    lsp: dict[str, str] | None
    sertifikat: dict[str, Any] | None
    status: str | None


def verification(db: Database, code: str, today: date) -> Verification:
    with db.reading() as session:
        cert = session.scalars(select(Sertifikat).where(Sertifikat.kode_verifikasi == code)).first()
        lsp = session.get(LspProfil, 1)
        lsp_view = {"nama": lsp.nama, "no_lisensi": lsp.no_lisensi} if lsp is not None else None
        if cert is None:
            return Verification(lsp_view, None, None)
        view = {
            "nama": cert.nama,
            "skema_nomor": cert.skema_nomor,
            "skema_judul": cert.skema_judul,
            "no_sertifikat": cert.no_sertifikat,
            "no_registrasi": cert.no_registrasi,
            "terbit": cert.terbit,
            "berlaku_sd": cert.berlaku_sd,
            "no_blangko": cert.no_blangko,
        }
        if cert.diganti_oleh_id is not None and (pengganti := session.get(Sertifikat, cert.diganti_oleh_id)):
            view["pengganti"] = {
                "kode_verifikasi": pengganti.kode_verifikasi,
                "no_sertifikat": pengganti.no_sertifikat,
                "no_blangko": pengganti.no_blangko,
            }
        return Verification(lsp_view, view, status_on(cert, today))
