"""The candidate's pages: Status saya at several points of a period, read as the candidate sees them.

Each test walks a partial period through the HTTP API (tests/support/sop_branches.py), then opens the page
with a browser-like client signed in by cookie, and reads the words on it. Expected values are written by
hand from the SOP: the tracker Pendaftaran -> Pemeriksaan berkas -> Pra-asesmen -> Kartu & jadwal -> Asesmen
-> Umpan balik -> Pleno -> Sertifikat (Banding when BK).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import lxml.html
from fastapi.testclient import TestClient

from api.store.models import Dokumen
from service_tasks import format_indonesia as fmt
from tests.conftest import Api
from tests.support import sop
from tests.support import sop_branches as sb
from tests.support.sop_branches import Calon

PESERTA = Calon("peserta")  # Andi Pratama, 2303001
PESERTA2 = Calon("peserta2")  # Bunga Maharani, 2303002
PESERTA3 = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02")  # Cahyo Nugroho, 2301001


def browser(api: Api, username: str) -> TestClient:
    """A client of its own, signed in on the login page (the session cookie), like the candidate's phone."""
    client = TestClient(api.app)
    r = client.post("/login", data={"username": username, "password": f"{username}-demo"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def open_status(api: Api, username: str = "peserta") -> Any:
    r = browser(api, username).get("/status")
    assert r.status_code == 200, r.text
    return lxml.html.fromstring(r.text)


def words(element: Any) -> str:
    return " ".join(element.text_content().split())


def stepper(doc: Any) -> list[str]:
    """Each stage as 'name: state' (the state's words as the page says them)."""
    out = []
    for li in doc.xpath("//ol[@class='tahapan']/li"):
        nama = words(li.xpath(".//span[@class='tahap-nama']")[0])
        keadaan = words(li.xpath(".//span[@class='tahap-keadaan']")[0])
        out.append(f"{nama}: {keadaan}")
    return out


def current(doc: Any) -> list[str]:
    return [words(li.xpath(".//span[@class='tahap-nama']")[0]) for li in doc.xpath("//li[@aria-current='step']")]


def now_card(doc: Any) -> Any:
    [card] = doc.xpath("//section[contains(@class, 'kartu-sekarang')]")
    return card


def section(doc: Any, heading: str) -> Any:
    [found] = doc.xpath(f"//section[h3[normalize-space()='{heading}']]")
    return found


def test_a_candidate_at_registration_sees_the_first_stage_current_and_a_button_to_the_form(api: Api) -> None:
    sb.registration_open(api, [PESERTA, PESERTA2])
    doc = open_status(api)
    assert words(doc.xpath("//h1")[0]) == "Status saya"
    assert words(doc.xpath("//h2")[0]) == "Periode LSP-2026-GENAP"
    assert stepper(doc) == [
        "Pendaftaran: Sedang berlangsung: Isi FR.APL.01 dan FR.APL.02",
        "Pemeriksaan berkas: Belum",
        "Pra-asesmen: Belum",
        "Kartu & jadwal: Belum",
        "Asesmen: Belum",
        "Umpan balik: Belum",
        "Pleno: Belum",
        "Sertifikat: Belum",
    ]
    assert current(doc) == ["Pendaftaran"]
    card = now_card(doc)
    assert words(card.xpath(".//p[@class='tugas-nama']")[0]) == "Mengisi FR.APL.01 dan FR.APL.02"
    # Step 3 runs 7 days from today: the due badge counts them.
    assert "7 hari lagi" in words(card.xpath(".//p[@class='tenggat']")[0])
    [button] = card.xpath(".//a[contains(@class, 'tombol-utama')]")
    [task] = api.inbox("peserta")
    assert (words(button), button.get("href")) == ("Kerjakan sekarang", f"/tasks/{task['id']}")
    assert "Belum ada dokumen" in words(section(doc, "Dokumen saya"))
    assert doc.xpath("//section[h3[normalize-space()='Jadwal asesmen']]") == []


def test_after_submitting_the_candidate_has_nothing_to_do_and_waits_for_kabid_administrasi(api: Api) -> None:
    sb.registration_open(api, [PESERTA, PESERTA2])
    sop.submit_apl(api, "peserta")
    doc = open_status(api)
    assert stepper(doc)[:3] == [
        "Pendaftaran: Selesai",
        "Pemeriksaan berkas: Sedang berlangsung: Berkas Anda sedang diperiksa",
        "Pra-asesmen: Belum",
    ]
    card = now_card(doc)
    assert card.xpath(".//a") == []
    assert words(card) == (
        "Yang perlu Anda lakukan sekarang Tidak ada yang perlu Anda kerjakan saat ini. Sedang menunggu: "
        "Memeriksa kelengkapan berkas pendaftaran (Kabid Administrasi)"
    )


def test_a_returned_registration_shows_the_reason_and_leads_back_to_the_form(api: Api) -> None:
    sb.registration_open(api, [PESERTA, PESERTA2])
    sop.submit_apl(api, "peserta")
    sop.submit_apl(api, "peserta2")
    sop.check_files(
        api,
        {
            "peserta": ("dikembalikan", "Pindaian KTM tidak terbaca; unggah ulang"),
            "peserta2": ("ditolak", "Bukan mahasiswa tingkat akhir"),
        },
    )
    doc = open_status(api)
    assert stepper(doc)[:2] == [
        "Pendaftaran: Sedang berlangsung: Berkas dikembalikan: perbaiki dan kirim lagi",
        "Pemeriksaan berkas: Belum",
    ]
    card = now_card(doc)
    assert "Berkas dikembalikan. Alasan: Pindaian KTM tidak terbaca; unggah ulang" in words(card)
    [button] = card.xpath(".//a[contains(@class, 'tombol-utama')]")
    assert words(button) == "Perbaiki pendaftaran"
    assert "Pendaftaran Dikembalikan untuk direvisi" in words(section(doc, "Hasil"))
    assert "Bukan mahasiswa tingkat akhir" not in lxml.html.tostring(doc, encoding="unicode")
    # The rejected candidate's path stops at the check, with the reason.
    other = open_status(api, "peserta2")
    assert stepper(other)[:3] == [
        "Pendaftaran: Selesai",
        "Pemeriksaan berkas: Berhenti di sini: Pendaftaran ditolak",
        "Pra-asesmen: Belum",
    ]
    assert "Alasan: Bukan mahasiswa tingkat akhir" in words(section(other, "Hasil"))
    assert "Tidak ada yang perlu Anda kerjakan saat ini." in words(now_card(other))


def test_at_the_assessment_the_candidate_sees_the_schedule_tuk_address_asesor_and_the_ak01_to_sign(
    api: Api,
) -> None:
    sb.ready(api, [PESERTA, PESERTA2])
    t = sb.task_about(api, "asesor", sb.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], sop.kehadiran())
    doc = open_status(api)
    assert stepper(doc)[2:6] == [
        "Pra-asesmen: Selesai: Asesmen dapat dilanjutkan",
        "Kartu & jadwal: Selesai: Kartu peserta terbit",
        "Asesmen: Sedang berlangsung: Setujui asesmen (FR.AK.01)",
        "Umpan balik: Belum",
    ]
    assert words(now_card(doc).xpath(".//p[@class='tugas-nama']")[0]) == "Menyetujui asesmen (FR.AK.01)"
    # The schedule of sop.jadwal (assessment 10 and 11 days from today), TUK-01 and asesor as master data has them.
    mulai, selesai = (fmt.hari_tanggal(sop.today(api) + timedelta(days=n)) for n in (10, 11))
    assert words(section(doc, "Jadwal asesmen")) == (
        f"Jadwal asesmen Tanggal {mulai} s.d. {selesai} "
        "Tempat uji kompetensi Laboratorium Komputer Terpadu Gedung C Lantai 2, Politeknik STMI Jakarta, "
        "Jl. Letjen Suprapto No. 26, Cempaka Putih, Jakarta Pusat 10510 "
        "Asesor Budi Santoso, S.Kom., M.T."
    )
    # Before attendance is recorded, peserta2 is told to come to the TUK.
    assert stepper(open_status(api, "peserta2"))[4] == "Asesmen: Sedang berlangsung: Hadir di TUK sesuai jadwal"


def test_after_the_pleno_the_candidate_sees_k_and_downloads_only_their_own_documents(api: Api) -> None:
    root = sb.decided(api, [PESERTA, PESERTA2, PESERTA3])
    doc = open_status(api)
    assert stepper(doc) == [
        "Pendaftaran: Selesai",
        "Pemeriksaan berkas: Selesai: Diterima",
        "Pra-asesmen: Selesai: Asesmen dapat dilanjutkan",
        "Kartu & jadwal: Selesai: Kartu peserta terbit",
        "Asesmen: Selesai: Rekaman asesmen (FR.AK.02) terbit",
        "Umpan balik: Selesai",
        "Pleno: Selesai: Keputusan ditetapkan",
        "Sertifikat: Sedang berlangsung: Sertifikat sedang diproses",
    ]
    assert "Keputusan asesmen Kompeten (rapat pleno)" in words(section(doc, "Hasil"))
    listed = [words(li) for li in section(doc, "Dokumen saya").xpath(".//li")]
    mine = {d.kind: d for d in sb.documents(api, root) if d.candidate == "peserta"}
    assert listed == [
        f"Kartu Peserta Uji Kompetensi Nomor {mine['kartu_peserta'].number} Sedang dibuat",
        f"FR.AK.02 Rekaman Asesmen Kompetensi Nomor {mine['rekaman_asesmen'].number} Sedang dibuat",
    ]
    html = lxml.html.tostring(doc, encoding="unicode")
    others = [d for d in sb.documents(api, root) if d.candidate not in (None, "peserta")]
    assert len(others) == 4
    for word in ["peserta2", "peserta3", "Bunga Maharani", "Cahyo Nugroho", "2303002", "2301001"] + [
        d.number for d in others
    ]:
        assert word not in html, word


def test_a_rendered_document_is_a_download_link_the_session_cookie_opens_and_another_candidate_cannot(
    api: Api,
) -> None:
    root = sb.decided(api, [PESERTA, PESERTA2])
    with api.app.state.db.transaction() as session:
        for d in session.query(Dokumen).filter(Dokumen.root_id == root, Dokumen.kind == "kartu_peserta"):
            d.rendered_at = datetime.now(UTC)
    kartu = {d.candidate: d for d in sb.documents(api, root, "kartu_peserta")}
    doc = open_status(api)
    [link] = section(doc, "Dokumen saya").xpath(".//a")
    assert (words(link), link.get("href")) == (
        "Unduh PDF Kartu Peserta Uji Kompetensi",
        f"/api/dokumen/{kartu['peserta'].id}",
    )
    # peserta2's card is not theirs to open, signed in by cookie as on the page.
    assert browser(api, "peserta").get(f"/api/dokumen/{kartu['peserta2'].id}").status_code in (403, 404)


def test_a_candidate_decided_bk_is_offered_the_appeal_with_the_days_left(api: Api) -> None:
    bk = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02", bk=True)
    sb.decided(api, [bk, PESERTA])
    doc = open_status(api, "peserta3")
    assert stepper(doc)[6:] == [
        "Pleno: Selesai: Keputusan ditetapkan",
        "Banding: Sedang berlangsung: Anda dapat mengajukan banding (FR.AK.04)",
        "Sertifikat: Belum",  # an appeal may still change the decision
    ]
    card = now_card(doc)
    assert words(card.xpath(".//p[@class='tugas-nama']")[0]) == "Mengajukan banding (FR.AK.04)"
    # The LSP's masa banding is 14 days from the SK's approval (today).
    assert "sisa 14 hari" in words(card.xpath(".//p[@class='tenggat']")[0])
    assert "Keputusan asesmen Belum kompeten (rapat pleno)" in words(section(doc, "Hasil"))
    # A candidate decided K has no appeal stage.
    assert not any(s.startswith("Banding") for s in stepper(open_status(api)))


def test_staff_opening_status_go_to_their_own_landing_page_and_a_stranger_to_the_login(api: Api) -> None:
    r = browser(api, "kabid_administrasi").get("/status", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/tasks")
    r = TestClient(api.app).get("/status", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/status")


def test_a_candidate_in_no_period_is_told_so(api: Api) -> None:
    doc = open_status(api, "peserta12")
    assert "Anda belum terdaftar pada periode uji kompetensi mana pun." in words(doc.xpath("//main")[0])
