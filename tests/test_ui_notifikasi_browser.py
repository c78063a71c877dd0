"""The bell and the Notifikasi page in a real browser, on a phone (390 x 844): a candidate whose registration came
back sees the bell count one, opens the list, follows the notice to their task (marking it read), and turns
e-mail off on the Akun page. axe-core finds no WCAG 2.2 A/AA violation on any of these screens."""

import os
import re
from typing import Any

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.browser import Pages, Site, axe, goto, log_in

RETURNED = "Berkas pendaftaran Anda dikembalikan"
# Screenshots for a person to look at (never committed): UJIKOM_SHOTS=/some/dir.
SHOTS = os.environ.get("UJIKOM_SHOTS")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_candidate_on_a_phone_follows_the_bell_to_their_returned_registration(site: Site, pages: Pages) -> None:
    api = site.api
    b.registration_open(api, [b.Calon("peserta")])
    sop.submit_apl(api, "peserta", sop.JWD)
    sop.check_files(api, {"peserta": ("dikembalikan", "Pindaian KTM tidak terbaca; unggah ulang")})
    [apl] = sop.tasks_named(api, "peserta", b.APL)
    site.app.state.worker.notifier.run_pass()

    page = pages.open("phone", "peserta")
    log_in(page, site.base, "peserta")
    bell = page.get_by_role("link", name="Notifikasi, 1 belum dibaca")
    assert bell.is_visible()
    box = bell.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    axe(page)
    shot(page, "status-lonceng-390")

    bell.click()
    page.wait_for_url(re.compile(r"/notifikasi$"))
    assert page.get_by_role("heading", name="Notifikasi", level=1).is_visible()
    assert page.get_by_text("Alasan: Pindaian KTM tidak terbaca; unggah ulang").is_visible()
    axe(page)
    shot(page, "notifikasi-390")

    page.get_by_role("link", name=RETURNED).click()
    page.wait_for_url(re.compile(rf"/tasks/{apl['id']}$"))
    assert page.get_by_role("link", name="Notifikasi, tidak ada yang belum dibaca").is_visible()

    goto(page, site.base, "/notifikasi")
    assert page.get_by_text("Semua notifikasi sudah dibaca.").is_visible()
    assert page.get_by_text("Baru", exact=True).count() == 0
    axe(page)

    goto(page, site.base, "/akun")
    page.get_by_label("Kirim notifikasi ke e-mail saya").uncheck()
    page.get_by_role("button", name="Simpan pengaturan notifikasi").click()
    page.wait_for_url(re.compile(r"/akun\?notifikasi_diubah=1$"))
    assert page.get_by_text("Pengaturan notifikasi Anda telah disimpan.").is_visible()
    assert not page.get_by_label("Kirim notifikasi ke e-mail saya").is_checked()
    assert page.get_by_label("Alamat e-mail").input_value() == "peserta@example.ac.id"
    axe(page)
    shot(page, "akun-390")
    assert api.get("peserta", "/api/me/notifikasi").json() == {
        "email": "peserta@example.ac.id",
        "email_notifikasi": False,
    }
    assert pages.errors() == []


def test_a_wrong_address_on_the_akun_page_is_named_at_its_field_and_passes_axe(site: Site, pages: Pages) -> None:
    page = pages.open("phone", "peserta")
    log_in(page, site.base, "peserta")
    goto(page, site.base, "/akun")
    page.get_by_label("Alamat e-mail").fill("bukan alamat")
    page.get_by_role("button", name="Simpan pengaturan notifikasi").click()
    page.wait_for_load_state("load")
    field = page.get_by_label("Alamat e-mail")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.get_by_text("Alamat e-mail tidak valid.").first.is_visible()
    axe(page)
    shot(page, "akun-galat-390")
    desktop = pages.open("desktop", "direktur")
    log_in(desktop, site.base, "direktur")
    assert desktop.get_by_role("link", name="Notifikasi, tidak ada yang belum dibaca").is_visible()
    goto(desktop, site.base, "/notifikasi")
    assert desktop.get_by_text("Belum ada notifikasi untuk Anda.").is_visible()
    axe(desktop)
    shot(desktop, "notifikasi-kosong-1280")
    assert pages.errors() == []  # a 422 page is the page working (Pages leaves its status out)
