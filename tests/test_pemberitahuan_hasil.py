"""A candidate decided Belum Kompeten gets a result letter with the units and the right to appeal, and a candidate
whose pra-asesmen cannot be continued gets a notice with the asesor's reason (issue 12, part 5)."""

from datetime import UTC, datetime

import lxml.html
import pytest
from fastapi.testclient import TestClient

from api.clock import Clock
from tests.support import hari, sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon


class StoppedClock(Clock):
    """The period happens at one instant (moved only by the test): the appeal window's hour is the SK's."""

    def __init__(self) -> None:
        super().__init__()
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at + self.offset


@pytest.fixture
def clock() -> Clock:
    return StoppedClock()


def dokumen_saya(api: Api, username: str) -> list[str]:
    """The candidate's 'Dokumen saya' on their Status saya page, signed in on the login page."""
    client = TestClient(api.app)
    r = client.post("/login", data={"username": username, "password": f"{username}-demo"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.get("/status")
    assert r.status_code == 200, r.text
    [found] = lxml.html.fromstring(r.text).xpath("//section[h3[normalize-space()='Dokumen saya']]")
    return [" ".join(li.text_content().split()) for li in found.xpath(".//li")]


def test_the_candidate_the_sk_decided_bk_gets_a_letter_citing_it_with_the_bk_units_and_the_appeal_window(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    hari.on_the_day(api, monkeypatch)  # Selasa, 1 Desember 2026, 09.00 WIB; the masa banding is 14 days
    root = sop.walk_period(api)  # peserta3 decided BK by the pleno, appeals, is re-assessed K

    # One letter, to the one candidate the SK Penetapan decided BK, none to those decided K.
    [surat] = b.documents(api, root, "pemberitahuan_hasil_uji")
    assert (surat.candidate, surat.number) == ("peserta3", "001/LSP-STMI/PHU/XII/2026")
    # Issued when the appeal window opened: after the SK Penetapan, before the SK on the appeal and the amending SK.
    [sk, perubahan] = b.documents(api, root, "sk_penetapan")
    [sk_banding] = b.documents(api, root, "sk_banding")
    assert sk.id < surat.id < sk_banding.id < perubahan.id
    text = hari.pdf_text(api, surat.id)
    for phrase in (
        "Nomor : 001/LSP-STMI/PHU/XII/2026",
        "Hal : Pemberitahuan Hasil Uji Kompetensi",
        "Yth. Sdr. Cahyo Nugroho NIM 2301001, Program Studi Teknik Industri Otomotif",
        "Berdasarkan Keputusan Ketua LSP Politeknik STMI Jakarta Nomor 005/LSP-STMI/SK/XII/2026 tanggal "
        "1 Desember 2026 tentang Penetapan Hasil Asesmen uji kompetensi periode 2026 Genap",
        "Saudara dinyatakan Belum Kompeten (BK) pada skema sertifikasi Operator Perakitan Kendaraan Bermotor "
        "Roda Empat (SKM/LSP-STMI/002/2024); sertifikat kompetensi belum dapat diterbitkan.",
        "Unit kompetensi yang belum kompeten (FR.AK.02 Nomor 003/LSP-STMI/AK02/XII/2026):",
        "1 C.291000.015.01 Melakukan Pemeriksaan Mutu Hasil Perakitan Belum dapat menunjukkan kinerja sesuai KUK "
        "Asesmen ulang unit ini",
        "Apabila Saudara tidak sependapat, Saudara berhak mengajukan banding (FR.AK.04) melalui akun Saudara di "
        "aplikasi uji kompetensi LSP paling lambat tanggal 15 Desember 2026 pukul 09.00 WIB (14 hari sejak tanggal "
        "surat ini).",
        "Banding diputuskan dengan Keputusan Ketua LSP tersendiri; tanpa banding sampai batas waktu tersebut, "
        "keputusan di atas berlaku.",
        "Demikian pemberitahuan ini kami sampaikan; atas perhatian Saudara kami ucapkan terima kasih.",
        "Saudara dapat mengikuti asesmen ulang atas unit tersebut dengan mendaftar kembali (FR.APL.01 dan FR.APL.02) "
        "pada periode uji kompetensi berikutnya.",
        "Jakarta Pusat, 1 Desember 2026 Ketua LSP Politeknik STMI Jakarta, Ir. Ratna Dewi Lestari, M.M. "
        "NIP 197805222005012001",
        "Tembusan: Kepala Bidang Sertifikasi LSP Arsip",
    ):
        assert hari.rapat(phrase) in text, phrase
    # Only units the FR.AK.02 found BK are listed (the skema's other units were K).
    assert hari.rapat("C.291000.014.01") not in text

    # The candidate reads it, on their own page; no one else but staff.
    assert api.get("peserta3", f"/api/dokumen/{surat.id}").status_code == 200
    assert api.get("kabid_sertifikasi", f"/api/dokumen/{surat.id}").status_code == 200
    for other in ("peserta", "asesor2", "asesor4"):
        assert api.get(other, f"/api/dokumen/{surat.id}").status_code == 403, other
    assert "Surat Pemberitahuan Hasil Uji Kompetensi Nomor 001/LSP-STMI/PHU/XII/2026" in " ".join(
        dokumen_saya(api, "peserta3")
    )
    assert not any("Pemberitahuan" in d for d in dokumen_saya(api, "peserta"))


def test_no_result_letter_is_issued_before_ketua_lsp_approves_the_sk_and_none_when_nobody_is_bk(api: Api) -> None:
    bk = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02", bk=True)
    root = b.assessed(api, [bk, Calon("peserta")])
    t = sop.one(api, "kabid_sertifikasi", b.PLENO)
    api.complete("kabid_sertifikasi", t["id"], sop.pleno({"peserta3": "BK", "peserta": "K"}))
    api.drain()
    assert b.documents(api, root, "pemberitahuan_hasil_uji") == []  # the SK waits for Ketua LSP
    t = sop.one(api, "ketua_lsp", b.SK_PENETAPAN)
    api.complete("ketua_lsp", t["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
    api.drain()
    assert [d.candidate for d in b.documents(api, root, "pemberitahuan_hasil_uji")] == ["peserta3"]


def test_a_candidate_whose_pra_asesmen_is_not_continued_gets_a_notice_with_the_asesors_reason(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    hari.on_the_day(api, monkeypatch)
    stopped, continued = Calon("peserta"), Calon("peserta2")
    root = b.registered(api, [stopped, continued])
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    api.complete("kabid_sertifikasi", t["id"], b.penugasan([stopped, continued]))
    t = b.task_about(api, "asesor", b.PRA_ASESMEN, "peserta")
    alasan = "Bukti portofolio belum relevan dengan unit pemrograman web"
    api.complete("asesor", t["id"], {"pra_asesmen": {"rekomendasi": "tidak_lanjut", "catatan": alasan}})
    b.pra_asesmen(api, [continued])

    [surat] = b.documents(api, root, "pemberitahuan_pra_asesmen")
    assert (surat.candidate, surat.number) == ("peserta", "001/LSP-STMI/PPA/XII/2026")
    text = hari.pdf_text(api, surat.id)
    for phrase in (
        "Nomor : 001/LSP-STMI/PPA/XII/2026",
        "Hal : Pemberitahuan Hasil Pra-Asesmen Uji Kompetensi",
        "Yth. Sdr. Andi Pratama NIM 2303001, Program Studi Sistem Informasi Industri Otomotif",
        "Berdasarkan hasil pra-asesmen, yaitu peninjauan asesmen mandiri (FR.APL.02) Saudara oleh Asesor Kompetensi "
        "Budi Santoso, S.Kom., M.T. (No. Reg. MET.000.001234 2019),",
        "pada uji kompetensi periode 2026 Genap skema sertifikasi Junior Web Developer (SKM/LSP-STMI/001/2024)",
        "asesmen Saudara tidak dapat dilanjutkan dengan pertimbangan asesor: Bukti portofolio belum relevan dengan "
        "unit pemrograman web.",
        "Saudara tidak dijadwalkan mengikuti asesmen pada periode ini dan tidak diterbitkan kartu peserta",
        "Saudara dapat mendaftar kembali pada periode uji kompetensi berikutnya",
        "Jakarta Pusat, 1 Desember 2026 Ketua LSP Politeknik STMI Jakarta, Ir. Ratna Dewi Lestari, M.M. "
        "NIP 197805222005012001",
        "Tembusan: Kepala Bidang Sertifikasi LSP Arsip",
    ):
        assert hari.rapat(phrase) in text, phrase

    assert api.get("peserta", f"/api/dokumen/{surat.id}").status_code == 200
    for other in ("peserta2", "asesor"):
        assert api.get(other, f"/api/dokumen/{surat.id}").status_code == 403, other
    assert "Surat Pemberitahuan Hasil Pra-Asesmen Nomor 001/LSP-STMI/PPA/XII/2026" in " ".join(
        dokumen_saya(api, "peserta")
    )
    # The one continued is not told anything and gets the only kartu.
    assert not any("Pemberitahuan" in d for d in dokumen_saya(api, "peserta2"))
    assert [d.candidate for d in b.documents(api, root, "kartu_peserta")] == ["peserta2"]
