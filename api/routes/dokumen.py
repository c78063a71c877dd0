"""Output documents: the list of an instance's (or a whole period's) documents, the file (PDF or .xlsx), an
HTML preview, corrections as new versions, revocation of a certificate, and the LSP's logo for the kop surat.

Who reads what: the LSP's staff and admin read every document; a candidate only their own card, assessment
record and certificate; an asesor only the records of the candidates they assessed and the letters and forms
addressed to them.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import Caller, CurrentUser, require_roles
from api.background.renderer import document_store, job_for, logo_store
from api.errors import ApiError
from api.store.master import LspProfil, Sertifikat
from api.store.models import STAFF_ROLES, Document, ProcessInstance
from api.store.storage import inline_disposition
from service_tasks.jenis_dokumen import Format, format_of
from service_tasks.render import RenderError, html

router = APIRouter(prefix="/api", tags=["documents"])

STAFF = set(STAFF_ROLES)
CORRECTORS = ("admin", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi")
PESERTA_KINDS = {"kartu_peserta", "rekaman_asesmen", "sertifikat"}
# Which person in a document's data an asesor must be to read it.
ASESOR_KINDS = {
    "rekaman_asesmen": "asesor",
    "surat_tugas_asesor": "asesor",
    "surat_tugas_verifikasi_tuk": "verifikator",
    "formulir_verifikasi_tuk": "verifikator",
}
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class DocumentOut(BaseModel):
    model_config = {"from_attributes": True}

    id: int
    kind: str
    number: str
    title: str
    created_at: datetime
    created_by: str | None
    sha256: str | None = Field(description="SHA-256 of the file; null until the renderer has written it")
    candidate: str | None
    instance_id: int
    task_id: str
    version: int
    supersedes_id: int | None
    content_type: str | None
    file_name: str | None
    rendered_at: datetime | None
    render_error: str | None


class Correction(BaseModel):
    alasan: str = Field(min_length=5, max_length=1000, description="why the document is corrected")
    data: dict[str, Any] = Field(description="JSON merge patch (RFC 7386) over the document's data")


class Revocation(BaseModel):
    alasan: str = Field(min_length=5, max_length=1000)


def can_read(user: CurrentUser, doc: Document) -> bool:
    if user.roles & STAFF:
        return True
    if "peserta" in user.roles and doc.candidate == user.username and doc.kind in PESERTA_KINDS:
        return True
    person = ASESOR_KINDS.get(doc.kind)
    if "asesor" in user.roles and person is not None:
        return ((doc.data or {}).get(person) or {}).get("username") == user.username
    return False


def _document(session: Session, document_id: int, user: CurrentUser) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise ApiError(404, f"no document {document_id}")
    if not can_read(user, doc):
        raise ApiError(403, "you may not read this document")
    return doc


@router.get("/instances/{instance_id}/documents", response_model=list[DocumentOut])
def list_documents(instance_id: int, request: Request, user: Caller, include_children: bool = False) -> list[Document]:
    """An instance's documents, oldest first; with include_children=true on a period, the whole period's."""
    with request.app.state.db.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        if row is None:
            raise ApiError(404, f"no instance {instance_id}")
        if include_children and row.parent_id is None:
            condition = Document.root_id == row.id
        elif include_children:
            from api.routes.instances import descendant_ids

            condition = Document.instance_id.in_(descendant_ids(session, row))
        else:
            condition = Document.instance_id == row.id
        docs = session.scalars(select(Document).where(condition).order_by(Document.id)).all()
        return [d for d in docs if can_read(user, d)]


@router.get("/documents/{document_id}", response_class=Response)
def download(document_id: int, request: Request, user: Caller) -> Response:
    """The rendered file (application/pdf; the blangko list as .xlsx); 409 while it is still being rendered."""
    with request.app.state.db.reading() as session:
        doc = _document(session, document_id, user)
        if doc.sha256 is None:
            detail = f"document {document_id} is not rendered yet"
            if doc.render_error:
                detail += f" (last attempt failed: {doc.render_error})"
            raise ApiError(409, detail)
        sha256, content_type, name = doc.sha256, doc.content_type, doc.file_name
    content = document_store(request.app.state.settings).read(sha256)
    return Response(
        content,
        media_type=content_type,
        headers={"Content-Disposition": inline_disposition(name), "ETag": f'"{sha256}"'},
    )


@router.get("/documents/{document_id}/html", response_class=HTMLResponse)
def preview(document_id: int, request: Request, user: Caller) -> HTMLResponse:
    """The document as HTML, from the same template and data as its PDF."""
    with request.app.state.db.reading() as session:
        doc = _document(session, document_id, user)
        if format_of(doc.kind) is Format.XLSX:
            raise ApiError(415, "this document is a spreadsheet: download it")
        job = job_for(session, doc, request.app.state.settings, {})
    try:
        return HTMLResponse(html(job))
    except RenderError as exc:
        raise ApiError(500, str(exc)) from exc


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


@router.post("/documents/{document_id}/koreksi", response_model=DocumentOut, status_code=status.HTTP_201_CREATED)
def correct(
    document_id: int,
    body: Correction,
    request: Request,
    user: Annotated[CurrentUser, require_roles(*CORRECTORS)],
) -> Document:
    """A correction: a new version with its own file, keeping the number; the old version and file stay."""
    with request.app.state.db.transaction() as session:
        old = _document(session, document_id, user)
        # Locked on PostgreSQL, so two corrections at once queue here and the second sees the first.
        session.scalars(select(Document.id).where(Document.id == old.id).with_for_update()).first()
        newer = session.scalars(select(Document.id).where(Document.supersedes_id == old.id)).first()
        if newer is not None:
            raise ApiError(409, f"document {document_id} was already corrected by document {newer}: correct that one")
        new = Document(
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
            created_at=request.app.state.clock.now(),
            created_by=user.username,
            version=old.version + 1,
            supersedes_id=old.id,
            correction_reason=body.alasan,
        )
        session.add(new)
        session.flush()
        if old.kind == "sertifikat":
            # The verification page shows what the corrected certificate shows.
            peserta, skema = new.data.get("peserta") or {}, new.data.get("skema") or {}
            for cert in session.scalars(select(Sertifikat).where(Sertifikat.document_id == old.id)):
                cert.document_id = new.id
                cert.nama = str(peserta.get("nama") or cert.nama)
                cert.skema_judul = str(skema.get("judul") or cert.skema_judul)
        out = DocumentOut.model_validate(new)
    request.app.state.worker.wake()
    return out


@router.post("/documents/{document_id}/cabut", status_code=status.HTTP_204_NO_CONTENT)
def revoke(
    document_id: int,
    body: Revocation,
    request: Request,
    user: Annotated[CurrentUser, require_roles("admin", "ketua_lsp")],
) -> Response:
    """Revoke a certificate: its verification page shows it as dicabut from now on."""
    with request.app.state.db.transaction() as session:
        doc = _document(session, document_id, user)
        cert = session.scalars(select(Sertifikat).where(Sertifikat.document_id == doc.id)).first()
        if cert is None:
            raise ApiError(422, f"document {document_id} is not a certificate")
        if cert.status == "dicabut":
            raise ApiError(409, "the certificate is already revoked")
        cert.status = "dicabut"
        cert.dicabut_at = request.app.state.clock.now()
        cert.alasan_dicabut = body.alasan
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def logo_type(content: bytes) -> str | None:
    for magic, kind in LOGO_TYPES.items():
        if content.startswith(magic):
            return kind
    head = content[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in content[:2048].lower()):
        return "image/svg+xml"
    return None


@router.put("/lsp/logo", status_code=status.HTTP_204_NO_CONTENT)
def put_logo(
    request: Request,
    user: Annotated[CurrentUser, require_roles(*CORRECTORS)],
    file: Annotated[UploadFile, File()],
) -> Response:
    """The logo on every kop surat and certificate (PNG, JPEG or SVG); documents issued from now on carry it."""
    limit = request.app.state.settings.max_upload_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise ApiError(413, f"the logo is larger than {limit} bytes")
    kind = logo_type(content)
    if kind is None:
        raise ApiError(415, "the logo must be a PNG, JPEG or SVG image")
    sha256 = logo_store(request.app.state.settings).put(content)
    with request.app.state.db.transaction() as session:
        lsp = session.get(LspProfil, 1)
        if lsp is None:
            raise ApiError(404, "no LSP profile yet: PUT /api/lsp first")
        lsp.logo_sha256, lsp.logo_content_type = sha256, kind
        lsp.updated_at, lsp.updated_by = request.app.state.clock.now(), user.username
    return Response(status_code=status.HTTP_204_NO_CONTENT)
