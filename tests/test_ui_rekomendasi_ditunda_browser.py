"""The asesor's recommendation on a postponed candidate's additional evidence in a real browser (Debian's
Chromium) on a phone (390 px): the asesor opens the task, sees the candidate with their FR.AK.02 result, what the
pleno asked for and the evidence Kabid Sertifikasi gathered beside the form, writes the reason and sends it; the
follow-up pleno then opens with that recommendation. axe-core finds no WCAG 2.2 A/AA violation on the task page."""

import os
from typing import Any

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.browser import Pages, Site, axe, goto, log_in
from tests.support.sop_branches import Calon

CALON = [Calon("peserta", asesor="asesor"), Calon("peserta3", sop.OPR, asesor="asesor2", tuk="TUK-02")]


def _fits(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_asesor_recommends_on_the_additional_evidence_on_a_phone_beside_what_the_pleno_asked_for(
    site: Site, pages: Pages
) -> None:
    b.assessed(site.api, CALON)
    b.decide_postponing(site.api, {"peserta": "K", "peserta3": "ditunda"})
    t = sop.one(site.api, "kabid_sertifikasi", b.BUKTI_TAMBAHAN)
    site.api.complete("kabid_sertifikasi", t["id"], b.bukti_tambahan(["peserta3"]))
    site.drain()
    task = sop.one(site.api, "asesor2", b.REKOMENDASI_DITUNDA)

    page = pages.open("phone", "asesor2")
    log_in(page, site.base, "asesor2")
    goto(page, site.base, f"/tasks/{task['id']}")
    assert page.get_by_role("heading", name=b.REKOMENDASI_DITUNDA, level=1).is_visible()
    panel = page.get_by_role("region", name="Asesi yang keputusannya ditunda")
    for words in ["Cahyo Nugroho", "Semua unit K", b.DITUNDA_KARENA, "Portofolio proyek perakitan"]:
        assert words in panel.inner_text(), words
    assert _fits(page)
    axe(page)
    if os.environ.get("UJIKOM_TEST_SHOTS"):
        page.screenshot(path="var/test-shots/rekomendasi-ditunda-390.png", full_page=True)

    page.get_by_label("Alasan").fill("Portofolio menunjukkan unit yang dipertanyakan dikuasai")
    page.get_by_role("button", name="Kirim", exact=True).click()
    page.wait_for_url(lambda url: f"/tasks/{task['id']}" not in url)
    site.drain()
    t = sop.one(site.api, "kabid_sertifikasi", b.PLENO_LANJUTAN)
    form = sop.task_detail(site.api, "kabid_sertifikasi", t["id"])["form"]["schema"]
    assert form["properties"]["pleno_lanjutan"]["properties"]["keputusan"]["default"] == [
        {"username": "peserta3", "keputusan": "K", "alasan": "Portofolio menunjukkan unit yang dipertanyakan dikuasai"}
    ]
