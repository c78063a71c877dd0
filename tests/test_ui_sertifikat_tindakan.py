"""A certificate's misprint and revocation worked from the Dokumen page (issue 12, part 3, in the browser): Kabid
Administrasi re-issues it on a new blangko with the berita acara kerusakan, the Ketua LSP revokes it; a refusal is
an Indonesian page and writes nothing (the certificate register and the documents compared before and after)."""

import re
from typing import Any

from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.browser import Pages, Site, axe, goto, log_in
from tests.support.pages import post, signed_in, teks
from tests.test_register import ADMIN, certified, refused_request, register_rows


def row_of(page_html: str, doc_id: int) -> str:
    """A document's row as the page has it (its markup, forms included)."""
    found = re.search(rf'<tr id="dokumen-{doc_id}">(.*?)</tr>', page_html, re.S)
    assert found, f"document {doc_id} is listed"
    return found.group(1)


def written(api: Api, root: int) -> tuple[Any, ...]:
    return (register_rows(api), b.snapshot(api, root))


def test_the_kabid_administrasi_reissues_a_misprinted_certificate_from_the_documents_page(api: Api) -> None:
    root, cert = certified(api)
    path = f"/dokumen/{cert.document_id}/ganti-blangko"
    with signed_in(api.app, ADMIN) as page:
        row = row_of(page.get("/dokumen").text, cert.document_id)
        assert "Ganti blangko" in teks(row) and f'action="{path}"' in row
        assert "/cabut" not in row  # revoking is the Ketua LSP's

        before = written(api, root)
        for form, status, says in (
            ({"kerusakan": "", "no_blangko_baru": "B-00101"}, 422, "Tuliskan kerusakan blangko yang tercetak"),
            ({"kerusakan": "Tinta luntur pada nama", "no_blangko_baru": "  "}, 422, "Isi nomor seri blangko baru."),
            (
                {"kerusakan": "Tinta luntur pada nama", "no_blangko_baru": "B-00002"},
                409,
                "Nomor blangko B-00002 sudah dipakai sertifikat 62090 2512 4 0000002 2026",
            ),
        ):
            refused = post(page, path, form)
            assert refused.status_code == status, refused.text
            assert "Blangko belum diganti" in refused.text and says in teks(refused.text), says
            assert written(api, root) == before

        done = post(page, path, {"kerusakan": "Tinta luntur pada nama pemegang", "no_blangko_baru": "B-00101"})
        assert (done.status_code, done.headers["location"]) == (303, "/dokumen")
        listed = page.get("/dokumen").text
        assert "Sertifikat diganti" in teks(row_of(listed, cert.document_id))
        assert "Ganti blangko" not in teks(row_of(listed, cert.document_id))
    [baru] = [r for r in register_rows(api) if r[3] == "B-00101"]
    assert baru == ("peserta", "62090 2512 4 0000001 2026", "TIK 1234 00001 2026", "B-00101", "aktif", None)
    [ba] = b.documents(api, root, "berita_acara_kerusakan_blangko")
    assert ba.data["sertifikat"]["no_sertifikat"] == "62090 2512 4 0000001 2026"
    assert ba.created_by == ADMIN
    # The replaced one is not revoked: its verification page leads to the re-issue, which is the one to revoke.
    refused_request(
        api,
        "ketua_lsp",
        f"/api/dokumen/{cert.document_id}/cabut",
        {"alasan": "Bukti dipalsukan"},
        root,
        409,
        {"": ["Sertifikat ini sudah diganti dengan blangko baru: cabut penggantinya"]},
    )


def test_the_ketua_lsp_revokes_a_certificate_from_the_documents_page_once_and_others_cannot(api: Api) -> None:
    root, cert = certified(api)
    path = f"/dokumen/{cert.document_id}/cabut"
    with signed_in(api.app, ADMIN) as page:
        before = written(api, root)
        assert post(page, path, {"alasan": "Bukti dipalsukan"}).status_code == 403
        assert written(api, root) == before
    with signed_in(api.app, "ketua_lsp") as page:
        row = row_of(page.get("/dokumen").text, cert.document_id)
        assert "Cabut" in teks(row) and f'action="{path}"' in row
        short = post(page, path, {"alasan": "palsu"[:3]})
        assert short.status_code == 422 and "Tuliskan alasan pencabutan" in teks(short.text)
        assert written(api, root) == before

        done = post(page, path, {"alasan": "Bukti portofolio dipalsukan"})
        assert (done.status_code, done.headers["location"]) == (303, "/dokumen")
        row = row_of(page.get("/dokumen").text, cert.document_id)
        assert "Sertifikat dicabut" in teks(row) and f'action="{path}"' not in row
        again = post(page, path, {"alasan": "Bukti portofolio dipalsukan"})
        assert again.status_code == 409 and "Sertifikat ini sudah dicabut." in teks(again.text)
    assert [r[4] for r in register_rows(api) if r[0] == "peserta"] == ["dicabut"]
    assert api.get("peserta", f"/verify/{cert.kode_verifikasi}").status_code == 200
    assert "DICABUT" in api.get("peserta", f"/verify/{cert.kode_verifikasi}").text


def test_in_a_browser_the_ketua_opens_both_certificate_actions_on_a_phone_and_revokes_passing_axe(
    site: Site, pages: Pages
) -> None:
    _, cert = certified(site.api)
    for size in ("phone", "desktop"):
        page = pages.open(size, f"ketua_lsp {size}")
        log_in(page, site.base, "ketua_lsp")
        goto(page, site.base, "/dokumen?jenis=sertifikat")
        row = page.locator(f"#dokumen-{cert.document_id}")
        row.locator("summary", has_text="Ganti blangko").click()
        row.locator("summary", has_text="Cabut").click()
        assert row.get_by_label("Nomor seri blangko baru").is_visible()
        assert row.get_by_label("Alasan pencabutan").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]
        axe(page)
    row.get_by_label("Alasan pencabutan").fill("Bukti portofolio dipalsukan")
    row.get_by_role("button", name=f"Cabut sertifikat {cert.no_sertifikat}").click()
    page.wait_for_url(f"{site.base}/dokumen?jenis=sertifikat", wait_until="load")
    assert "Sertifikat dicabut" in page.locator(f"#dokumen-{cert.document_id}").inner_text()
    assert pages.errors() == []
