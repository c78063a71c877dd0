"""Pengganti saat saya tidak ada in a real browser at phone width (Debian's Chromium driven by Playwright): the Kabid
Administrasi names her substitute (an empty form is refused at its fields first), the substitute finds her task in
Tugas saya marked "atas nama" her and opens it, and she ends the substitution; axe-core (from npm) finds no WCAG
2.2 A/AA violation on the page, its refusal, the substitute's inbox and the task page.

The browser talks to the test's own app (the database of the `api` fixture: SQLite, and PostgreSQL when
configured), served by uvicorn in a thread; the period is walked through the REST API."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.conftest import Api
from tests.support import sop
from tests.support.browser import axe, log_in

WAIT = 120_000  # ms: the machine may be busy; nothing here waits on time, only on the page
MEMBUKA = "Membuka pendaftaran uji kompetensi"


def phone(chromium: Any) -> Any:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    return page


def test_naming_a_substitute_who_then_finds_the_task_atas_nama_in_their_inbox(
    api: Api, served: str, chromium: Any, tmp_path: Path
) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    today = sop.today(api)
    kabid, pengganti = phone(chromium), phone(chromium)
    try:
        log_in(kabid, served, "kabid_administrasi")
        kabid.get_by_role("link", name="Pengganti").first.click()
        kabid.get_by_role("heading", name="Pengganti saat saya tidak ada").wait_for()
        axe(kabid)

        kabid.get_by_label("Mulai tanggal").fill("")
        kabid.get_by_role("button", name="Tunjuk pengganti").click()
        summary = kabid.get_by_role("alert")
        summary.get_by_text("Pilih pengganti").wait_for()
        assert summary.get_by_text("Isi tanggal mulai").is_visible()
        assert summary.get_by_text("Pilih alasan").is_visible()
        assert kabid.get_by_label("Pengganti (wajib)").get_attribute("aria-invalid") == "true"
        axe(kabid)

        kabid.get_by_label("Pengganti (wajib)").select_option(label="Agus Salim, S.T., M.Kom.")
        kabid.get_by_label("Mulai tanggal").fill(str(today))
        kabid.get_by_label("Sampai tanggal").fill(str(today + timedelta(days=2)))
        kabid.get_by_label("Cuti").check()
        kabid.get_by_label("Keterangan").fill("Cuti tahunan")
        kabid.get_by_role("button", name="Tunjuk pengganti").click()
        kabid.get_by_text("Pengganti telah ditunjuk.").wait_for()
        row = kabid.locator("tbody tr", has_text="Agus Salim")
        assert "Berlaku" in row.inner_text() and "Cuti: Cuti tahunan" in row.inner_text()
        axe(kabid)
        kabid.screenshot(path=str(tmp_path / "pengganti-390.png"), full_page=True)

        log_in(pengganti, served, "kabid_sertifikasi")
        pengganti.goto(f"{served}/tasks")
        task_row = pengganti.locator("tbody tr", has_text=MEMBUKA)
        task_row.get_by_text("atas nama Sri Wahyuni, S.E.").wait_for()
        axe(pengganti)
        pengganti.screenshot(path=str(tmp_path / "tugas-atas-nama-390.png"), full_page=True)
        task_row.get_by_role("link", name=MEMBUKA).click()
        pengganti.get_by_role("heading", name=MEMBUKA).wait_for()
        assert pengganti.get_by_text("Anda pengganti yang ditunjuknya").is_visible()
        axe(pengganti)

        kabid.get_by_role("button", name="Akhiri penggantian oleh Agus Salim, S.T., M.Kom.").click()
        kabid.get_by_text("Penggantian telah diakhiri.").wait_for()
        assert "Diakhiri" in kabid.locator("tbody tr", has_text="Agus Salim").inner_text()
        axe(kabid)
        kabid.set_viewport_size({"width": 1280, "height": 900})
        axe(kabid)
        kabid.screenshot(path=str(tmp_path / "pengganti-1280.png"), full_page=True)
        pengganti.goto(f"{served}/tasks")
        pengganti.get_by_role("heading", name="Tugas saya").wait_for()
        assert pengganti.locator("tbody tr", has_text=MEMBUKA).count() == 0
    except BaseException:
        for name, page in (("kabid", kabid), ("pengganti", pengganti)):
            page.screenshot(path=str(tmp_path / f"kegagalan-{name}.png"), full_page=True)
        raise
    finally:
        kabid.context.close()
        pengganti.context.close()
