"""A candidate on a phone (Debian's Chromium at 390 x 844, driven by Playwright, against `ujikom serve`):
their registration came back with one evidence item marked not meeting the requirement; from Status saya
they open it, walk the wizard step by step (the draft saved at each step), see the Kabid's note inside that
item, send it, and Status saya then says their files are being checked. axe-core finds no WCAG 2.2 A/AA
violation on any screen they pass."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import sop
from tests.support import sop_branches as sb
from tests.support.live_server import LiveApi, LiveServer

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WAIT_MS = 60_000  # a loaded machine: generous, never a short fixed sleep
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def phone(chromium: Any, tmp_path: Path) -> Iterator[Any]:
    """A phone-sized page of the module's Chromium (tests/support/browser.py)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        yield page
    except BaseException:
        page.screenshot(path=str(tmp_path / "gagal.png"), full_page=True)
        raise
    finally:
        context.close()


def no_axe_violations(page: Any) -> None:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
        WCAG,
    )
    assert found == [], found


def returned_registration(api: LiveApi) -> None:
    """peserta's registration with two evidence items, returned: the transcript does not meet the requirement."""
    sb.registration_open(api, [sb.Calon("peserta")])
    [task] = api.inbox("peserta")
    ktm = sop.upload(api, "peserta", task["id"], "ktm.pdf").json()["id"]
    transkrip = sop.upload(api, "peserta", task["id"], "transkrip.pdf").json()["id"]
    data = sop.apl(api, "peserta", task["id"], sop.JWD)
    data["apl01"]["bukti"] = [
        {"jenis": "dasar", "nama": "Kartu tanda mahasiswa", "berkas_id": ktm},
        {"jenis": "administratif", "nama": "Transkrip nilai", "berkas_id": transkrip},
    ]
    api.complete("peserta", task["id"], data)
    check = sop.one(api, "kabid_administrasi", sb.MEMERIKSA)
    bukti = [
        {"berkas_id": ktm, "nama": "Kartu tanda mahasiswa", "status": "ada_memenuhi"},
        {
            "berkas_id": transkrip,
            "nama": "Transkrip nilai",
            "status": "ada_tidak_memenuhi",
            "catatan": "Transkrip belum dilegalisir",
        },
    ]
    pemeriksaan = {"bukti": bukti, "keputusan": "dikembalikan", "alasan": "Lengkapi legalisir transkrip"}
    api.complete("kabid_administrasi", check["id"], {"pemeriksaan": pemeriksaan})


def test_a_candidate_revises_a_returned_registration_step_by_step_on_a_phone(
    live_server: LiveServer, phone: Any, tmp_path: Path
) -> None:
    api = LiveApi(live_server.base, live_server.database_url)
    returned_registration(api)
    page = phone
    page.goto(f"{live_server.base}/login")
    page.fill("#username", "peserta")
    page.fill("#password", "peserta-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/status")
    assert page.locator(".kartu-sekarang").inner_text().count("Lengkapi legalisir transkrip") == 1
    no_axe_violations(page)

    page.get_by_role("link", name="Perbaiki pendaftaran").click()
    heading = page.locator(".langkah-judul")
    assert heading.inner_text() == "Langkah 1 dari 5: Data diri"
    assert page.locator("#konteks-data-diri").is_visible()
    assert not page.locator("#f-apl01-bukti").is_visible()
    assert not page.get_by_role("button", name="Kirim", exact=True).is_visible()
    no_axe_violations(page)

    page.get_by_role("button", name="Lanjut: Tujuan & pendidikan").click()
    assert heading.inner_text() == "Langkah 2 dari 5: Tujuan & pendidikan"
    assert page.locator("#f-apl01-pendidikan").is_visible()
    assert not page.locator("#konteks-data-diri").is_visible()
    page.locator("#status-draf", has_text="Draf tersimpan").wait_for()  # saved at the step

    page.get_by_role("button", name="Lanjut: Bukti").click()
    # The Kabid's note sits inside the transcript's row, not the KTM's.
    assert "Transkrip belum dilegalisir" in page.locator("#f-apl01-bukti-1").inner_text()
    assert "Transkrip belum dilegalisir" not in page.locator("#f-apl01-bukti-0").inner_text()
    assert "Lengkapi legalisir transkrip" in page.locator("#konteks-pemeriksaan").inner_text()
    # The pas foto sent before is shown in its own field of this step, with its picture.
    foto = page.locator(".bidang", has=page.locator("#f-apl01-pas_foto_berkas_id"))
    assert foto.is_visible() and "Pas foto 3 × 4" in foto.inner_text() and "pas-foto.png" in foto.inner_text()
    box = foto.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    page.screenshot(path=str(tmp_path / "langkah-bukti.png"), full_page=True)
    no_axe_violations(page)

    page.get_by_role("button", name="5. Periksa & kirim").click()
    assert heading.inner_text() == "Langkah 5 dari 5: Periksa & kirim"
    for part in ("#konteks-data-diri", "#f-apl01-pendidikan", "#f-apl01-bukti", "#f-apl02"):
        assert page.locator(part).is_visible(), part
    no_axe_violations(page)
    page.get_by_role("button", name="Kirim", exact=True).click()
    page.wait_for_url("**/tasks?pesan=terkirim")

    page.goto(f"{live_server.base}/status")
    assert "Pemeriksaan berkas" in page.locator("li[aria-current='step']").inner_text()
    assert api.inbox("peserta") == []


def test_a_candidate_decided_bk_goes_from_status_to_the_appeal_with_its_window_on_a_phone(
    live_server: LiveServer, phone: Any
) -> None:
    api = LiveApi(live_server.base, live_server.database_url)
    sb.decided(api, [sb.Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02", bk=True)])
    page = phone
    page.goto(f"{live_server.base}/login")
    page.fill("#username", "peserta3")
    page.fill("#password", "peserta3-demo")
    page.click("button[type=submit]")
    page.wait_for_url("**/status")
    assert "Banding" in page.locator("li[aria-current='step']").inner_text()
    assert "Belum kompeten" in page.locator("section[aria-labelledby^='hasil-']").inner_text()
    no_axe_violations(page)
    page.get_by_role("link", name="Kerjakan sekarang").click()
    panel = page.locator(".konteks-banding")
    assert "Keputusan rapat pleno" in panel.inner_text() and "Belum kompeten" in panel.inner_text()
    assert panel.locator(".lencana", has_text="sisa").count() == 1
    no_axe_violations(page)
