"""Comments in a real browser (Debian's Chromium via Playwright, tests/support/browser.py): a candidate on a
phone (390 px) writes a comment on their task's page, htmx swaps the panel in place, and the Kabid's note
written for them is there while the internal one is not; the Direktur writes an internal note at desktop
width, and without JavaScript the plain form lands back on the panel. axe-core finds no WCAG 2.2 A/AA
violation on these pages (those with JavaScript: axe is a script), before and after writing, and nothing is
wider than the phone."""

from typing import Any

from tests.support import sop
from tests.support.browser import Pages, Site, axe, goto, log_in

APL = "Mengisi FR.APL.01 dan FR.APL.02"
TARGET_TASK = "Menetapkan target uji kompetensi"


def fits(page: Any) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_candidate_writes_a_comment_on_their_task_on_a_phone_and_reads_only_notes_written_for_them(
    site: Site, pages: Pages
) -> None:
    api = site.api
    period = int(sop.start_period(api)["id"])
    sop.step_1_and_2(api, period)
    sop.open_registration(api, period)
    task = sop.one(api, "peserta", APL)
    for isi, untuk in (("Peserta ini perlu dicek ulang.", False), ("Unggah KTM yang terbaca, ya.", True)):
        r = api.post(
            "kabid_administrasi",
            f"/api/instances/{task['instance_id']}/komentar",
            json={"isi": isi, "untuk_peserta": untuk},
        )
        assert r.status_code == 201, r.text

    page = pages.open("phone", "peserta")
    log_in(page, site.base, "peserta")
    goto(page, site.base, f"/tasks/{task['id']}")
    panel = page.locator("#komentar")
    panel.get_by_text("Belum ada komentar.").wait_for()
    axe(page)
    fits(page)

    panel.get_by_label("Tulis komentar").fill("Baik, KTM saya unggah ulang malam ini.")
    panel.get_by_role("button", name="Kirim komentar").click()
    page.locator("#komentar .komentar-isi", has_text="Baik, KTM saya unggah ulang malam ini.").wait_for()
    assert page.url.split("#")[0] == f"{site.base}/tasks/{task['id']}"  # swapped in place, no navigation
    assert page.locator("#komentar-isi").input_value() == ""
    assert page.locator("#komentar [role=status]").inner_text() == "Komentar tersimpan."
    axe(page)
    fits(page)

    # The refusal of an empty comment is said at the field, and the field is marked.
    page.locator("#komentar").get_by_role("button", name="Kirim komentar").click()
    page.locator("#komentar-galat").wait_for()
    assert page.locator("#komentar-galat").inner_text() == "Komentar wajib diisi."
    assert page.locator("#komentar-isi").get_attribute("aria-invalid") == "true"
    axe(page)

    page.get_by_role("link", name="Semua komentar pada proses ini").click()
    page.wait_for_url(f"{site.base}/instances/{task['instance_id']}/komentar")
    texts = page.locator("#komentar .komentar-isi").all_inner_texts()
    assert texts == ["Unggah KTM yang terbaca, ya.", "Baik, KTM saya unggah ulang malam ini."]
    axe(page)
    fits(page)
    assert pages.errors() == []


def test_a_staff_note_is_internal_unless_ticked_and_the_form_works_without_javascript(site: Site, pages: Pages) -> None:
    period = int(sop.start_period(site.api)["id"])
    task = sop.one(site.api, "direktur", TARGET_TASK, instance_id=period)

    page = pages.open("desktop", "direktur")
    log_in(page, site.base, "direktur")
    goto(page, site.base, f"/tasks/{task['id']}")
    panel = page.locator("#komentar")
    assert not panel.get_by_label("Tampilkan juga kepada peserta").is_checked()
    panel.get_by_label("Tulis komentar").fill("Target mengikuti surat Dekan.")
    panel.get_by_role("button", name="Kirim komentar").click()
    page.locator("#komentar .komentar-butir", has_text="Target mengikuti surat Dekan.").get_by_text(
        "Catatan internal"
    ).wait_for()
    axe(page)

    plain = pages.open("phone", "direktur-tanpa-js", javascript=False)
    log_in(plain, site.base, "direktur")
    goto(plain, site.base, f"/tasks/{task['id']}")
    plain.get_by_label("Tulis komentar").fill("Sudah dikonfirmasi Ketua LSP.")
    plain.get_by_label("Tampilkan juga kepada peserta").check()
    plain.get_by_role("button", name="Kirim komentar").click()
    plain.wait_for_url(f"{site.base}/tasks/{task['id']}#komentar")
    item = plain.locator("#komentar .komentar-butir", has_text="Sudah dikonfirmasi Ketua LSP.")
    assert item.get_by_text("Terlihat oleh peserta").is_visible()
    # (axe-core and the width check run scripts: not in a page without JavaScript; the markup is the same.)
    assert pages.errors() == []
