"""Output documents: the list of an instance's (or a whole period's) documents, the file (PDF or .xlsx), an
HTML preview, a certificate's print layer for BNSP's pre-printed blangko, corrections as new versions,
revocation of a certificate, a printed certificate handed over and the period's register of certificates, the
LSP's logo for the kop surat, and a period's whole archive as one ZIP with its daftar arsip.

Who reads what is `api.permissions.may_read_document`: the LSP's staff read every document; a candidate only
their own card, assessment record and certificate; an asesor only the records of the candidates they
assessed and the letters and forms addressed to them.
"""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status
from fastapi.responses import HTMLResponse, StreamingResponse

from api.auth import Caller
from api.permissions import DocumentCorrector, HandoverRecorder, Reissuer, Revoker, Staff
from api.routes.deps import AppSettings, BackgroundWorker, Db, Id, Now, file_response
from api.schemas.dokumen import (
    Correction,
    DokumenOut,
    Penggantian,
    PenggantianOut,
    Penyerahan,
    PenyerahanOut,
    Revocation,
)
from api.services import arsip, dokumen, register, serah_terima
from api.store.storage import IMAGE, attachment_disposition, read_upload, require_type

router = APIRouter(prefix="/api", tags=["dokumen"])


@router.get("/instances/{instance_id}/dokumen", response_model=list[DokumenOut])
def list_documents(instance_id: Id, db: Db, user: Caller, include_children: bool = False) -> list[DokumenOut]:
    """An instance's documents, oldest first; with include_children=true on a period, the whole period's."""
    return dokumen.of_instance(db, user, instance_id, include_children)


@router.get(
    "/instances/{instance_id}/arsip",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}, "description": "the period's archive"}},
)
def download_archive(instance_id: Id, db: Db, settings: AppSettings, user: Caller) -> StreamingResponse:
    """A period's archive (SOP Pengelolaan Arsip Aktif), for the LSP's staff: every document of the period, each
    version, filed in folders by archive class, with `daftar_arsip.xlsx` (class, retention, file of each record).
    409 while a document of the period still waits for its file; 404 for an id that is not a period."""
    found = arsip.unduh(db, settings, user, instance_id)
    return StreamingResponse(
        found.chunks,
        media_type="application/zip",
        headers={"Content-Disposition": attachment_disposition(found.name), "Cache-Control": "no-store"},
    )


@router.get("/dokumen/{document_id}", response_class=Response)
def download(document_id: Id, db: Db, settings: AppSettings, user: Caller) -> Response:
    """The rendered file (application/pdf; the blangko list as .xlsx); 409 while it is still being rendered."""
    return file_response(dokumen.rendered_file(db, settings, user, document_id))


@router.get(
    "/dokumen/{document_id}/cetak",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "the certificate's print layer"}},
)
def print_layer(document_id: Id, db: Db, settings: AppSettings, worker: BackgroundWorker, user: Staff) -> Response:
    """A certificate's print layer for BNSP's pre-printed blangko, for the staff who print it: only its variable
    fields (name, numbers, skema, dates, signatory, QR code, photo; the units on the back), placed as
    documents/sertifikat_cetak.json says, with no border, logo or printed caption. The certificate's own file
    stays the full design. 422 for a document that is not a certificate; 409 while it is not rendered, or once
    it is revoked or re-issued; 503 when it cannot be rendered (nothing is kept): the render processes failed
    (with Retry-After), or its template or layout did. Rendered in the renderer's processes, waiting its turn."""
    return file_response(dokumen.print_layer(db, settings, worker.renderer, user, document_id))


@router.get("/dokumen/{document_id}/html", response_class=HTMLResponse)
def preview(document_id: Id, db: Db, settings: AppSettings, user: Caller) -> HTMLResponse:
    """The document as HTML, from the same template and data as its PDF."""
    return HTMLResponse(dokumen.preview(db, settings, user, document_id))


@router.post("/dokumen/{document_id}/koreksi", response_model=DokumenOut, status_code=status.HTTP_201_CREATED)
def correct(
    document_id: Id,
    body: Correction,
    db: Db,
    settings: AppSettings,
    now: Now,
    worker: BackgroundWorker,
    user: DocumentCorrector,
) -> DokumenOut:
    """A correction as a new version with its own file, keeping the number; the old version and file stay.
    An SK is amended only by its signatory, as a new SK with its own number ("Perubahan atas Keputusan");
    a certificate is refused (422): its route is `ganti-blangko`."""
    out = register.correct(db, settings, now, user, document_id, body)
    worker.wake()
    return out


@router.post("/dokumen/{document_id}/ganti-blangko", response_model=PenggantianOut, status_code=status.HTTP_201_CREATED)
def reissue(
    document_id: Id,
    body: Penggantian,
    db: Db,
    settings: AppSettings,
    now: Now,
    worker: BackgroundWorker,
    user: Reissuer,
) -> PenggantianOut:
    """A misprinted certificate (BNSP's route): a Berita Acara kerusakan blangko, and the certificate re-issued
    on a new blangko with a new verification code; the old one's verification page shows it replaced."""
    out = register.reissue(db, settings, now, user, document_id, body)
    worker.wake()
    return out


@router.post("/dokumen/{document_id}/serah-terima", response_model=PenyerahanOut, status_code=status.HTTP_201_CREATED)
def hand_over(document_id: Id, body: Penyerahan, db: Db, now: Now, user: HandoverRecorder) -> PenyerahanOut:
    """A printed certificate handed over to its holder, or to someone with their surat kuasa (named): recorded
    once, in the period's register. 409 when it already was, was re-issued or revoked; 422 at `tanggal` for a
    day after today or before its issue."""
    return serah_terima.catat(db, now, user, document_id, body)


@router.get(
    "/instances/{instance_id}/register-sertifikat",
    response_class=Response,
    responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
def certificate_register(instance_id: Id, db: Db, user: HandoverRecorder) -> Response:
    """A period's register of certificates as a workbook: every certificate issued in it with its numbers and
    status, and when and to whom it was handed over (blank where not yet). 404 for an id that is not a period."""
    name, content = serah_terima.register(db, instance_id)
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": attachment_disposition(name), "Cache-Control": "no-store"},
    )


@router.post("/dokumen/{document_id}/retry-render", response_model=DokumenOut, status_code=status.HTTP_202_ACCEPTED)
def retry_render(document_id: int, db: Db, worker: BackgroundWorker, user: Staff) -> DokumenOut:
    """A document whose render failed goes back to the render queue with its attempts from zero (staff);
    409 when it is rendered or has not failed."""
    out = dokumen.retry_render(db, user, document_id)
    worker.wake()
    return out


@router.post("/dokumen/{document_id}/cabut", status_code=status.HTTP_204_NO_CONTENT)
def revoke(document_id: Id, body: Revocation, db: Db, now: Now, user: Revoker) -> Response:
    """Revoke a certificate: its verification page shows it as dicabut from now on."""
    dokumen.revoke(db, now, user, document_id, body.alasan)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/lsp/logo", status_code=status.HTTP_204_NO_CONTENT)
def put_logo(
    db: Db, settings: AppSettings, now: Now, user: DocumentCorrector, file: Annotated[UploadFile, File()]
) -> Response:
    """The logo on every kop surat and certificate (PNG, JPEG or SVG); documents issued from now on carry it."""
    content = read_upload(file, settings.max_upload_bytes)
    kind = require_type(content, IMAGE, "the logo")
    dokumen.put_logo(db, settings, now, user, content, kind)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
