"""A period's archive (SOP Pengelolaan Arsip Aktif): every document of the period, filed by its archive class,
with the daftar arsip (an index with each record's class and retention), as one ZIP download.

The classes and their retention are the document-kind registry's (`service_tasks.jenis_dokumen.KLASIFIKASI`).
Every version of a corrected document is kept and listed (the old one "diganti versi n"). The ZIP is streamed:
the files are read from the store one chunk at a time, so a period of thousands of certificates never sits in
memory. It is refused (409) while a document of the period still waits for its file: an archive with holes
would say the period's file is complete when it is not.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import may_read_arsip
from api.settings import Settings
from api.spreadsheet import xlsx_bytes
from api.store.db import Database
from api.store.master import LspProfil
from api.store.models import Dokumen, ProcessInstance
from api.store.storage import stores
from service_tasks.format_indonesia import WIB
from service_tasks.jenis_dokumen import KLASIFIKASI, Format, NasibAkhir, format_of, klasifikasi_of, label_of

INDEX_NAME = "daftar_arsip.xlsx"
CHUNK_BYTES = 1024 * 1024
NASIB_LABEL = {NasibAkhir.MUSNAH: "Musnah", NasibAkhir.PERMANEN: "Permanen"}
MEDIA = "Elektronik (PDF) dan kertas"
MEDIA_XLSX = "Elektronik (XLSX)"
LAIN = ("ZZ", "Lain-lain")  # a kind no longer registered: kept, filed apart, retention not set
HEADER = [
    "No",
    "Kode Klasifikasi",
    "Klasifikasi",
    "Jenis Dokumen",
    "Nomor",
    "Tanggal",
    "Uraian",
    "Peserta",
    "Versi",
    "Keterangan",
    "Retensi Aktif (tahun)",
    "Retensi Inaktif (tahun)",
    "Nasib Akhir",
    "Media",
    "Berkas",
    "SHA-256",
]


@dataclass(frozen=True)
class BarisArsip:
    """One record of the daftar arsip: one version of one document, and where its file is in the ZIP."""

    no: int
    kode: str
    klasifikasi: str
    jenis: str
    nomor: str
    tanggal: date
    uraian: str
    peserta: str | None
    versi: int
    keterangan: str
    aktif_tahun: int | None
    inaktif_tahun: int | None
    nasib_akhir: str
    media: str
    berkas: str  # its path inside the ZIP
    sha256: str


@dataclass(frozen=True)
class Arsip:
    """The archive of one period: its file name and its content, produced chunk by chunk."""

    name: str
    rows: list[BarisArsip]
    chunks: Iterator[bytes]


def _safe(text: str) -> str:
    """A name part that is a valid file name everywhere: no path separators, no control or reserved characters."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", text).strip(" .-") or "dokumen"


def _period(session: Session, instance_id: int) -> ProcessInstance:
    row = session.get(ProcessInstance, instance_id)
    if row is None or row.parent_id is not None:
        raise ApiError(404, f"no period {instance_id}", [{"path": "instance_id", "message": "periode tidak ditemukan"}])
    return row


def _peserta(d: Dokumen) -> str | None:
    """Whom a document is about, as an archivist finds them: the name the document prints, with the account."""
    if d.candidate is None:
        return None
    orang = (d.data or {}).get("peserta")
    nama = orang.get("nama") if isinstance(orang, dict) else None
    return f"{nama} ({d.candidate})" if nama else d.candidate


def _rank(d: Dokumen) -> int:
    """The position of a document's class in the registry's order (a kind no longer registered last)."""
    kelas = klasifikasi_of(d.kind, d.key)
    codes = list(KLASIFIKASI)
    return codes.index(kelas.kode) if kelas is not None else len(codes)


def daftar(db: Database, user: CurrentUser, instance_id: int) -> tuple[ProcessInstance, list[BarisArsip]]:
    """The period and its daftar arsip, ordered by class, then as the documents were issued; 403 for anyone but
    the staff, 404 for an id that is not a period, 409 while a document waits for its file."""
    if not may_read_arsip(user):
        raise ApiError(403, "only the LSP's staff download a period's archive")
    with db.reading() as session:
        period = _period(session, instance_id)
        waiting = session.scalar(select(func.count()).where(Dokumen.root_id == period.id, Dokumen.sha256.is_(None)))
        if waiting:
            raise ApiError(
                409,
                f"{waiting} documents of the period have no file yet; the archive is complete only once they have",
                [
                    {
                        "path": "dokumen",
                        "message": f"{waiting} dokumen periode ini belum selesai dibuat; "
                        "unduh arsip setelah semuanya siap",
                    }
                ],
            )
        docs = session.scalars(select(Dokumen).where(Dokumen.root_id == period.id).order_by(Dokumen.id)).all()
        newer = {d.supersedes_id: d for d in docs if d.supersedes_id is not None}
        ranked = sorted(docs, key=lambda d: (_rank(d), d.id))
        rows = []
        for no, d in enumerate(ranked, start=1):
            kelas = klasifikasi_of(d.kind, d.key)
            kode, uraian = (kelas.kode, kelas.uraian) if kelas else LAIN
            keterangan = []
            if d.supersedes_id is not None:  # a correction or an amendment (an amending SK has its own number)
                keterangan.append(f"koreksi: {d.correction_reason}" if d.correction_reason else "perubahan")
            if (after := newer.get(d.id)) is not None:
                baru = f" ({after.number})" if after.number != d.number else ""
                keterangan.append(f"diganti versi {after.version}{baru}")
            xlsx = format_of(d.kind) is Format.XLSX
            suffix = "xlsx" if xlsx else "pdf"
            versi = f" v{d.version}" if d.version > 1 else ""
            assert d.sha256 is not None  # none waits: checked above
            rows.append(
                BarisArsip(
                    no=no,
                    kode=kode,
                    klasifikasi=uraian,
                    jenis=label_of(d.kind),
                    nomor=d.number,
                    tanggal=d.created_at.astimezone(WIB).date(),
                    uraian=d.title,
                    peserta=_peserta(d),
                    versi=d.version,
                    keterangan="; ".join(keterangan),
                    aktif_tahun=kelas.aktif_tahun if kelas else None,
                    inaktif_tahun=kelas.inaktif_tahun if kelas else None,
                    nasib_akhir=NASIB_LABEL[kelas.nasib_akhir] if kelas else "",
                    media=MEDIA_XLSX if xlsx else MEDIA,
                    berkas=f"{_safe(f'{kode} {uraian}')}/{no:04d} {_safe(label_of(d.kind))} {_safe(d.number)}{versi}"
                    f".{suffix}",
                    sha256=d.sha256,
                )
            )
        session.expunge(period)
        return period, rows


def _index(period: ProcessInstance, lsp: str, rows: list[BarisArsip]) -> bytes:
    """The daftar arsip as a workbook: the records (header in row 1, dates as dates), the classes and their
    retention, and what the archive is of."""
    return xlsx_bytes(
        (
            "Daftar Arsip",
            HEADER,
            (
                [
                    r.no,
                    r.kode,
                    r.klasifikasi,
                    r.jenis,
                    r.nomor,
                    r.tanggal,
                    r.uraian,
                    r.peserta or "",
                    r.versi,
                    r.keterangan,
                    r.aktif_tahun,
                    r.inaktif_tahun,
                    r.nasib_akhir,
                    r.media,
                    r.berkas,
                    r.sha256,
                ]
                for r in rows
            ),
        ),
        (
            "Klasifikasi",
            ["Kode", "Klasifikasi", "Retensi Aktif (tahun)", "Retensi Inaktif (tahun)", "Nasib Akhir"],
            (
                [k.kode, k.uraian, k.aktif_tahun, k.inaktif_tahun, NASIB_LABEL[k.nasib_akhir]]
                for k in KLASIFIKASI.values()
            ),
        ),
        (
            "Periode",
            None,
            [
                ["Lembaga", lsp],
                ["Periode", period.business_key or str(period.id)],
                ["Dimulai", period.started_at.astimezone(WIB).date()],
                ["Jumlah arsip", len(rows)],
            ],
        ),
    )


class _Sink(io.RawIOBase):
    """Where the ZIP is written: not seekable (zipfile then writes each entry's sizes after its data), and
    emptied after every chunk, so the archive streams out."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        data = bytes(b)  # type: ignore[call-overload]
        self._parts.append(data)
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _zip(index: bytes, rows: list[BarisArsip], store_root: Path) -> Iterator[bytes]:
    sink = _Sink()
    dokumen = stores(store_root).dokumen
    # The PDFs are compressed already: stored as they are, the ZIP costs no CPU.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(INDEX_NAME, index, compress_type=zipfile.ZIP_DEFLATED)
        yield sink.take()
        for r in rows:
            with dokumen.path(r.sha256).open("rb") as src, z.open(r.berkas, "w") as dest:
                while chunk := src.read(CHUNK_BYTES):
                    dest.write(chunk)
                    yield sink.take()
    yield sink.take()


def unduh(db: Database, settings: Settings, user: CurrentUser, instance_id: int) -> Arsip:
    """The period's archive: refused as `daftar` refuses; the ZIP is produced as it is read."""
    period, rows = daftar(db, user, instance_id)
    with db.reading() as session:
        lsp = session.scalars(select(LspProfil.nama)).first() or ""
    name = f"arsip-{_safe(period.business_key or str(period.id))}.zip"
    return Arsip(name=name, rows=rows, chunks=_zip(_index(period, lsp, rows), rows, settings.data_dir))
