"""The Laporan counts the final decisions (after the pleno, its SK and the appeals), never the asesor's
recommendations (documents-and-rules review, section 3.15; issue 12 part 7)."""

from api.store.models import Dokumen
from tests.support import sop
from tests.support.api import Api
from tests.test_documents import documents
from tests.test_letter_form import pages


def test_the_laporan_counts_an_upheld_appeal_as_kompeten_and_shows_the_recommendations_beside_the_decisions(
    api: Api,
) -> None:
    # The walk: peserta and peserta2 (JWD) K; peserta3 (OPR) recommended BK, decided BK, appeal upheld, K after
    # re-assessment; peserta4 (OPR) absent; peserta5 (MUTU) rejected at registration.
    instance_id = sop.walk_period(api)
    issued = documents(api, instance_id)
    (laporan,) = [d for d in issued if d["kind"] == "laporan"]
    with api.app.state.db.reading() as session:
        row = session.get(Dokumen, laporan["id"])
        assert row is not None
        data = row.data
        # The FR.AK.02 the period issued: peserta and peserta2 K, peserta3 BK, then K on the re-assessment by asesor4.
        fr_ak_02 = [session.get(Dokumen, d["id"]) for d in issued if d["kind"] == "rekaman_asesmen"]
        assert sorted((d.data["peserta"]["username"], d.data["rekomendasi"]) for d in fr_ak_02 if d is not None) == [
            ("peserta", "K"),
            ("peserta2", "K"),
            ("peserta3", "BK"),
            ("peserta3", "K"),
        ]
    # FR.AK.03: one after each of the three assessments, and peserta3's again after the re-assessment.
    assert len([d for d in issued if d["kind"] == "umpan_balik_asesmen"]) == 4
    assert (data["jumlah_k"], data["jumlah_bk"], data["jumlah_ditunda"]) == (3, 0, 0)
    assert (data["rekomendasi_k"], data["rekomendasi_bk"]) == (2, 1)  # on the assessments of step 5
    assert data["rekomendasi_ulang"] == {"k": 1, "bk": 0}  # on the re-assessment after the upheld appeal
    assert data["jumlah_sertifikat"] == 3
    per_skema = {
        nomor: (r["target"], r["peserta"], r["k"], r["bk"], r["ditunda"], r["tidak_hadir"], r["sertifikat"])
        for nomor, r in data["per_skema"].items()
    }
    assert per_skema[sop.JWD] == (2, 2, 2, 0, 0, 0, 2)
    assert per_skema[sop.OPR] == (2, 2, 1, 0, 0, 1, 1)
    # peserta3's K, decided through the appeal, counts under asesor4 who re-assessed him (the amending SK names
    # asesor4), not under asesor2 who first assessed him; asesor2 keeps peserta4, absent.
    per_asesor = {
        u: (r["peserta"], r["k"], r["bk"], r["ditunda"], r["tidak_hadir"], r["tidak_setuju"])
        for u, r in data["per_asesor"].items()
    }
    assert per_asesor == {"asesor": (2, 2, 0, 0, 0, 0), "asesor2": (1, 0, 0, 0, 1, 0), "asesor4": (1, 1, 0, 0, 0, 0)}
    # The re-assessment records no TUK: peserta3's K counts at TUK-02, first assigned, beside peserta4's absence.
    per_tuk = {
        kode: (r["peserta"], r["k"], r["bk"], r["ditunda"], r["tidak_hadir"], r["tidak_setuju"])
        for kode, r in data["per_tuk"].items()
    }
    assert per_tuk == {"TUK-01": (2, 2, 0, 0, 0, 0), "TUK-02": (2, 1, 0, 0, 1, 0)}
    # The Ketua's dashboard counts the decisions under the same asesor and TUK (it lists decided candidates only).
    dasbor = api.get("ketua_lsp", f"/api/periode/{instance_id}/dasbor").json()
    assert [(r["kunci"], r["k"], r["bk"]) for r in dasbor["keputusan_asesor"]] == [("asesor", 2, 0), ("asesor4", 1, 0)]
    assert [(r["kunci"], r["k"], r["bk"]) for r in dasbor["keputusan_tuk"]] == [("TUK-01", 2, 0), ("TUK-02", 1, 0)]

    api.app.state.settings.render_processes = 0
    api.app.state.worker.render_documents()
    r = api.get("kabid_administrasi", f"/api/dokumen/{laporan['id']}")
    text = " ".join(pages(r.content))
    assert (
        "Keputusan akhir : Kompeten 3, Belum Kompeten 0, ditunda 0, menurut rapat pleno, SK penetapan dan banding"
        in text
    )
    assert (
        "Rekomendasi asesor : Kompeten 2, Belum Kompeten 1 pada asesmen; Kompeten 1, Belum Kompeten 0 pada asesmen "
        "ulang setelah banding (4 FR.AK.02)" in text
    )
    assert (
        "Banding : diajukan 1, diterima 1, ditolak 0; ditetapkan Kompeten setelah asesmen ulang "
        "(SK perubahan penetapan) 1" in text
    )
    assert "Sertifikat terbit : 3 lembar" in text
    assert (
        "Cahyo Nugroho (Operator Perakitan Kendaraan Bermotor Roda Empat), semula diases oleh Hendra Gunawan, S.T., "
        "diases ulang oleh Ir. Rudi Hartono, M.T." in text
    )
    assert data["pendaftaran"] == {
        "pendaftar": 5,
        "diterima": 4,
        "ditolak": 1,
        "tidak_dilengkapi": 0,
        "tidak_diperiksa": 0,
    }
    assert "Pendaftar : 5 orang (diterima 4, ditolak 1, dikembalikan dan tidak dilengkapi 0, tidak diperiksa 0)" in text
    assert "Pra-asesmen : lanjut 4, tidak lanjut 0" in text
    # FR.AK.03: peserta, peserta2 and peserta3 after step 5, and peserta3 again after the re-assessment (the four
    # issued), each agreeing with everything.
    assert (
        "E. UMPAN BALIK PESERTA (FR.AK.03) Diisi oleh 3 asesi: 4 formulir FR.AK.03, 1 di antaranya setelah asesmen "
        "ulang (banding); jumlah dan persentase di bawah dihitung per formulir." in text
    )
    assert "1 Mendapatkan penjelasan yang cukup memadai mengenai proses asesmen/uji kompetensi 4 0 100%" in text
    assert "Komentar asesi: Baik (4 formulir)" in text  # one comment given four times: quoted once
    assert "- berjalan saat laporan disusun" in text  # step 7 itself, in which the Laporan is issued
    assert "F. WAKTU PELAKSANAAN TERHADAP STANDAR SOP" in text and "H. TEMUAN DAN REKOMENDASI" in text
