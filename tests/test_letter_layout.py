"""A letter's end stays on one page: the closing paragraph, the signature and the Tembusan never part, and an SK's
diktum label never stands alone at the foot of a page (documents-and-rules review, section 7.3)."""

import io

from pypdf import PdfReader

from tests.support.api import Api
from tests.test_documents import documents, download, period_with_files


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
    assert "Sri Wahyuni, S.E." in text
    assert "S.E.." not in text
    assert "TENTANG HASIL BANDING ASESMEN A.N. CAHYO NUGROHO." in text
    for d in documents(api, instance_id):
        if d["kind"] in ("sk_jadwal", "sk_penetapan", "sk_banding"):
            for page in pages(download(api, d["id"])):
                # the last words on a page (before its footer) are never a bare diktum label
                body = page.split(" Keputusan Ketua LSP (")[0]
                assert not body.rstrip().endswith(("KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KESATU :")), page
