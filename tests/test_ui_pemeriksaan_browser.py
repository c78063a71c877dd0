"""The check's split view in Debian's Chromium (tests/support/browser.py): a refusal ("Ditolak") sent with
"Simpan & berikutnya" is asked about once more (the rule of api/ui/kirim.py, as on the task page), nothing
sent until "Ya, kirim", which sends it and opens the next check; axe-core finds nothing on the question. The
queue while the worker has yet to run an opening of registration on ("sedang disiapkan"), then its progress, at
390 px and desktop width, passes axe-core too."""

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.browser import Pages, Site, axe, goto, log_in, requires


def test_a_refusal_in_the_split_view_is_asked_about_once_more_then_sent_with_ya_kirim(site: Site, pages: Pages) -> None:
    requires("/berkas/periksa/{task_id}")
    root = b.registration_open(site.api, [b.Calon("peserta"), b.Calon("peserta2")])
    sop.submit_apl(site.api, "peserta", sop.JWD)
    sop.submit_apl(site.api, "peserta2", sop.JWD)
    page = pages.open("desktop", "kabid_administrasi")
    log_in(page, site.base, "kabid_administrasi")
    goto(page, site.base, f"/berkas/antrian?periode={root}")
    page.get_by_role("button", name="Buka berikutnya").click()
    page.wait_for_url("**/berkas/periksa/**", wait_until="load")
    first = page.locator("h1").inner_text()

    page.check("input[name='pemeriksaan.bukti.0.status'][value='ada_tidak_memenuhi']")
    page.check("input[name='pemeriksaan.keputusan'][value='ditolak']")
    page.fill("#f-pemeriksaan-alasan", "Bukan mahasiswa tingkat akhir")
    page.get_by_role("button", name="Simpan & berikutnya").click()
    ask = page.locator("#konfirmasi")
    ask.wait_for()
    assert "Anda memilih Ditolak. Pilihan ini tidak dapat dibatalkan setelah dikirim." in ask.inner_text()
    assert page.locator("h1").inner_text() == first  # still this check, nothing sent
    assert page.is_checked("input[name='pemeriksaan.keputusan'][value='ditolak']")
    assert len(sop.tasks_named(site.api, "kabid_administrasi", b.MEMERIKSA)) == 2
    # The evidence's PDF preview may take the focus as it loads, even after the page's load; ui.js gives it
    # back to "Ya, kirim" once it has (a person who has not touched the page yet finds it there).
    page.wait_for_load_state("load")
    page.wait_for_function("() => (document.activeElement.textContent || '').trim() === 'Ya, kirim'")
    axe(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    axe(page)

    with page.expect_navigation(wait_until="load"):
        ask.get_by_role("button", name="Ya, kirim").click()
    assert "/berkas/periksa/" in page.url and page.url.endswith("?tersimpan=1"), page.url
    assert page.locator("h1").inner_text() not in (first, "")
    [left] = sop.tasks_named(site.api, "kabid_administrasi", b.MEMERIKSA)
    assert f"/berkas/periksa/{left['id']}" in page.url
    assert pages.errors() == []


def test_the_queue_says_the_opening_is_being_prepared_then_shows_its_progress_and_passes_axe_on_both(
    site: Site, pages: Pages
) -> None:
    root = sop.start_period(site.api)["id"]
    sop.step_1_and_2(site.api, root)
    t = sop.one(site.api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=root)
    daftar = [{"username": u, "skema_nomor": k} for u, k in sop.CANDIDATES.items()]
    # Sent as the picker sends it; the worker has not run the period on yet (the test runs it: Site.drain).
    r = site.api.post(
        "kabid_administrasi", f"/api/tasks/{t['id']}/complete", json={"data": {"daftar_pendaftar": daftar}}
    )
    assert r.status_code == 200 and r.json()["continuing"] is True, r.text
    for size in ("phone", "desktop"):
        page = pages.open(size, f"kabid_administrasi {size}")
        log_in(page, site.base, "kabid_administrasi")
        goto(page, site.base, f"/berkas/antrian?periode={root}&dibuka=1")
        progres = page.locator("#progres-periode")
        assert "Langkah berikutnya sedang disiapkan; kemajuannya tampil di sini sebentar lagi." in progres.inner_text()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]
        axe(page)
    site.drain()
    # The page asks again by itself (htmx, every 2 s) and shows the opening's progress, then stops asking.
    page.get_by_text(f"Selesai: sudah dimulai untuk semua {len(daftar)} peserta.").wait_for()
    assert "sedang disiapkan" not in page.locator("#progres-periode").inner_text()
    axe(page)
    assert pages.errors() == []
