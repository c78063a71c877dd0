"""Rendering an issued document: its Jinja2 template in ``documents/`` to HTML, and WeasyPrint to PDF (the
blangko request's candidate list to .xlsx). Runs in the worker's render processes, off the instance's
transaction: a job carries everything the template needs (the document's data snapshot, its number, the
LSP's logo, the candidate's pas foto), so a render reads no database and the same job always prints the same letter.
"""

import base64
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, select_autoescape

from api.store.storage import FileStore
from service_tasks.format_indonesia import FILTERS
from service_tasks.jenis_dokumen import CONTENT_TYPES, Format, format_of, label_of
from service_tasks.ukuran_huruf import ukuran_muat

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
    env.filters["ukuran_muat"] = ukuran_muat
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


def html(job: RenderJob, *, gaya_terpisah: bool = False) -> str:
    """The document as HTML (the preview, and the input of the PDF). With `gaya_terpisah` the shared style
    (documents/_gaya.css) is left out of the page: the PDF render passes it parsed once per process (`gaya`)."""
    env = environment()
    try:
        template = env.get_template(f"{job.kind}.html")
    except Exception as exc:  # TemplateNotFound and syntax errors alike
        raise RenderError(f"no usable template for {job.kind!r}: {exc}") from exc
    return template.render(**context(job), gaya_terpisah=gaya_terpisah)


GAYA = DOCUMENTS_DIR / "_gaya.css"


def gaya() -> Any:
    """documents/_gaya.css parsed for WeasyPrint, once per process and again when a designer changes it (parsing
    it was ~15 % of a one-page document's render). It is given as a user stylesheet: the only author rules a
    document keeps are its own `<style>` (the page footer) and `style=""` attributes, which came after it and won
    before, and win over a user stylesheet now; user rules win over the browser's defaults as author rules did."""
    stat = GAYA.stat()
    return _gaya_parsed(stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1)
def _gaya_parsed(mtime_ns: int, size: int) -> Any:
    from weasyprint import CSS

    return CSS(filename=str(GAYA), url_fetcher=url_fetcher(), font_config=_font_config())


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

    document = HTML(string=html(job, gaya_terpisah=True), base_url=str(DOCUMENTS_DIR), url_fetcher=url_fetcher())
    return document.write_pdf(stylesheets=[gaya()], font_config=_font_config())


# The certificate's print layer for BNSP's pre-printed blangko: its template, and the positions of its fields
# (millimetres, edited by a designer), which `lapisan_cetak_versi` fingerprints so a changed layout prints anew.
LAPISAN_CETAK = ("sertifikat_cetak.html", "sertifikat_cetak.json", "_ttd.html")


def tata_letak_cetak() -> dict[str, Any]:
    layout: dict[str, Any] = json.loads((DOCUMENTS_DIR / "sertifikat_cetak.json").read_text("utf-8"))
    return layout


def lapisan_cetak_versi() -> str:
    """A digest of what the print layer is made from besides the certificate's own data."""
    digest = hashlib.sha256()
    for name in LAPISAN_CETAK:
        digest.update(name.encode() + b"\0" + (DOCUMENTS_DIR / name).read_bytes() + b"\0")
    return digest.hexdigest()


def lapisan_cetak(job: RenderJob) -> bytes:
    """The certificate's variable fields alone, placed for the pre-printed blangko, as a PDF (the full design is
    the certificate's own file)."""
    from weasyprint import HTML

    template = environment().get_template(LAPISAN_CETAK[0])
    markup = template.render(**context(job), tata_letak=tata_letak_cetak())
    document = HTML(string=markup, base_url=str(DOCUMENTS_DIR), url_fetcher=url_fetcher())
    return document.write_pdf(font_config=_font_config())


@dataclass(frozen=True)
class PrintLayer:
    """A print layer as a render process gives it back: its PDF, or why it could not be rendered (as data, like
    `Rendered`: a template's exception need not survive pickling); `retry` when the failure was the render
    processes' (one died, the pool was closing), not the layer's."""

    content: bytes | None = None
    error: str | None = None
    retry: bool = False


def render_print_layer(job: RenderJob) -> PrintLayer:
    """`lapisan_cetak` in a render process: a template or layout error comes back as data."""
    try:
        return PrintLayer(content=lapisan_cetak(job))
    except Exception as exc:
        return PrintLayer(error=f"{type(exc).__name__}: {exc}"[:2000])


def kolom_blangko() -> dict[str, Any]:
    """The columns of BNSP's blangko upload list, as a designer edits them in
    documents/permohonan_blangko_lampiran.json (read at each render, as a template is): each column's code (the
    header) and the key of an asesi row it is filled from (`sumber`), or one value for every row (`nilai`), its
    kind (teks, angka, tanggal)."""
    spec: dict[str, Any] = json.loads((DOCUMENTS_DIR / "permohonan_blangko_lampiran.json").read_text("utf-8"))
    return spec


def nama_lembar(nomor: Any, taken: set[str]) -> str:
    """A sheet's name from a skema's number: Excel forbids []:*?/\\ and allows 31 characters."""
    base = (re.sub(r"[\[\]:*?/\\]", "-", str(nomor or "Tanpa skema")).strip("'") or "Tanpa skema")[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _nilai_sel(kolom: dict[str, Any], row: dict[str, Any]) -> Any:
    value = row.get(kolom["sumber"]) if kolom.get("sumber") else kolom.get("nilai")
    if value in (None, ""):
        return None
    if kolom.get("jenis") == "tanggal":
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if kolom.get("jenis") == "angka":
        return value
    return str(value)  # text: a 16-digit NIK must not become a float


def xlsx(job: RenderJob) -> bytes:
    """The blangko request's candidate list in BNSP's upload layout: one sheet per skema, the column codes in
    row 1, one row per assessed candidate (K and BK), dates as Excel dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    spec = kolom_blangko()
    columns: list[dict[str, Any]] = spec["kolom"]
    per_skema: dict[Any, list[dict[str, Any]]] = {}
    for a in job.data.get("asesi") or []:
        per_skema.setdefault(a.get("skema_nomor"), []).append(a)
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    wb.remove(first)
    lsp = job.data.get("lsp") or {}
    wb.properties.title = f"Daftar asesi {job.data.get('periode', '')} ({job.data.get('nomor_surat', job.number)})"
    wb.properties.creator = str(lsp.get("nama") or "")
    taken: set[str] = set()
    for nomor, asesi in (per_skema or {None: []}).items():
        ws = wb.create_sheet(nama_lembar(nomor, taken))
        ws.append([k["kode"] for k in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for i, a in enumerate(asesi, start=1):
            ws.append([_nilai_sel(k, {**a, "nomor_urut": i}) for k in columns])
        for index, k in enumerate(columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = k.get("lebar", 12)
            number_format = spec["format_tanggal"] if k.get("jenis") == "tanggal" else "General"
            if k.get("jenis") == "teks":
                number_format = "@"
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
        ws.freeze_panes = "A2"
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


# How much lower than the service's own processes a render process runs (os.nice): on a busy machine a person
# waiting for a page or a task comes before a PDF, which is background work and catches up when the CPU is free.
RENDER_NICENESS = 10


def warm_up() -> None:
    """Start a render process: lower its priority (`RENDER_NICENESS`), then load WeasyPrint and the templates once
    (its first PDF costs ~0.3 s more)."""
    import os

    os.nice(RENDER_NICENESS)
    from weasyprint import HTML

    environment()
    HTML(string="<p>.</p>").write_pdf(stylesheets=[gaya()], font_config=_font_config())


def page(template: str, **values: Any) -> str:
    """A web page from a template in documents/ (the public certificate verification page)."""
    return environment().get_template(template).render(**values)
