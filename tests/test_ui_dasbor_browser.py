"""Dasbor in Debian's Chromium (tests/support/browser.py): a period with a late step and a Kabid behind, and the
trend across two periods, pass axe-core at phone and desktop width, fit the phone's width, and their charts carry
their words (role img, title, description)."""

import os
import re
from datetime import timedelta
from typing import Any

import pytest

from tests.support import sop
from tests.support.browser import Pages, Site, axe, goto, log_in

SHOT_DIR = os.environ.get("UJIKOM_DASBOR_SHOTS")  # set to look at the pages as images; nothing is committed


def late_period(site: Site) -> int:
    """Steps 1-2 with step 2 three days long (standard 2 hari); step 3 opened, Kabid Administrasi holding a check
    past the step's due."""
    api = site.api
    instance_id = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=instance_id)
    api.complete("direktur", t["id"], sop.TARGET)
    site.advance_to(site.now() + timedelta(days=3))
    t = sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=instance_id)
    api.complete("ketua_lsp", t["id"], sop.rencana(api))
    site.drain()
    sop.open_registration(api, instance_id)
    sop.submit_apl(api, "peserta")
    sop.submit_apl(api, "peserta2")
    sop.check_files(api, {"peserta": ("diterima", "")})
    [check] = sop.tasks_named(api, "kabid_administrasi", "Memeriksa kelengkapan berkas pendaftaran")
    assert api.post("kabid_administrasi", f"/api/tasks/{check['id']}/claim").status_code == 200
    site.advance_to(site.now() + timedelta(days=8))
    sop.start_period(api, "LSP-2027-GASAL")
    return instance_id


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_dashboard_and_the_trend_pass_axe_and_fit_the_screen(site: Site, pages: Pages, size: Any) -> None:
    instance_id = late_period(site)
    page = pages.open(size, "ketua")
    log_in(page, site.base, "ketua_lsp")
    for path in (f"/dasbor/{instance_id}", "/dasbor/tren"):
        goto(page, site.base, path)
        axe(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"], path
        if SHOT_DIR:
            name = re.sub(r"[^a-z0-9]+", "-", path)
            page.screenshot(path=f"{SHOT_DIR}/{name}-{size}.png", full_page=True)
    goto(page, site.base, f"/dasbor/{instance_id}")
    behind = page.locator("#patuh-orang tbody tr").first
    assert "Sri Wahyuni, S.E." in behind.inner_text()
    chart = page.get_by_role("img", name="Sri Wahyuni, S.E.: 66,7% tepat waktu")
    assert chart.count() == 1
    goto(page, site.base, "/dasbor/tren")
    name = "Target dan sertifikat per periode, dengan persen tugas tepat waktu"
    assert page.get_by_role("img", name=name).count() == 1
    assert pages.errors() == []
