"""Rendering an issued document: its Jinja2 template in ``documents/`` to HTML, and WeasyPrint to PDF (the
blangko request's candidate list to .xlsx). Runs in the worker's render processes, off the instance's
transaction: a job carries everything the template needs (the document's data snapshot, its number, the
LSP's logo, the candidate's pas foto), so a render reads no database and the same job always prints the same letter.
"""

import base64
import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

from api.store.storage import FileStore
from service_tasks.format_indonesia import FILTERS
from service_tasks.jenis_dokumen import CONTENT_TYPES, Format, format_of, label_of

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "documents"


class RenderError(Exception):
    """A document cannot be rendered (no template for its kind, a template error)."""


@dataclass(frozen=True)
class RenderJob:
    """Everything one render needs; picklable, so it crosses into a render process."""

    id: int
    kind: str
    number: str
    title: str
    version: int
    created_at: str
    data: dict[str, Any]
    candidate: str | None = None
    original_created_at: str | None = None
    correction_reason: str | None = None
    logo: str | None = None  # a data URI of the LSP profile's logo
    foto: str | None = None  # a data URI of the candidate's pas foto (kartu peserta, certificate)
    public_base_url: str = "http://127.0.0.1:8000"
    store_root: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    id: int
    sha256: str | None = None
    size: int | None = None
    content_type: str | None = None
    file_name: str | None = None
    error: str | None = None


def content_type_for(kind: str) -> str:
    return CONTENT_TYPES[format_of(kind)]


def file_name_for(kind: str, number: str, version: int, candidate: str | None) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-")
    parts = [kind, slug] + ([candidate] if candidate else []) + ([f"v{version}"] if version > 1 else [])
    return "_".join(p for p in parts if p) + f".{format_of(kind)}"


def data_uri(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def verify_url(base_url: str, kode: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{kode}"


def qr_svg(url: str) -> str:
    """A QR code of `url` as an SVG data URI (pure Python: segno)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


@lru_cache(maxsize=4)
def environment(directory: str = str(DOCUMENTS_DIR)) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(["html", "css"]),
        # Templates read nested snapshot data (`tuk.alamat` where a TUK may be missing): print nothing, don't fail.
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def context(job: RenderJob) -> dict[str, Any]:
    data = dict(job.data)
    lsp = data.get("lsp") or {}
    ctx: dict[str, Any] = {
        **data,
        "lsp": lsp,
        "logo": job.logo,
        "foto": job.foto,
        "dokumen": {
            "id": job.id,
            "jenis": job.kind,
            "jenis_label": label_of(job.kind),
            "nomor": job.number,
            "judul": job.title,
            "versi": job.version,
            "dibuat": job.created_at,
            "tanggal_asli": job.original_created_at or job.created_at,
            "alasan_perbaikan": job.correction_reason,
        },
    }
    if job.kind == "sertifikat" and data.get("kode_verifikasi"):
        ctx["verifikasi_url"] = verify_url(job.public_base_url, str(data["kode_verifikasi"]))
        ctx["qr"] = qr_svg(ctx["verifikasi_url"])
    return ctx


def html(job: RenderJob) -> str:
    """The document as HTML (the preview, and the input of the PDF)."""
    env = environment()
    try:
        template = env.get_template(f"{job.kind}.html")
    except Exception as exc:  # TemplateNotFound and syntax errors alike
        raise RenderError(f"no usable template for {job.kind!r}: {exc}") from exc
    return template.render(**context(job))


@lru_cache(maxsize=1)
def _font_config() -> Any:
    """One font configuration per process: WeasyPrint otherwise rebuilds it per document (~15 % of a render)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def allowed_url(url: str) -> bool:
    """What the PDF renderer may fetch: `data:` URIs and files of the project's documents/ folder; never the
    network (an SVG logo naming http://169.254.169.254/ or an intranet host) or another local file."""
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return True
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(unquote(parsed.path))).resolve()
    return path.is_relative_to(DOCUMENTS_DIR.resolve())


@lru_cache(maxsize=1)
def url_fetcher() -> Any:
    """WeasyPrint's fetcher, refusing what `allowed_url` refuses (the document renders without it)."""
    from weasyprint.urls import URLFetcher

    class DocumentsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed_url(url):
                raise ValueError(f"not fetched (only data: URIs and documents/ files are): {url[:200]}")
            return super().fetch(url, headers)

    return DocumentsOnly(allowed_protocols={"data", "file"}, allow_redirects=False)


def pdf(job: RenderJob) -> bytes:
    from weasyprint import HTML  # imported in the render processes only: it loads Pango

    document = HTML(string=html(job), base_url=str(DOCUMENTS_DIR), url_fetcher=url_fetcher())
    return document.write_pdf(font_config=_font_config())


def xlsx(job: RenderJob) -> bytes:
    """The blangko request's candidate list, one row per assessed candidate (K and BK), per skema."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from service_tasks.format_indonesia import tanggal

    data = job.data
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = "Daftar Asesi"
    lsp = data.get("lsp") or {}
    ws.append([f"Daftar asesi uji kompetensi {data.get('periode', '')} - {lsp.get('nama', '')}"])
    ws.append([f"Lampiran surat nomor {data.get('nomor_surat', job.number)} tanggal {tanggal(data.get('tanggal'))}"])
    ws.append([])
    header = [
        "No. Urut",
        "Nama Lengkap",
        "NIK",
        "Tempat Lahir",
        "Tanggal Lahir",
        "Jenis Kelamin",
        "Alamat",
        "Telepon",
        "Email",
        "Pendidikan (Prodi)",
        "NIM",
        "Nomor Skema",
        "Judul Skema",
        "TUK",
        "Hasil (K/BK)",
    ]
    ws.append(header)
    thin = Side(style="thin")
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for a in data.get("asesi") or []:
        ws.append(
            [
                a.get("no"),
                a.get("nama"),
                a.get("nik") or "",  # text: a 16-digit NIK must not become a float
                a.get("tempat_lahir") or "",
                a.get("tanggal_lahir") or "",
                {"L": "Laki-laki", "P": "Perempuan"}.get(a.get("jenis_kelamin") or "", a.get("jenis_kelamin") or ""),
                a.get("alamat") or "",
                a.get("telepon") or "",
                a.get("email") or "",
                a.get("prodi") or "",
                a.get("nim") or "",
                a.get("skema_nomor") or "",
                a.get("skema_judul") or "",
                a.get("tuk_kode") or "",
                a.get("hasil") or "",
            ]
        )
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.number_format = "@"
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    ws["A1"].font = Font(bold=True, size=12)
    widths = (8, 28, 20, 14, 13, 12, 36, 15, 26, 30, 10, 24, 40, 9, 11)
    for column, width in zip("ABCDEFGHIJKLMNO", widths, strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A5"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render(job: RenderJob) -> Rendered:
    """Render and store one document (content-addressed, never overwritten); errors come back as data."""
    try:
        content = xlsx(job) if format_of(job.kind) is Format.XLSX else pdf(job)
        sha256 = FileStore(Path(job.store_root)).put(content)
    except Exception as exc:  # a bad template or snapshot must not stop the other documents of a batch
        return Rendered(id=job.id, error=f"{type(exc).__name__}: {exc}"[:2000])
    assert sha256 == hashlib.sha256(content).hexdigest()
    return Rendered(
        id=job.id,
        sha256=sha256,
        size=len(content),
        content_type=content_type_for(job.kind),
        file_name=file_name_for(job.kind, job.number, job.version, job.candidate),
    )


def render_many(jobs: list[RenderJob]) -> list[Rendered]:
    """One task of a render process: a few documents, so a process pool pays its overhead per chunk."""
    return [render(job) for job in jobs]


def warm_up() -> None:
    """Load WeasyPrint and the templates once per render process (its first PDF costs ~0.3 s more)."""
    from weasyprint import HTML

    environment()
    HTML(string="<p>.</p>").write_pdf(font_config=_font_config())


def page(template: str, **values: Any) -> str:
    """A web page from a template in documents/ (the public certificate verification page)."""
    return environment().get_template(template).render(**values)
