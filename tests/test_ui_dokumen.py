"""The Dokumen page, its render progress, download and preview, and the .xlsx import page (issue 11, part 2's
Dokumen screen and part 5): each role sees the documents it may read, in Indonesian, and nothing waits on a batch.
"""

import hashlib
import html
import io
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from api.store.master import Sertifikat
from api.store.models import Dokumen
from api.store.storage import stores
from tests.sop.test_sertifikat import numbers_waiting, xlsx
from tests.support import pages, sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.databases import Template
from tests.support.live_server import LiveServer, live_server_in

PDF = b"%PDF-1.4\n% a rendered document\n"


class Page:
    """A browser's session: one user signed in through the login page, carrying the session cookie."""

    def __init__(self, api: Api, username: str) -> None:
        self.client = TestClient(api.app)
        r = self.client.post(
            "/login", data={"username": username, "password": f"{username}-demo"}, follow_redirects=False
        )
        assert r.status_code == 303, r.text

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, follow_redirects=False, **kw)

    def csrf(self) -> str:
        found = re.search(r'data-csrf="([^"]+)"', self.get("/dokumen").text)
        assert found, "the layout carries the session's CSRF token"
        return found.group(1)

    def post(self, path: str, **kw: Any) -> Any:
        return self.client.post(path, follow_redirects=False, **kw)


def issue(
    api: Api,
    root: int,
    kind: str,
    number: str,
    *,
    candidate: str | None = None,
    state: str = "siap",
    data: dict[str, Any] | None = None,
) -> int:
    """A document of the period as the service tasks leave it, rendered (siap), waiting or failed."""
    file: dict[str, Any] = {}
    if state == "siap":
        sha256 = stores(api.app.state.settings.data_dir).dokumen.put(PDF + number.encode())
        file = {
            "sha256": sha256,
            "rendered_at": datetime.now(UTC),
            "content_type": "application/pdf",
            "file_name": f"{kind}.pdf",
            "size": len(PDF),
        }
    elif state == "gagal":
        file = {"render_error": "templat tidak ditemukan", "render_attempts": 5}
    with api.app.state.db.transaction() as session:
        doc = Dokumen(
            instance_id=root,
            root_id=root,
            task_id=f"t-{number}",
            element_id="e",
            kind=kind,
            key=number,
            title=kind,
            number=number,
            month=12,
            year=2026,
            candidate=candidate,
            data=data or {},
            created_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),  # 1 Desember 2026, 09.00 WIB
            **file,
        )
        session.add(doc)
        session.flush()
        return doc.id


def row_of(page_html: str, doc_id: int) -> str:
    """The text of a document's row (tags dropped, spaces collapsed)."""
    found = re.search(rf'<tr id="dokumen-{doc_id}">(.*?)</tr>', page_html, re.S)
    assert found, f"document {doc_id} is listed"
    return pages.teks(found.group(1))


def listed_ids(page_html: str) -> set[int]:
    return {int(i) for i in re.findall(r'<tr id="dokumen-(\d+)">', page_html)}


def text_of(page_html: str) -> str:
    return pages.teks(page_html)


def test_a_candidate_sees_only_their_own_documents_of_the_kinds_candidates_read(api: Api) -> None:
    root = sop.start_period(api)["id"]
    mine = issue(api, root, "kartu_peserta", "001/LSP/KP/XII/2026", candidate="peserta")
    theirs = issue(api, root, "kartu_peserta", "002/LSP/KP/XII/2026", candidate="peserta2")
    letter = issue(api, root, "nota_dinas", "001/ND/XII/2026")
    r = Page(api, "peserta").get("/dokumen")
    assert r.status_code == 200
    assert listed_ids(r.text) == {mine}
    assert row_of(r.text, mine) == (
        "001/LSP/KP/XII/2026 1 Desember 2026 Siap "
        "Pratinjau Kartu Peserta Uji Kompetensi 001/LSP/KP/XII/2026 "
        "Unduh PDF Kartu Peserta Uji Kompetensi 001/LSP/KP/XII/2026"
    )
    assert "Kartu Peserta Uji Kompetensi" in r.text and "002/LSP/KP/XII/2026" not in r.text
    # Nor does a search or a filter reach another candidate's document.
    r = Page(api, "peserta").get("/dokumen", params={"cari": "002/LSP", "periode": str(root)})
    assert listed_ids(r.text) == set() and "Tidak ada dokumen yang cocok" in r.text
    assert Page(api, "peserta").get(f"/dokumen/{theirs}/unduh").status_code == 403
    assert Page(api, "peserta").get(f"/dokumen/{letter}/pratinjau").status_code == 403


def test_an_asesor_sees_the_documents_that_name_them(api: Api) -> None:
    root = sop.start_period(api)["id"]
    tugas = issue(api, root, "surat_tugas_asesor", "001/ST-AS/XII/2026", data={"asesor": {"username": "asesor"}})
    issue(api, root, "surat_tugas_asesor", "002/ST-AS/XII/2026", data={"asesor": {"username": "asesor2"}})
    issue(api, root, "berita_acara_pleno", "001/BA-PL/XII/2026")
    r = Page(api, "asesor").get("/dokumen")
    assert listed_ids(r.text) == {tugas}
    assert "Surat Tugas Asesor Kompetensi" in r.text


def test_staff_see_the_periods_documents_grouped_by_kind_with_their_labels_and_render_states(api: Api) -> None:
    root = sop.start_period(api, "LSP-2026-GENAP")["id"]
    siap = issue(api, root, "nota_dinas", "001/ND/XII/2026")
    waiting = issue(api, root, "kartu_peserta", "001/KP/XII/2026", candidate="peserta", state="sedang_dibuat")
    failed = issue(api, root, "kartu_peserta", "002/KP/XII/2026", candidate="peserta2", state="gagal")
    r = Page(api, "kabid_administrasi").get("/dokumen")
    assert r.status_code == 200
    assert listed_ids(r.text) == {siap, waiting, failed}
    text = text_of(r.text)
    assert (
        "Periode LSP-2026-GENAP Unduh arsip periode LSP-2026-GENAP (ZIP) "
        "Unduh register sertifikat LSP-2026-GENAP (.xlsx) Nota Dinas" in text
    )
    assert "Kartu Peserta Uji Kompetensi" in text
    assert text.index("Nota Dinas") < text.index("Kartu Peserta Uji Kompetensi")  # the registry's order
    assert "Siap" in row_of(r.text, siap) and "Unduh PDF" in row_of(r.text, siap)
    assert "Sedang dibuat" in row_of(r.text, waiting) and "Unduh" not in row_of(r.text, waiting)
    assert "Coba lagi" not in row_of(r.text, waiting)
    assert "Gagal dibuat" in row_of(r.text, failed) and "Coba lagi" in row_of(r.text, failed)
    assert "Bunga Maharani" in row_of(r.text, failed)
    # The period's rendering: 1 of 3 ready, 1 failed, still polling for the one waiting.
    assert "LSP-2026-GENAP : 1 dari 3 dokumen siap, 1 gagal" in text
    # Filtered by kind, and searched by a candidate's name.
    r = Page(api, "kabid_administrasi").get("/dokumen", params={"jenis": "kartu_peserta"})
    assert listed_ids(r.text) == {waiting, failed}
    r = Page(api, "kabid_administrasi").get("/dokumen", params={"cari": "bunga"})
    assert listed_ids(r.text) == {failed}


def test_a_corrected_document_and_a_replaced_certificate_say_so(api: Api) -> None:
    root = sop.start_period(api)["id"]
    old = issue(api, root, "tor", "001/TOR/XII/2026")
    with api.app.state.db.transaction() as session:
        new = Dokumen(
            **{
                c: getattr(session.get(Dokumen, old), c)
                for c in ("instance_id", "root_id", "task_id", "element_id", "kind", "key", "title", "number")
            },
            month=12,
            year=2026,
            data={},
            created_at=datetime(2026, 12, 2, 2, 0, tzinfo=UTC),
            version=2,
            supersedes_id=old,
            correction_reason="Salah tulis anggaran",
        )
        session.add(new)
        session.flush()
        new_id = new.id
    cert = issue(api, root, "sertifikat", "62090 2512 4 0000001 2026", candidate="peserta")
    with api.app.state.db.transaction() as session:
        session.add(
            Sertifikat(
                kode_verifikasi="kode-uji-1",
                peserta_username="peserta",
                nama="Andi Pratama",
                skema_nomor="SKM/1",
                skema_judul="Junior Web Developer",
                no_sertifikat="62090 2512 4 0000001 2026",
                no_registrasi="TIK 1",
                no_blangko="B-1",
                terbit=datetime(2026, 12, 1).date(),
                berlaku_sd=datetime(2029, 12, 1).date(),
                status="diganti",
                instance_id=root,
                root_id=root,
                document_id=cert,
                created_at=datetime(2026, 12, 1, tzinfo=UTC),
            )
        )
    r = Page(api, "kabid_administrasi").get("/dokumen")
    assert "Diganti oleh versi 2" in row_of(r.text, old)
    assert "Versi 2 (koreksi: Salah tulis anggaran)" in row_of(r.text, new_id)
    assert "Sertifikat diganti" in row_of(r.text, cert)
    assert 'href="http://127.0.0.1:8000/verify/kode-uji-1"' in r.text
    mine = Page(api, "peserta").get("/dokumen")
    assert "Tautan verifikasi" in row_of(mine.text, cert)


def test_the_progress_fragment_polls_every_2_s_while_documents_wait_and_stops_when_all_are_rendered(
    api: Api,
) -> None:
    root = sop.start_period(api, "LSP-2026-GENAP")["id"]
    sop.step_1_and_2(api, root)  # the Nota Dinas, TOR, RAB and SK Jadwal wait for the renderer
    staff = Page(api, "kabid_administrasi")
    r = staff.get(f"/dokumen/progres/{root}", headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert 'hx-trigger="every 2s"' in r.text and f'hx-get="/dokumen/progres/{root}"' in r.text
    assert text_of(r.text) == (
        "LSP-2026-GENAP : 0 dari 4 dokumen siap 0 dari 4 Sedang dibuat: 4 dokumen lagi. Halaman ini diperbarui sendiri."
    )
    assert "<html" not in r.text  # a fragment, not a page
    api.app.state.settings.render_processes = 0
    assert api.app.state.worker.render_documents() == 4
    r = staff.get(f"/dokumen/progres/{root}", headers={"HX-Request": "true"})
    assert "hx-trigger" not in r.text and "hx-get" not in r.text
    assert text_of(r.text) == (
        "LSP-2026-GENAP : 4 dari 4 dokumen siap 4 dari 4 Semua dokumen sudah siap. Lihat dokumennya"
    )
    # Opened without htmx (a bookmark, no JavaScript), the same progress comes as a whole page.
    whole = staff.get(f"/dokumen/progres/{root}")
    assert '<html lang="id">' in whole.text and "<h1>Pembuatan dokumen</h1>" in whole.text
    # Only staff follow a period's rendering.
    assert Page(api, "peserta").get(f"/dokumen/progres/{root}").status_code == 403


def test_download_gives_the_pdf_and_says_sedang_dibuat_while_the_document_is_rendered(api: Api) -> None:
    root = sop.start_period(api)["id"]
    siap = issue(api, root, "kartu_peserta", "001/KP/XII/2026", candidate="peserta")
    waiting = issue(api, root, "kartu_peserta", "002/KP/XII/2026", candidate="peserta", state="sedang_dibuat")
    page = Page(api, "peserta")
    r = page.get(f"/dokumen/{siap}/unduh")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment;")
    # The page answers with the API's headers: tagged by its SHA-256, framed nowhere.
    assert r.headers["etag"] == f'"{hashlib.sha256(PDF + b"001/KP/XII/2026").hexdigest()}"'
    assert r.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert r.content == PDF + b"001/KP/XII/2026"
    r = page.get(f"/dokumen/{waiting}/unduh")
    assert r.status_code == 409
    assert "Dokumen sedang dibuat" in r.text and "Coba lagi dalam beberapa saat" in r.text
    failed = issue(api, root, "kartu_peserta", "003/KP/XII/2026", candidate="peserta", state="gagal")
    r = page.get(f"/dokumen/{failed}/unduh")
    assert r.status_code == 409 and "Dokumen gagal dibuat" in r.text and "sedang dibuat" not in r.text
    r = page.get("/dokumen/999999/unduh")
    assert r.status_code == 404 and "Dokumen tidak ditemukan" in r.text


def test_an_address_the_pages_cannot_read_gets_an_indonesian_page_never_json(api: Api) -> None:
    root = sop.start_period(api)["id"]
    doc = issue(api, root, "nota_dinas", "001/ND/XII/2026")
    staff = Page(api, "kabid_administrasi")
    r = staff.get("/dokumen", params={"halaman": "0", "periode": "semua", "cari": "x" * 500, "jenis": "y" * 90})
    assert r.status_code == 200 and "Tidak ada dokumen yang cocok dengan saringan ini." in r.text
    r = staff.get("/dokumen", params={"halaman": "99"})  # past the last page: the last page
    assert r.status_code == 200 and listed_ids(r.text) == {doc}
    for path in ("/dokumen/abc/unduh", "/dokumen/99999999999/pratinjau", "/dokumen/progres/-1"):
        r = staff.get(path)
        assert (r.status_code, r.headers["content-type"]) == (404, "text/html; charset=utf-8"), path
        assert "tidak ditemukan" in r.text
    r = staff.post("/dokumen/abc/coba-lagi", data={"csrf": staff.csrf(), "kembali": "//elsewhere.example"})
    assert r.status_code == 404 and 'href="/dokumen"' in r.text


def test_a_page_without_a_session_leads_to_the_login_page(api: Api) -> None:
    r = TestClient(api.app).get("/dokumen/1/unduh", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/dokumen/1/unduh"


def test_coba_lagi_gives_a_failed_document_back_to_the_renderer_for_staff_only(api: Api) -> None:
    root = sop.start_period(api)["id"]
    failed = issue(api, root, "kartu_peserta", "002/KP/XII/2026", candidate="peserta", state="gagal")
    candidate = Page(api, "peserta")
    r = candidate.post(f"/dokumen/{failed}/coba-lagi", data={"csrf": candidate.csrf()})
    assert r.status_code == 403 and "Tidak berhak" in r.text
    staff = Page(api, "kabid_administrasi")
    assert staff.post(f"/dokumen/{failed}/coba-lagi", data={}).status_code == 403  # no CSRF token
    r = staff.post(f"/dokumen/{failed}/coba-lagi", data={"csrf": staff.csrf(), "kembali": "/dokumen?jenis=kartu"})
    assert r.status_code == 303 and r.headers["location"] == "/dokumen?jenis=kartu"
    with api.app.state.db.reading() as session:
        row = session.get(Dokumen, failed)
        assert row is not None and (row.render_error, row.render_attempts) == (None, 0)
    assert "Sedang dibuat" in row_of(staff.get("/dokumen").text, failed)
    r = staff.post(f"/dokumen/{failed}/coba-lagi", data={"csrf": staff.csrf()})
    assert r.status_code == 409 and "Tidak perlu dicoba lagi" in r.text


def test_a_spreadsheet_with_a_bad_row_shows_that_rows_indonesian_error_and_completes_nothing(api: Api) -> None:
    root, task = numbers_waiting(api)
    page = Page(api, "kabid_administrasi")
    form = page.get(f"/tasks/{task}/impor")
    assert form.status_code == 200
    assert "Mencatat nomor sertifikat dari BNSP" in form.text and "no_blangko" in form.text
    # The sheet to fill comes pre-filled with the Kompeten candidates, their names on a second sheet.
    templat = page.get(f"/tasks/{task}/impor/templat")
    assert templat.status_code == 200 and templat.headers["content-disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(templat.content))
    assert [list(r) for r in book["Isian"].iter_rows(values_only=True)] == [
        ["username", "no_sertifikat", "no_registrasi", "no_blangko"],
        ["peserta", None, None, None],
        ["peserta2", None, None, None],
    ]
    pilihan = [(a, b_, str(c).split(" — ")[0]) for a, b_, c in book["Pilihan"].iter_rows(min_row=2, values_only=True)]
    assert pilihan == [("username", "peserta", "Andi Pratama"), ("username", "peserta2", "Bunga Maharani")]
    # peserta3 is BK: their row (row 4 of the sheet, under the header) is refused.
    bad = xlsx(sop.nomor_sertifikat(["peserta", "peserta2", "peserta3"]))
    # A form posted without the session's CSRF token (as another site could) is refused before anything.
    forged = page.post(f"/tasks/{task}/impor", files={"berkas": ("nomor.xlsx", bad, "application/octet-stream")})
    assert forged.status_code == 403
    r = page.post(
        f"/tasks/{task}/impor",
        data={"csrf": page.csrf()},
        files={"berkas": ("nomor.xlsx", bad, "application/octet-stream")},
    )
    assert r.status_code == 422, r.text
    assert "Lembar kerja ditolak: tidak ada yang disimpan" in r.text
    cells = r'<td data-label="Baris">(.*?)</td>.*?<td data-label="Masalah">(.*?)</td>'
    rows = re.findall(cells, r.text, re.S)
    assert [(row, "hanya untuk peserta kompeten" in html.unescape(message)) for row, message in rows] == [("4", True)]
    assert 'aria-invalid="true"' in r.text
    assert b.certificates(api) == []
    assert [t["id"] for t in sop.tasks_named(api, "kabid_administrasi", b.NOMOR)] == [task]

    r = page.post(
        f"/tasks/{task}/impor",
        data={"csrf": page.csrf()},
        files={"berkas": ("nomor.xlsx", b"not a spreadsheet", "application/octet-stream")},
    )
    assert r.status_code == 422 and "bukan lembar kerja .xlsx yang dapat dibaca" in r.text

    good = xlsx(sop.nomor_sertifikat(["peserta", "peserta2"]))
    r = page.post(
        f"/tasks/{task}/impor",
        data={"csrf": page.csrf()},
        files={"berkas": ("nomor.xlsx", good, "application/octet-stream")},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/tasks/{task}/impor"
    api.drain()
    done = page.get(f"/tasks/{task}/impor")
    assert "Tugas selesai" in done.text and "Pembuatan dokumen" in done.text
    with api.app.state.db.reading() as session:
        assert len(session.scalars(select(Sertifikat).where(Sertifikat.root_id == root)).all()) == 2


def test_a_task_without_a_spreadsheet_import_says_so(api: Api) -> None:
    root = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)
    r = Page(api, "direktur").get(f"/tasks/{t['id']}/impor")
    assert r.status_code == 422 and "Tugas ini tidak diisi dari lembar kerja .xlsx." in r.text


def test_a_long_list_comes_in_pages_of_50(api: Api) -> None:
    root = sop.start_period(api)["id"]
    ids = [issue(api, root, "kartu_peserta", f"{n:03d}/KP/XII/2026", state="sedang_dibuat") for n in range(1, 52)]
    staff = Page(api, "kabid_administrasi")
    first = staff.get("/dokumen")
    assert listed_ids(first.text) == set(ids[:50])
    assert "51 dokumen, halaman 1 dari 2." in text_of(first.text)
    assert 'href="/dokumen?halaman=2"' in first.text
    second = staff.get("/dokumen", params={"halaman": "2"})
    assert listed_ids(second.text) == {ids[50]}
    assert "Sebelumnya" in second.text and "Berikutnya" not in second.text
    # The filter stays on the pages.
    kind = staff.get("/dokumen", params={"jenis": "kartu_peserta", "cari": "KP"})
    assert 'href="/dokumen?jenis=kartu_peserta&amp;cari=KP&amp;halaman=2"' in kind.text


# --- In a real browser (Debian's Chromium through Playwright) against `ujikom serve`: htmx polls the progress.

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def server_without_renderer(
    tmp_path: Path, database_template: Callable[[str], Template], monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveServer]:
    """`ujikom serve` whose documents wait until the test runs `ujikom worker --once` beside it."""
    monkeypatch.setenv("UJIKOM_EMBEDDED_WORKER", "false")
    data_dir = tmp_path / "data"
    url = database_template("sqlite").new_database(data_dir)
    with live_server_in(data_dir, url) as server:
        yield server


def test_in_a_browser_the_progress_bar_follows_the_renderer_and_stops_polling_when_done(
    server_without_renderer: LiveServer, chromium: Any, tmp_path: Path
) -> None:
    server = server_without_renderer
    api = Api(httpx.Client(base_url=server.base, timeout=60), app=None)  # type: ignore[arg-type]
    root = sop.start_period(api, "LSP-2026-GENAP")["id"]
    sop.step_1_and_2(api, root)  # the Nota Dinas, TOR, RAB and SK Jadwal wait: no renderer runs yet
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    # the page lives in the module's Chromium (tests/support/browser.py)
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{server.base}/login?next=/dokumen")
        page.fill("#username", "kabid_administrasi")
        page.fill("#password", "kabid_administrasi-demo")
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.wait_for_url(f"{server.base}/dokumen")
        bar = page.locator(f"#progres-{root}")
        assert " ".join(bar.inner_text().split()).startswith("LSP-2026-GENAP: 0 dari 4 dokumen siap")
        with page.expect_request(f"{server.base}/dokumen/progres/{root}"):
            pass  # htmx asks again by itself while documents wait
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
        assert [v["id"] for v in result["violations"]] == []
        subprocess.run([Path(sys.executable).parent / "ujikom", "worker", "--once"], env=server.env, check=True)
        page.wait_for_selector(f"#progres-{root}:not([hx-trigger])")  # the finished fragment polls no more
        assert " ".join(bar.inner_text().split()).startswith("LSP-2026-GENAP: 4 dari 4 dokumen siap")
        page.get_by_role("link", name="Lihat dokumennya").click()
        page.wait_for_url(f"{server.base}/dokumen?periode={root}")
        assert page.get_by_text("Sedang dibuat").count() == 0
        assert page.get_by_role("link", name=re.compile("^Unduh PDF")).count() == 4
        assert page.get_by_role("link", name="Unduh arsip periode LSP-2026-GENAP (ZIP)").count() == 1
    except Exception:
        page.screenshot(path=str(tmp_path / "gagal.png"), full_page=True)
        print(f"screenshot: {tmp_path / 'gagal.png'}")
        raise
    finally:
        context.close()
