"""A candidate whose registration is refused gets a letter saying so, and why (issue 12, part 5)."""

from tests.support import hari, sop
from tests.support import sop_branches as b
from tests.support.api import Api


def test_a_refused_candidate_gets_a_numbered_letter_with_the_reason_and_reads_it_and_no_one_else_gets_one(
    api: Api,
) -> None:
    root = sop.walk_period(api)

    # The one refused candidate (sop.REJECTED); not the accepted ones, nor the one returned then accepted.
    [surat] = b.documents(api, root, "pemberitahuan_pendaftaran")
    assert surat.candidate == "peserta5"
    assert surat.number == "001/LSP-STMI/PHP/XII/2026"
    text = hari.pdf_text(api, surat.id)
    for phrase in (
        "Nomor : 001/LSP-STMI/PHP/XII/2026",
        "Hal : Pemberitahuan Hasil Pemeriksaan Berkas Pendaftaran Uji Kompetensi",
        "Yth. Sdr. Eko Saputra NIM 2302001, Program Studi Teknik Kimia Polimer",
        "pendaftaran uji kompetensi periode 2026 Genap pada skema sertifikasi Analis Pengendalian Mutu Produk "
        "Polimer (SKM/LSP-STMI/003/2024)",
        "pendaftaran Saudara belum dapat diterima dengan alasan: Bukan mahasiswa tingkat akhir.",
        "1 Kartu tanda mahasiswa Ada tetapi tidak memenuhi syarat",
        "Saudara dapat mendaftar kembali pada periode uji kompetensi berikutnya",
        "Ketua LSP Politeknik STMI Jakarta, Ir. Ratna Dewi Lestari, M.M. NIP 197805222005012001",
        "Tembusan: Kepala Bidang Administrasi LSP Arsip",
    ):
        assert hari.rapat(phrase) in text, phrase

    assert api.get("peserta5", f"/api/dokumen/{surat.id}").status_code == 200
    assert api.get("peserta", f"/api/dokumen/{surat.id}").status_code == 403
    assert api.get("asesor", f"/api/dokumen/{surat.id}").status_code == 403
