"""FR.AK.05 in a real browser (Debian's Chromium) on a phone (390 px): the asesor opens their report task, sees
their candidates with the K/BK of their FR.AK.02 beside the form, writes the report and sends it; the report is
issued. axe-core finds no WCAG 2.2 A/AA violation on the task page."""

import os
from typing import Any

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.browser import Pages, Site, axe, goto, log_in
from tests.support.sop_branches import Calon

CALON = [Calon("peserta3", sop.OPR, asesor="asesor2", tuk="TUK-02", bk=True)]


def _fits(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_asesor_writes_fr_ak_05_on_a_phone_beside_their_candidates_fr_ak_02_results(
    site: Site, pages: Pages
) -> None:
    root = b.ready(site.api, CALON)
    for c in CALON:
        b.assess(site.api, c)
    site.drain()
    [task] = sop.tasks_named(site.api, "asesor2", sop.LAPORAN)

    page = pages.open("phone", "asesor2")
    log_in(page, site.base, "asesor2")
    goto(page, site.base, f"/tasks/{task['id']}")
    assert page.get_by_role("heading", name=sop.LAPORAN, level=1).is_visible()
    panel = page.get_by_role("region", name="Asesi yang Anda laporkan")
    assert "Cahyo Nugroho" in panel.inner_text() and "Belum kompeten (BK)" in panel.inner_text()
    assert _fits(page)
    axe(page)
    if os.environ.get("UJIKOM_TEST_SHOTS"):
        page.screenshot(path="var/test-shots/fr-ak-05-390.png", full_page=True)

    page.get_by_label("Aspek positif dalam asesmen").fill("Asesi siap, workshop lengkap")
    page.get_by_label("Aspek negatif dalam asesmen").fill("Tidak ada")
    page.get_by_label("Pencatatan penolakan hasil asesmen").fill("Tidak ada")
    page.get_by_label("Saran perbaikan (asesor / personil terkait)").fill("Berlatih pemeriksaan akhir kendaraan")
    page.get_by_role("button", name="Kirim", exact=True).click()
    page.wait_for_url(lambda url: f"/tasks/{task['id']}" not in url)
    site.drain()
    [laporan] = b.documents(site.api, root, "laporan_asesmen")
    assert laporan.data["laporan"]["saran_perbaikan"] == "Berlatih pemeriksaan akhir kendaraan"
    assert [p["rekomendasi"] for p in laporan.data["peserta"]] == ["BK"]
