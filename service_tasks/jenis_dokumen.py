"""The document-kind registry: every output document the SOP names, with everything known about its kind.

A kind is its code (`Dokumen.kind`, the template `documents/<kind>.html`), the register whose letter
numbers it draws (None where the number comes from outside, as BNSP's on a certificate), its label in a
page footer, its file format, and who besides the LSP's staff may read it. Adding a kind is one entry here
and one template; `tests/unit/test_jenis_dokumen.py` checks every kind has its template.
"""

from dataclasses import dataclass
from enum import StrEnum


class Format(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"


CONTENT_TYPES: dict[Format, str] = {
    Format.PDF: "application/pdf",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Penerbit(StrEnum):
    """Whose letter it is: whose kop heads it and in whose register it is numbered."""

    LSP = "lsp"
    INSTITUSI = "institusi"  # the polytechnic's Direktur writes on the institution's kop, in its register


@dataclass(frozen=True)
class JenisDokumen:
    kind: str
    label: str
    register: str | None
    format: Format = Format.PDF
    # The candidate the document is about (`Dokumen.candidate`) may read it.
    peserta_membaca: bool = False
    # An asesor may read it when they are this person in the document's data: a key ("asesor", "verifikator")
    # or a dotted path where "*" walks a list ("kelompok.*.asesor.*": every asesor of every group).
    asesor_membaca_sebagai: str | None = None
    # The period's earlier documents it cites by number and date ("Dasar", "Memperhatikan", what is enclosed):
    # their numbers and dates are looked up when it is issued and kept in its data as `rujukan[kind]`.
    rujukan: tuple[str, ...] = ()
    penerbit: Penerbit = Penerbit.LSP
    # A letter sent out: corrected by a ralat (a letter of its own citing it), not only by a new version.
    surat: bool = False

    @property
    def template(self) -> str:
        return f"{self.kind}.html"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


_SEMUA = (
    JenisDokumen("nota_dinas", "Nota Dinas", "ND", penerbit=Penerbit.INSTITUSI, surat=True),
    JenisDokumen("tor", "Kerangka Acuan Kerja (TOR)", "TOR"),
    JenisDokumen("rab", "Rencana Anggaran Biaya", "RAB"),
    JenisDokumen("sk_jadwal", "Keputusan Ketua LSP (Jadwal Uji Kompetensi)", "SK", rujukan=("nota_dinas",)),
    # The asesor reads the kartu of their candidates (they check it on the day).
    JenisDokumen(
        "kartu_peserta", "Kartu Peserta Uji Kompetensi", "KP", peserta_membaca=True, asesor_membaca_sebagai="asesor"
    ),
    JenisDokumen(
        "surat_tugas_asesor",
        "Surat Tugas Asesor Kompetensi",
        "ST-AS",
        asesor_membaca_sebagai="asesor",
        rujukan=("sk_jadwal",),
        surat=True,
    ),
    JenisDokumen(
        "surat_tugas_verifikasi_tuk",
        "Surat Tugas Verifikasi TUK",
        "ST-VT",
        asesor_membaca_sebagai="verifikator",
        rujukan=("sk_jadwal",),
        surat=True,
    ),
    JenisDokumen(
        "formulir_verifikasi_tuk", "Formulir Hasil Verifikasi TUK", "VT", asesor_membaca_sebagai="verifikator"
    ),
    JenisDokumen(
        "rekaman_asesmen",
        "FR.AK.02 Rekaman Asesmen Kompetensi",
        "AK02",
        peserta_membaca=True,
        asesor_membaca_sebagai="asesor",
    ),
    # Every asesor of a group signs its Berita Acara, and reads it.
    JenisDokumen("berita_acara_asesmen", "Berita Acara Asesmen", "BA-AS", asesor_membaca_sebagai="kelompok.*.asesor.*"),
    JenisDokumen("berita_acara_pleno", "Berita Acara Rapat Pleno", "BA-PL"),
    JenisDokumen(
        "sk_penetapan",
        "Keputusan Ketua LSP (Penetapan Hasil Asesmen)",
        "SK",
        rujukan=("sk_jadwal", "berita_acara_asesmen", "berita_acara_pleno"),
    ),
    # The candidate who appealed reads the decision on their appeal.
    JenisDokumen(
        "sk_banding", "Keputusan Ketua LSP (Hasil Banding)", "SK", peserta_membaca=True, rujukan=("sk_penetapan",)
    ),
    JenisDokumen(
        "permohonan_blangko",
        "Surat Permohonan Blangko Sertifikat",
        "PB",
        rujukan=("berita_acara_asesmen", "sk_penetapan", "sk_banding"),
        surat=True,
    ),
    JenisDokumen("permohonan_blangko_lampiran", "Lampiran Surat Permohonan Blangko", "PB", format=Format.XLSX),
    JenisDokumen("sertifikat", "Sertifikat Kompetensi", None, peserta_membaca=True),
    JenisDokumen("berita_acara_kerusakan_blangko", "Berita Acara Kerusakan Blangko Sertifikat", "BA-KB"),
    # A ralat is read by whoever reads the letter it corrects (api/services/register.py sets its candidate only
    # where candidates read that letter, and names that letter's asesor in `dibaca_asesor`).
    JenisDokumen("ralat", "Ralat", "RL", peserta_membaca=True, asesor_membaca_sebagai="dibaca_asesor.*"),
    JenisDokumen("laporan", "Laporan Uji Kompetensi dan Sertifikasi Kompetensi", "LAP"),
)

JENIS_DOKUMEN: dict[str, JenisDokumen] = {j.kind: j for j in _SEMUA}


def jenis(kind: str) -> JenisDokumen:
    """The registered kind; a KeyError names an unregistered one (a programming error, not bad input)."""
    return JENIS_DOKUMEN[kind]


def label_of(kind: str) -> str:
    """How a page footer names the kind (the code itself for a kind no longer registered)."""
    found = JENIS_DOKUMEN.get(kind)
    return found.label if found is not None else kind


def format_of(kind: str) -> Format:
    """The file format a kind renders to (a PDF for a kind no longer registered)."""
    found = JENIS_DOKUMEN.get(kind)
    return found.format if found is not None else Format.PDF
