"""The form renderer's behaviour in a real browser (Debian's Chromium driven by Playwright), on a page served
by the test itself: a row added and another removed leave the rows numbered in order, so what the browser
submits reads back as the rows on screen; a conditional part appears when its condition holds; a file is
uploaded at once with the CSRF header and its id goes into the form; a file too large or refused is said in
Indonesian. A failure leaves a screenshot beside the test's temporary files."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.settings import PROJECT_ROOT
from api.ui import formulir
from tests.support import foto

BASE = "http://formulir.test"
STATIC = PROJECT_ROOT / "api" / "ui" / "static"
FORMS = PROJECT_ROOT / "forms"
WAIT = 60_000  # ms: the machine may be busy; nothing here waits on time, only on the page


def page_html(schema: dict[str, Any], data: dict[str, Any], errors: Any = ()) -> str:
    form = formulir.error_summary(errors, schema) + formulir.render(
        schema, data, errors, upload_url="/api/tasks/t1/berkas"
    )
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Uji</title><link rel="stylesheet" href="/ui/static/ui.css"></head>'
        '<body data-csrf="token-uji"><main class="isi">'
        f'<form id="f" class="formulir">{form}</form></main></body></html>'
    )


class Site:
    """The page, the sheet and script from api/ui/static, and an upload endpoint that records what it got."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.uploads: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}  # what GET /api/berkas/{id} serves (an uploaded picture's preview)
        self.answer: tuple[int, dict[str, Any]] = (
            201,
            {"id": 42, "nama": "sertifikat.pdf", "content_type": "application/pdf", "size": 2048, "sha256": "0"},
        )

    def __call__(self, route: Any) -> None:
        request = route.request
        path = request.url[len(BASE) :]
        if path == "/":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.html)
        elif path.startswith("/ui/static/"):
            name = path.rsplit("/", 1)[-1]
            kind = "text/css" if name.endswith(".css") else "text/javascript"
            route.fulfill(status=200, content_type=kind, body=(STATIC / name).read_text())
        elif path.partition("?")[0] == "/api/tasks/t1/berkas" and request.method == "POST":
            self.uploads.append(
                {"csrf": request.headers.get("x-csrf-token"), "size": len(request.post_data_buffer or b""), "url": path}
            )
            status, body = self.answer
            route.fulfill(status=status, content_type="application/json", body=json.dumps(body))
        elif path in self.files:
            route.fulfill(status=200, content_type="image/png", body=self.files[path])
        else:
            route.fulfill(status=404, body="")


@pytest.fixture
def browser(chromium: Any) -> Any:
    """The module's Chromium (tests/support/browser.py): Playwright's sync API runs one at a time."""
    return chromium


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """Opens a page of the form at phone width; each page is screenshotted into tmp_path when the test ends."""
    pages: list[Any] = []

    def opened(schema: dict[str, Any], data: dict[str, Any]) -> tuple[Any, Site]:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.set_default_timeout(WAIT)
        site = Site(page_html(schema, data))
        page.route(f"{BASE}/**", site)
        page.goto(f"{BASE}/")
        pages.append(page)
        return page, site

    yield opened
    for i, page in enumerate(pages):
        page.screenshot(path=str(tmp_path / f"halaman-{i}.png"), full_page=True)
        page.close()


def submitted(page: Any) -> list[tuple[str, str]]:
    """What the browser would post: the form's FormData as (name, value) pairs."""
    pairs = page.evaluate("() => Array.from(new FormData(document.getElementById('f')).entries())")
    return [(str(k), str(v)) for k, v in pairs]


def schema_of(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FORMS / name).read_text())
    return loaded


APL = {
    "apl01": {
        "tujuan_asesmen": "sertifikasi",
        "pendidikan": "D3",
        "bukti": [
            {"jenis": "dasar", "nama": "Kartu tanda mahasiswa", "berkas_id": 11},
            {"jenis": "administratif", "nama": "Transkrip", "berkas_id": 12},
        ],
        "pernyataan": True,
    },
    "apl02": [
        {
            "unit_kode": "J.620100.004.02",
            "elemen": [{"elemen": "Mengidentifikasi konsep data dan struktur data", "kompeten": True}],
        }
    ],
}


def test_a_row_added_with_an_upload_and_the_first_removed_submit_as_the_rows_on_screen(open_page: Any) -> None:
    schema = schema_of("apl01_apl02.json")
    page, site = open_page(schema, APL)
    page.get_by_role("button", name="Tambah bukti").click()
    row = page.locator("#f-apl01-bukti-2")
    assert row.locator("> legend").inner_text() == "Bukti 3"
    assert page.evaluate("document.activeElement.id") == "f-apl01-bukti-2-jenis-1"  # focus moves into the new row
    page.get_by_label("Portofolio").nth(2).check()
    page.locator("#f-apl01-bukti-2-nama").fill("Sertifikat pelatihan")
    page.locator("#f-apl01-bukti-2-berkas_id").set_input_files(
        files=[{"name": "sertifikat.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.wait_for_function("document.querySelector('[name=\"apl01.bukti.2.berkas_id\"]').value === '42'")
    assert "sertifikat.pdf" in row.locator("[data-berkas-info]").inner_text()
    assert row.locator("[data-berkas-info] a").get_attribute("href") == "/api/berkas/42"
    assert site.uploads[0]["csrf"] == "token-uji"

    page.get_by_role("button", name="Hapus Bukti 1").click()
    assert page.locator("[data-daftar='apl01.bukti'] .kelompok-baris > legend").all_inner_texts() == [
        "Bukti 1",
        "Bukti 2",
    ]
    assert page.evaluate("document.activeElement.textContent") == "Tambah bukti"
    assert page.get_by_label("Nama bukti").nth(1).input_value() == "Sertifikat pelatihan"  # labels follow their rows
    assert formulir.parse(schema, submitted(page))["apl01"]["bukti"] == [
        {"jenis": "administratif", "nama": "Transkrip", "berkas_id": 12},
        {"jenis": "portofolio", "nama": "Sertifikat pelatihan", "berkas_id": 42},
    ]


def test_the_registration_asks_for_the_pas_foto_in_a_field_of_its_own_and_uploads_it_as_the_photo(
    open_page: Any, tmp_path: Path
) -> None:
    schema = schema_of("apl01_apl02.json")
    page, site = open_page(schema, APL)
    picker = page.get_by_label("Pas foto 3 × 4")
    assert picker.get_attribute("type") == "file" and picker.get_attribute("accept") == "image/jpeg,image/png"
    field = page.locator(".bidang", has=page.locator("#f-apl01-pas_foto_berkas_id"))
    hint = " ".join(field.inner_text().split())
    assert "Foto diri tegak (potret) berbanding 3 × 4, paling kecil 300 × 400 piksel" in hint
    assert "Berkas JPEG atau PNG, paling besar 2 MB." in hint
    box = field.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390  # no sideways scrolling on a phone

    # A PDF is refused in the page already, naming what the field takes.
    picker.set_input_files(files=[{"name": "foto.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    info = field.locator("[data-berkas-info]")
    assert info.inner_text() == "Jenis berkas ini tidak diterima: pilih JPEG atau PNG."
    assert site.uploads == []

    site.answer = (201, {"id": 43, "nama": "pas-foto.png", "content_type": "image/png", "size": len(foto.PNG)})
    site.files["/api/berkas/43"] = foto.PNG
    picker.set_input_files(files=[{"name": "pas-foto.png", "mimeType": "image/png", "buffer": foto.PNG}])
    page.wait_for_function("document.querySelector('[name=\"apl01.pas_foto_berkas_id\"]').value === '43'")
    assert site.uploads[-1]["url"] == "/api/tasks/t1/berkas?jenis=pas_foto"  # marked as the photo
    preview = field.locator("img.pratinjau")
    preview.wait_for()
    assert preview.get_attribute("alt") == "Pratinjau pas-foto.png"
    assert formulir.parse(schema, submitted(page))["apl01"]["pas_foto_berkas_id"] == 43
    field.screenshot(path=str(tmp_path / "pas-foto.png"))


def test_the_reason_appears_when_the_decision_needs_one(open_page: Any) -> None:
    schema = schema_of("memeriksa_berkas.json")
    data = {
        "pemeriksaan": {"bukti": [{"berkas_id": 11, "nama": "KTM", "status": "ada_memenuhi"}], "keputusan": "diterima"}
    }
    page, _ = open_page(schema, data)
    alasan = page.locator("#f-pemeriksaan-alasan")
    assert not alasan.is_visible()
    page.get_by_label("Ditolak").check()
    alasan.wait_for(state="visible")
    assert page.locator("label[for='f-pemeriksaan-alasan']").inner_text() == "Alasan (wajib)"
    alasan.fill("Transkrip tidak terbaca")
    assert ("pemeriksaan.alasan", "Transkrip tidak terbaca") in submitted(page)
    page.get_by_label("Diterima").check()
    alasan.wait_for(state="hidden")
    assert "pemeriksaan.alasan" not in dict(submitted(page))  # what is hidden is not sent
    assert not page.get_by_role("button", name="Tambah bukti").is_visible()  # the candidate's files: fixed rows


def test_a_file_too_large_is_refused_before_it_is_sent(open_page: Any) -> None:
    schema = schema_of("apl01_apl02.json")
    page, site = open_page(schema, APL)
    page.locator("#f-apl01-bukti-0-berkas_id").set_input_files(
        files=[{"name": "besar.pdf", "mimeType": "application/pdf", "buffer": b"%" * (6 * 1024 * 1024)}]
    )
    info = page.locator("#f-apl01-bukti-0 [data-berkas-info]")
    assert info.inner_text() == "Berkas 6 MB terlalu besar: paling besar 5 MB."
    assert site.uploads == []
    assert page.locator("[name='apl01.bukti.0.berkas_id']").input_value() == "11"


def test_a_file_the_server_refuses_says_why_in_indonesian(open_page: Any) -> None:
    schema = schema_of("apl01_apl02.json")
    page, site = open_page(schema, APL)
    site.answer = (
        415,
        {"detail": "not a PDF", "errors": [{"path": "file", "message": "berkas bukan PDF, PNG atau JPEG"}]},
    )
    page.locator("#f-apl01-bukti-0-berkas_id").set_input_files(
        files=[{"name": "foto.pdf", "mimeType": "application/pdf", "buffer": b"bukan pdf"}]
    )
    info = page.locator("#f-apl01-bukti-0 [data-berkas-info]")
    page.wait_for_function("document.querySelector('#f-apl01-bukti-0 [data-berkas-info]').textContent.includes('PNG')")
    assert info.inner_text() == "Berkas bukan PDF, PNG atau JPEG"
    assert page.locator("[name='apl01.bukti.0.berkas_id']").input_value() == "11"


AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.mark.parametrize(
    ("name", "data", "errors"),
    [
        ("apl01_apl02.json", APL, [{"path": "apl01.bukti.1.nama", "message": "tidak boleh kosong"}]),
        ("apl01_apl02.json", {}, []),
        ("memeriksa_berkas.json", {"pemeriksaan": {"bukti": [{"berkas_id": 11, "nama": "KTM"}]}}, []),
        ("ak02_penilaian.json", {}, [{"path": "penilaian.unit.0.metode", "message": "tidak boleh kosong"}]),
        ("rapat_pleno.json", {}, []),
        ("banding_ak04.json", {"banding": {"ajukan": True}}, []),
    ],
)
def test_axe_finds_no_wcag_violation_in_a_drawn_form(
    browser: Any, name: str, data: dict[str, Any], errors: list[dict[str, str]]
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci`")
    schema = schema_of(name)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(WAIT)
    html = page_html(schema, data, errors)
    assert ("ringkasan-galat" in html) == bool(errors)
    page.route(f"{BASE}/**", Site(html))
    page.goto(f"{BASE}/")
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    page.close()
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == []


def test_rows_of_one_field_keep_their_labels_numbered_after_add_and_remove(open_page: Any) -> None:
    schema = schema_of("tim_banding.json")  # as deployed: the members are typed, one per row
    page, _ = open_page(schema, {"tim_banding": {"anggota": ["direktur", "asesor3"]}})
    page.get_by_role("button", name="Tambah username anggota").click()
    page.get_by_label("Username anggota 3").fill("kabid_administrasi")
    page.get_by_role("button", name="Hapus Username anggota 1").click()
    assert page.locator("[data-daftar='tim_banding.anggota'] label").all_inner_texts() == [
        "Username anggota 1 (wajib)",
        "Username anggota 2 (wajib)",
    ]
    assert page.get_by_label("Username anggota 2").input_value() == "kabid_administrasi"
    assert formulir.parse(schema, submitted(page)) == {"tim_banding": {"anggota": ["asesor3", "kabid_administrasi"]}}


def test_a_condition_in_an_added_row_follows_that_row(open_page: Any) -> None:
    schema = schema_of("rapat_pleno.json")
    data = {"pleno": {"tanggal": "2026-06-20", "tempat": "Ruang rapat", "keputusan": [{"username": "peserta"}]}}
    page, _ = open_page(schema, data)
    page.get_by_role("button", name="Tambah keputusan").click()
    page.locator("#f-pleno-keputusan-1-keputusan-3").check()  # Ditunda in the new row
    page.locator("#f-pleno-keputusan-1-catatan").wait_for(state="visible")
    assert not page.locator("#f-pleno-keputusan-0-catatan").is_visible()
    page.locator("#f-pleno-keputusan-0-keputusan-1").check()  # Kompeten in the first: its note stays hidden
    page.get_by_role("button", name="Hapus Keputusan 1").click()
    page.locator("#f-pleno-keputusan-0-catatan").wait_for(state="visible")  # the ditunda row, now the first
    assert page.locator("#f-pleno-keputusan-0 > legend").inner_text() == "Keputusan 1"
