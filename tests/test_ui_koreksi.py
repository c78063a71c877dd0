"""Putting an issued document right from the browser (issue 12, part 3): the page Koreksi offers the document's
written text, sends only what changed, and takes the route of its kind: a ralat for a letter, an amending SK of the
Ketua LSP for an SK. A refusal keeps what was typed and says why, in Indonesian, and writes nothing."""

import re

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.browser import Pages, Site, axe, goto, log_in
from tests.support.pages import post, signed_in, teks
from tests.test_register import ADMIN, CERT_CALON, refused_request, rendered


def field_name(page_html: str, label: str) -> str:
    """The name of the field labelled `label` on the page."""
    found = re.search(rf'<label for="(k-[^"]+)">{re.escape(label)}</label>', page_html)
    assert found, label
    named = re.search(rf'id="{found.group(1)}" name="([^"]+)"', page_html)
    assert named, label
    return named.group(1)


def test_the_kabid_corrects_a_letter_on_the_koreksi_page_and_a_ralat_is_issued(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    api.drain()
    [nd] = b.documents(api, root, "nota_dinas")
    with signed_in(api.app, ADMIN) as page:
        listed = page.get("/dokumen?jenis=nota_dinas").text
        assert f'href="/dokumen/{nd.id}/koreksi"' in listed
        form = page.get(f"/dokumen/{nd.id}/koreksi")
        assert form.status_code == 200
        says = teks(form.text)
        assert "Koreksi Nota Dinas" in says and f"Nomor {nd.number}" in says
        assert "diralat dengan surat ralat bernomor sendiri" in says and "Terbitkan ralat" in says
        hal = field_name(form.text, "Hal")
        assert hal == "f.hal"
        assert 'name="f.penandatangan' not in form.text and ".username" not in form.text

        before = b.snapshot(api, root)
        baru = "Target uji kompetensi dan sertifikasi kompetensi periode Genap 2025/2026"
        for data, says in (
            ({"alasan": "hal kurang", hal: nd.data["hal"]}, "Belum ada yang diubah: ubah bagian yang keliru."),
            ({"alasan": "x", hal: baru}, "Tuliskan alasan koreksi (sekurang-kurangnya 5 huruf)."),
        ):
            refused = post(page, f"/dokumen/{nd.id}/koreksi", data)
            assert refused.status_code == 422
            assert "Koreksi belum disimpan" in refused.text and says in teks(refused.text)
            assert b.snapshot(api, root) == before
        # What was typed stays on the refused form.
        assert f'value="{baru}"' in refused.text

        done = post(page, f"/dokumen/{nd.id}/koreksi", {"alasan": "hal tidak menyebut periode", hal: baru})
        assert (done.status_code, done.headers["location"]) == (303, "/dokumen?jenis=nota_dinas")
    [ralat] = b.documents(api, root, "ralat")
    assert ralat.data["butir"] == [
        {
            "bagian": "Hal",
            "tertulis": "Target uji kompetensi dan sertifikasi kompetensi 2026 Genap",
            "seharusnya": "Target uji kompetensi dan sertifikasi kompetensi periode Genap 2025/2026",
        }
    ]
    [_, corrected] = b.documents(api, root, "nota_dinas")
    assert (corrected.number, corrected.version, corrected.data["hal"]) == (nd.number, 2, baru)
    with signed_in(api.app, ADMIN) as page:
        assert f'href="/dokumen/{nd.id}/koreksi"' not in page.get("/dokumen?jenis=nota_dinas").text  # replaced
        again = post(page, f"/dokumen/{nd.id}/koreksi", {"alasan": "hal tidak menyebut periode", hal: baru + "."})
        assert again.status_code == 422
        assert f"Dokumen ini sudah diganti dengan dokumen nomor {nd.number}" in teks(again.text)


def test_only_the_ketua_amends_an_sk_on_the_koreksi_page_and_a_decision_is_not_a_field(api: Api) -> None:
    root = b.decided(api, CERT_CALON)
    api.drain()
    [sk] = b.documents(api, root, "sk_penetapan")
    with signed_in(api.app, ADMIN) as page:
        assert f'href="/dokumen/{sk.id}/koreksi"' not in page.get("/dokumen?jenis=sk_penetapan").text
    # Nor through the API: the pleno's members are who they were.
    anggota = {"alasan": "anggota pleno keliru", "data": {"pleno": {"anggota": ["ketua_lsp", "kabid_administrasi"]}}}
    message = ["tidak dapat mengganti atau menghapus orang"]
    path = f"/api/dokumen/{sk.id}/koreksi"
    refused_request(api, "ketua_lsp", path, anggota, root, 422, {"data.pleno.anggota.0": message})
    # An asesor's recommendation is no text either: an FR.AK.02's unit K is not turned BK by a new version.
    [ak02, *_] = b.documents(api, root, "rekaman_asesmen", candidate="peserta")
    assert ak02.data["rekomendasi"] == "K"
    rekomendasi = {"alasan": "rekomendasi asesor keliru", "data": {"rekomendasi": "BK"}}
    path = f"/api/dokumen/{ak02.id}/koreksi"
    refused_request(api, ADMIN, path, rekomendasi, root, 422, {"data.rekomendasi": ["keputusan atau rekomendasi"]})
    with signed_in(api.app, "ketua_lsp") as page:
        assert f'href="/dokumen/{sk.id}/koreksi"' in page.get("/dokumen?jenis=sk_penetapan").text
        form = page.get(f"/dokumen/{sk.id}/koreksi")
        says = teks(form.text)
        assert "Terbitkan keputusan perubahan" in says
        for hidden in (
            ".keputusan",
            ".username",
            ".anggota",
            ".hadir",
            ".notulis",
            ".rekomendasi",
            "sha256",
            ".rujukan",
        ):
            assert hidden not in form.text, hidden
        tempat = field_name(form.text, "Pleno › tempat")
        # Each candidate of the lampiran folded under their name.
        assert "<summary>Daftar › 1: Andi Pratama</summary>" in form.text
        assert field_name(form.text, "Daftar › 1 › nama") == "f.daftar.0.nama"
        assert '<details class="baris-koreksi" open>' not in form.text
        # Refused (no reason given), the row the Ketua changed comes back open with what they typed.
        refused = post(page, f"/dokumen/{sk.id}/koreksi", {"alasan": "", "f.daftar.1.nama": "Bunga Maharani, S.Tr."})
        assert refused.status_code == 422
        assert '<details class="baris-koreksi" open>\n    <summary>Daftar › 2: Bunga Maharani</summary>' in refused.text
        assert 'value="Bunga Maharani, S.Tr."' in refused.text
        done = post(
            page, f"/dokumen/{sk.id}/koreksi", {"alasan": "tempat rapat pleno keliru", tempat: "Ruang Rapat Direktorat"}
        )
        assert (done.status_code, done.headers["location"]) == (303, "/dokumen?jenis=sk_penetapan")
    [_, perubahan] = b.documents(api, root, "sk_penetapan")
    assert (sk.number, perubahan.number) == ("004/LSP-STMI/SK/XII/2026", "005/LSP-STMI/SK/XII/2026")
    assert perubahan.data["pleno"]["tempat"] == "Ruang Rapat Direktorat"
    assert perubahan.data["daftar"] == sk.data["daftar"]
    text = rendered(api, perubahan.id)
    assert "Perubahan atas Keputusan" in text and "tempat rapat pleno keliru" in text


def test_a_certificate_is_not_corrected_on_the_koreksi_page_it_is_reissued_on_a_new_blangko(api: Api) -> None:
    from tests.test_register import certified

    root, cert = certified(api)
    with signed_in(api.app, ADMIN) as page:
        assert f'href="/dokumen/{cert.document_id}/koreksi"' not in page.get("/dokumen?jenis=sertifikat").text
        form = page.get(f"/dokumen/{cert.document_id}/koreksi")
        assert (
            "Sertifikat tidak dikoreksi" in teks(form.text) and '<form method="post" action="/dokumen/' not in form.text
        )
    with signed_in(api.app, "peserta") as page:  # a candidate corrects nothing
        assert page.get(f"/dokumen/{cert.document_id}/koreksi").status_code == 403


def test_in_a_browser_the_koreksi_page_of_an_sk_fits_a_phone_and_passes_axe_refused_or_not(
    site: Site, pages: Pages
) -> None:
    root = b.decided(site.api, CERT_CALON)
    site.drain()
    [sk] = b.documents(site.api, root, "sk_penetapan")
    for size in ("phone", "desktop"):
        page = pages.open(size, f"ketua_lsp {size}")
        log_in(page, site.base, "ketua_lsp")
        goto(page, site.base, f"/dokumen/{sk.id}/koreksi")
        assert page.locator("h1").inner_text() == "Koreksi Keputusan Ketua LSP (Penetapan Hasil Asesmen)"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]
        axe(page)
    page.get_by_label("Alasan koreksi").fill("tempat rapat pleno keliru")
    page.get_by_role("button", name="Terbitkan keputusan perubahan").click()
    assert "Belum ada yang diubah" in page.locator("#ringkasan-galat").inner_text()
    axe(page)
    assert pages.errors() == []


def test_a_kartu_offers_the_candidates_name_but_not_their_pas_foto_file(api: Api) -> None:
    root = b.assigned(api, [b.Calon("peserta", asesor="asesor")])
    api.drain()
    [kartu] = b.documents(api, root, "kartu_peserta", candidate="peserta")
    assert kartu.data["peserta"]["foto"]["sha256"]
    with signed_in(api.app, ADMIN) as page:
        form = page.get(f"/dokumen/{kartu.id}/koreksi").text
    assert field_name(form, "Peserta › nama") == "f.peserta.nama"
    assert "foto" not in form and "sha256" not in form and "content type" not in form.lower()
