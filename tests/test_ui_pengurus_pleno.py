"""The Pengurus pleno page (api/ui/pengurus_pleno.py) as a browser without JavaScript sees it: the eligible pleno
staff listed, one added from a select of eligible users with fields ticked from the skemas' fields, a refusal
of the service shown at its field in Indonesian, a member deactivated and activated again, and who may open,
write or not open it at all. The same service as `/api/pengurus-pleno`."""

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.support.api import Api
from tests.support.pages import post, signed_in

TIK = "Teknologi Informasi dan Komunikasi"
OTOMOTIF = "Industri Otomotif"


def rows(text: str) -> list[tuple[str, str, str, str]]:
    """The list's rows: (name, jabatan, bidang, keadaan)."""
    found = re.findall(
        r'<td data-label="Nama">(.*?)</td>\s*<td data-label="Jabatan">(.*?)</td>\s*'
        r'<td data-label="Bidang">(.*?)</td>\s*<td data-label="Keadaan"><span[^>]*>(.*?)</span>',
        text,
    )
    return [tuple(html.unescape(v) for v in row) for row in found]  # type: ignore[misc]


def at_field(text: str, field: str) -> list[str]:
    """The error messages the page shows at a form field."""
    return [html.unescape(m) for m in re.findall(rf'<p class="pesan-galat" id="f-{field}-galat">(.*?)</p>', text)]


def options(text: str) -> list[str]:
    select = text.split('<select id="f-username"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]+)"', select)


def checkboxes(text: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(r'<input type="checkbox" name="bidang" value="([^"]+)"', text)]


def pengurus(api: Api) -> dict[str, dict[str, Any]]:
    r = api.get("admin", "/api/pengurus-pleno")
    assert r.status_code == 200, r.text
    return {p["username"]: p for p in r.json()["items"]}


AWAL = [
    ("Agus Salim, S.T., M.Kom.", "Kepala Bidang Sertifikasi", f"{TIK}, {OTOMOTIF}, Industri Kimia Polimer", "Aktif"),
    ("Ir. Ratna Dewi Lestari, M.M.", "Ketua LSP", TIK, "Aktif"),
    (
        "Ir. Rudi Hartono, M.T.",
        "Asesor Kompetensi (komite teknis)",
        f"{TIK}, {OTOMOTIF}, Industri Kimia Polimer",
        "Aktif",
    ),
    ("Sri Wahyuni, S.E.", "Kepala Bidang Administrasi", "-", "Aktif"),
]


def test_a_master_writer_lists_and_adds_a_member_from_the_eligible_users(api: Api) -> None:
    with signed_in(api.app, "kabid_sertifikasi") as kabid:
        page = kabid.get("/pengurus-pleno")
        assert page.status_code == 200
        assert '<a href="/pengurus-pleno" aria-current="page">Pengurus pleno</a>' in page.text
        assert rows(page.text) == AWAL
        # Never a username typed: the eligible users not yet members, by name (no candidate, no IT role).
        assert options(page.text) == ["asesor", "asesor3", "direktur", "asesor2"]
        assert checkboxes(page.text) == ["Industri Kimia Polimer", OTOMOTIF, TIK]

        added = post(
            kabid, "/pengurus-pleno", {"username": "direktur", "jabatan": "Direktur", "bidang": [TIK, OTOMOTIF]}
        )
        assert (added.status_code, added.headers["location"]) == (303, "/pengurus-pleno?selesai=ditambah")
        page = kabid.get("/pengurus-pleno?selesai=ditambah")
        assert "Pengurus pleno telah ditambahkan." in page.text
        assert ("Dr. Mustofa, S.T., M.T.", "Direktur", f"{TIK}, {OTOMOTIF}", "Aktif") in rows(page.text)
        assert "direktur" not in options(page.text)

    direktur = pengurus(api)["direktur"]
    assert (direktur["jabatan"], direktur["bidang"], direktur["aktif"]) == ("Direktur", [TIK, OTOMOTIF], True)


def test_the_form_is_refused_at_its_fields_and_nothing_is_added(api: Api) -> None:
    before = pengurus(api)
    with signed_in(api.app, "ketua_lsp") as ketua:
        empty = post(ketua, "/pengurus-pleno", {"username": "", "jabatan": " "})
        assert empty.status_code == 422
        assert at_field(empty.text, "username") == ["Pilih pengguna"]
        assert at_field(empty.text, "jabatan") == ["Isi jabatan"]
        assert 'aria-invalid="true"' in empty.text and 'role="alert"' in empty.text

        # A form sent by hand: the service refuses a candidate and a field no skema has, at their fields,
        # keeping what was filled in.
        student = post(ketua, "/pengurus-pleno", {"username": "peserta", "jabatan": "Mahasiswa"})
        assert student.status_code == 422
        [message] = at_field(student.text, "username")
        assert "adalah peserta uji kompetensi: tidak boleh menjadi anggota pleno" in message
        assert 'value="Mahasiswa"' in student.text

        field = post(
            ketua, "/pengurus-pleno", {"username": "asesor", "jabatan": "Asesor", "bidang": [TIK, "Pertanian"]}
        )
        assert field.status_code == 422
        assert at_field(field.text, "bidang") == ["tidak ada skema dengan bidang 'Pertanian'"]
        assert '<option value="asesor" selected>' in field.text
        assert f'value="{TIK}" checked' in field.text

        admin_only = post(ketua, "/pengurus-pleno", {"username": "desainer", "jabatan": "Perancang"})
        assert admin_only.status_code == 422
        assert "(peran TI), bukan pengurus LSP" in at_field(admin_only.text, "username")[0]

        twice = post(ketua, "/pengurus-pleno", {"username": "ketua_lsp", "jabatan": "Ketua LSP"})
        assert twice.status_code == 409
        assert at_field(twice.text, "username") == ["Pengguna ini sudah menjadi pengurus pleno"]
    assert pengurus(api) == before


def test_a_member_is_deactivated_and_activated_again(api: Api) -> None:
    rudi = pengurus(api)["asesor4"]["id"]
    with signed_in(api.app, "kabid_administrasi") as kabid:
        off = post(kabid, f"/pengurus-pleno/{rudi}/nonaktifkan")
        assert (off.status_code, off.headers["location"]) == (303, "/pengurus-pleno?selesai=dinonaktifkan")
        page = kabid.get("/pengurus-pleno?selesai=dinonaktifkan")
        assert "tidak lagi ditawarkan sebagai anggota pleno" in page.text
        assert rows(page.text)[2] == (*AWAL[2][:3], "Nonaktif")
        assert f'action="/pengurus-pleno/{rudi}/aktifkan"' in page.text
        assert pengurus(api)["asesor4"]["aktif"] is False

        on = post(kabid, f"/pengurus-pleno/{rudi}/aktifkan")
        assert (on.status_code, on.headers["location"]) == (303, "/pengurus-pleno?selesai=diaktifkan")
        assert rows(kabid.get("/pengurus-pleno").text) == AWAL
        assert pengurus(api)["asesor4"]["aktif"] is True

        missing = post(kabid, "/pengurus-pleno/999999/nonaktifkan")
        assert missing.status_code == 404
        assert "Halaman tidak ditemukan" in missing.text
        # Without the session's CSRF token, nothing changes.
        forged = kabid.post(f"/pengurus-pleno/{rudi}/nonaktifkan", follow_redirects=False)
        assert forged.status_code == 403
    assert pengurus(api)["asesor4"]["aktif"] is True


def _nav(client: TestClient) -> bool:
    return 'href="/pengurus-pleno"' in client.get("/akun").text


def test_readers_see_the_list_without_the_form_and_others_are_refused(api: Api) -> None:
    rudi = pengurus(api)["asesor4"]["id"]
    for reader, in_nav in (("direktur", True), ("asesor", False)):
        with signed_in(api.app, reader) as client:
            page = client.get("/pengurus-pleno")
            assert page.status_code == 200, reader
            assert rows(page.text) == AWAL
            assert "Tambah pengurus pleno" not in page.text and "Nonaktifkan" not in page.text
            assert _nav(client) is in_nav
            assert post(client, "/pengurus-pleno", {"username": "asesor", "jabatan": "Asesor"}).status_code == 403
            assert post(client, f"/pengurus-pleno/{rudi}/nonaktifkan").status_code == 403
    with signed_in(api.app, "admin") as admin:
        assert "Tambah pengurus pleno" in admin.get("/pengurus-pleno").text
        assert _nav(admin)
    for outsider in ("peserta", "desainer"):
        with signed_in(api.app, outsider) as client:
            refused = client.get("/pengurus-pleno")
            assert refused.status_code == 403
            assert "Tidak dapat membuka pengurus pleno" in refused.text
            assert not _nav(client)
            assert post(client, f"/pengurus-pleno/{rudi}/nonaktifkan").status_code == 403
    assert pengurus(api)["asesor4"]["aktif"] is True
    with TestClient(api.app) as anonymous:
        assert anonymous.get("/pengurus-pleno", follow_redirects=False).status_code == 303
