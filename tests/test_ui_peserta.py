"""The candidate's pages: Status saya at several points of a period, read as the candidate sees them.

Each test walks a partial period through the HTTP API (tests/support/sop_branches.py), then opens the page
with a browser-like client signed in by cookie, and reads the words on it. Expected values are written by
hand from the SOP: the tracker Pendaftaran -> Pemeriksaan berkas -> Pra-asesmen -> Kartu & jadwal -> Asesmen
-> Umpan balik -> Pleno -> Sertifikat (Banding when BK).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient

from api.auth import caller_for_token
from api.clock import Clock
from api.services import tasks
from api.store.models import Dokumen
from api.ui import konteks
from service_tasks import format_indonesia as fmt
from tests.conftest import Api
from tests.support import sop
from tests.support import sop_branches as sb
from tests.support.sop_branches import Calon

PESERTA = Calon("peserta")  # Andi Pratama, 2303001
PESERTA2 = Calon("peserta2")  # Bunga Maharani, 2303002
PESERTA3 = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02")  # Cahyo Nugroho, 2301001


class StoppedClock(Clock):
    """The whole period happens at one instant (moved only by a test): 'sisa 14 hari' and '7 hari lagi' do not
    depend on when the test runs, even across midnight WIB."""

    def __init__(self) -> None:
        super().__init__()
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at + self.offset


@pytest.fixture
def clock() -> Clock:
    return StoppedClock()


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
        "Pemeriksaan berkas: Belum: Diperiksa lagi setelah Anda mengirim revisi",
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


def test_after_registration_closes_the_accepted_wait_for_an_asesor_and_the_late_stop_at_registration(
    api: Api,
) -> None:
    root = sb.registration_open(api, [PESERTA, PESERTA2])
    sop.submit_apl(api, "peserta")
    sop.check_files(api, {"peserta": ("diterima", "")})
    sop.close_registration(api, root)
    assert stepper(open_status(api))[:4] == [
        "Pendaftaran: Selesai",
        "Pemeriksaan berkas: Selesai: Diterima",
        "Pra-asesmen: Sedang berlangsung: Menunggu penugasan asesor",
        "Kartu & jadwal: Belum",
    ]
    late = open_status(api, "peserta2")
    assert stepper(late)[:2] == [
        "Pendaftaran: Berhenti di sini: Pendaftaran ditutup sebelum berkas diajukan",
        "Pemeriksaan berkas: Belum",
    ]
    assert current(late) == []
    assert "Tidak ada yang perlu Anda kerjakan saat ini." in words(now_card(late))


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
    # Their own session of sop.jadwal (session 1: ten days from today, the morning), TUK-01 and asesor as master
    # data has them.
    hari = fmt.hari_tanggal(sop.today(api) + timedelta(days=10))
    assert words(section(doc, "Jadwal asesmen")) == (
        f"Jadwal asesmen Tanggal {hari} Sesi, pukul Sesi 1, 08.00–12.00 WIB "
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
        f"FR.APL.01 Permohonan Sertifikasi Kompetensi Nomor {mine['permohonan_sertifikasi'].number} Sedang dibuat",
        f"FR.APL.02 Asesmen Mandiri Nomor {mine['asesmen_mandiri'].number} Sedang dibuat",
        f"Kartu Peserta Uji Kompetensi Nomor {mine['kartu_peserta'].number} Sedang dibuat",
        f"FR.AK.01 Persetujuan Asesmen dan Kerahasiaan Nomor {mine['persetujuan_asesmen'].number} Sedang dibuat",
        f"FR.AK.02 Rekaman Asesmen Kompetensi Nomor {mine['rekaman_asesmen'].number} Sedang dibuat",
        f"FR.AK.03 Umpan Balik dan Catatan Asesmen Nomor {mine['umpan_balik_asesmen'].number} Sedang dibuat",
    ]
    html = lxml.html.tostring(doc, encoding="unicode")
    others = [d for d in sb.documents(api, root) if d.candidate not in (None, "peserta")]
    # peserta2's and peserta3's FR.APL.01, FR.APL.02, kartu, FR.AK.01, FR.AK.02 and FR.AK.03
    assert len(others) == 12
    for word in ["peserta2", "peserta3", "Bunga Maharani", "Cahyo Nugroho", "2303002", "2301001"] + [
        d.number for d in others
    ]:
        assert word not in html, word


def test_a_rendered_document_is_a_download_link_and_another_candidates_card_is_refused_to_the_cookie(
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
        f"/dokumen/{kartu['peserta'].id}/unduh",  # the Dokumen page's download (api/ui/dokumen.py)
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


def test_a_candidate_whose_appeal_is_upheld_is_asked_to_agree_to_the_reassessment_not_to_appeal_again(
    api: Api,
) -> None:
    bk = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02", bk=True)
    sb.decided(api, [bk, PESERTA])
    sb.appeal(api, "peserta3")
    sb.decide_appeal(api, "diterima")
    t = sop.one(api, "kabid_sertifikasi", sb.ASESOR_ULANG)
    api.complete(
        "kabid_sertifikasi", t["id"], {"asesor_ulang": {"asesor": "asesor4", **sop.PUKUL_ULANG, "catatan": ""}}
    )
    doc = open_status(api, "peserta3")
    assert stepper(doc)[7] == "Banding: Sedang berlangsung: Banding diterima: asesmen ulang menunggu Anda"
    card = now_card(doc)
    assert words(card.xpath(".//p[@class='tugas-nama']")[0]) == "Menyetujui asesmen ulang (FR.AK.01)"
    # The appeal window is over: the card counts no days left of it.
    assert "sisa 14 hari" not in words(card)


def test_staff_opening_status_go_to_their_own_landing_page_and_a_stranger_to_the_login(api: Api) -> None:
    r = browser(api, "kabid_administrasi").get("/status", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/tasks")
    r = TestClient(api.app).get("/status", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/status")


def test_a_candidate_in_no_period_is_told_so(api: Api) -> None:
    doc = open_status(api, "peserta12")
    assert "Anda belum terdaftar pada periode uji kompetensi mana pun." in words(doc.xpath("//main")[0])


# --------------------------------------------------------------------------------------------------
# The task pages' context panels (api/ui/konteks): what the candidate sees beside their forms


def konteks_html(api: Api, username: str, task_id: str) -> tuple[dict[str, Any], Any]:
    """The context panel of task `task_id` as `username` opens the task page: the builder's values and the
    panel as the page shows it."""
    state = api.app.state
    user = caller_for_token(state, api.headers(username)["Authorization"].removeprefix("Bearer "))
    detail = tasks.detail(state.db, state.clock, state.settings, user, task_id)
    panel = konteks.for_form(detail.form.file)
    assert panel is not None, detail.form.file
    values = panel.build(state.db, user, detail)
    r = browser(api, username).get(f"/tasks/{task_id}")
    assert r.status_code == 200, r.text
    [shown] = lxml.html.fromstring(r.text).xpath("//section[contains(@class, 'panel-konteks')]")
    return values, shown


def test_the_registration_shows_the_candidates_own_data_read_only_and_names_the_wizard_steps(api: Api) -> None:
    sb.registration_open(api, [PESERTA, PESERTA2])
    [task] = api.inbox("peserta")
    values, doc = konteks_html(api, "peserta", task["id"])
    diri = words(doc.xpath("//section[@id='konteks-data-diri']")[0])
    assert "Nama Andi Pratama" in diri and "NIM 2303001" in diri, diri
    assert "Skema sertifikasi Junior Web Developer (SKM/LSP-STMI/001/2024)" in diri, diri
    assert doc.xpath("//section[@id='konteks-data-diri']//input") == []  # read-only: nothing is submitted
    assert [s["judul"] for s in values["langkah"]] == [
        "Data diri",
        "Tujuan & pendidikan",
        "Bukti",
        "Asesmen mandiri",
        "Periksa & kirim",
    ]
    assert doc.xpath("//section[@id='konteks-pemeriksaan']") == []  # nothing returned yet
    assert "Bunga Maharani" not in lxml.html.tostring(doc, encoding="unicode")
    # Without JavaScript every part is on the one page, the steps only named for static/langkah.js.
    page_doc = lxml.html.fromstring(browser(api, "peserta").get(f"/tasks/{task['id']}").text)
    for part in ("konteks-data-diri", "f-apl01-tujuan_asesmen", "f-apl01-pendidikan", "f-apl01-bukti", "f-apl02"):
        assert len(page_doc.xpath(f"//*[@id='{part}']")) == 1, part
    assert page_doc.xpath("//script[@src='/ui/static/langkah.js']") != []
    assert page_doc.xpath("//*[contains(@class, 'langkah-sembunyi')]") == []
    # peserta2's registration is not there for peserta: the page answers as if it did not exist.
    [other] = api.inbox("peserta2")
    r = browser(api, "peserta").get(f"/tasks/{other['id']}")
    assert r.status_code == 404
    assert "Bunga Maharani" not in r.text and "2303002" not in r.text


def test_a_returned_registration_shows_the_kabids_reason_beside_each_item_marked_not_meeting(api: Api) -> None:
    sb.registration_open(api, [PESERTA])
    [task] = api.inbox("peserta")
    ktm = sop.upload(api, "peserta", task["id"], "ktm.pdf").json()["id"]
    transkrip = sop.upload(api, "peserta", task["id"], "transkrip.pdf").json()["id"]
    data = sop.apl(api, "peserta", task["id"], sop.JWD)
    data["apl01"]["bukti"] = [
        {"jenis": "dasar", "nama": "Kartu tanda mahasiswa", "berkas_id": ktm},
        {"jenis": "administratif", "nama": "Transkrip nilai", "berkas_id": transkrip},
    ]
    api.complete("peserta", task["id"], data)
    check = sop.one(api, "kabid_administrasi", sb.MEMERIKSA)
    api.complete(
        "kabid_administrasi",
        check["id"],
        {
            "pemeriksaan": {
                "bukti": [
                    {"berkas_id": ktm, "nama": "Kartu tanda mahasiswa", "status": "ada_memenuhi"},
                    {
                        "berkas_id": transkrip,
                        "nama": "Transkrip nilai",
                        "status": "ada_tidak_memenuhi",
                        "catatan": "Transkrip belum dilegalisir",
                    },
                ],
                "keputusan": "dikembalikan",
                "alasan": "Lengkapi legalisir transkrip",
            }
        },
    )
    [revisi] = api.inbox("peserta")
    values, doc = konteks_html(api, "peserta", revisi["id"])
    [panel] = doc.xpath("//section[@id='konteks-pemeriksaan']")
    assert words(panel.xpath("h2")[0]) == "Berkas Anda dikembalikan untuk direvisi"
    assert "Alasan dari Kabid Administrasi: Lengkapi legalisir transkrip" in words(panel)
    # Only the item marked not meeting the requirement, numbered as the candidate's row and tied to its file
    # (static/langkah.js places it inside that row of the form).
    [note] = panel.xpath(".//li[@class='catatan-pemeriksaan']")
    assert words(note) == (
        "Bukti 2: Transkrip nilai Ada tetapi tidak memenuhi syarat Catatan pemeriksa: Transkrip belum dilegalisir"
    )
    assert (note.get("data-berkas"), note.get("data-baris")) == (str(transkrip), "1")
    assert "Kartu tanda mahasiswa" not in words(panel)


def test_the_appeal_shows_the_bk_decision_and_the_days_left_in_the_window(api: Api) -> None:
    bk = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02", bk=True)
    sb.decided(api, [bk, PESERTA])
    t = sop.one(api, "peserta3", sb.BANDING)
    _, doc = konteks_html(api, "peserta3", t["id"])
    text = words(doc)
    assert "Keputusan rapat pleno Belum kompeten" in text, text
    assert "sisa 14 hari" in text, text
    assert "Andi Pratama" not in text


def test_consent_and_feedback_show_the_candidates_own_schedule_tuk_and_asesor(api: Api) -> None:
    sb.ready(api, [PESERTA, PESERTA3])
    t = sb.task_about(api, "asesor", sb.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], sop.kehadiran())
    ak01 = sop.one(api, "peserta", sb.AK01)
    _, doc = konteks_html(api, "peserta", ak01["id"])
    text = words(doc)
    assert "Skema sertifikasi Junior Web Developer (SKM/LSP-STMI/001/2024)" in text, text
    assert "Tempat uji kompetensi Laboratorium Komputer Terpadu" in text, text
    assert "Asesor Budi Santoso, S.Kom., M.T." in text, text
    assert "Bila Anda tidak setuju, asesmen tidak dilaksanakan" in text
    # peserta3's TUK and asesor (TUK-02, Hendra Gunawan) are nowhere.
    assert "Workshop Otomotif" not in text and "Hendra Gunawan" not in text


def test_at_the_end_of_a_whole_period_each_candidate_sees_where_their_path_ended(api: Api) -> None:
    """sop.walk_period: peserta K with a certificate; peserta3 BK at the pleno, K through the appeal; peserta4
    absent; peserta5 rejected at the check."""
    sop.walk_period(api)
    doc = open_status(api)
    assert stepper(doc)[-2:] == ["Pleno: Selesai: Keputusan ditetapkan", "Sertifikat: Selesai: Sertifikat terbit"]
    assert current(doc) == []
    hasil = words(section(doc, "Hasil"))
    assert "Keputusan asesmen Kompeten (rapat pleno)" in hasil, hasil
    assert "Sertifikat Nomor 62090 2512 4 0000001 2026" in hasil, hasil
    assert "Sertifikat Kompetensi Nomor 62090 2512 4 0000001 2026" in words(section(doc, "Dokumen saya"))

    appealed = open_status(api, "peserta3")
    assert stepper(appealed)[-3:] == [
        "Pleno: Selesai: Keputusan ditetapkan",
        "Banding: Selesai: Diputuskan melalui banding",
        "Sertifikat: Selesai: Sertifikat terbit",
    ]
    assert "Keputusan asesmen Kompeten (hasil banding)" in words(section(appealed, "Hasil"))

    absent = open_status(api, "peserta4")
    assert stepper(absent)[4:6] == ["Asesmen: Berhenti di sini: Tercatat tidak hadir", "Umpan balik: Belum"]
    rejected = open_status(api, "peserta5")
    assert stepper(rejected)[1] == "Pemeriksaan berkas: Berhenti di sini: Pendaftaran ditolak"
