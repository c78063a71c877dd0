"""Officials sign with their NIP: the Direktur, the Ketua LSP and the Kabid are civil servants, and every signature
block they sign prints their NIP under their name (documents-and-rules review, section 7.1)."""

import pytest

from tests.support import sop
from tests.support.api import Api
from tests.test_documents import documents, download, on_the_day_of_the_period
from tests.test_letter_form import pages, squeezed

ADMIN = "admin"


def users(api: Api) -> list[dict[str, object]]:
    r = api.get(ADMIN, "/api/users")
    assert r.status_code == 200, r.text
    return r.json()


def test_the_documents_print_the_nip_of_each_official_who_signs_them(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    on_the_day_of_the_period(api, monkeypatch)
    instance_id = sop.walk_period(api)
    api.app.state.settings.render_processes = 0
    api.app.state.worker.render_documents()
    text = {
        d["kind"]: squeezed(" ".join(pages(download(api, d["id"]))))
        for d in documents(api, instance_id)
        if d["content_type"] == "application/pdf"
    }
    # The Direktur signs the Nota Dinas; the Ketua LSP the SK and the kartu; the RAB is approved by the Direktur.
    assert squeezed("Dr. Mustofa, S.T., M.T. NIP 197203151998031002") in text["nota_dinas"]
    assert squeezed("Dr. Mustofa, S.T., M.T. NIP 197203151998031002") in text["rab"]
    assert squeezed("Ir. Ratna Dewi Lestari, M.M. NIP 197805222005012001") in text["sk_penetapan"]
    assert squeezed("Ir. Ratna Dewi Lestari, M.M. NIP 197805222005012001") in text["surat_tugas_asesor"]
    assert squeezed("Ir. Ratna Dewi Lestari, M.M. NIP 197805222005012001") in text["kartu_peserta"]
    # An asesor signs with their No. Reg. MET, not a NIP.
    assert squeezed("Ir. Rudi Hartono, M.T. No. Reg. MET.000.006092 2021") in text["rekaman_asesmen"]
    assert "NIP" not in text["rekaman_asesmen"]


def test_an_admin_records_an_officials_nip_and_a_malformed_one_is_refused_without_a_change(api: Api) -> None:
    before = users(api)
    for bad in ("19800110200604200", "1980011020060420031", "19800110 2006042003", "NIP198001102006042"):
        r = api.client.patch("/api/users/kabid_administrasi", json={"nip": bad}, headers=api.headers(ADMIN))
        assert r.status_code == 422, r.text
        assert [e["path"] for e in r.json()["errors"]] == ["body.nip"]
    r = api.client.patch("/api/users/kabid_administrasi", json={"full_name": None}, headers=api.headers(ADMIN))
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [{"path": "full_name", "message": "nama lengkap wajib diisi"}]
    assert users(api) == before

    r = api.client.patch("/api/users/admin", json={"nip": "199001012015031001"}, headers=api.headers(ADMIN))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "username": "admin",
        "full_name": "Administrator Sistem",
        "roles": ["admin"],
        "active": True,
        "nip": "199001012015031001",
    }
    r = api.client.patch("/api/users/admin", json={"nip": None}, headers=api.headers(ADMIN))
    assert r.json()["nip"] is None
    assert next(u for u in users(api) if u["username"] == "kabid_administrasi")["nip"] == "198001102006042003"
