"""Jejak audit in a real browser (Debian's Chromium): the Ketua LSP searches one candidate's file on a phone
(390 px), the results are cards, the next page keeps the filters, the CSV link carries them; a date range
ending before it starts is refused at its field; axe-core finds no WCAG 2.2 A/AA violation at phone and
desktop width."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support import sop
from tests.support.browser import Pages, Site, axe, goto, log_in


def _registration(site: Site) -> None:
    """Andi Pratama's registration in one period: opened, his forms submitted, accepted."""
    period = sop.start_period(site.api)["id"]
    sop.step_1_and_2(site.api, period)
    sop.open_registration(site.api, period, {"peserta": sop.JWD, "peserta2": sop.JWD})
    sop.submit_apl(site.api, "peserta")
    sop.check_files(site.api, {"peserta": ("diterima", "")})


def _fits(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_ketua_finds_a_candidates_file_on_a_phone_and_downloads_it(site: Site, pages: Pages) -> None:
    _registration(site)
    page = pages.open("phone", "ketua_lsp")
    log_in(page, site.base, "ketua_lsp")
    page.get_by_role("link", name="Jejak audit").first.click()
    page.wait_for_url(f"{site.base}/audit")
    assert page.get_by_role("heading", name="Jejak audit", level=1).is_visible()
    axe(page)

    page.get_by_label("Peserta (NIM atau nama)").fill("2303001")
    page.get_by_label("Asal").select_option("proses")
    page.get_by_role("button", name="Cari").click()
    page.wait_for_url(lambda url: "peserta=2303001" in url)
    rows = page.locator("table.tabel-audit tbody tr")
    # Newest first: the registration's end, its FR.APL.01 issued, a carry taken up (none here), Kabid
    # Administrasi's check, ... (8 in all).
    assert rows.count() == 8
    assert "Tugas diselesaikan" in rows.nth(3).inner_text()
    assert "kabid_administrasi" in rows.nth(3).inner_text()
    # At 390 px each row is a card: its cells stacked, nothing wider than the screen.
    assert rows.nth(0).evaluate("el => getComputedStyle(el).display") == "block"
    assert _fits(page)
    link = page.get_by_role("link", name="Unduh CSV")
    query = parse_qs(urlsplit(link.get_attribute("href") or "").query)
    assert urlsplit(link.get_attribute("href") or "").path == "/api/audit.csv"
    assert query == {"peserta": ["2303001"], "kind": ["proses"]}
    with page.expect_download() as download:
        link.click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("waktu,jenis,peristiwa,pelaku")
    assert len(text.splitlines()) == 9  # the header and the 8 rows
    axe(page)


def test_a_backwards_date_range_is_refused_at_its_field_and_the_page_passes_axe(site: Site, pages: Pages) -> None:
    for size in ("phone", "desktop"):
        page = pages.open(size, f"direktur-{size}")
        log_in(page, site.base, "direktur")
        goto(page, site.base, "/audit")
        page.get_by_label("Dari tanggal").fill("2026-09-02")
        page.get_by_label("Sampai tanggal").fill("2026-09-01")
        page.get_by_role("button", name="Cari").click()
        page.wait_for_selector(".ringkasan-galat")
        field = page.get_by_label("Sampai tanggal")
        assert field.get_attribute("aria-invalid") == "true"
        assert "tanggal akhir tidak boleh sebelum tanggal awal" in page.locator("#f-date_to-galat").inner_text()
        assert "f-date_to-galat" in (field.get_attribute("aria-describedby") or "")
        assert page.get_by_label("Dari tanggal").input_value() == "2026-09-02"
        assert _fits(page)
        axe(page)
    assert pages.errors() == []


def test_the_direktur_finds_a_substitution_named_and_ended_at_phone_and_desktop_width(site: Site, pages: Pages) -> None:
    today = sop.today(site.api)
    body = {"pengganti": "ketua_lsp", "mulai": str(today), "sampai": str(today), "alasan": "sakit"}
    r = site.api.post("kabid_administrasi", "/api/pengganti", json=body)
    assert r.status_code == 201, r.text
    assert site.api.post("kabid_administrasi", f"/api/pengganti/{r.json()['id']}/akhiri").status_code == 200
    for size in ("phone", "desktop"):
        page = pages.open(size, f"direktur-pengganti-{size}")
        log_in(page, site.base, "direktur")
        goto(page, site.base, "/audit")
        page.get_by_label("Asal").select_option("pengganti")
        page.get_by_role("button", name="Cari").click()
        page.wait_for_url(lambda url: "kind=pengganti" in url)
        rows = page.locator("table.tabel-audit tbody tr")
        assert rows.count() == 2
        assert "Penggantian diakhiri" in rows.nth(0).inner_text()
        assert "Pengganti ditunjuk" in rows.nth(1).inner_text()
        assert "kabid_administrasi digantikan oleh ketua_lsp" in rows.nth(1).inner_text()
        assert ", sakit" in rows.nth(1).inner_text()
        assert _fits(page)
        page.screenshot(path=f"/tmp/i14-audit-{size}.png", full_page=True)
        axe(page)
    assert pages.errors() == []
