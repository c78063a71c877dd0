"""Kabid Administrasi's screens as a signed-in user sees them: the queue of evidence checks (oldest first, the
period's counts), the check as a split view (the candidate's own evidence beside the verdicts, "Simpan &
berikutnya" to the next, a refusal asked about once more, a check sent meanwhile said so), an evidence file
shown inline to staff and refused to another candidate, the candidate picker of "Membuka pendaftaran", and the
progress of a fan-out. The period is driven through the REST API (tests/support/sop.py); names come from
api/seed/demo.json, written by hand."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.auth import CurrentUser
from api.clock import Clock
from api.engine.children import FIRST_BATCH
from api.schemas import TaskDetail
from api.services import antrian
from api.store.master import Berkas
from api.store.models import User
from api.ui.konteks import for_form
from tests.support import form_html, sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.pages import signed_in
from tests.support.sop_branches import Calon
from tests.test_engine_rules import _deploy

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


class Browser:
    """One user's browser: a cookie session from POST /login, pages asked for as a browser asks (text/html)."""

    def __init__(self, app: Any, username: str) -> None:
        self.client = TestClient(app, headers={"Accept": "text/html"})
        r = self.client.post(
            "/login", data={"username": username, "password": f"{username}-demo"}, follow_redirects=False
        )
        assert r.status_code == 303, r.text
        self.csrf = ""

    def page(self, path: str, expect: int = 200) -> tuple[lxml.html.HtmlElement, str]:
        r = self.client.get(path, follow_redirects=False)
        assert r.status_code == expect, r.text
        doc = lxml.html.fromstring(r.text)
        self.csrf = doc.body.get("data-csrf", self.csrf) if doc.body is not None else self.csrf
        return doc, r.text

    def get(self, path: str, expect: int = 200) -> lxml.html.HtmlElement:
        return self.page(path, expect)[0]

    def post(self, path: str, data: Any = None) -> Any:
        """A form post with the page's CSRF token as a field, as the forms carry it; `data` a dict or pairs."""
        if not self.csrf:
            self.get("/tasks")  # any page carries the session's token
        pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
        return self.client.post(
            path,
            content=urlencode([*pairs, ("csrf", self.csrf)]),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )


def kabid_user(api: Api) -> CurrentUser:
    """Kabid Administrasi as the services see them."""
    with api.app.state.db.reading() as session:
        return CurrentUser(session.scalars(select(User).where(User.username == "kabid_administrasi")).one())


def text(node: Any) -> str:
    return " ".join(node.text_content().split())


def queue_rows(doc: lxml.html.HtmlElement) -> list[list[str]]:
    """Each row's cells: No., Peserta, Program studi, Skema, Dikirim, Batas, the action."""
    return [
        [text(td) for td in tr.xpath("./td")] for tr in doc.xpath("//table[contains(@class,'tabel-antrian')]/tbody/tr")
    ]


def counts(doc: lxml.html.HtmlElement) -> list[str]:
    return [text(li) for li in doc.xpath("//ul[@class='ringkasan-angka']/li")]


def the_form(html: str) -> str:
    """The check's <form> alone (the page also has the logout form)."""
    start = html.index('<form method="post" action="/berkas/periksa/')
    return html[start : html.index("</form>", start) + len("</form>")]


@pytest.fixture
def browser(api: Api) -> Iterator[Any]:
    opened: list[Browser] = []

    def open_as(username: str) -> Browser:
        api.headers(username)
        b = Browser(api.app, username)
        opened.append(b)
        return b

    yield open_as
    for each in opened:
        each.client.close()


def submit_in_order(api: Api, clock: Clock, usernames: list[str], skema: dict[str, str]) -> None:
    """Each candidate sends FR.APL.01/02 a minute after the one before (the queue's order is the sending's)."""
    for username in usernames:
        clock.advance(timedelta(minutes=1))
        sop.submit_apl(api, username, skema[username])


SKEMA = {"peserta": sop.JWD, "peserta2": sop.JWD, "peserta3": sop.OPR, "peserta4": sop.OPR, "peserta5": sop.MUTU}


def test_the_queue_lists_the_waiting_registrations_oldest_first_with_the_periods_counts(
    api: Api, clock: Clock, browser: Any
) -> None:
    root = b.registration_open(api, [Calon(u, s) for u, s in SKEMA.items()])
    submit_in_order(api, clock, ["peserta3", "peserta", "peserta4", "peserta2", "peserta5"], SKEMA)
    sop.check_files(
        api,
        {
            "peserta3": ("diterima", ""),
            "peserta4": ("dikembalikan", "Pindaian KTM tidak terbaca"),
            "peserta5": ("ditolak", "Bukan mahasiswa tingkat akhir"),
        },
    )
    kabid = browser("kabid_administrasi")

    doc = kabid.get(f"/berkas/antrian?periode={root}")
    assert counts(doc) == [
        "2 menunggu pemeriksaan",
        "1 dikembalikan, sedang direvisi peserta",
        "1 diterima",
        "1 ditolak",
    ]
    rows = queue_rows(doc)
    assert [r[:4] for r in rows] == [
        ["1", "Andi Pratama 2303001", "Sistem Informasi Industri Otomotif", "Junior Web Developer"],
        ["2", "Bunga Maharani 2303002", "Sistem Informasi Industri Otomotif", "Junior Web Developer"],
    ]
    assert rows[0][5:] == ["7 hari lagi", "Periksa"]
    assert "2 berkas menunggu pemeriksaan Anda, terlama di atas." in text(doc)

    # Dian sends her revision: she waits again, after the others, marked as a revision.
    clock.advance(timedelta(minutes=1))
    sop.submit_apl(api, "peserta4", sop.OPR)
    doc = kabid.get("/berkas/antrian")  # the period of the oldest waiting check
    assert counts(doc)[:2] == ["3 menunggu pemeriksaan", "0 dikembalikan, sedang direvisi peserta"]
    rows = queue_rows(doc)
    assert [r[1] for r in rows] == [
        "Andi Pratama 2303001",
        "Bunga Maharani 2303002",
        "Dian Puspitasari 2301002 Revisi ke-1",
    ]

    # Searching by NIM narrows the rows.
    doc = kabid.get(f"/berkas/antrian?periode={root}&q=2303002")
    assert [r[1] for r in queue_rows(doc)] == ["Bunga Maharani 2303002"]


def test_the_queue_is_for_staff_and_says_so_to_a_candidate(browser: Any) -> None:
    doc = browser("peserta").get("/berkas/antrian", expect=403)
    assert "Akses ditolak" in text(doc)


def test_the_check_shows_the_candidates_own_evidence_beside_the_verdicts_and_not_anothers(
    api: Api, clock: Clock, browser: Any
) -> None:
    root = b.registration_open(api, [Calon("peserta"), Calon("peserta2")])
    t = sop.one(api, "peserta", b.APL)
    png = api.post("peserta", f"/api/tasks/{t['id']}/berkas", files={"file": ("ktm.png", PNG, "image/png")})
    pdf = sop.upload(api, "peserta", t["id"], "transkrip.pdf")
    assert png.status_code == pdf.status_code == 201
    own = [png.json()["id"], pdf.json()["id"]]
    data = sop.apl(api, "peserta", t["id"], sop.JWD)  # uploads a third file, the KTM as PDF, and the pas foto
    data["apl01"]["bukti"] += [
        {"jenis": "portofolio", "nama": "Foto praktik kerja", "berkas_id": own[0]},
        {"jenis": "administratif", "nama": "Transkrip nilai", "berkas_id": own[1]},
    ]
    api.complete("peserta", t["id"], data)
    clock.advance(timedelta(minutes=1))
    sop.submit_apl(api, "peserta2", sop.JWD)
    with api.app.state.db.reading() as session:
        others = list(session.scalars(select(Berkas.id).where(Berkas.uploaded_by == "peserta2")))
    kabid = browser("kabid_administrasi")
    kabid.get("/berkas/antrian")

    r = kabid.post("/berkas/antrian/berikutnya", {})
    assert r.status_code == 303
    doc = kabid.get(r.headers["location"])
    assert text(doc.xpath("//h1")[0]) == "Periksa berkas Andi Pratama"
    panel = doc.xpath("//section[contains(@class,'panel-bukti')]")[0]
    items = [text(h) for h in panel.xpath(".//article/h4")]
    assert items == [
        "Bukti 1 dari 3: Kartu tanda mahasiswa",
        "Bukti 2 dari 3: Foto praktik kerja",
        "Bukti 3 dari 3: Transkrip nilai",
    ]
    # The pas foto above the candidate's data, then the picture among the evidence.
    foto = data["apl01"]["pas_foto_berkas_id"]
    assert panel.xpath(".//img/@src") == [f"/berkas/{foto}/lihat", f"/berkas/{own[0]}/lihat"]
    assert text(panel.xpath(".//figure/figcaption")[0]) == (
        "Pas foto (pas-foto.png): dicetak pada kartu peserta dan sertifikat"
    )
    assert f"/berkas/{own[1]}/lihat" in panel.xpath(".//object/@data")
    shown = " ".join(panel.xpath(".//@src | .//@data | .//@href"))
    assert all(f"/berkas/{i}/" not in shown for i in others)
    # Beside each item, its verdict in the form: status per item, the item's name read-only.
    form = doc.xpath("//form[contains(@action,'/berkas/periksa/')]")[0]
    assert [text(fs.xpath("./legend")[0]) for fs in form.xpath(".//fieldset[contains(@id,'-status')]")] == [
        "Status (wajib)"
    ] * 3
    assert "Foto praktik kerja" in text(form)

    # The evidence of another candidate named for this candidate is never shown.
    found = antrian.bukti_pemeriksaan(api.app.state.db, kabid_user(api), root, "peserta", [*own, *others])
    assert sorted(found) == sorted(own)


def test_simpan_dan_berikutnya_sends_the_check_and_opens_the_next_oldest_and_a_refusal_keeps_the_page(
    api: Api, clock: Clock, browser: Any
) -> None:
    root = b.registration_open(api, [Calon("peserta"), Calon("peserta2"), Calon("peserta3", sop.OPR)])
    submit_in_order(api, clock, ["peserta2", "peserta3", "peserta"], SKEMA)
    kabid = browser("kabid_administrasi")
    kabid.get(f"/berkas/antrian?periode={root}")
    r = kabid.post("/berkas/antrian/berikutnya", {"periode": root})
    first = r.headers["location"]
    doc, html = kabid.page(first)
    assert text(doc.xpath("//h1")[0]) == "Periksa berkas Bunga Maharani"

    # "Dikembalikan" without a reason: refused, the errors at their fields, nothing sent.
    pairs = [(k, v) for k, v in form_html.submitted(the_form(html)) if k != "csrf"]
    pairs += [("pemeriksaan.bukti.0.status", "ada_tidak_memenuhi"), ("pemeriksaan.keputusan", "dikembalikan")]
    r = kabid.post(first, [*pairs, ("aksi", "berikutnya")])
    assert r.status_code == 422
    refused = lxml.html.fromstring(r.text)
    summary = refused.xpath("//*[contains(@class,'ringkasan-galat')]")[0]
    assert "Alasan" in text(summary)
    assert refused.xpath("//input[@name='pemeriksaan.keputusan' and @value='dikembalikan']/@checked")
    assert len(sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA)) == 3

    # With a reason: sent, and the next oldest (Cahyo) opens at once.
    r = kabid.post(first, [*pairs, ("pemeriksaan.alasan", "Pindaian KTM tidak terbaca"), ("aksi", "berikutnya")])
    assert r.status_code == 303
    assert r.headers["location"].endswith("?tersimpan=1")
    doc = kabid.get(r.headers["location"])
    assert text(doc.xpath("//h1")[0]) == "Periksa berkas Cahyo Nugroho"
    assert "Pemeriksaan sebelumnya tersimpan" in text(doc)
    # Leaving Cahyo's check unsent: back to the queue, the check open to a colleague again.
    r = kabid.post(r.headers["location"].split("?")[0] + "/lepas", {})
    assert r.status_code == 303 and "dilepas=1" in r.headers["location"]
    assert "Pemeriksaan dilepas" in text(kabid.get(r.headers["location"]))
    assert all(t["claimed_by"] is None for t in sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA))
    seen = sop.task_data(api, "peserta2", sop.one(api, "peserta2", b.APL)["id"])
    assert seen["pemeriksaan"]["alasan"] == "Pindaian KTM tidak terbaca"
    doc = kabid.get(f"/berkas/antrian?periode={root}")
    assert counts(doc)[:2] == ["2 menunggu pemeriksaan", "1 dikembalikan, sedang direvisi peserta"]


def test_a_refusal_in_the_split_view_is_asked_about_once_more_and_ya_kirim_sends_it_and_opens_the_next(
    api: Api, clock: Clock, browser: Any
) -> None:
    root = b.registration_open(api, [Calon("peserta"), Calon("peserta2")])
    submit_in_order(api, clock, ["peserta2", "peserta"], SKEMA)
    kabid = browser("kabid_administrasi")
    kabid.get(f"/berkas/antrian?periode={root}")
    first = kabid.post("/berkas/antrian/berikutnya", {"periode": root}).headers["location"]
    pairs = [(k, v) for k, v in form_html.submitted(the_form(kabid.page(first)[1])) if k != "csrf"]
    pairs += [
        ("pemeriksaan.bukti.0.status", "ada_tidak_memenuhi"),
        ("pemeriksaan.keputusan", "ditolak"),
        ("pemeriksaan.alasan", "Bukan mahasiswa tingkat akhir"),
    ]

    # Either way of sending asks first; nothing is sent, the answers stay on the page.
    for pressed in ("berikutnya", "kembali"):
        r = kabid.post(first, [*pairs, ("aksi", pressed)])
        assert r.status_code == 200, r.text
        doc = lxml.html.fromstring(r.text)
        [ask] = doc.xpath("//div[@id='konfirmasi']")
        assert "Anda memilih Ditolak. Pilihan ini tidak dapat dibatalkan setelah dikirim." in text(ask)
        [ya] = ask.xpath(".//button")
        assert (text(ya), ya.get("form"), ya.get("name"), ya.get("value")) == (
            "Ya, kirim",
            "formulir-periksa",
            "konfirmasi",
            pressed,
        )
        assert doc.xpath("//input[@name='pemeriksaan.keputusan' and @value='ditolak']/@checked")
        assert len(sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA)) == 2

    # "Ya, kirim" (of "Simpan & berikutnya"): sent, and the next oldest (Andi) opens at once.
    again = [(k, v) for k, v in form_html.submitted(the_form(r.text)) if k != "csrf"]
    r = kabid.post(first, [*again, ("konfirmasi", "berikutnya")])
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/berkas/periksa/") and r.headers["location"].endswith("?tersimpan=1")
    assert text(kabid.get(r.headers["location"]).xpath("//h1")[0]) == "Periksa berkas Andi Pratama"
    assert counts(kabid.get(f"/berkas/antrian?periode={root}")) == [
        "1 menunggu pemeriksaan",
        "0 dikembalikan, sedang direvisi peserta",
        "0 diterima",
        "1 ditolak",
    ]


def andis_check_opened(api: Api, browser: Any) -> tuple[int, Any, str, list[tuple[str, str]]]:
    """Andi's registration the only one sent; the Kabid opens it with "Buka berikutnya" and marks it accepted:
    (the period, the Kabid's browser, the split view's address, the form's pairs as they would be sent)."""
    root = b.registration_open(api, [Calon("peserta")])
    sop.submit_apl(api, "peserta", sop.JWD)
    kabid = browser("kabid_administrasi")
    kabid.get("/berkas/antrian")
    location = kabid.post("/berkas/antrian/berikutnya", {"periode": root}).headers["location"]
    pairs = [(k, v) for k, v in form_html.submitted(the_form(kabid.page(location)[1])) if k != "csrf"]
    pairs += [("pemeriksaan.bukti.0.status", "ada_memenuhi"), ("pemeriksaan.keputusan", "diterima")]
    return root, kabid, location, pairs


def test_a_check_sent_meanwhile_says_so_in_the_split_view_and_sends_nothing_again(
    api: Api, clock: Clock, browser: Any
) -> None:
    root, kabid, location, pairs = andis_check_opened(api, browser)
    [check] = sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA)
    sop.check_files(api, {"peserta": ("ditolak", "Dikirim dari tab lain")})  # the same user, another tab

    r = kabid.post(location, [*pairs, ("aksi", "berikutnya")])
    assert r.status_code == 409
    doc = lxml.html.fromstring(r.text)
    [alert] = doc.xpath("//div[@role='alert' and contains(@class,'pemberitahuan-konflik')]")
    assert text(alert) == "Tugas ini sudah dikerjakan oleh Anda. Jawaban Anda tidak dikirim. Kembali ke antrian"
    assert alert.xpath(".//a/@href") == [f"/berkas/antrian?periode={root}"]
    assert doc.xpath("//form[@id='formulir-periksa']") == []
    assert sop.task_detail(api, "kabid_administrasi", check["id"])["submitted"]["pemeriksaan"]["keputusan"] == "ditolak"


def test_the_last_check_of_the_queue_leads_back_to_the_queue_saying_it_is_empty(
    api: Api, clock: Clock, browser: Any
) -> None:
    root, kabid, location, pairs = andis_check_opened(api, browser)
    r = kabid.post(location, [*pairs, ("aksi", "berikutnya")])
    assert r.status_code == 303
    doc = kabid.get(r.headers["location"])
    assert "Pemeriksaan tersimpan. Tidak ada lagi berkas yang menunggu pemeriksaan Anda" in text(doc)
    assert counts(doc) == [
        "0 menunggu pemeriksaan",
        "0 dikembalikan, sedang direvisi peserta",
        "1 diterima",
        "0 ditolak",
    ]


def test_an_evidence_file_is_shown_inline_in_a_same_origin_frame_to_staff_and_refused_to_another_candidate(
    api: Api, browser: Any
) -> None:
    b.registration_open(api, [Calon("peserta"), Calon("peserta2")])
    t = sop.one(api, "peserta", b.APL)
    berkas_id = sop.upload(api, "peserta", t["id"]).json()["id"]

    r = browser("kabid_administrasi").client.get(f"/berkas/{berkas_id}/lihat")
    assert r.status_code == 200
    assert r.content == sop.PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline")
    assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert (r.headers["x-content-type-options"], r.headers["cache-control"]) == ("nosniff", "no-store")
    # The API's own answer may be framed by no page (hence this route).
    api_answer = api.get("kabid_administrasi", f"/api/berkas/{berkas_id}")
    assert "frame-ancestors 'none'" in api_answer.headers["content-security-policy"]

    assert browser("peserta").client.get(f"/berkas/{berkas_id}/lihat").status_code == 200
    refused = browser("peserta2").client.get(f"/berkas/{berkas_id}/lihat")
    assert refused.status_code == 403
    assert "Anda tidak berhak melihat berkas ini." in refused.text
    assert sop.PDF not in refused.content


def test_the_picker_fills_the_forms_rows_with_every_candidate_of_a_prodi_and_the_rows_pass(
    api: Api, browser: Any
) -> None:
    root = int(sop.start_period(api)["id"])
    sop.step_1_and_2(api, root)
    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=root)
    kabid = browser("kabid_administrasi")
    r = kabid.post(f"/pendaftaran/{t['id']}/pilihan", {"pilih": "peserta", "tambah_prodi": "Teknik Kimia Polimer"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/pendaftaran/buka/{t['id']}?tersimpan=1#pemilih-peserta"

    draft = sop.task_detail(api, "kabid_administrasi", t["id"])["draft"]["data"]["daftar_pendaftar"]
    tkp = ["peserta5", *[f"peserta{i}" for i in range(29, 41)]]  # the 13 of Teknik Kimia Polimer, by NIM
    assert [row["username"] for row in draft] == ["peserta", *tkp]
    assert {row["skema_nomor"] for row in draft[1:]} == {sop.MUTU} and draft[0]["skema_nomor"] == sop.JWD

    # Ticking hundreds sends a field each: past Starlette's default of 1000 fields the form is still read.
    many = [("pilih", "peserta"), *[("pilih", f"bukan-peserta-{i}") for i in range(1200)]]
    r = kabid.post(f"/pendaftaran/{t['id']}/pilihan", many)
    assert r.status_code == 303
    rows = sop.task_detail(api, "kabid_administrasi", t["id"])["draft"]["data"]["daftar_pendaftar"]
    assert rows == [{"username": "peserta", "skema_nomor": sop.JWD}]  # who is no active candidate is left out

    r = kabid.post(f"/pendaftaran/{t['id']}/pilihan", {"kosongkan": "1"})
    assert sop.task_detail(api, "kabid_administrasi", t["id"])["draft"]["data"] == {"daftar_pendaftar": []}
    api.complete("kabid_administrasi", t["id"], {"daftar_pendaftar": draft})
    assert len(sop.tasks_named(api, "peserta40", b.APL)) == 1


def test_buka_pendaftaran_shows_the_chosen_rows_read_only_and_after_sending_the_progress_of_opening(
    api: Api, browser: Any
) -> None:
    root = int(sop.start_period(api)["id"])
    sop.step_1_and_2(api, root)
    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=root)
    kabid = browser("kabid_administrasi")
    kabid.post(f"/pendaftaran/{t['id']}/pilihan", {"tambah_prodi": "Teknik Industri Otomotif"})

    doc, html = kabid.page(f"/pendaftaran/buka/{t['id']}?tersimpan=1")
    assert "Daftar pendaftar (10)" in text(doc)
    form = html[html.index('<form method="post" action="/pendaftaran/buka/') :]
    form = form[: form.index("</form>")]
    assert "<select" not in form  # one line per candidate, never a list of every candidate per row
    rows = doc.xpath("//fieldset[contains(@class,'kelompok-baris')]")
    assert len(rows) == 10
    assert "Cahyo Nugroho — 2301001, Teknik Industri Otomotif" in text(rows[0])
    assert "Operator Perakitan Kendaraan Bermotor Roda Empat (SKM/LSP-STMI/002/2024)" in text(rows[0])
    pairs = [(k, v) for k, v in form_html.submitted(form + "</form>") if k != "csrf"]

    r = kabid.post(f"/pendaftaran/buka/{t['id']}", pairs)
    assert r.status_code == 303
    assert r.headers["location"] == f"/berkas/antrian?periode={root}&dibuka=1"
    # The task has `asyncAfter`: until the worker has run the period on, the queue says so and keeps asking.
    doc = kabid.get(r.headers["location"])
    assert "Pendaftaran dibuka." in text(doc)
    assert "Langkah berikutnya sedang disiapkan; kemajuannya tampil di sini sebentar lagi." in text(doc)
    assert doc.xpath("//div[@id='progres-periode']/@hx-trigger") == ["every 2s"]
    api.drain()
    doc = kabid.get(r.headers["location"])
    assert "Selesai: sudah dimulai untuk semua 10 peserta." in text(doc)
    assert "sedang disiapkan" not in text(doc)
    assert doc.xpath("//div[@id='progres-periode']/@hx-trigger") == []
    assert counts(doc)[0] == "0 menunggu pemeriksaan"


def test_the_picker_lists_every_active_candidate_with_the_proposal_ticked(api: Api) -> None:
    root = int(sop.start_period(api)["id"])
    sop.step_1_and_2(api, root)
    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=root)
    task = TaskDetail.model_validate(sop.task_detail(api, "kabid_administrasi", t["id"]))
    panel = for_form(task.form.file)  # as the task page finds it
    assert panel is not None
    k = panel.build(api.app.state.db, kabid_user(api), task)
    assert len(k["baris"]) == 40
    # The proposal: as many of each target prodi as its target (2 SIIO, 2 TIO, 1 TKP), by NIM.
    chosen = [r["p"].username for r in k["baris"] if r["dipilih"]]
    assert chosen == ["peserta", "peserta2", "peserta3", "peserta4", "peserta5"]
    assert [(t["prodi"], t["jumlah"], t["dipilih"]) for t in k["target"]] == [
        ("Sistem Informasi Industri Otomotif", 2, 2),
        ("Teknik Industri Otomotif", 2, 2),
        ("Teknik Kimia Polimer", 1, 1),
    ]


def test_the_progress_of_a_fan_out_counts_the_children_started_and_stops_polling_when_all_are(
    api: Api, browser: Any
) -> None:
    _deploy(api)
    many = FIRST_BATCH + 30
    r = api.post(
        "direktur",
        "/api/process-definitions/uji_induk/instances",
        json={"business_key": "BANYAK", "data": {"daftar": ["peserta", *[f"calon{i:04d}" for i in range(many - 1)]]}},
    )
    period = r.json()["id"]
    [buka] = api.inbox("direktur", instance_id=period)
    api.complete("direktur", buka["id"], {"diterima": True, "catatan": ""})
    kabid = browser("kabid_administrasi")

    doc = kabid.get(f"/berkas/antrian/progres?periode={period}")
    [bar] = doc.xpath("//progress")
    assert (bar.get("value"), bar.get("max")) == (str(FIRST_BATCH), str(many))
    assert f"Sedang dimulai: {FIRST_BATCH} dari {many} peserta" in text(doc)
    [poll] = doc.xpath("//*[@id='progres-periode']")
    assert (poll.get("hx-trigger"), poll.get("hx-swap")) == ("every 2s", "outerHTML")

    api.drain()
    doc = kabid.get(f"/berkas/antrian/progres?periode={period}")
    assert f"Selesai: sudah dimulai untuk semua {many} peserta." in text(doc)
    assert doc.xpath("//*[@id='progres-periode']")[0].get("hx-trigger") is None
    assert browser("peserta").client.get(f"/berkas/antrian/progres?periode={period}").status_code == 403


def test_beside_the_pleno_each_candidate_shows_the_asesors_recommendation_and_those_not_assessed_apart(
    api: Api, browser: Any
) -> None:
    calon = [
        Calon("peserta"),
        Calon("peserta3", sop.OPR, "asesor2", "TUK-02", bk=True),
        Calon("peserta4", sop.OPR, "asesor2", "TUK-02", hadir=False),
    ]
    b.assessed(api, calon)
    t = sop.one(api, "kabid_sertifikasi", b.PLENO)
    doc = browser("kabid_sertifikasi").get(f"/tasks/{t['id']}")
    [panel] = doc.xpath("//section[contains(@class,'panel-pleno')]")
    assert counts(panel) == ["2 peserta dinilai", "1 rekomendasi K", "1 rekomendasi BK", "1 tidak dinilai"]
    rows = [[text(td) for td in tr.xpath("./td")] for tr in panel.xpath(".//tbody/tr")]
    assert [r[0] for r in rows] == [
        "Andi Pratama Junior Web Developer",
        "Cahyo Nugroho Operator Perakitan Kendaraan Bermotor Roda Empat",
    ]
    assert rows[0][2].startswith("Kompeten (K)") and rows[1][2].startswith("Belum kompeten (BK)")
    assert " BK: " in rows[1][2]
    assert all(r[3] == "Buka FR.AK.02 " + r[0].split(" ")[0] + " " + r[0].split(" ")[1] + " (tab baru)" for r in rows)
    assert "Dian Puspitasari (Operator Perakitan Kendaraan Bermotor Roda Empat): Tidak hadir" in text(panel)


def test_beside_the_assignment_each_asesors_load_is_shown_against_the_ratio(api: Api, browser: Any) -> None:
    calon = [Calon("peserta"), Calon("peserta2"), Calon("peserta3", sop.OPR)]
    b.registered(api, calon)
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN)
    doc = browser("kabid_sertifikasi").get(f"/tasks/{t['id']}")
    [panel] = doc.xpath("//section[contains(@class,'panel-penugasan')]")
    assert "paling banyak 10 peserta per asesor" in text(panel)
    load = [[text(td) for td in tr.xpath("./td")] for tr in panel.xpath("(.//table)[1]/tbody/tr")]
    assert sum(int(r[1].split("/")[0]) for r in load) == 3
    assert all(r[1].endswith("/10") for r in load)
    assert "3 peserta diterima" in text(panel) and "belum mendapat asesor" not in text(panel)
    # the proposal puts all three in the first session at the first TUK, which holds 30 in a session
    [(sesi, tuk, jumlah)] = [[text(td) for td in tr.xpath("./td")] for tr in panel.xpath("(.//table)[2]/tbody/tr")]
    assert sesi.startswith("Sesi 1 — ") and sesi.endswith("pukul 08.00–12.00 WIB")
    assert (tuk, jumlah) == ("Laboratorium Komputer Terpadu (TUK-01) — kapasitas 30 orang", "3")


def test_the_task_pages_of_opening_registration_and_of_a_check_link_to_their_own_screens(
    api: Api, clock: Clock
) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    opening = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi")
    with signed_in(api.app, "kabid_administrasi") as kabid:
        answer = kabid.get(f"/tasks/{opening['id']}")
        picker = f"/pendaftaran/buka/{opening['id']}"
        assert answer.status_code == 200 and f'href="{picker}"' in answer.text
        sop.open_registration(api, root, {"peserta": sop.JWD})
        submit_in_order(api, clock, ["peserta"], SKEMA)
        check = sop.one(api, "kabid_administrasi", b.MEMERIKSA)
        answer = kabid.get(f"/tasks/{check['id']}")
        split_view = f"/berkas/periksa/{check['id']}"
        assert answer.status_code == 200 and f'href="{split_view}"' in answer.text
