"""The document-kind registry and the templates in documents/ agree, both ways."""

from pathlib import Path

from api.store.models import Dokumen
from service_tasks.jenis_dokumen import JENIS_DOKUMEN, KLASIFIKASI, Format, NasibAkhir, klasifikasi_of
from service_tasks.nomor_surat import register_perubahan

DOCUMENTS = Path(__file__).resolve().parents[2] / "documents"
# Templates that are not a document kind: partials (`_*.html`), the public verification page, and the
# certificate's print layer for BNSP's pre-printed blangko (a rendering of a `sertifikat`).
NOT_KINDS = {"halaman_verifikasi.html", "sertifikat_cetak.html"}


def test_every_registered_pdf_kind_has_its_template() -> None:
    missing = [
        j.kind for j in JENIS_DOKUMEN.values() if j.format is Format.PDF and not (DOCUMENTS / j.template).is_file()
    ]
    assert missing == []


def test_every_document_template_is_a_registered_kind() -> None:
    templates = {p.name for p in DOCUMENTS.glob("*.html") if not p.name.startswith("_")} - NOT_KINDS
    assert templates, "documents/ holds no templates"
    unregistered = sorted(t for t in templates if t.removesuffix(".html") not in JENIS_DOKUMEN)
    assert unregistered == []


def test_the_blangko_list_is_the_only_spreadsheet_and_the_certificate_the_only_kind_without_a_register() -> None:
    assert [j.kind for j in JENIS_DOKUMEN.values() if j.format is Format.XLSX] == ["permohonan_blangko_lampiran"]
    assert [j.kind for j in JENIS_DOKUMEN.values() if j.register is None] == ["sertifikat"]


def test_every_kind_is_filed_in_a_known_archive_class_and_only_a_ralat_follows_the_letter_it_corrects() -> None:
    assert [j.kind for j in JENIS_DOKUMEN.values() if j.klasifikasi is None] == ["ralat"]
    assert [j.kind for j in JENIS_DOKUMEN.values() if j.klasifikasi not in KLASIFIKASI and j.klasifikasi] == []


def test_a_ralat_is_filed_with_the_letter_it_corrects_and_an_sk_is_kept_for_good() -> None:
    ralat = klasifikasi_of("ralat", "surat_tugas_asesor:asesor2:1")
    assert ralat is not None and (ralat.kode, ralat.uraian) == ("UK.02", "Pelaksanaan asesmen")
    sk = klasifikasi_of("sk_penetapan")
    assert sk is not None
    assert (sk.kode, sk.aktif_tahun, sk.inaktif_tahun, sk.nasib_akhir) == ("UK.03", 5, 10, NasibAkhir.PERMANEN)
    assert klasifikasi_of("tidak_terdaftar") is None


def test_every_keputusan_of_the_ketua_lsp_is_numbered_in_the_one_sk_register() -> None:
    sk = sorted(j.kind for j in JENIS_DOKUMEN.values() if j.label.startswith("Keputusan Ketua LSP"))
    assert sk == ["sk_banding", "sk_jadwal", "sk_penetapan", "sk_penetapan_tuk"]
    assert {JENIS_DOKUMEN[kind].register for kind in sk} == {"SK"}


def test_an_sk_penetapan_tuk_numbered_in_the_old_sk_tuk_register_is_amended_by_an_sk_numbered_in_sk() -> None:
    issued = Dokumen(kind="sk_penetapan_tuk", code="SK-TUK", number="001/LSP-STMI/SK-TUK/XII/2026")
    assert register_perubahan(issued) == "SK"
    assert issued.number == "001/LSP-STMI/SK-TUK/XII/2026"  # the number issued stays as issued
    assert register_perubahan(Dokumen(kind="jenis_lama", code="XX")) == "XX"  # a kind no longer registered
