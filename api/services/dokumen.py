"""Output documents: which of an instance's documents a user reads, their files and previews, corrections as
new versions (certificates and SKs take their own routes: api.services.register), revocation of a
certificate, the LSP's logo, and what the public verification page shows; for the Dokumen page, every
document a user reads (paged, filtered) and a period's render progress."""

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Text, case, cast, false, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from api.auth import CurrentUser
from api.background.renderer import Renderer, job_for, progress
from api.errors import ApiError
from api.permissions import is_staff, may_read_document
from api.schemas.dokumen import Correction, DokumenOut
from api.services.instances import get_or_404, scope
from api.settings import Settings
from api.store.db import Database
from api.store.enums import Role, SertifikatStatus
from api.store.master import LspProfil, PenyerahanSertifikat, Sertifikat
from api.store.models import Dokumen, ProcessInstance, User
from api.store.storage import FileStore, stores
from service_tasks.jenis_dokumen import JENIS_DOKUMEN, Format, format_of, label_of
from service_tasks.keputusan import keputusan_dalam
from service_tasks.render import PrintLayer, RenderError, RenderJob, html, lapisan_cetak_versi

log = logging.getLogger(__name__)


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


# How soon a client may ask again for a print layer whose render processes failed (the pool is rebuilt at once).
RETRY_AFTER_PRINT_SECONDS = 5


def print_layer(
    db: Database, settings: Settings, renderer: Renderer, user: CurrentUser, document_id: int
) -> StoredFile:
    """A certificate's print layer for BNSP's pre-printed blangko (only its variable fields, where
    documents/sertifikat_cetak.json places them), rendered when first asked for, in the renderer's processes
    (waiting its turn behind the documents they render), and kept under data_dir/cetak, named by the
    certificate's file and the layout it was placed with: asked again it is read back, and a designer's changed
    layout prints anew. The certificate's own file (the full design) is untouched.
    422 for a document that is not a certificate; 409 while it is not rendered, or once it is revoked or
    re-issued on a new blangko (print the replacement); 503 when it cannot be rendered (`print_layer_failed`):
    nothing is kept then."""
    with db.reading() as session:
        doc = readable(session, document_id, user)
        if doc.kind != "sertifikat":
            raise ApiError(422, f"document {document_id} is not a certificate: only a certificate has a print layer")
        if doc.sha256 is None:
            raise ApiError(409, f"certificate {document_id} is not rendered yet")
        cert = session.scalars(select(Sertifikat).where(Sertifikat.document_id == doc.id)).first()
        if cert is not None and cert.status in (SertifikatStatus.DICABUT, SertifikatStatus.DIGANTI):
            raise ApiError(409, f"certificate {document_id} is {cert.status}: it is not printed again")
        job = job_for(session, doc, settings, {})
        name = (doc.file_name or f"sertifikat_{doc.id}.pdf").removesuffix(".pdf") + "_cetak.pdf"
    try:
        layout = lapisan_cetak_versi()
    except OSError as exc:  # a layout file a designer removed or made unreadable
        raise print_layer_failed(document_id, PrintLayer(error=f"{type(exc).__name__}: {exc}")) from exc
    key = hashlib.sha256(f"{doc.sha256}:{layout}".encode()).hexdigest()
    path = FileStore(settings.data_dir / "cetak").path(key)
    if not path.exists():
        rendered = renderer.print_layer(job)
        if rendered.content is None:
            raise print_layer_failed(document_id, rendered)
        _write_atomically(path, rendered.content)
    content = path.read_bytes()
    return StoredFile(content, "application/pdf", name, hashlib.sha256(content).hexdigest())


def print_layer_failed(document_id: int, rendered: PrintLayer) -> ApiError:
    """The 503 of a print layer not rendered: the render processes failed (retry soon), or its template or layout
    did (a designer fixes documents/sertifikat_cetak.html or .json; asking again fails again until then)."""
    log.warning("certificate %s: print layer not rendered: %s", document_id, rendered.error)
    if rendered.retry:
        detail = f"the print layer of certificate {document_id} was not rendered ({rendered.error}); nothing was kept"
        pesan = "Lapisan cetak belum dapat dibuat: proses pembuat PDF terhenti. Tidak ada yang disimpan; coba lagi."
        headers = {"Retry-After": str(RETRY_AFTER_PRINT_SECONDS)}
        return ApiError(503, detail + ", retry", [{"path": "", "message": pesan}], headers)
    detail = (
        f"the print layer of certificate {document_id} could not be rendered ({rendered.error}); nothing was kept: "
        "its template or layout (documents/sertifikat_cetak.html, sertifikat_cetak.json) needs a fix"
    )
    pesan = (
        "Lapisan cetak tidak dapat dibuat: templat atau tata letaknya (documents/sertifikat_cetak.html, "
        "sertifikat_cetak.json) bermasalah. Tidak ada yang disimpan; minta perancang dokumen memperbaikinya."
    )
    return ApiError(503, detail, [{"path": "", "message": pesan}])


def _write_atomically(path: Path, content: bytes) -> None:
    """Write `path` whole or not at all: a reader never sees half a file, and a failed write leaves none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cetak-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def preview(db: Database, settings: Settings, user: CurrentUser, document_id: int) -> str:
    """The document as HTML, from the same template and data as its PDF (numbers free of word joiners)."""
    with db.reading() as session:
        doc = readable(session, document_id, user)
        jenis = JENIS_DOKUMEN.get(doc.kind)
        if jenis is not None and jenis.format == Format.XLSX:
            raise ApiError(415, "this document is a spreadsheet: download it")
        job: RenderJob = job_for(session, doc, settings, {})
    try:
        # Without the word joiners that keep a number on one line in the PDF (`utuh`): a number copied from the
        # preview (into a search, a letter) is then the number as typed.
        return html(job).replace("\u2060", "")
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


# Keys whose text values are usernames, as a pleno's record keeps its members, attendance and notulis.
USERNAME_KEYS = frozenset({"username", "anggota", "hadir", "notulis"})


def _orang(data: Any, path: str = "data") -> dict[str, str]:
    """Every person a document's data names, by path: the object holding a `username` (`data.asesor` ->
    "asesor2"), or the text itself under a key of `USERNAME_KEYS` (`data.pleno.anggota.0` -> "kabid_sertifikasi")."""
    found: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "username" and isinstance(value, str):
                found[path] = value
            elif key in USERNAME_KEYS and isinstance(value, str):
                found[f"{path}.{key}"] = value
            elif key in USERNAME_KEYS and isinstance(value, list):
                for i, v in enumerate(value):
                    found |= {f"{path}.{key}.{i}": v} if isinstance(v, str) else _orang(v, f"{path}.{key}.{i}")
            else:
                found |= _orang(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found |= _orang(value, f"{path}.{i}")
    return found


def corrected_data(old: Dokumen, patch: dict[str, Any]) -> dict[str, Any]:
    """The data of a correction of `old` (a new version, a ralat's letter or an amending SK): `patch` merged over
    it, refused (422, nothing written) when it would change who the document concerns or a decision it records.
    Those are facts of the process (an assignment, a pleno's or the tim banding's decision), which every later
    step and every reader list go by; a correction changes how a document writes them, never them."""
    data = merge_patch(old.data, patch)
    before, after = keputusan_dalam(old.data), keputusan_dalam(data)
    if before != after:
        path = min(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        raise ApiError(
            422,
            f"a correction never changes a decision or recommendation ({path}): the process changes it (the "
            "follow-up pleno on a postponed candidate, an appeal), and issues its own amending SK",
            [
                {
                    "path": path,
                    "message": "Koreksi tidak dapat mengubah keputusan atau rekomendasi. Keputusan diubah melalui"
                    " prosesnya: rapat pleno lanjutan (peserta ditunda) atau banding, yang menerbitkan SK"
                    " perubahannya sendiri",
                }
            ],
        )
    before, after = _orang(old.data), _orang(data)
    if before != after:
        path = min(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        raise ApiError(
            422,
            f"a correction never changes who a document concerns ({path}): an assignment changes in the process",
            [
                {
                    "path": path,
                    "message": "Koreksi tidak dapat mengganti atau menghapus orang yang disebut dalam dokumen;"
                    " penugasan diubah melalui prosesnya",
                }
            ],
        )
    return data


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
            data=corrected_data(old, body.data),
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
            raise ApiError(
                422,
                f"document {document_id} is not a certificate",
                [{"path": "", "message": "Dokumen ini bukan sertifikat"}],
            )
        if cert.status == SertifikatStatus.DICABUT:
            raise ApiError(
                409, "the certificate is already revoked", [{"path": "", "message": "Sertifikat ini sudah dicabut"}]
            )
        if cert.diganti_oleh_id is not None:
            raise ApiError(
                409,
                "the certificate was re-issued on a new blangko: revoke the re-issued one",
                [{"path": "", "message": "Sertifikat ini sudah diganti dengan blangko baru: cabut penggantinya"}],
            )
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


# --- The Dokumen page (api/ui/dokumen.py): the documents a user may read, paged, and a period's render progress.

RenderState = str  # "siap" (its file is written), "sedang_dibuat" (waiting for the renderer), "gagal" (last try failed)


def render_state(rendered_at: datetime | None, render_error: str | None) -> RenderState:
    """A document's render state as the pages name it; "gagal" counts as `failed` in `progress` (an error
    recorded and no file), though the renderer tries it again until MAX_ATTEMPTS."""
    if rendered_at is not None:
        return "siap"
    return "gagal" if render_error else "sedang_dibuat"


@dataclass(frozen=True)
class DokumenBaris:
    """One document as the list shows it."""

    id: int
    kind: str
    label: str
    format: str
    number: str
    title: str
    created_at: datetime
    period_id: int
    period_key: str
    candidate: str | None
    candidate_name: str | None
    version: int
    supersedes_id: int | None
    correction_reason: str | None
    state: RenderState
    # The newer version that replaces this one, if any (its id and version number).
    replaced_by: tuple[int, int] | None = None
    # A certificate's status (aktif, kedaluwarsa, dicabut, diganti) and its public verification code.
    sertifikat_status: str | None = None
    kode_verifikasi: str | None = None
    # A certificate handed over (the register of certificates handed over): the day and who took it.
    diserahkan: tuple[date, str] | None = None


@dataclass(frozen=True)
class DokumenFilter:
    period_id: int | None = None
    kind: str | None = None
    q: str = ""  # part of a number, a candidate's username or name


@dataclass(frozen=True)
class DaftarDokumen:
    items: list[DokumenBaris]
    total: int
    page: int
    page_size: int
    # The filter's choices: the periods and kinds among the documents this user may read.
    periods: list[tuple[int, str]]
    kinds: list[tuple[str, str]]


_KIND_ORDER = {kind: i for i, kind in enumerate(JENIS_DOKUMEN)}
_ROOT = aliased(ProcessInstance)
_COLUMNS = (Dokumen, _ROOT.business_key, User.full_name)


def _period_key(business_key: str | None, period_id: int) -> str:
    return business_key or f"Periode {period_id}"


def _readable_condition(user: CurrentUser) -> ColumnElement[bool] | None:
    """A condition no narrower than `may_read_document` (None: staff read everything): a candidate's own
    documents of the kinds candidates read; for an asesor, the kinds that name an asesor whose data mentions
    their username (checked exactly by `may_read_document` afterwards)."""
    if is_staff(user):
        return None
    parts: list[ColumnElement[bool]] = []
    if user.has_any(Role.PESERTA):
        own = [j.kind for j in JENIS_DOKUMEN.values() if j.peserta_membaca]
        parts.append(Dokumen.kind.in_(own) & (Dokumen.candidate == user.username))
    if user.has_any(Role.ASESOR):
        named = [j.kind for j in JENIS_DOKUMEN.values() if j.asesor_membaca_sebagai]
        mention = cast(Dokumen.data, Text).contains(f'"{user.username}"', autoescape=True)
        parts.append(Dokumen.kind.in_(named) & mention)
    return or_(*parts) if parts else false()


def readable_page(
    db: Database, user: CurrentUser, today: date, where: DokumenFilter, page: int, page_size: int
) -> DaftarDokumen:
    """The documents this user may read (`may_read_document`), newest period first, then by kind in the
    registry's order and number; with the filter's choices. Staff page in SQL; a candidate's or an asesor's
    few documents are narrowed in SQL and checked one by one before paging."""
    readable_if = _readable_condition(user)
    base = (
        select(*_COLUMNS).join(_ROOT, _ROOT.id == Dokumen.root_id).outerjoin(User, User.username == Dokumen.candidate)
    )
    if readable_if is not None:
        base = base.where(readable_if)
    filtered = base
    if where.period_id is not None:
        filtered = filtered.where(Dokumen.root_id == where.period_id)
    if where.kind:
        filtered = filtered.where(Dokumen.kind == where.kind)
    if q := where.q.strip().lower():
        filtered = filtered.where(
            func.lower(Dokumen.number).contains(q, autoescape=True)
            | func.lower(func.coalesce(Dokumen.candidate, "")).contains(q, autoescape=True)
            | func.lower(func.coalesce(User.full_name, "")).contains(q, autoescape=True)
        )
    kind_order = case(_KIND_ORDER, value=Dokumen.kind, else_=len(_KIND_ORDER))
    ordered = filtered.order_by(Dokumen.root_id.desc(), kind_order, Dokumen.number, Dokumen.version, Dokumen.id)
    with db.reading() as session:
        if readable_if is None:
            total = session.scalar(select(func.count()).select_from(filtered.subquery())) or 0
            rows = list(session.execute(ordered.limit(page_size).offset((page - 1) * page_size)).all())
            choices: list[tuple[int, str | None, str]] = [
                (p, k, kind)
                for p, k, kind in session.execute(
                    select(Dokumen.root_id, _ROOT.business_key, Dokumen.kind)
                    .join(_ROOT, _ROOT.id == Dokumen.root_id)
                    .distinct()
                ).all()
            ]
        else:
            mine = [r for r in session.execute(ordered).all() if may_read_document(user, r[0])]
            total = len(mine)
            rows = mine[(page - 1) * page_size : page * page_size]
            every = [r for r in session.execute(base).all() if may_read_document(user, r[0])]
            choices = [(r[0].root_id, r[1], r[0].kind) for r in every]
        items = _rows(session, rows, today)
    periods = sorted({(p, _period_key(k, p)) for p, k, _ in choices}, reverse=True)
    kinds = sorted({(k, label_of(k)) for _, _, k in choices}, key=lambda kl: _KIND_ORDER.get(kl[0], len(_KIND_ORDER)))
    return DaftarDokumen(items, int(total), page, page_size, periods, kinds)


def _rows(session: Session, rows: list[Any], today: date) -> list[DokumenBaris]:
    """The page's rows with the versions that replace them, their certificates' status and handover: three
    queries."""
    ids = [r[0].id for r in rows]
    newer = {
        old: (new, version)
        for old, new, version in session.execute(
            select(Dokumen.supersedes_id, Dokumen.id, Dokumen.version).where(Dokumen.supersedes_id.in_(ids))
        ).all()
    }
    certs = {c.document_id: c for c in session.scalars(select(Sertifikat).where(Sertifikat.document_id.in_(ids)))}
    handed = {
        p.sertifikat_id: (p.tanggal, p.diterima_oleh)
        for p in session.scalars(
            select(PenyerahanSertifikat).where(PenyerahanSertifikat.sertifikat_id.in_([c.id for c in certs.values()]))
        )
    }
    out = []
    for doc, business_key, full_name in rows:
        cert = certs.get(doc.id)
        out.append(
            DokumenBaris(
                id=doc.id,
                kind=doc.kind,
                label=label_of(doc.kind),
                format=format_of(doc.kind).value,
                number=doc.number,
                title=doc.title,
                created_at=doc.created_at,
                period_id=doc.root_id,
                period_key=_period_key(business_key, doc.root_id),
                candidate=doc.candidate,
                candidate_name=full_name,
                version=doc.version,
                supersedes_id=doc.supersedes_id,
                correction_reason=doc.correction_reason,
                state=render_state(doc.rendered_at, doc.render_error),
                replaced_by=newer.get(doc.id),
                sertifikat_status=status_on(cert, today) if cert is not None else None,
                kode_verifikasi=cert.kode_verifikasi if cert is not None else None,
                diserahkan=handed.get(cert.id) if cert is not None else None,
            )
        )
    return out


@dataclass(frozen=True)
class Progres:
    """A period's documents: how many have their file, how many in all, how many failed (`progress`)."""

    period_id: int
    period_key: str
    done: int
    total: int
    failed: int

    @property
    def waiting(self) -> int:
        return self.total - self.done - self.failed

    @property
    def finished(self) -> bool:
        """Nothing is waiting for the renderer: a page stops polling."""
        return self.waiting <= 0


def render_progress(db: Database, user: CurrentUser, period_id: int) -> Progres:
    """A period's render progress, for staff (who read all its documents): else 403; 404 for no period."""
    if not is_staff(user):
        raise ApiError(403, "only the LSP's staff follow a period's rendering")
    with db.reading() as session:
        row = get_or_404(session, period_id)
        if row.parent_id is not None:
            raise ApiError(404, f"instance {period_id} is not a period")
        counts = progress(session, root_id=row.id)
        return Progres(row.id, _period_key(row.business_key, row.id), **counts)


def periods_rendering(db: Database, user: CurrentUser) -> list[Progres]:
    """The periods with documents still waiting for the renderer (staff; nobody else: an empty list)."""
    if not is_staff(user):
        return []
    with db.reading() as session:
        waiting = session.scalars(select(Dokumen.root_id).where(Dokumen.rendered_at.is_(None)).distinct()).all()
        rows = session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key).where(ProcessInstance.id.in_(waiting))
        ).all()
        return [Progres(pid, _period_key(key, pid), **progress(session, root_id=pid)) for pid, key in sorted(rows)]
