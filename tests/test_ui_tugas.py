"""Tugas saya and Kerjakan tugas, as a signed-in user sees them: rows with step, candidate, skema and due badge;
tabs, filters, counts per step and paging; claim and unclaim in place (htmx) and without JavaScript; Indonesian
error pages; no other candidate's task. The period is driven through the REST API (tests/support/sop.py);
expected values come from api/seed/demo.json and processes/*.bpmn, written by hand."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient

from api.clock import Clock
from api.ui import tugas
from tests.support import sop
from tests.support.api import Api

CHECK = "Memeriksa kelengkapan berkas pendaftaran"
CLOSE = "Menutup pendaftaran"
APL = "Mengisi FR.APL.01 dan FR.APL.02"
TARGET_TASK = "Menetapkan target uji kompetensi"
MONTHS = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"


class Browser:
    """One user's browser: a cookie session from POST /login, pages asked for as a browser asks (text/html)."""

    def __init__(self, app: Any, username: str) -> None:
        self.client = TestClient(app, headers={"Accept": "text/html"})
        r = self.client.post(
            "/login", data={"username": username, "password": f"{username}-demo"}, follow_redirects=False
        )
        assert r.status_code == 303, r.text
        self.csrf = ""

    def get(self, path: str, expect: int = 200) -> lxml.html.HtmlElement:
        r = self.client.get(path, follow_redirects=False)
        assert r.status_code == expect, r.text
        doc = lxml.html.fromstring(r.text)
        self.csrf = doc.body.get("data-csrf", self.csrf)
        return doc

    def post(self, path: str, data: dict[str, Any] | None = None, *, htmx: bool = False, csrf: bool = True) -> Any:
        """A form post (with the page's CSRF token as a field, as the forms carry it) or an htmx one (the header)."""
        body = dict(data or {})
        headers = {}
        if htmx:
            headers["HX-Request"] = "true"
            if csrf:
                headers["X-CSRF-Token"] = self.csrf
        elif csrf:
            body["csrf"] = self.csrf
        return self.client.post(path, data=body, headers=headers, follow_redirects=False)


def text(node: Any) -> str:
    """What a user reads in a node: its text with the whitespace of the markup collapsed."""
    return " ".join(node.text_content().split())


def rows(doc: lxml.html.HtmlElement) -> list[str]:
    return [text(tr) for tr in doc.xpath("//table[contains(@class,'tabel-tugas')]/tbody/tr")]


def row_of(doc: lxml.html.HtmlElement, *words: str) -> lxml.html.HtmlElement:
    [tr] = [tr for tr in doc.xpath("//tbody/tr") if all(w in text(tr) for w in words)]
    return tr


@pytest.fixture
def browser(api: Api) -> Iterator[Any]:
    opened: list[Browser] = []

    def open_as(username: str) -> Browser:
        api.headers(username)  # the user exists and logs in
        b = Browser(api.app, username)
        opened.append(b)
        return b

    yield open_as
    for b in opened:
        b.client.close()


@pytest.fixture
def evidence_check(api: Api) -> int:
    """Kabid Administrasi has three evidence checks (peserta, peserta2, peserta3) and the closing of the
    registration of period LSP-2026-GENAP, all due in 7 days (step 3's standard)."""
    period = int(sop.start_period(api)["id"])
    sop.step_1_and_2(api, period)
    sop.open_registration(api, period)
    for username in ("peserta", "peserta2", "peserta3"):
        sop.submit_apl(api, username)
    return period


def second_kabid_administrasi(api: Api) -> str:
    r = api.post(
        "admin",
        "/api/users",
        json={
            "username": "kabid_adm2",
            "full_name": "Rina Kusuma",
            "password": "kabid_adm2-demo",
            "roles": ["kabid_administrasi"],
        },
    )
    assert r.status_code == 201, r.text
    return "kabid_adm2"


def test_each_row_says_the_task_its_step_the_candidate_skema_period_and_a_due_badge(
    browser: Any, evidence_check: int
) -> None:
    doc = browser("kabid_administrasi").get("/tasks")

    assert text(doc.xpath("//h1")[0]) == "Tugas saya"
    step = "Langkah 3 · Menerima pendaftaran uji kompetensi"
    assert rows(doc)[1:] == [
        f"{CHECK} {step} Andi Pratama (NIM 2303001) Junior Web Developer LSP-2026-GENAP 7 hari lagi "
        + text(row_of(doc, "Andi Pratama").xpath(".//span[@class='tanggal-tempo']")[0])
        + " Klaim",
        f"{CHECK} {step} Bunga Maharani (NIM 2303002) Junior Web Developer LSP-2026-GENAP 7 hari lagi "
        + text(row_of(doc, "Bunga Maharani").xpath(".//span[@class='tanggal-tempo']")[0])
        + " Klaim",
        f"{CHECK} {step} Cahyo Nugroho (NIM 2301001) Operator Perakitan Kendaraan Bermotor Roda Empat "
        "LSP-2026-GENAP 7 hari lagi "
        + text(row_of(doc, "Cahyo Nugroho").xpath(".//span[@class='tanggal-tempo']")[0])
        + " Klaim",
    ]
    assert rows(doc)[0].startswith(f"{CLOSE} {step} Seluruh periode - LSP-2026-GENAP 7 hari lagi")
    due = text(row_of(doc, "Andi Pratama").xpath(".//span[@class='tanggal-tempo']")[0])
    assert re.fullmatch(rf"\d{{1,2}} ({MONTHS}) \d{{4}}, \d\d\.\d\d WIB", due), due
    # the tabs and the count per step
    assert [text(a) for a in doc.xpath("//nav[@class='tab-tugas']//a")] == ["Semua 4", "Milik saya 0", "Terlambat 0"]
    assert doc.xpath("//nav[@class='tab-tugas']//a[@aria-current='page']")[0].text.strip() == "Semua"
    assert [text(a) for a in doc.xpath("//section[@class='per-langkah']//a")] == [
        "Langkah 3 · Menerima pendaftaran uji kompetensi 4"
    ]


def test_a_task_past_its_due_date_says_how_late_it_is_and_is_under_terlambat(
    browser: Any, clock: Clock, evidence_check: int
) -> None:
    clock.advance(timedelta(days=8))
    page = browser("kabid_administrasi")
    doc = page.get("/tasks")
    badge = row_of(doc, "Andi Pratama").xpath(".//span[contains(@class,'lencana-lewat')]")
    assert [text(b) for b in badge] == ["Terlambat 1 hari"]
    assert [text(a) for a in doc.xpath("//nav[@class='tab-tugas']//a")] == ["Semua 4", "Milik saya 0", "Terlambat 4"]
    assert len(rows(page.get("/tasks?tab=terlambat"))) == 4


def test_the_filters_narrow_the_rows_by_text_skema_and_step_and_say_so_when_nothing_matches(
    browser: Any, api: Api, evidence_check: int
) -> None:
    page = browser("kabid_administrasi")
    assert [r.split(" Langkah")[0] for r in rows(page.get("/tasks?q=bunga"))] == [CHECK]
    assert "Bunga Maharani" in rows(page.get("/tasks?q=2303002"))[0]
    operators = rows(page.get(f"/tasks?skema={sop.OPR}"))
    assert len(operators) == 1 and "Cahyo Nugroho" in operators[0]
    assert len(rows(page.get("/tasks?step=3"))) == 4
    empty = page.get("/tasks?step=5")
    assert rows(empty) == []
    assert text(empty.xpath("//div[contains(@class,'kosong')]")[0]).startswith(
        "Tidak ada tugas yang cocok dengan pilihan ini."
    )
    # the filter form offers what there is, with counts
    doc = page.get("/tasks")
    assert [text(o) for o in doc.xpath("//select[@id='saring-skema']/option")] == [
        "Semua skema",
        "Junior Web Developer (2)",
        "Operator Perakitan Kendaraan Bermotor Roda Empat (1)",
    ]
    assert [text(o) for o in doc.xpath("//select[@id='saring-period']/option")] == [
        "Semua periode",
        "LSP-2026-GENAP (4)",
    ]


def test_claiming_in_place_answers_the_row_and_hides_the_task_from_the_others_of_the_lane(
    browser: Any, api: Api, evidence_check: int
) -> None:
    other = second_kabid_administrasi(api)
    page = browser("kabid_administrasi")
    doc = page.get("/tasks")
    task_id = row_of(doc, "Bunga Maharani").get("id").removeprefix("tugas-")

    r = page.post(f"/tasks/{task_id}/claim", {"kembali": "/tasks"}, htmx=True)
    assert r.status_code == 200, r.text
    row = lxml.html.fragment_fromstring(r.text.strip())
    assert row.tag == "tr" and row.get("id") == f"tugas-{task_id}"
    assert "Bunga Maharani" in text(row) and text(row).endswith("Anda kerjakan Lepas")

    assert "Bunga Maharani" not in " ".join(rows(browser(other).get("/tasks")))
    mine = page.get("/tasks?tab=saya")
    assert [("Bunga Maharani" in r) for r in rows(mine)] == [True]
    assert [text(a) for a in mine.xpath("//nav[@class='tab-tugas']//a")] == ["Semua 4", "Milik saya 1", "Terlambat 0"]

    # Lepas without JavaScript: a form post, then back to the same view with a message
    r = page.post(f"/tasks/{task_id}/unclaim", {"kembali": "/tasks?tab=saya"})
    assert r.status_code == 303 and r.headers["location"] == "/tasks?tab=saya&pesan=dilepas"
    back = page.get(r.headers["location"])
    assert text(back.xpath("//p[@role='status']")[0]).startswith("Tugas dilepas")
    assert rows(back) == []
    assert "Bunga Maharani" in " ".join(rows(browser(other).get("/tasks")))


def test_claiming_a_task_someone_else_just_took_says_so_in_the_row(browser: Any, api: Api, evidence_check: int) -> None:
    other = second_kabid_administrasi(api)
    page = browser("kabid_administrasi")
    task_id = row_of(page.get("/tasks"), "Andi Pratama").get("id").removeprefix("tugas-")
    assert api.post(other, f"/api/tasks/{task_id}/claim").status_code == 200

    r = page.post(f"/tasks/{task_id}/claim", {"kembali": "/tasks"}, htmx=True)
    assert r.status_code == 200
    assert "sudah diambil orang lain" in r.text
    r = page.post(f"/tasks/{task_id}/claim", {"kembali": "/tasks"})
    assert r.status_code == 303 and r.headers["location"] == "/tasks?pesan=diambil"


def test_a_claim_without_the_csrf_token_is_refused_with_an_indonesian_403_page(
    browser: Any, evidence_check: int
) -> None:
    page = browser("kabid_administrasi")
    task_id = row_of(page.get("/tasks"), "Andi Pratama").get("id").removeprefix("tugas-")
    r = page.post(f"/tasks/{task_id}/claim", {"kembali": "/tasks"}, csrf=False)
    assert r.status_code == 403
    doc = lxml.html.fromstring(r.text)
    assert text(doc.xpath("//h1")[0]) == "Akses ditolak"
    assert "Diklaim" not in r.text and "Anda kerjakan" not in " ".join(rows(page.get("/tasks")))


def test_the_inbox_pages_on_with_next_and_previous_links(
    browser: Any, evidence_check: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tugas, "PAGE_SIZE", 3)
    page = browser("kabid_administrasi")
    first = page.get("/tasks")
    assert len(rows(first)) == 3
    assert [text(a) for a in first.xpath("//nav[@class='halaman']/a")] == ["Berikutnya"]
    second = page.get(first.xpath("//a[@rel='next']")[0].get("href"))
    assert len(rows(second)) == 1
    assert [text(a) for a in second.xpath("//nav[@class='halaman']/a")] == ["Sebelumnya"]
    assert "Halaman 2" in text(second.xpath("//nav[@class='halaman']")[0])


def test_a_candidate_sees_their_own_task_and_not_another_candidates(browser: Any, api: Api) -> None:
    period = int(sop.start_period(api)["id"])
    sop.step_1_and_2(api, period)
    sop.open_registration(api, period)
    theirs = sop.one(api, "peserta2", APL)["id"]

    doc = browser("peserta").get("/tasks")
    [row] = rows(doc)
    assert row.startswith(f"{APL} Langkah 3 · Menerima pendaftaran uji kompetensi Andi Pratama (NIM 2303001)")
    assert row.endswith("Khusus untuk Anda")
    assert "Bunga" not in doc.text_content()

    missing = browser("peserta").get(f"/tasks/{theirs}", expect=404)
    assert text(missing.xpath("//h1")[0]) == "Tugas tidak ditemukan"
    assert "Bunga" not in missing.text_content()


def test_an_address_that_is_no_page_answers_an_indonesian_404_page_and_the_api_keeps_json(
    browser: Any, api: Api
) -> None:
    page = browser("direktur")
    doc = page.get("/tidak-ada", expect=404)
    assert text(doc.xpath("//h1")[0]) == "Halaman tidak ditemukan"
    assert doc.xpath("//html/@lang") == ["id"]
    r = page.client.get("/api/tidak-ada")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
    bad = page.get("/tasks?page=nol", expect=422)
    assert text(bad.xpath("//h1")[0]) == "Isian tidak dapat diterima"
