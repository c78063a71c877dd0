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
from jinja2 import ChoiceLoader, DictLoader

from api.clock import Clock
from api.ui import konteks, tugas
from api.ui.templating import env
from tests.support import bpmn, sop
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
        f"Pilih {CHECK} untuk Andi Pratama "
        f"{CHECK} {step} Andi Pratama (NIM 2303001) Junior Web Developer LSP-2026-GENAP 7 hari lagi "
        + text(row_of(doc, "Andi Pratama").xpath(".//span[@class='tanggal-tempo']")[0])
        + " Klaim",
        f"Pilih {CHECK} untuk Bunga Maharani "
        f"{CHECK} {step} Bunga Maharani (NIM 2303002) Junior Web Developer LSP-2026-GENAP 7 hari lagi "
        + text(row_of(doc, "Bunga Maharani").xpath(".//span[@class='tanggal-tempo']")[0])
        + " Klaim",
        f"Pilih {CHECK} untuk Cahyo Nugroho "
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
    row, tabs = lxml.html.fragments_fromstring(r.text.strip())
    assert row.tag == "tr" and row.get("id") == f"tugas-{task_id}"
    assert "Bunga Maharani" in text(row) and text(row).endswith("Anda kerjakan Lepas")
    # the tabs' counts follow, as an htmx partial
    assert (tabs.tag, tabs.get("hx-target")) == ("hx-partial", "#tab-tugas")
    assert [text(a) for a in tabs.xpath(".//a")] == ["Semua 4", "Milik saya 1", "Terlambat 0"]

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


# ---- Kerjakan tugas ----


def form_values(doc: lxml.html.HtmlElement, form_id: str = "formulir-tugas") -> dict[str, list[str]]:
    """What a browser would submit of a form as it stands: checked choices only, no <template> rows."""
    [form] = doc.xpath(f"//form[@id='{form_id}']")
    out: dict[str, list[str]] = {}
    for el in form.xpath(".//input[@name] | .//textarea[@name] | .//select[@name]"):
        if el.xpath("ancestor::template"):
            continue
        name, tag, kind = el.get("name"), el.tag, (el.get("type") or "text").lower()
        if tag == "input" and kind in ("submit", "button", "file", "image", "reset"):
            continue
        if tag == "input" and kind in ("radio", "checkbox") and el.get("checked") is None:
            continue
        if tag == "select":
            chosen = el.xpath(".//option[@selected]") or el.xpath(".//option")[:1]
            values = [o.get("value", o.text_content()) for o in chosen]
        elif tag == "textarea":
            values = [(el.text or "").removeprefix("\n")]  # HTML drops the newline right after <textarea>
        else:
            values = [el.get("value", "on" if kind in ("radio", "checkbox") else "")]
        out.setdefault(name, []).extend(values)
    return out


def target_task(api: Api) -> str:
    period = int(sop.start_period(api)["id"])
    return str(sop.one(api, "direktur", TARGET_TASK, instance_id=period)["id"])


def filled_target(doc: lxml.html.HtmlElement, jumlah: str) -> dict[str, list[str]]:
    values = form_values(doc)
    values |= {
        "target.0.skema_nomor": [sop.JWD],
        "target.0.prodi": ["Sistem Informasi Industri Otomotif"],
        "target.0.jumlah": [jumlah],
    }
    return values


def test_a_task_page_shows_its_title_step_period_due_date_and_the_form_with_its_defaults(
    browser: Any, api: Api
) -> None:
    task_id = target_task(api)
    doc = browser("direktur").get(f"/tasks/{task_id}")
    assert text(doc.xpath("//h1")[0]) == TARGET_TASK
    assert text(doc.xpath("//p[@class='langkah']")[0]) == "Langkah 1 · Menetapkan target uji kompetensi"
    summary = text(doc.xpath("//header[@class='kepala-tugas']/dl")[0])
    assert summary.startswith("Periode LSP-2026-GENAP Jatuh tempo ")
    assert summary.endswith("Status Terbuka untuk peran Anda; belum diklaim")
    assert "Target lulusan per skema dan program studi (SOP langkah 1)." in doc.text_content()  # the form's description
    assert doc.xpath("//input[@id='f-periode']/@value") == ["2026 Genap"]  # x-isian: the period's name
    assert [text(b) for b in doc.xpath("//div[@class='aksi-tugas']/button")] == ["Kirim", "Simpan draf"]
    assert doc.xpath("//form[@id='formulir-tugas']/@hx-trigger") == ["input changed delay:2s, change delay:2s"]


def test_kirim_with_an_invalid_value_answers_422_with_the_summary_the_error_at_its_field_and_the_values_kept(
    browser: Any, api: Api
) -> None:
    task_id = target_task(api)
    page = browser("direktur")
    r = page.post(f"/tasks/{task_id}/complete", filled_target(page.get(f"/tasks/{task_id}"), "0"))
    assert r.status_code == 422, r.text
    doc = lxml.html.fromstring(r.text)
    [summary] = doc.xpath("//*[contains(@class,'ringkasan-galat')]")
    assert summary.get("role") == "alert" and summary.xpath(".//a/@href") == ["#f-target-0-jumlah"]
    [field] = doc.xpath("//input[@id='f-target-0-jumlah']")
    assert field.get("aria-invalid") == "true" and field.get("value") == "0"
    assert "f-target-0-jumlah-galat" in field.get("aria-describedby")
    assert text(doc.xpath("//*[@id='f-target-0-jumlah-galat']")[0])  # a message in Indonesian at the field
    assert doc.xpath("//input[@id='f-target-0-prodi']/@value") == ["Sistem Informasi Industri Otomotif"]
    assert sop.task_detail(api, "direktur", task_id)["state"] == "ready"  # nothing was sent


def test_kirim_completes_the_task_and_the_inbox_confirms_and_the_page_shows_what_was_sent(
    browser: Any, api: Api
) -> None:
    task_id = target_task(api)
    page = browser("direktur")
    r = page.post(f"/tasks/{task_id}/complete", filled_target(page.get(f"/tasks/{task_id}"), "2"))
    assert r.status_code == 303 and r.headers["location"] == "/tasks?pesan=terkirim"
    inbox = page.get(r.headers["location"])
    assert text(inbox.xpath("//p[@role='status']")[0]) == "Tugas terkirim. Terima kasih."
    assert TARGET_TASK not in " ".join(rows(inbox))

    done = page.get(f"/tasks/{task_id}")
    assert text(done.xpath("//section[@class='kartu terkirim']/p")[0]).startswith("Dikirim oleh Anda pada ")
    sent = text(done.xpath("//div[@class='data-terkirim']")[0])
    assert sent == (
        "Periode 2026 Genap Target per skema Nomor skema SKM/LSP-STMI/001/2024 "
        "Program studi Sistem Informasi Industri Otomotif Jumlah target lulusan 2"
    )
    assert not done.xpath("//form[@id='formulir-tugas']")


def test_a_draft_is_saved_as_one_types_and_shown_again_after_a_reload(browser: Any, api: Api) -> None:
    task_id = target_task(api)
    page = browser("direktur")
    values = filled_target(page.get(f"/tasks/{task_id}"), "3")
    values["catatan"] = ["Menunggu data prodi"]

    r = page.post(f"/tasks/{task_id}/draft", values, htmx=True)
    assert r.status_code == 200
    assert re.fullmatch(r"Draf tersimpan \d\d\.\d\d WIB", text(lxml.html.fragment_fromstring(r.text)))

    again = page.get(f"/tasks/{task_id}")
    assert again.xpath("//input[@id='f-target-0-jumlah']/@value") == ["3"]
    assert form_values(again)["catatan"] == ["Menunggu data prodi"]
    assert text(again.xpath("//p[@id='status-draf']")[0]).startswith("Draf tersimpan ")
    assert sop.task_detail(api, "direktur", task_id)["draft"]["data"]["catatan"] == "Menunggu data prodi"

    # Simpan draf without JavaScript: a plain post and back to the page with a message
    r = page.post(f"/tasks/{task_id}/draft", values | {"catatan": ["Lengkap"]})
    assert r.status_code == 303 and r.headers["location"] == f"/tasks/{task_id}?pesan=draf"
    assert text(page.get(r.headers["location"]).xpath("//p[@role='status']")[0]).startswith("Draf tersimpan.")


def test_kirim_after_someone_else_completed_the_task_says_who_with_a_link_back(browser: Any, api: Api) -> None:
    task_id = target_task(api)
    page = browser("direktur")
    values = filled_target(page.get(f"/tasks/{task_id}"), "2")
    r = api.post(
        "admin",
        "/api/users",
        json={
            "username": "direktur2",
            "full_name": "Wakil Direktur",
            "password": "direktur2-demo",
            "roles": ["direktur"],
        },
    )
    assert r.status_code == 201
    api.complete("direktur2", task_id, sop.TARGET)

    r = page.post(f"/tasks/{task_id}/complete", values)
    assert r.status_code == 409
    doc = lxml.html.fromstring(r.text)
    [alert] = doc.xpath("//div[@role='alert']")
    assert (
        text(alert)
        == "Tugas ini sudah dikerjakan oleh Wakil Direktur. Jawaban Anda tidak dikirim. Kembali ke Tugas saya"
    )
    assert alert.xpath(".//a/@href") == ["/tasks"]


def test_claiming_on_the_task_page_then_lepas_returns_it_to_the_lane(browser: Any, api: Api) -> None:
    task_id = target_task(api)
    page = browser("direktur")
    page.get(f"/tasks/{task_id}")
    r = page.post(f"/tasks/{task_id}/claim", {"kembali": f"/tasks/{task_id}"})
    assert r.status_code == 303 and r.headers["location"] == f"/tasks/{task_id}?pesan=diklaim"
    doc = page.get(r.headers["location"])
    assert "Status Sedang Anda kerjakan" in text(doc.xpath("//header[@class='kepala-tugas']/dl")[0])
    assert [text(b) for b in doc.xpath("//form[@class='aksi-klaim']/button")] == ["Lepas"]

    r = page.post(f"/tasks/{task_id}/unclaim", {"kembali": "/tasks"})
    assert r.status_code == 303 and r.headers["location"] == "/tasks?pesan=dilepas"
    assert sop.task_detail(api, "direktur", task_id)["claimed_by"] is None


def test_a_refusal_is_asked_about_once_more_before_it_is_sent(browser: Any, api: Api, evidence_check: int) -> None:
    page = browser("kabid_administrasi")
    task_id = row_of(page.get("/tasks"), "Andi Pratama").get("id").removeprefix("tugas-")
    values = form_values(page.get(f"/tasks/{task_id}"))
    values |= {
        "pemeriksaan.bukti.0.status": ["ada_tidak_memenuhi"],
        "pemeriksaan.keputusan": ["ditolak"],
        "pemeriksaan.alasan": ["Bukan mahasiswa tingkat akhir"],
    }
    r = page.post(f"/tasks/{task_id}/complete", values)
    assert r.status_code == 200
    doc = lxml.html.fromstring(r.text)
    [ask] = doc.xpath("//div[@id='konfirmasi']")
    assert "Anda memilih Ditolak. Pilihan ini tidak dapat dibatalkan setelah dikirim." in text(ask)
    assert ask.xpath(".//button/@name") == ["konfirmasi"]
    assert sop.task_detail(api, "kabid_administrasi", task_id)["state"] == "ready"

    r = page.post(f"/tasks/{task_id}/complete", form_values(doc) | {"konfirmasi": ["ya"]})
    assert r.status_code == 303, r.text
    assert sop.task_detail(api, "kabid_administrasi", task_id)["state"] == "completed"


PETUNJUK = bpmn.definitions(
    "petunjuk_uji",
    f"""
    {bpmn.lanes(l1=("Direktur", ["m", "baca", "e"]))}
    <bpmn:startEvent id="m"/>
    <bpmn:userTask id="baca" name="Menerima laporan percobaan">
      <bpmn:documentation>Baca laporan dari Ketua LSP, lalu centang bila laporan diterima.</bpmn:documentation>
      {bpmn.properties(formJsonSchemaFilename=bpmn.FORM)}
    </bpmn:userTask>
    <bpmn:endEvent id="e"/>
    {bpmn.line("m", "baca", "e")}""",
)


def report_task(api: Api) -> str:
    """A Direktur task with BPMN documentation and the shipped form menerima_laporan.json."""
    files = [("files", ("petunjuk_uji.bpmn", PETUNJUK.encode(), "text/xml"))]
    r = api.post("desainer", "/api/deployments", files=files)
    assert r.status_code == 201, r.text
    r = api.post("direktur", "/api/process-definitions/petunjuk_uji/instances", json={"data": {}})
    assert r.status_code == 201, r.text
    [task] = api.inbox("direktur", instance_id=r.json()["id"])
    return str(task["id"])


def test_the_task_page_shows_the_bpmn_documentation_as_instructions_and_the_api_serves_it(
    browser: Any, api: Api
) -> None:
    task_id = report_task(api)
    detail = sop.task_detail(api, "direktur", task_id)
    assert detail["documentation"] == "Baca laporan dari Ketua LSP, lalu centang bila laporan diterima."
    assert detail["form"]["file"] == "menerima_laporan.json"

    doc = browser("direktur").get(f"/tasks/{task_id}")
    [section] = doc.xpath("//section[h2[@id='judul-petunjuk']]")
    assert text(section) == "Petunjuk Baca laporan dari Ketua LSP, lalu centang bila laporan diterima."


def test_a_context_panel_registered_for_the_form_file_is_drawn_beside_the_form(
    browser: Any, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build(db: Any, user: Any, task: Any) -> dict[str, Any]:
        return {"kata": f"Konteks untuk {user.full_name}: {task.name}"}

    konteks._load()
    monkeypatch.setitem(konteks._REGISTRY, "menerima_laporan.json", konteks.Konteks("konteks/uji.html", build))
    assert env.loader is not None
    loader = ChoiceLoader([DictLoader({"konteks/uji.html": "<p id='uji-konteks'>{{ k.kata }}</p>"}), env.loader])
    monkeypatch.setattr(env, "loader", loader)
    task_id = report_task(api)

    doc = browser("direktur").get(f"/tasks/{task_id}")
    [panel] = doc.xpath("//section[contains(@class,'panel-konteks')]")
    assert text(panel) == "Konteks untuk Dr. Mustofa, S.T., M.T.: Menerima laporan percobaan"


# ---- Kerjakan beberapa sekaligus ----

ANAK = bpmn.definitions(
    "uji_anak",
    f"""
    {bpmn.lanes(l1=("Kabid Administrasi", ["m", "isi", "e"]))}
    <bpmn:startEvent id="m"/>
    {bpmn.user_task("isi", "Menerima laporan TUK", sopStep="1")}
    <bpmn:endEvent id="e"/>
    {bpmn.line("m", "isi", "e")}""",
)
INDUK = bpmn.definitions(
    "uji_induk",
    f"""
    {bpmn.lanes(l1=("Direktur", ["m", "anak", "akhir"]))}
    <bpmn:startEvent id="m"/>
    <bpmn:callActivity id="anak" name="Anak" calledElement="uji_anak">{bpmn.properties(childSubject="x", sopStep="1")}
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>daftar</bpmn:loopDataInputRef>
        <bpmn:inputDataItem id="x" name="x"/>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:callActivity>
    <bpmn:endEvent id="akhir"/>
    {bpmn.line("m", "anak", "akhir")}""",
)


def identical_tasks(api: Api) -> list[str]:
    """Three identical Kabid Administrasi tasks (form menerima_laporan.json), one per TUK."""
    for name, content in [("uji_anak.bpmn", ANAK), ("uji_induk.bpmn", INDUK)]:
        r = api.post("desainer", "/api/deployments", files=[("files", (name, content.encode(), "text/xml"))])
        assert r.status_code == 201, r.text
    body = {"data": {"daftar": ["TUK-01", "TUK-02", "TUK-03"]}}
    r = api.post("direktur", "/api/process-definitions/uji_induk/instances", json=body)
    assert r.status_code == 201, r.text
    api.drain()
    found = [t["id"] for t in api.inbox("kabid_administrasi") if t["name"] == "Menerima laporan TUK"]
    assert len(found) == 3
    return found


def test_identical_tasks_can_be_ticked_and_done_with_one_form(browser: Any, api: Api) -> None:
    ids = identical_tasks(api)
    page = browser("kabid_administrasi")
    inbox = page.get("/tasks")
    assert sorted(inbox.xpath("//input[@name='ids'][@form='pilih-beberapa']/@value")) == sorted(ids)
    assert text(inbox.xpath("//form[@id='pilih-beberapa']/button")[0]) == "Kerjakan beberapa sekaligus"

    doc = page.get("/tasks/sekaligus?" + "&".join(f"ids={i}" for i in ids))
    assert text(doc.xpath("//h1")[0]) == "Kerjakan beberapa sekaligus"
    assert len(doc.xpath("//table//tbody/tr")) == 3
    assert text(doc.xpath("//form[@id='formulir-sekaligus']//button[@type='submit']")[0]) == "Kirim untuk 3 tugas"

    # without the required answer: each task refused with its message, nothing done
    r = page.post("/tasks/sekaligus", {"ids": ids})
    assert r.status_code == 422, r.text
    failed = lxml.html.fromstring(r.text)
    assert text(failed.xpath("//div[@role='alert']")[0]).startswith("0 dari 3 tugas terkirim. 3 tugas belum terkirim")
    assert len(failed.xpath("//tbody/tr/td[@data-label='Hasil']/ul[@class='pesan-galat']")) == 3
    assert failed.xpath("//*[contains(@class,'ringkasan-galat')]")

    r = page.post("/tasks/sekaligus", form_values(failed, "formulir-sekaligus") | {"diterima": ["true"]})
    assert r.status_code == 303 and r.headers["location"] == "/tasks?pesan=terkirim&jumlah=3"
    assert text(page.get(r.headers["location"]).xpath("//p[@role='status']")[0]) == "3 tugas terkirim. Terima kasih."
    assert [sop.task_detail(api, "kabid_administrasi", i)["state"] for i in ids] == ["completed"] * 3


def test_tasks_of_different_kinds_or_forms_are_not_done_together(browser: Any, api: Api, evidence_check: int) -> None:
    page = browser("kabid_administrasi")
    inbox = page.get("/tasks")
    checks = inbox.xpath("//input[@name='ids']/@value")
    assert len(checks) == 3  # the three evidence checks; the closing of the registration is alone
    close = row_of(inbox, CLOSE).get("id").removeprefix("tugas-")

    mixed = page.get(f"/tasks/sekaligus?ids={checks[0]}&ids={close}", expect=422)
    assert text(mixed.xpath("//h1")[0]) == "Tidak dapat dikerjakan sekaligus"
    assert "tidak sejenis" in mixed.text_content()
    # each candidate's check serves that candidate's evidence: one set of answers cannot fit them all
    different = page.get(f"/tasks/sekaligus?ids={checks[0]}&ids={checks[1]}", expect=422)
    assert "kerjakan satu per satu" in different.text_content()


def test_an_htmx_click_refused_puts_the_indonesian_message_in_the_main_area_not_the_row(
    browser: Any, evidence_check: int
) -> None:
    page = browser("kabid_administrasi")
    task_id = row_of(page.get("/tasks"), "Andi Pratama").get("id").removeprefix("tugas-")
    r = page.post(f"/tasks/{task_id}/claim", {"kembali": "/tasks"}, htmx=True, csrf=False)
    assert r.status_code == 403
    assert (r.headers["hx-retarget"], r.headers["hx-reswap"]) == ("#isi", "innerHTML")
    fragment = lxml.html.fragment_fromstring(r.text.strip())
    assert fragment.get("role") == "alert" and text(fragment.xpath("//h1")[0]) == "Akses ditolak"
    assert "<html" not in r.text


def test_claim_goes_back_only_to_the_inbox_or_a_task_page(browser: Any, evidence_check: int) -> None:
    page = browser("kabid_administrasi")
    doc = page.get("/tasks")
    ids = [tr.get("id").removeprefix("tugas-") for tr in doc.xpath("//tbody/tr")]
    for task_id, elsewhere in zip(ids, ["https://contoh.test/", "//contoh.test/tasks", "/dasbor"], strict=False):
        r = page.post(f"/tasks/{task_id}/claim", {"kembali": elsewhere})
        assert r.status_code == 303 and r.headers["location"] == "/tasks?pesan=diklaim", elsewhere


def test_a_candidates_short_inbox_shows_no_filters(browser: Any, api: Api) -> None:
    period = int(sop.start_period(api)["id"])
    sop.step_1_and_2(api, period)
    sop.open_registration(api, period)
    doc = browser("peserta").get("/tasks")
    assert len(rows(doc)) == 1
    assert not doc.xpath("//details[contains(@class,'saringan')]") and not doc.xpath("//section[@class='per-langkah']")


def test_a_failing_context_panel_leaves_the_task_workable_with_a_notice(
    browser: Any, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build(db: Any, user: Any, task: Any) -> dict[str, Any]:
        raise RuntimeError("a bug in a context builder")

    konteks._load()
    monkeypatch.setitem(konteks._REGISTRY, "menerima_laporan.json", konteks.Konteks("konteks/uji.html", build))
    task_id = report_task(api)

    doc = browser("direktur").get(f"/tasks/{task_id}")
    assert "Bahan pertimbangan tugas ini tidak dapat ditampilkan saat ini." in doc.text_content()
    assert doc.xpath("//form[@id='formulir-tugas']") and not doc.xpath("//section[contains(@class,'panel-konteks')]")


def test_a_draft_of_a_form_with_more_than_a_thousand_fields_is_kept(browser: Any, api: Api) -> None:
    task_id = target_task(api)
    page = browser("direktur")
    values = form_values(page.get(f"/tasks/{task_id}"))
    for i in range(600):  # 1800 fields: Starlette reads 1000 by default
        values |= {f"target.{i}.skema_nomor": [sop.JWD], f"target.{i}.prodi": ["Prodi"], f"target.{i}.jumlah": ["1"]}
    r = page.post(f"/tasks/{task_id}/draft", values)
    assert r.status_code == 303, r.text
    assert len(sop.task_detail(api, "direktur", task_id)["draft"]["data"]["target"]) == 600
    r = page.post(f"/tasks/{task_id}/draft", values, htmx=True)
    assert r.status_code == 200 and "Draf tersimpan" in r.text


def test_the_check_of_a_revised_registration_starts_without_the_earlier_verdicts_and_the_revision_keeps_its_answers(
    browser: Any, api: Api, evidence_check: int
) -> None:
    """The task's data still holds the earlier check (its decision, reason, marks and the id of the file since
    replaced): the task page draws the check from the form's proposal, as the split view does, while the
    candidate's revision starts from their own earlier answers."""
    kabid, andi = browser("kabid_administrasi"), browser("peserta")
    first = row_of(kabid.get("/tasks"), "Andi Pratama").get("id").removeprefix("tugas-")
    sent = sop.task_data(api, "kabid_administrasi", first)["apl01"]["bukti"][0]["berkas_id"]
    verdict = {
        "bukti": [{"berkas_id": sent, "nama": "Kartu tanda mahasiswa", "status": "ada_tidak_memenuhi"}],
        "keputusan": "dikembalikan",
        "alasan": "Pindaian KTM tidak terbaca",
    }
    api.complete("kabid_administrasi", first, {"pemeriksaan": verdict})

    [revision] = api.inbox("peserta")
    answers = form_values(andi.get(f"/tasks/{revision['id']}"))
    assert answers["apl01.pendidikan"] == ["D3 (tingkat akhir)"]
    assert answers["apl01.bukti.0.nama"] == ["Kartu tanda mahasiswa"]
    replaced = sop.upload(api, "peserta", revision["id"], "ktm-baru.pdf").json()["id"]
    data = sop.task_data(api, "peserta", revision["id"])
    api.complete(
        "peserta",
        revision["id"],
        {
            "apl01": {
                **data["apl01"],
                "bukti": [{"jenis": "dasar", "nama": "Kartu tanda mahasiswa", "berkas_id": replaced}],
            },
            "apl02": data["apl02"],
        },
    )

    again = row_of(kabid.get("/tasks"), "Andi Pratama").get("id").removeprefix("tugas-")
    assert again != first
    assert sop.task_data(api, "kabid_administrasi", again)["pemeriksaan"] == verdict  # the data still holds it
    values = form_values(kabid.get(f"/tasks/{again}"))
    assert values.get("pemeriksaan.keputusan") is None and values.get("pemeriksaan.bukti.0.status") is None
    assert values["pemeriksaan.alasan"] == [""]
    assert values["pemeriksaan.bukti.0.berkas_id"] == [str(replaced)]
    assert values["pemeriksaan.bukti.0.nama"] == ["Kartu tanda mahasiswa"]
    # The split view starts from the same place.
    split = form_values(kabid.get(f"/berkas/periksa/{again}"), "formulir-periksa")
    assert {k: v for k, v in split.items() if k != "csrf"} == {k: v for k, v in values.items() if k != "csrf"}
