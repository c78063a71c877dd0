"""The document-kind registry: every output document the SOP names, with everything known about its kind.

A kind is its code (`Dokumen.kind`, the template `documents/<kind>.html`), the register whose letter
numbers it draws (None where the number comes from outside, as BNSP's on a certificate), its label in a
page footer, its file format, who besides the LSP's staff may read it, and where it is filed in the
period's archive (SOP Pengelolaan Arsip Aktif): its archive classification, with that classification's
retention. Adding a kind is one entry here and one template; `tests/unit/test_jenis_dokumen.py` checks
every kind has its template and a classification.
"""

from dataclasses import dataclass, field
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


class NasibAkhir(StrEnum):
    """What becomes of a record once its retention has run (jadwal retensi arsip)."""

    MUSNAH = "musnah"
    PERMANEN = "permanen"


@dataclass(frozen=True)
class Klasifikasi:
    """A class of the LSP's archive with its retention: kept `aktif_tahun` years at hand (arsip aktif), then
    `inaktif_tahun` years in storage (arsip inaktif), then destroyed or kept for good."""

    kode: str
    uraian: str
    aktif_tahun: int
    inaktif_tahun: int
    nasib_akhir: NasibAkhir


# The LSP's classification of the SOP's records and their retention, as the archive's daftar arsip prints it.
# The retention of assessment records outlasts a certificate's validity (three years) and a recertification;
# decisions and the certificate register are kept for good. An LSP with its own jadwal retensi arsip edits
# these rows (a kind names its class by code).
_KLASIFIKASI = (
    Klasifikasi("UK.01", "Perencanaan uji kompetensi", 2, 3, NasibAkhir.MUSNAH),
    Klasifikasi("UK.02", "Pelaksanaan asesmen", 5, 5, NasibAkhir.MUSNAH),
    Klasifikasi("UK.03", "Keputusan sertifikasi", 5, 10, NasibAkhir.PERMANEN),
    Klasifikasi("UK.04", "Penerbitan sertifikat", 5, 10, NasibAkhir.PERMANEN),
    Klasifikasi("UK.05", "Pelaporan", 2, 8, NasibAkhir.PERMANEN),
)
KLASIFIKASI: dict[str, Klasifikasi] = {k.kode: k for k in _KLASIFIKASI}


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
    # Its class in the period's archive (`KLASIFIKASI`); None: the class of the letter it corrects (a ralat).
    klasifikasi: str | None = field(kw_only=True)

    @property
    def template(self) -> str:
        return f"{self.kind}.html"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


_SEMUA = (
    JenisDokumen("nota_dinas", "Nota Dinas", "ND", penerbit=Penerbit.INSTITUSI, surat=True, klasifikasi="UK.01"),
    JenisDokumen("tor", "Kerangka Acuan Kerja (TOR)", "TOR", klasifikasi="UK.01"),
    JenisDokumen("rab", "Rencana Anggaran Biaya", "RAB", klasifikasi="UK.01"),
    # The amending SK Jadwal (its `pelaksanaan`: skema, TUK, session, asesor) is sent to each asesor it schedules
    # ("Tembusan: Asesor kompetensi yang bersangkutan"): they read it; the step 2 SK names no asesor.
    JenisDokumen(
        "sk_jadwal",
        "Keputusan Ketua LSP (Jadwal Uji Kompetensi)",
        "SK",
        asesor_membaca_sebagai="pelaksanaan.*.asesor",
        rujukan=("nota_dinas",),
        klasifikasi="UK.01",
    ),
    # The candidate's application as Kabid Administrasi decided it (accepted or refused): their data, the skema and
    # its units, each piece of evidence as checked, and the LSP's recommendation; the candidate reads it.
    JenisDokumen(
        "permohonan_sertifikasi",
        "FR.APL.01 Permohonan Sertifikasi Kompetensi",
        "APL01",
        peserta_membaca=True,
        klasifikasi="UK.02",
    ),
    # A candidate whose registration is refused is told so, and why, in a letter they read.
    JenisDokumen(
        "pemberitahuan_pendaftaran",
        "Surat Pemberitahuan Hasil Pemeriksaan Berkas Pendaftaran",
        "PHP",
        peserta_membaca=True,
        surat=True,
        klasifikasi="UK.02",
    ),
    # The candidate's self-assessment per unit with the asesor's pra-asesmen review: the candidate and that asesor
    # read it.
    JenisDokumen(
        "asesmen_mandiri",
        "FR.APL.02 Asesmen Mandiri",
        "APL02",
        peserta_membaca=True,
        asesor_membaca_sebagai="asesor",
        klasifikasi="UK.02",
    ),
    # A candidate whose pra-asesmen the asesor found "tidak dapat dilanjutkan" is told so, with the asesor's reason
    # and what comes next, in a letter they read (the asesor's recommendation is on their own task).
    JenisDokumen(
        "pemberitahuan_pra_asesmen",
        "Surat Pemberitahuan Hasil Pra-Asesmen",
        "PPA",
        peserta_membaca=True,
        surat=True,
        klasifikasi="UK.02",
    ),
    # The asesor reads the kartu of their candidates (they check it on the day).
    JenisDokumen(
        "kartu_peserta",
        "Kartu Peserta Uji Kompetensi",
        "KP",
        peserta_membaca=True,
        asesor_membaca_sebagai="asesor",
        klasifikasi="UK.02",
    ),
    JenisDokumen(
        "surat_tugas_asesor",
        "Surat Tugas Asesor Kompetensi",
        "ST-AS",
        asesor_membaca_sebagai="asesor",
        rujukan=("sk_jadwal",),
        surat=True,
        klasifikasi="UK.02",
    ),
    JenisDokumen(
        "surat_tugas_verifikasi_tuk",
        "Surat Tugas Verifikasi TUK",
        "ST-VT",
        asesor_membaca_sebagai="verifikator",
        rujukan=("sk_jadwal",),
        surat=True,
        klasifikasi="UK.02",
    ),
    JenisDokumen(
        "formulir_verifikasi_tuk",
        "Formulir Hasil Verifikasi TUK",
        "VT",
        asesor_membaca_sebagai="verifikator",
        klasifikasi="UK.02",
    ),
    # Ketua LSP sets a verified TUK for the period (a TUK mandiri for a year), citing the verification form: a
    # keputusan of the Ketua like any other, numbered in the LSP's one SK register (SK-TUK numbers issued before
    # it moved there stay as issued).
    JenisDokumen(
        "sk_penetapan_tuk",
        "Keputusan Ketua LSP (Penetapan TUK)",
        "SK",
        asesor_membaca_sebagai="verifikator",
        klasifikasi="UK.02",
    ),
    # The candidate's agreement to the assessment and the asesor's confidentiality statement, issued only when the
    # candidate agreed (a refusal is recorded as such, not printed as an agreement); both sign it and read it.
    JenisDokumen(
        "persetujuan_asesmen",
        "FR.AK.01 Persetujuan Asesmen dan Kerahasiaan",
        "AK01",
        peserta_membaca=True,
        asesor_membaca_sebagai="asesor",
        klasifikasi="UK.02",
    ),
    JenisDokumen(
        "rekaman_asesmen",
        "FR.AK.02 Rekaman Asesmen Kompetensi",
        "AK02",
        peserta_membaca=True,
        asesor_membaca_sebagai="asesor",
        klasifikasi="UK.02",
    ),
    # The candidate's feedback on their assessment, given after it: the candidate and their asesor read it.
    JenisDokumen(
        "umpan_balik_asesmen",
        "FR.AK.03 Umpan Balik dan Catatan Asesmen",
        "AK03",
        peserta_membaca=True,
        asesor_membaca_sebagai="asesor",
        klasifikasi="UK.02",
    ),
    # Every asesor of a group signs its Berita Acara, and reads it.
    JenisDokumen(
        "berita_acara_asesmen",
        "Berita Acara Asesmen",
        "BA-AS",
        asesor_membaca_sebagai="kelompok.*.asesor.*",
        klasifikasi="UK.02",
    ),
    # Each asesor's report on the candidates they assessed at one TUK in one skema (the surat tugas demands it);
    # the asesor who signs it reads it.
    JenisDokumen(
        "laporan_asesmen",
        "FR.AK.05 Laporan Asesmen",
        "AK05",
        asesor_membaca_sebagai="asesor",
        klasifikasi="UK.02",
    ),
    # The pleno decides on the asesors' reports: its Berita Acara cites them by number and date.
    JenisDokumen(
        "berita_acara_pleno", "Berita Acara Rapat Pleno", "BA-PL", rujukan=("laporan_asesmen",), klasifikasi="UK.03"
    ),
    JenisDokumen(
        "sk_penetapan",
        "Keputusan Ketua LSP (Penetapan Hasil Asesmen)",
        "SK",
        rujukan=("sk_jadwal", "berita_acara_asesmen", "berita_acara_pleno"),
        klasifikasi="UK.03",
    ),
    # Each candidate the approved SK Penetapan decided BK is told so when the appeal window opens: the SK, the units
    # not yet competent, the right to appeal until the window closes, and how to register again.
    JenisDokumen(
        "pemberitahuan_hasil_uji",
        "Surat Pemberitahuan Hasil Uji Kompetensi",
        "PHU",
        peserta_membaca=True,
        surat=True,
        klasifikasi="UK.03",
    ),
    # The appeal as the candidate filed it (FR.AK.04), citing the SK Penetapan appealed: the candidate reads it, the
    # asesor whose decision is appealed does not (the tim banding decides, through Ketua LSP).
    JenisDokumen(
        "banding_asesmen",
        "FR.AK.04 Banding Asesmen",
        "AK04",
        peserta_membaca=True,
        rujukan=("sk_penetapan",),
        klasifikasi="UK.03",
    ),
    # The candidate who appealed reads the decision on their appeal.
    JenisDokumen(
        "sk_banding",
        "Keputusan Ketua LSP (Hasil Banding)",
        "SK",
        peserta_membaca=True,
        rujukan=("sk_penetapan",),
        klasifikasi="UK.03",
    ),
    # The asesor re-assessing a candidate after an upheld appeal is sent by a letter of their own, citing the SK;
    # filed with the assessment's records, as the re-assessment's FR.AK.02 is.
    JenisDokumen(
        "surat_tugas_asesor_ulang",
        "Surat Tugas Asesor Asesmen Ulang (Banding)",
        "ST-AS",
        asesor_membaca_sebagai="asesor",
        rujukan=("sk_jadwal",),
        surat=True,
        klasifikasi="UK.02",
    ),
    JenisDokumen(
        "permohonan_blangko",
        "Surat Permohonan Blangko Sertifikat",
        "PB",
        rujukan=("berita_acara_asesmen", "sk_penetapan", "sk_banding"),
        surat=True,
        klasifikasi="UK.04",
    ),
    JenisDokumen(
        "permohonan_blangko_lampiran",
        "Lampiran Surat Permohonan Blangko",
        "PB",
        format=Format.XLSX,
        klasifikasi="UK.04",
    ),
    JenisDokumen("sertifikat", "Sertifikat Kompetensi", None, peserta_membaca=True, klasifikasi="UK.04"),
    JenisDokumen(
        "berita_acara_kerusakan_blangko", "Berita Acara Kerusakan Blangko Sertifikat", "BA-KB", klasifikasi="UK.04"
    ),
    # A ralat is read by whoever reads the letter it corrects (api/services/register.py sets its candidate only
    # where candidates read that letter, and names that letter's asesor in `dibaca_asesor`).
    JenisDokumen(
        "ralat", "Ralat", "RL", peserta_membaca=True, asesor_membaca_sebagai="dibaca_asesor.*", klasifikasi=None
    ),
    JenisDokumen("laporan", "Laporan Uji Kompetensi dan Sertifikasi Kompetensi", "LAP", klasifikasi="UK.05"),
)

JENIS_DOKUMEN: dict[str, JenisDokumen] = {j.kind: j for j in _SEMUA}
# The kinds that are SKs (the Ketua LSP's register "SK"): amended only by a new SK "tentang Perubahan atas ...".
JENIS_SK: frozenset[str] = frozenset(k for k, j in JENIS_DOKUMEN.items() if j.register == "SK")


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


def klasifikasi_of(kind: str, key: str = "") -> Klasifikasi | None:
    """Where a document is filed: its kind's class; a ralat (keyed "<kind>:<key>:<version>") is filed with the
    letter it corrects. None for a kind no longer registered."""
    found = JENIS_DOKUMEN.get(kind)
    if found is not None and found.klasifikasi is None and ":" in key:
        found = JENIS_DOKUMEN.get(key.split(":", 1)[0])
    if found is None or found.klasifikasi is None:
        return None
    return KLASIFIKASI[found.klasifikasi]
