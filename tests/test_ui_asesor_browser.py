"""The session roster in a real browser at phone width (Debian's Chromium driven by Playwright): an asesor signs
in, records a whole session's attendance in one submit, sees a refused row's error take focus and fixes it;
axe-core (from npm) finds no WCAG 2.2 A/AA violation on the roster, its refusal and Asesmen saya.

The browser talks to the app of this process, served by uvicorn in a thread, so the period is walked through
the REST API as in tests/test_ui_asesor.py. A
failure leaves a screenshot beside the test's temporary files."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.settings import PROJECT_ROOT
from tests.conftest import Api
from tests.support import sop
from tests.support import sop_branches as sb
from tests.support.sop_branches import Calon

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WAIT = 60_000  # ms: the machine may be busy; nothing here waits on time, only on the page
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CALON = [Calon("peserta"), Calon("peserta2"), Calon("peserta3", skema="SKM/LSP-STMI/002/2024", asesor="asesor2")]


@pytest.fixture
def browser_page(chromium: Any, tmp_path: Path) -> Iterator[Any]:
    """A phone-sized page of the module's Chromium (tests/support/browser.py)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(WAIT)
    try:
        yield page
    except BaseException:
        page.screenshot(path=str(tmp_path / "kegagalan.png"), full_page=True)
        raise
    finally:
        context.close()


def violations(page: Any) -> list[Any]:
    page.add_script_tag(content=AXE.read_text())
    found: list[Any] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => [v.id, v.nodes.map(n => n.target.join(' '))])",
        TAGS,
    )
    return found


def test_an_asesor_records_a_whole_session_at_phone_width_and_fixes_a_refused_row(
    api: Api, served: str, browser_page: Any
) -> None:
    page, base = browser_page, served
    root = sb.ready(api, CALON)
    page.goto(f"{base}/login")
    page.fill("#username", "asesor")
    page.fill("#password", "asesor-demo")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/asesor")
    assert violations(page) == []
    page.click(f"a[href='/asesor/sesi/{root}/TUK-01'] >> nth=0")
    page.wait_for_url(f"{base}/asesor/sesi/{root}/TUK-01")
    assert violations(page) == []
    reasons = page.locator("input[name^='alasan_di_luar_jadwal-']")
    assert reasons.count() == 2
    reasons.nth(0).fill(sop.DI_LUAR_JADWAL)  # Andi; Bunga's reason is forgotten
    page.get_by_label("Tidak hadir").nth(1).check()
    page.get_by_role("button", name="Simpan kehadiran (2 peserta)").click()
    summary = page.locator(".ringkasan-galat")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "ringkasan-galat"
    assert "Bunga Maharani (2303002)" in summary.inner_text()
    assert violations(page) == []
    summary.locator("a").first.click()
    focused = page.evaluate("document.activeElement.name")
    assert focused.startswith("alasan_di_luar_jadwal-")
    page.keyboard.type("Peserta sakit")
    page.get_by_role("button", name="Simpan kehadiran (1 peserta)").click()
    page.locator(".pemberitahuan-sukses").wait_for()
    assert "Kehadiran 1 peserta tercatat." in page.locator(".pemberitahuan-sukses").inner_text()
    cells = page.locator("td[data-label='Kehadiran']").all_inner_texts()
    assert [c.split()[0] for c in cells] == ["Hadir", "Tidak"]
    assert violations(page) == []
