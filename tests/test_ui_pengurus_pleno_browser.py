"""Pengurus pleno in a real browser at phone width (Debian's Chromium driven by Playwright): the Ketua LSP opens it
from the menu, sends the form empty (refused at its fields), adds the Direktur with two fields ticked, and
deactivates him again; the list is cards at 390 px, nothing wider than the screen; axe-core (from npm) finds no
WCAG 2.2 A/AA violation on the page, its refusal, and the page at desktop width.

The browser talks to the test's own app (the database of the `api` fixture: SQLite, and PostgreSQL when
configured), served by uvicorn in a thread."""

from pathlib import Path
from typing import Any

from tests.conftest import Api
from tests.support.browser import axe, log_in

WAIT = 120_000  # ms: the machine may be busy; nothing here waits on time, only on the page
TIK = "Teknologi Informasi dan Komunikasi"
OTOMOTIF = "Industri Otomotif"
MUSTOFA = "Dr. Mustofa, S.T., M.T."


def _fits(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_ketua_adds_and_deactivates_a_pleno_member_on_a_phone(
    api: Api, served: str, chromium: Any, tmp_path: Path
) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    try:
        log_in(page, served, "ketua_lsp")
        page.get_by_role("link", name="Pengurus pleno").first.click()
        page.get_by_role("heading", name="Pengurus pleno", level=1).wait_for()
        rows = page.locator("tbody tr")
        assert rows.count() == 4
        # At 390 px each member is a card: its cells stacked, nothing wider than the screen.
        assert rows.nth(0).evaluate("el => getComputedStyle(el).display") == "block"
        assert _fits(page)
        axe(page)

        page.get_by_role("button", name="Tambah pengurus").click()
        summary = page.get_by_role("alert")
        summary.get_by_text("Pilih pengguna").wait_for()
        assert summary.get_by_text("Isi jabatan").is_visible()
        assert page.get_by_label("Pengguna (wajib)").get_attribute("aria-invalid") == "true"
        assert _fits(page)
        axe(page)
        page.screenshot(path=str(tmp_path / "pengurus-pleno-galat-390.png"), full_page=True)

        page.get_by_label("Pengguna (wajib)").select_option(label=f"{MUSTOFA} (direktur)")
        page.get_by_label("Jabatan (wajib)").fill("Direktur")
        page.get_by_label(TIK).check()
        page.get_by_label(OTOMOTIF).check()
        page.get_by_role("button", name="Tambah pengurus").click()
        page.get_by_text("Pengurus pleno telah ditambahkan.").wait_for()
        row = page.locator("tbody tr", has_text=MUSTOFA)
        assert f"{OTOMOTIF}, {TIK}" in row.inner_text() and "Aktif" in row.inner_text()
        axe(page)
        page.screenshot(path=str(tmp_path / "pengurus-pleno-390.png"), full_page=True)

        page.get_by_role("button", name=f"Nonaktifkan {MUSTOFA}").click()
        page.get_by_text("Pengurus pleno telah dinonaktifkan").wait_for()
        assert "Nonaktif" in page.locator("tbody tr", has_text=MUSTOFA).inner_text()
        assert page.get_by_role("button", name=f"Aktifkan kembali {MUSTOFA}").is_visible()
        axe(page)

        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.locator("tbody tr").nth(0).evaluate("el => getComputedStyle(el).display") == "table-row"
        axe(page)
        page.screenshot(path=str(tmp_path / "pengurus-pleno-1280.png"), full_page=True)
    except BaseException:
        page.screenshot(path=str(tmp_path / "kegagalan.png"), full_page=True)
        raise
    finally:
        context.close()

    [direktur] = [p for p in api.get("admin", "/api/pengurus-pleno").json()["items"] if p["username"] == "direktur"]
    assert (direktur["jabatan"], direktur["bidang"], direktur["aktif"]) == ("Direktur", [OTOMOTIF, TIK], False)
