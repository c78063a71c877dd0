"""How a letter reads as a letter (documents-and-rules review, section 7): its end stays on one page (the closing
paragraph, the signature and the Tembusan never part; an SK's diktum label never stands alone at the foot of a
page), and it cites the documents it rests on by number and date."""

import io

import pytest
from pypdf import PdfReader

from tests.support import sop
from tests.support.api import Api
from tests.test_documents import documents, download, on_the_day_of_the_period, period_with_files


def pages(content: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_a_surat_tugas_keeps_its_closing_sentence_signature_and_tembusan_on_one_page(api: Api) -> None:
    instance_id = period_with_files(api)
    surat = [
        d for d in documents(api, instance_id) if d["kind"] in ("surat_tugas_asesor", "surat_tugas_verifikasi_tuk")
    ]
    assert len(surat) == 4
    for d in surat:
        with_tembusan = [p for p in pages(download(api, d["id"])) if "Tembusan:" in p]
        assert len(with_tembusan) == 1, d["number"]
        page = with_tembusan[0]
        assert "Demikian surat tugas ini dibuat untuk dilaksanakan dengan penuh tanggung jawab." in page
        assert "Ketua LSP Politeknik STMI Jakarta," in page
        assert "Ir. Ratna Dewi Lestari, M.M." in page


def test_an_sk_never_leaves_a_diktum_label_without_its_text_and_ends_a_sentence_with_one_full_stop(api: Api) -> None:
    instance_id = period_with_files(api)
    (banding,) = [d for d in documents(api, instance_id) if d["kind"] == "sk_banding"]
    text = " ".join(pages(download(api, banding["id"])))
    # The tim banding ends with a name whose degree ends with a full stop: the sentence keeps one.
    assert "Ir. Ratna Dewi Lestari, M.M." in text
    assert "M.M.." not in text and "S.E.." not in text
    assert "TENTANG HASIL BANDING ASESMEN A.N. CAHYO NUGROHO." in text
    for d in documents(api, instance_id):
        if d["kind"] in ("sk_jadwal", "sk_penetapan", "sk_banding", "sk_penetapan_tuk"):
            sk = pages(download(api, d["id"]))
            for page in sk:
                # the last words on a page (before its footer) are never a bare diktum label
                body = page.split(" Keputusan Ketua LSP (")[0]
                assert not body.rstrip().endswith(("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KESATU :")), page
            # "MEMUTUSKAN: Menetapkan: ..." is never left at a page's foot without its first diktum
            [memutuskan] = [i for i, page in enumerate(sk) if "MEMUTUSKAN:" in page]
            assert "KESATU :" in sk[memutuskan], (d["number"], sk[memutuskan])


def squeezed(text: str) -> str:
    """PDF text without whitespace: a long letter number may break across lines anywhere."""
    return "".join(text.split())


def test_a_letter_cites_the_documents_it_rests_on_by_number_and_date(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    on_the_day_of_the_period(api, monkeypatch)
    instance_id = sop.walk_period(api)
    api.app.state.settings.render_processes = 0
    api.app.state.worker.render_documents()
    texts: dict[str, list[str]] = {}
    for d in documents(api, instance_id):
        if d["content_type"] != "application/pdf":
            continue
        texts.setdefault(d["kind"], []).append(squeezed(" ".join(pages(download(api, d["id"])))))
    cites = {
        "sk_jadwal": "Nota Dinas Direktur Nomor ND-001/PSTMI/XII/2026 tanggal 1 Desember 2026 tentang target",
        "surat_tugas_asesor": "Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 001/LSP-STMI/SK/XII/2026 tanggal "
        "1 Desember 2026 tentang Jadwal Uji Kompetensi",
        "surat_tugas_verifikasi_tuk": "Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 001/LSP-STMI/SK/XII/2026 "
        "tanggal 1 Desember 2026 tentang Jadwal Uji Kompetensi",
        "sk_penetapan": "Berita Acara Asesmen Nomor 001/LSP-STMI/BA-AS/XII/2026 tanggal 1 Desember 2026 dan "
        "rekomendasi asesor kompetensi",
        "sk_banding": "Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 tanggal "
        "1 Desember 2026 tentang Penetapan Hasil Asesmen",
        "permohonan_blangko": "Keputusan Ketua LSP Nomor 006/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026 tentang "
        "Hasil Banding",
    }
    for kind, phrase in cites.items():
        assert texts[kind], kind
        for text in texts[kind]:
            assert squeezed(phrase) in text, kind
    assert squeezed("Berita Acara Rapat Pleno Nomor 001/LSP-STMI/BA-PL/XII/2026 tanggal") in texts["sk_penetapan"][0]
