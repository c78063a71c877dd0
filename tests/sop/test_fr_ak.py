"""Step 5's FR.AK.01 (persetujuan asesmen dan kerahasiaan) and FR.AK.03 (umpan balik dan catatan asesmen), and step
6's FR.AK.04 (banding asesmen): the filled forms an LSP files and BNSP accepts, as each candidate submitted them
(issue 12).
(How these tests work: tests/sop/__init__.py.)
"""

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from api.store.models import ProcessInstance
from service_tasks import call
from service_tasks.context import ServiceContext, ServiceTaskError
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import on_the_day, pdf_text, rapat
from tests.support.sop_branches import Calon

OPR = sop.OPR


def hadir_pada(tanggal: str) -> dict[str, Any]:
    return {"kehadiran": {"hadir": True, "tanggal": tanggal, "alasan_di_luar_jadwal": "", "catatan": ""}}


def umpan_balik(**tidak: bool) -> dict[str, Any]:
    """FR.AK.03: Ya to every statement but those given, with a comment."""
    ya = [
        "penjelasan_proses",
        "kesempatan_mempelajari_standar",
        "diskusi_metode",
        "menggali_bukti",
        "kesempatan_demonstrasi",
        "penjelasan_keputusan",
        "umpan_balik_asesor",
        "mempelajari_dokumen",
        "jaminan_kerahasiaan",
        "komunikasi_efektif",
    ]
    return {"ak03": {**{s: True for s in ya}, **tidak, "komentar": "Jadwal asesmen tidak dibicarakan dengan saya"}}


def test_a_candidate_who_agrees_signs_fr_ak_01_for_their_session_and_gives_fr_ak_03_after_the_decision(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    root = b.ready(api, [Calon("peserta")])
    # The assessment is held on the day of the candidate's session (Sesi 1 of the SK Jadwal: 11 December, 08.00).
    on_the_day(api, monkeypatch, datetime(2026, 12, 11, 9, 0, tzinfo=sop.WIB))
    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], hadir_pada("2026-12-11"))
    assert b.documents(api, root, "persetujuan_asesmen") == []
    t = sop.one(api, "peserta", b.AK01)
    ak01 = {"setuju": True, "bukti_yang_dikumpulkan": ["portofolio", "observasi", "lisan"]}
    api.complete("peserta", t["id"], {"ak01": ak01})
    t = b.task_about(api, "asesor", b.AK02, "peserta")
    api.complete("asesor", t["id"], sop.penilaian(api, sop.JWD))
    assert b.documents(api, root, "umpan_balik_asesmen") == []
    t = sop.one(api, "peserta", b.AK03)
    api.complete("peserta", t["id"], umpan_balik(diskusi_metode=False))
    api.drain()

    [ak01_doc] = b.documents(api, root, "persetujuan_asesmen")
    assert (ak01_doc.number, ak01_doc.candidate) == ("001/LSP-STMI/AK01/XII/2026", "peserta")
    text = pdf_text(api, ak01_doc.id)
    for phrase in [
        "FR.AK.01. PERSETUJUAN ASESMEN DAN KERAHASIAAN Nomor: 001/LSP-STMI/AK01/XII/2026",
        "Persetujuan asesmen ini untuk menjamin bahwa asesi telah diberi arahan secara rinci tentang perencanaan dan "
        "proses asesmen.",
        "Skema sertifikasi (Okupasi) Judul: Junior Web Developer Nomor: SKM/LSP-STMI/001/2024",
        "TUK Laboratorium Komputer Terpadu (TUK Sewaktu)",
        "Nama asesor Budi Santoso, S.Kom., M.T. (No. Reg. MET.000.001234 2019)",
        "Nama asesi Andi Pratama (NIM 2303001)",
        # Every kind of evidence of the form, the ones the candidate agreed to ticked.
        "Bukti yang akan dikumpulkan ☑ Hasil verifikasi portofolio ☐ Hasil reviu produk ☑ Hasil observasi langsung "
        "☐ Hasil kegiatan terstruktur ☐ Hasil tanya jawab ☐ Hasil pertanyaan tertulis ☑ Hasil pertanyaan lisan "
        "☐ Hasil pertanyaan wawancara",
        "Pelaksanaan asesmen disepakati pada Hari/tanggal: Jumat, 11 Desember 2026 Waktu: Sesi 1, pukul 08.00–12.00 "
        "WIB TUK: Laboratorium Komputer Terpadu, Gedung C Lantai 2, Politeknik STMI Jakarta, Jl. Letjen Suprapto "
        "No. 26, Cempaka Putih, Jakarta Pusat 10510",
        "Asesi: Bahwa saya telah mendapatkan penjelasan terkait hak dan prosedur banding asesmen dari asesor.",
        "Asesor: Menyatakan tidak akan membuka hasil pekerjaan yang saya peroleh karena penugasan saya sebagai asesor "
        "dalam pekerjaan asesmen kepada siapa pun atau organisasi apa pun selain kepada pihak yang berwenang "
        "sehubungan dengan kewajiban saya sebagai asesor yang ditugaskan oleh LSP.",
        "Asesi: Saya setuju mengikuti asesmen dengan pemahaman bahwa informasi yang dikumpulkan hanya digunakan untuk "
        "pengembangan profesional dan hanya dapat diakses oleh orang tertentu saja.",
        "Jakarta Pusat, 11 Desember 2026 Asesi, Andi Pratama Jakarta Pusat, 11 Desember 2026 Asesor Kompetensi, "
        "Budi Santoso, S.Kom., M.T. No. Reg. MET.000.001234 2019",
        "Hal. 1 dari 1",
    ]:
        assert rapat(phrase) in text, phrase
    assert rapat("Di luar jadwal") not in text

    [ak03_doc] = b.documents(api, root, "umpan_balik_asesmen")
    assert (ak03_doc.number, ak03_doc.candidate) == ("001/LSP-STMI/AK03/XII/2026", "peserta")
    text = pdf_text(api, ak03_doc.id)
    for phrase in [
        "FR.AK.03. UMPAN BALIK DAN CATATAN ASESMEN Nomor: 001/LSP-STMI/AK03/XII/2026",
        "Nama asesi : Andi Pratama (NIM 2303001)",
        "Nama asesor : Budi Santoso, S.Kom., M.T. (No. Reg. MET.000.001234 2019)",
        "Skema sertifikasi : Junior Web Developer (SKM/LSP-STMI/001/2024)",
        "Tanggal asesmen : Jumat, 11 Desember 2026",
        "Umpan balik dari asesi (diisi oleh asesi setelah pengambilan keputusan): No. Komponen Ya Tidak",
        "1 Saya mendapatkan penjelasan yang cukup memadai mengenai proses asesmen/uji kompetensi ✓",
        # The one statement the candidate answered Tidak: its mark in the last column.
        "2 Saya diberikan kesempatan untuk mempelajari standar kompetensi yang akan diujikan dan menilai diri sendiri "
        "terhadap pencapaiannya ✓ 3 Asesor memberikan kesempatan untuk mendiskusikan/menegosiasikan metode, "
        "instrumen dan sumber asesmen serta jadwal asesmen ✓ 4 Asesor berusaha",
        "10 Asesor menggunakan keterampilan komunikasi yang efektif selama asesmen ✓",
        "Catatan/komentar lainnya: Jadwal asesmen tidak dibicarakan dengan saya",
        "Jakarta Pusat, 11 Desember 2026 Asesi, Andi Pratama",
    ]:
        assert rapat(phrase) in text, phrase
    assert ak03_doc.data["umpan_balik"]["diskusi_metode"] is False

    # The candidate and their asesor read both; another asesor and another candidate do not.
    for doc in (ak01_doc, ak03_doc):
        assert api.get("peserta", f"/api/dokumen/{doc.id}").status_code == 200
        assert api.get("asesor", f"/api/dokumen/{doc.id}").status_code == 200
        assert api.get("asesor2", f"/api/dokumen/{doc.id}").status_code == 403
        assert api.get("peserta2", f"/api/dokumen/{doc.id}").status_code == 403


def test_a_candidate_who_refuses_fr_ak_01_gets_no_fr_ak_01_and_is_not_assessed(api: Api) -> None:
    root = b.ready(api, [Calon("peserta", setuju=False), Calon("peserta2")])
    for c in (Calon("peserta", setuju=False), Calon("peserta2")):
        b.assess(api, c)
    api.drain()
    # Only the candidate who agreed has an FR.AK.01; the refusal is recorded as a refusal, not printed as agreed.
    assert [d.candidate for d in b.documents(api, root, "persetujuan_asesmen")] == ["peserta2"]
    assert [d.candidate for d in b.documents(api, root, "rekaman_asesmen")] == ["peserta2"]
    assert [d.candidate for d in b.documents(api, root, "umpan_balik_asesmen")] == ["peserta2"]
    [period] = api.get("peserta", "/api/me/status").json()["peserta"]
    assert period["hasil"]["persetujuan"]["setuju"] is False

    # Even asked to, the operator prints no FR.AK.01 for the candidate whose recorded answer is a refusal.
    db = api.app.state.db
    with db.transaction() as session:
        [instance_id] = session.scalars(
            select(ProcessInstance.id).where(
                ProcessInstance.root_id == root,
                ProcessInstance.subject == "peserta",
                ProcessInstance.key == "pelaksanaan_uji_kompetensi",
            )
        ).all()
        ctx = ServiceContext(
            session=session,
            instance_id=instance_id,
            root_id=root,
            business_key=None,
            task_id="uji-ak01",
            element_id="menerbitkan_persetujuan_asesmen",
            task_name="Menerbitkan persetujuan asesmen (FR.AK.01)",
            lane=None,
            actor="asesor",
            now=api.app.state.clock.now(),
            data={},
            nomor_format=api.app.state.settings.nomor_format,
        )
        peserta = {"username": "peserta", "skema_nomor": sop.JWD, "asesor": "asesor", "tuk_kode": "TUK-01", "sesi": 1}
        with pytest.raises(ServiceTaskError, match="peserta tidak menyetujui asesmen"):
            call("terbitkan_persetujuan_asesmen", ctx, peserta=peserta)
    assert [d.candidate for d in b.documents(api, root, "persetujuan_asesmen")] == ["peserta2"]


def test_the_candidate_who_appeals_files_fr_ak_04_and_one_who_does_not_appeal_files_none(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)  # Tuesday 1 December 2026, before the SK Jadwal's window (11-12 December)
    calon = [
        Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True),
        Calon("peserta4", OPR, asesor="asesor2", tuk="TUK-02", bk=True),
    ]
    root = b.decided(api, calon)
    [sk_penetapan] = b.documents(api, root, "sk_penetapan")
    t = sop.one(api, "peserta4", b.BANDING)
    api.complete("peserta4", t["id"], sop.banding(ajukan=False))
    assert b.documents(api, root, "banding_asesmen") == []
    t = sop.one(api, "peserta3", b.BANDING)
    api.complete("peserta3", t["id"], sop.banding())
    api.drain()

    [ak04] = b.documents(api, root, "banding_asesmen")
    assert (ak04.number, ak04.candidate) == ("001/LSP-STMI/AK04/XII/2026", "peserta3")
    text = pdf_text(api, ak04.id)
    for phrase in [
        "FR.AK.04. BANDING ASESMEN Nomor: 001/LSP-STMI/AK04/XII/2026",
        "Nama asesi : Cahyo Nugroho (NIM 2301001)",
        "Nama asesor : Hendra Gunawan, S.T. (No. Reg. MET.000.002517 2018)",
        "Tanggal asesmen : 1 Desember 2026",
        "Jawablah dengan Ya atau Tidak pertanyaan-pertanyaan berikut ini: No. Pertanyaan Ya Tidak",
        "1 Apakah proses banding telah dijelaskan kepada Anda? ✓",
        "2 Apakah Anda telah mendiskusikan banding dengan asesor? ✓",
        "3 Apakah Anda mau melibatkan “orang lain” membantu Anda dalam proses banding? ✓",
        "Banding ini diajukan atas keputusan asesmen Belum Kompeten (BK) sebagaimana ditetapkan dalam Keputusan Ketua "
        f"LSP Politeknik STMI Jakarta Nomor {sk_penetapan.number} tanggal 1 Desember 2026 tentang Penetapan Hasil "
        "Asesmen yang dibuat terhadap skema sertifikasi berikut:",
        "Skema sertifikasi : Operator Perakitan Kendaraan Bermotor Roda Empat",
        "No. skema sertifikasi : SKM/LSP-STMI/002/2024",
        "Banding ini diajukan atas alasan sebagai berikut: Unit terakhir dinilai tanpa kesempatan demonstrasi ulang",
        "Anda mempunyai hak mengajukan banding jika Anda menilai proses asesmen tidak sesuai SOP dan tidak memenuhi "
        "prinsip asesmen. Jakarta Pusat, 1 Desember 2026 Asesi, Cahyo Nugroho",
        "Hal. 1 dari 1",
    ]:
        assert rapat(phrase) in text, phrase
    assert ak04.data["banding"]["melibatkan_orang_lain"] is False

    # The candidate and the LSP's staff read it; the asesor whose assessment is appealed and other candidates do not.
    for user, status in [
        ("peserta3", 200),
        ("kabid_sertifikasi", 200),
        ("ketua_lsp", 200),
        ("asesor2", 403),
        ("peserta4", 403),
    ]:
        assert api.get(user, f"/api/dokumen/{ak04.id}").status_code == status, user

    # This candidate was assessed before the schedule: their FR.AK.01 says so, and why, with their session.
    [ak01] = b.documents(api, root, "persetujuan_asesmen", candidate="peserta3")
    assert rapat(
        "Hari/tanggal: Selasa, 1 Desember 2026 Waktu: - TUK: Workshop Otomotif dan Laboratorium Polimer, Gedung D "
        "Lantai 1, Politeknik STMI Jakarta"
    ) in pdf_text(api, ak01.id)
    assert rapat(
        "Di luar jadwal SK Jadwal (Sesi 1, Jumat, 11 Desember 2026, pukul 08.00–12.00 WIB): Asesmen dimajukan atas "
        "permintaan program studi"
    ) in pdf_text(api, ak01.id)


UPHELD = [Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True)]


def reassessor_assigned(api: Api) -> int:
    """peserta3 assessed BK by asesor2 on Tuesday 1 December 2026, the appeal upheld, asesor4 sent to re-assess
    on 3-4 December: the period's root."""
    root = b.decided(api, UPHELD)
    b.appeal(api, "peserta3")
    b.decide_appeal(api, "diterima")
    t = sop.one(api, "kabid_sertifikasi", b.ASESOR_ULANG)
    ulang = {
        "asesor": "asesor4",
        "tanggal_mulai": "2026-12-03",
        "tanggal_selesai": "2026-12-04",
        "pukul_mulai": "09.00",
        "pukul_selesai": "12.00",
        "catatan": "",
    }
    api.complete("kabid_sertifikasi", t["id"], {"asesor_ulang": ulang})
    api.drain()
    return root


def test_an_upheld_appeals_reassessment_is_agreed_with_fr_ak_01_naming_the_reassessor_and_ends_with_fr_ak_03(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)  # Tuesday 1 December 2026: assessed, decided BK, appealed, upheld, asesor4 sent
    root = reassessor_assigned(api)
    [surat] = b.documents(api, root, "surat_tugas_asesor_ulang")
    # The re-assessment waits for the candidate's agreement: nothing reaches the re-assessing asesor before it.
    assert sop.tasks_named(api, "asesor4", b.MENILAI_ULANG) == []
    [period] = api.get("peserta3", "/api/me/status").json()["peserta"]
    assert ([t["nama"] for t in period["harus"]], period["batas_banding"]) == ([sop.AK01_ULANG], None)
    [ak01_semula] = b.documents(api, root, "persetujuan_asesmen", candidate="peserta3")

    on_the_day(api, monkeypatch, datetime(2026, 12, 3, 9, 0, tzinfo=sop.WIB))
    t = sop.one(api, "peserta3", sop.AK01_ULANG)
    api.complete("peserta3", t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi", "lisan"]}})
    on_the_day(api, monkeypatch, datetime(2026, 12, 4, 10, 0, tzinfo=sop.WIB))
    t = b.task_about(api, "asesor4", b.MENILAI_ULANG, "peserta3")
    api.complete("asesor4", t["id"], sop.penilaian(api, OPR))
    # The tim banding decides only once the candidate has given their feedback on the re-assessment.
    assert sop.tasks_named(api, "ketua_lsp", b.HASIL_ULANG) == []
    on_the_day(api, monkeypatch, datetime(2026, 12, 5, 8, 0, tzinfo=sop.WIB))
    t = sop.one(api, "peserta3", sop.AK03_ULANG)
    api.complete("peserta3", t["id"], umpan_balik(kesempatan_demonstrasi=False))
    assert sop.tasks_named(api, "ketua_lsp", b.HASIL_ULANG)
    api.drain()

    [semula, ak01] = b.documents(api, root, "persetujuan_asesmen", candidate="peserta3")
    assert semula.id == ak01_semula.id
    assert ak01.number == "002/LSP-STMI/AK01/XII/2026"
    assert surat.number == "002/LSP-STMI/ST-AS/XII/2026"
    text = pdf_text(api, ak01.id)
    for phrase in [
        "FR.AK.01. PERSETUJUAN ASESMEN DAN KERAHASIAAN Nomor: 002/LSP-STMI/AK01/XII/2026 — asesmen ulang (banding)",
        "Skema sertifikasi (Klaster) Judul: Operator Perakitan Kendaraan Bermotor Roda Empat "
        "Nomor: SKM/LSP-STMI/002/2024",
        "Asesmen ulang Atas banding yang diterima, menurut Surat Tugas Nomor 002/LSP-STMI/ST-AS/XII/2026 tanggal "
        "1 Desember 2026",
        # The re-assessing asesor, not the one who assessed first.
        "Nama asesor Ir. Rudi Hartono, M.T. (No. Reg. MET.000.006092 2021)",
        "Nama asesi Cahyo Nugroho (NIM 2301001)",
        "Bukti yang akan dikumpulkan ☐ Hasil verifikasi portofolio ☐ Hasil reviu produk ☑ Hasil observasi langsung "
        "☐ Hasil kegiatan terstruktur ☐ Hasil tanya jawab ☐ Hasil pertanyaan tertulis ☑ Hasil pertanyaan lisan "
        "☐ Hasil pertanyaan wawancara",
        # On the first day and at the hours Kabid Sertifikasi scheduled (as its surat tugas prints them); no session
        # of the SK Jadwal. The TUK first assigned: assigning a re-assessment records no TUK.
        "Pelaksanaan asesmen disepakati pada Hari/tanggal: Kamis, 3 Desember 2026 Waktu: pukul 09.00–12.00 WIB "
        "TUK: Workshop Otomotif dan Laboratorium Polimer, Gedung D Lantai 1, Politeknik STMI Jakarta",
        "Jakarta Pusat, 3 Desember 2026 Asesi, Cahyo Nugroho Jakarta Pusat, 3 Desember 2026 Asesor Kompetensi, "
        "Ir. Rudi Hartono, M.T. No. Reg. MET.000.006092 2021",
        "Hal. 1 dari 1",
    ]:
        assert rapat(phrase) in text, phrase
    for absent in ("Hendra Gunawan", "Sesi 1", "Di luar jadwal"):
        assert rapat(absent) not in text, absent

    [ak03_semula, ak03] = b.documents(api, root, "umpan_balik_asesmen", candidate="peserta3")
    assert ak03.number == "002/LSP-STMI/AK03/XII/2026"
    text = pdf_text(api, ak03.id)
    for phrase in [
        "FR.AK.03. UMPAN BALIK DAN CATATAN ASESMEN Nomor: 002/LSP-STMI/AK03/XII/2026 — asesmen ulang (banding)",
        "Nama asesi : Cahyo Nugroho (NIM 2301001)",
        "Nama asesor : Ir. Rudi Hartono, M.T. (No. Reg. MET.000.006092 2021)",
        "Asesmen ulang : Atas banding yang diterima, menurut Surat Tugas Nomor 002/LSP-STMI/ST-AS/XII/2026 tanggal "
        "1 Desember 2026",
        # The day the re-assessing asesor recorded FR.AK.02; the candidate signs the day they gave their feedback.
        "Tanggal asesmen : Jumat, 4 Desember 2026",
        "4 Asesor berusaha menggali seluruh bukti pendukung yang sesuai dengan latar belakang pelatihan dan "
        "pengalaman yang saya miliki ✓ 5 Saya sepenuhnya diberikan kesempatan untuk mendemonstrasikan kompetensi "
        "yang saya miliki selama asesmen ✓ 6",
        "Catatan/komentar lainnya: Jadwal asesmen tidak dibicarakan dengan saya",
        "Jakarta Pusat, 5 Desember 2026 Asesi, Cahyo Nugroho",
    ]:
        assert rapat(phrase) in text, phrase
    assert ak03.data["umpan_balik"]["kesempatan_demonstrasi"] is False
    assert rapat("Hendra Gunawan") not in text

    # The candidate and the re-assessing asesor read both; the asesor who assessed first does not (nor another
    # candidate), while the first assessment's forms stay theirs.
    for doc in (ak01, ak03):
        for user, status in [("peserta3", 200), ("asesor4", 200), ("asesor2", 403), ("peserta4", 403)]:
            assert api.get(user, f"/api/dokumen/{doc.id}").status_code == status, (doc.kind, user)
    for doc in (semula, ak03_semula):
        for user, status in [("peserta3", 200), ("asesor2", 200), ("asesor4", 403)]:
            assert api.get(user, f"/api/dokumen/{doc.id}").status_code == status, (doc.kind, user)
    # The candidate's consent to the assessment of step 5 is still the one they gave then.
    [period] = api.get("peserta3", "/api/me/status").json()["peserta"]
    assert (period["hasil"]["persetujuan"]["setuju"], period["hasil"]["persetujuan"]["pada"][:10]) == (
        True,
        "2026-12-01",
    )


def test_a_reassessment_agreed_after_a_ralat_of_its_surat_tugas_prints_the_corrected_hours(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    root = reassessor_assigned(api)
    [surat] = b.documents(api, root, "surat_tugas_asesor_ulang")
    koreksi = {"alasan": "ruang TUK dipakai pagi hari", "data": {"pukul_mulai": "13.00", "pukul_selesai": "16.00"}}
    r = api.post("kabid_sertifikasi", f"/api/dokumen/{surat.id}/koreksi", json=koreksi)
    assert r.status_code == 201, r.text
    on_the_day(api, monkeypatch, datetime(2026, 12, 3, 9, 0, tzinfo=sop.WIB))
    t = sop.one(api, "peserta3", sop.AK01_ULANG)
    api.complete("peserta3", t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    api.drain()
    [_, ak01] = b.documents(api, root, "persetujuan_asesmen", candidate="peserta3")
    text = pdf_text(api, ak01.id)
    # The letter keeps its number and date; the hours are the corrected ones.
    assert (
        rapat(
            "Asesmen ulang Atas banding yang diterima, menurut Surat Tugas Nomor 002/LSP-STMI/ST-AS/XII/2026 "
            "tanggal 1 Desember 2026"
        )
        in text
    )
    assert rapat("Hari/tanggal: Kamis, 3 Desember 2026 Waktu: pukul 13.00–16.00 WIB") in text
    assert rapat("09.00–12.00") not in text


def test_a_candidate_who_refuses_the_reassessment_gets_no_fr_ak_01_is_not_reassessed_and_is_recorded_refusing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    root = reassessor_assigned(api)
    t = sop.one(api, "peserta3", sop.AK01_ULANG)
    # A refusal needs the candidate's reason: without one it is refused and nothing changes.
    b.refused(api, "peserta3", t["id"], {"ak01": {"setuju": False}}, root, {"ak01.catatan": ["wajib"]})
    sop.setuju_asesmen_ulang(api, "peserta3", setuju=False)
    api.drain()

    # Only the first assessment's forms: no FR.AK.01 printed for the refusal, no re-assessment, no FR.AK.03.
    for kind in ("persetujuan_asesmen", "rekaman_asesmen", "umpan_balik_asesmen"):
        assert [(d.candidate, d.number[:3]) for d in b.documents(api, root, kind)] == [("peserta3", "001")], kind
    assert sop.tasks_named(api, "asesor4", b.MENILAI_ULANG) == []
    assert sop.tasks_named(api, "peserta3", sop.AK03_ULANG) == []
    assert sop.tasks_named(api, "ketua_lsp", b.HASIL_ULANG) == []
    # Recorded as a refusal of the re-assessment, with the candidate's reason: the BK decision stands.
    t = sop.one(api, "ketua_lsp", b.EVALUASI, instance_id=root)
    [banding] = sop.task_data(api, "ketua_lsp", t["id"])["hasil_sertifikasi"]["banding"]
    assert {k: banding[k] for k in ("username", "status", "asesor_ulang", "asesmen_ulang", "kompeten")} == {
        "username": "peserta3",
        "status": "diterima",
        "asesor_ulang": "asesor4",
        "asesmen_ulang": "tidak_setuju",
        "kompeten": False,
    }
    assert banding["alasan_tidak_setuju"] == "Saya memilih mengikuti uji kompetensi pada periode berikutnya"
    assert len(b.documents(api, root, "sk_penetapan")) == 1 and b.certificates(api) == []
    # The candidate's consent to the assessment of step 5 is not overwritten by the refusal.
    [period] = api.get("peserta3", "/api/me/status").json()["peserta"]
    assert period["hasil"]["persetujuan"]["setuju"] is True
    assert period["hasil"]["keputusan"]["keputusan"] == "BK"
