"""Master data through the HTTP API: the LSP profile, skema, asesor (with conflicts of interest), TUK, peserta,
who may read and write them, how they are validated, and the demo data every other test starts from."""

from datetime import timedelta
from typing import Any

from api.clock import Clock
from tests.support.api import Api

SKEMA_JWD = "SKM/LSP-STMI/001/2024"
UNIT = {
    "kode": "J.620100.009.02",
    "judul": "Menggunakan Spesifikasi Program",
    "elemen": [{"judul": "Menggunakan metode pengembangan program", "kuk": ["Metode didefinisikan", "Metode dipilih"]}],
}
SKEMA = {
    "nomor": "SKM/LSP-STMI/010/2026",
    "judul": "Pemrogram Junior",
    "jenis": "okupasi",
    "level_kkni": 3,
    "bidang": "Teknologi Informasi dan Komunikasi",
    "unit": [UNIT],
}
TUK = {
    "kode": "TUK-09",
    "nama": "Ruang Praktik Jaringan",
    "jenis": "tempat_kerja",
    "alamat": "PT Mitra Industri, Cikarang",
    "penanggung_jawab": "Yusuf Effendi",
    "kapasitas": 12,
}
PESERTA = {
    "nim": "2303999",
    "prodi": "Sistem Informasi Industri Otomotif",
    "nik": "3171041505040099",
    "tempat_lahir": "Jakarta",
    "tanggal_lahir": "2004-05-15",
    "jenis_kelamin": "L",
    "alamat": "Jl. Pemuda No. 1, Jakarta",
    "telepon": "081234567890",
    "email": "baru@example.ac.id",
}


def patch(api: Api, username: str, path: str, body: dict[str, Any]) -> Any:
    return api.client.patch(path, headers=api.headers(username), json=body)


def paths(r: Any) -> set[str]:
    """The fields a 4xx names (FastAPI's own 422s prefix them with "body.")."""
    return {e["path"].removeprefix("body.") for e in r.json()["errors"]}


def items(api: Api, username: str, path: str, **params: Any) -> list[dict[str, Any]]:
    r = api.get(username, path, params={"page_size": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def new_user(api: Api, username: str, role: str) -> None:
    body = {"username": username, "full_name": f"Pengguna {username}", "password": f"{username}-demo", "roles": [role]}
    assert api.post("admin", "/api/users", json=body).status_code == 201


def test_the_demo_lsp_has_3_skema_2_tuk_4_asesor_and_40_peserta(api: Api) -> None:
    lsp = api.get("peserta", "/api/lsp").json()
    assert lsp["nama"] == "LSP Politeknik STMI Jakarta" and lsp["kode"] == "LSP-STMI"
    assert lsp["ketua"] == "ketua_lsp" and lsp["lisensi_berlaku"] is True
    assert (lsp["rasio_asesi_per_asesor"], lsp["masa_banding_hari"], lsp["masa_berlaku_sertifikat_tahun"]) == (
        10,
        14,
        3,
    )

    skema = items(api, "kabid_sertifikasi", "/api/skema")
    assert [s["nomor"] for s in skema] == [f"SKM/LSP-STMI/00{i}/2024" for i in (1, 2, 3)]
    for s in skema:
        assert 4 <= len(s["unit"]) <= 6
        for unit in s["unit"]:
            assert 2 <= len(unit["elemen"]) <= 3 and all(2 <= len(e["kuk"]) <= 3 for e in unit["elemen"])
        competent = items(api, "kabid_sertifikasi", "/api/asesor", skema=s["nomor"])
        assert len(competent) >= 2, s["nomor"]
    assert {u["kode"] for u in skema[0]["unit"]} >= {"J.620100.004.02", "J.620100.005.02"}

    assert [(t["kode"], t["jenis"]) for t in items(api, "admin", "/api/tuk")] == [
        ("TUK-01", "sewaktu"),
        ("TUK-02", "sewaktu"),
    ]
    asesor = {a["username"]: a for a in items(api, "admin", "/api/asesor")}
    assert sorted(asesor) == ["asesor", "asesor2", "asesor3", "asesor4"]
    assert all(a["met_berlaku"] and a["no_reg_met"].startswith("MET.") for a in asesor.values())
    assert [k["peserta_username"] for k in asesor["asesor4"]["konflik"]] == ["peserta12"]

    r = api.get("admin", "/api/peserta", params={"page_size": 10, "page": 4})
    assert r.json()["total"] == 40 and len(r.json()["items"]) == 10
    peserta = items(api, "admin", "/api/peserta")
    assert {p["username"] for p in peserta} == {"peserta"} | {f"peserta{n}" for n in range(2, 41)}
    assert all(len(p["nik"]) == 16 and p["nik"].isdigit() for p in peserta)
    assert len({p["nim"] for p in peserta}) == 40


def test_seeding_the_demo_data_twice_changes_nothing(api: Api) -> None:
    from api import seed

    with api.app.state.db.transaction() as session:
        assert seed.seed_users(session) == 0
    assert api.get("admin", "/api/peserta").json()["total"] == 40
    assert api.get("admin", "/api/asesor").json()["total"] == 4
    assert len(items(api, "admin", "/api/asesor", q="asesor4")[0]["konflik"]) == 1


def test_the_lsp_profile_is_read_by_anyone_and_written_by_the_lsp_staff(api: Api) -> None:
    body = {k: v for k, v in api.get("asesor", "/api/lsp").json().items() if k in PUT_FIELDS}
    body |= {"rasio_asesi_per_asesor": 8, "masa_banding_hari": 10, "telepon": "(021) 4240002"}
    r = api.client.put("/api/lsp", headers=api.headers("ketua_lsp"), json=body)
    assert r.status_code == 200, r.text
    assert (r.json()["rasio_asesi_per_asesor"], r.json()["masa_banding_hari"]) == (8, 10)
    assert r.json()["updated_by"] == "ketua_lsp" and r.json()["ketua_nama"] == "Ir. Ratna Dewi Lestari, M.M."
    assert api.get("direktur", "/api/lsp").json()["telepon"] == "(021) 4240002"

    r = api.client.put("/api/lsp", headers=api.headers("admin"), json={**body, "ketua": "asesor"})
    assert r.status_code == 422 and paths(r) == {"ketua"}
    r = api.client.put("/api/lsp", headers=api.headers("admin"), json={**body, "rasio_asesi_per_asesor": 0})
    assert r.status_code == 422 and paths(r) == {"rasio_asesi_per_asesor"}
    for username in ("direktur", "asesor", "peserta"):
        assert api.client.put("/api/lsp", headers=api.headers(username), json=body).status_code == 403


PUT_FIELDS = {
    "nama",
    "kode",
    "no_lisensi",
    "lisensi_berlaku_sd",
    "alamat",
    "kota",
    "telepon",
    "email",
    "website",
    "ketua",
    "rasio_asesi_per_asesor",
    "masa_banding_hari",
    "masa_berlaku_sertifikat_tahun",
}


def test_a_skema_is_created_found_updated_deactivated_and_activated(api: Api) -> None:
    r = api.post("kabid_sertifikasi", "/api/skema", json=SKEMA)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["aktif"] is True and created["dalam_lisensi"] is True
    assert created["unit"][0]["jenis_standar"] == "SKKNI"
    skema_id = created["id"]

    assert api.get("asesor", f"/api/skema/{skema_id}").json()["judul"] == "Pemrogram Junior"
    assert [s["nomor"] for s in items(api, "direktur", "/api/skema", q="pemrogram JUN")] == [SKEMA["nomor"]]
    assert [s["nomor"] for s in items(api, "direktur", "/api/skema", q="010/2026")] == [SKEMA["nomor"]]
    assert items(api, "direktur", "/api/skema", q="100%") == []

    r = patch(
        api, "kabid_sertifikasi", f"/api/skema/{skema_id}", {"judul": "Pemrogram Junior (Revisi)", "level_kkni": None}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["judul"], r.json()["level_kkni"], r.json()["jenis"]) == (
        "Pemrogram Junior (Revisi)",
        None,
        "okupasi",
    )
    r = patch(api, "kabid_sertifikasi", f"/api/skema/{skema_id}", {"judul": None})
    assert r.status_code == 422 and paths(r) == {"judul"}

    r = api.post("ketua_lsp", f"/api/skema/{skema_id}/nonaktifkan")
    assert r.status_code == 200 and r.json()["aktif"] is False
    assert SKEMA["nomor"] not in {s["nomor"] for s in items(api, "admin", "/api/skema", aktif=True)}
    assert [s["nomor"] for s in items(api, "admin", "/api/skema", aktif=False)] == [SKEMA["nomor"]]
    assert api.post("admin", f"/api/skema/{skema_id}/aktifkan").json()["aktif"] is True
    assert api.get("admin", "/api/skema/99999").status_code == 404


def test_a_skema_is_refused_with_the_field_at_fault(api: Api) -> None:
    def refused(body: dict[str, Any], field: str, status: int = 422) -> None:
        r = api.post("admin", "/api/skema", json=body)
        assert r.status_code == status, r.text
        assert any(p == field or p.startswith(field + ".") for p in paths(r)), (field, r.json())

    refused({**SKEMA, "nomor": SKEMA_JWD}, "nomor", 409)
    refused({**SKEMA, "level_kkni": 10}, "level_kkni")
    refused({**SKEMA, "jenis": "profesi"}, "jenis")
    refused({**SKEMA, "unit": []}, "unit")
    refused({**SKEMA, "unit": [{**UNIT, "elemen": []}]}, "unit.0.elemen")
    refused({**SKEMA, "unit": [{**UNIT, "elemen": [{"judul": "Tanpa KUK", "kuk": []}]}]}, "unit.0.elemen.0.kuk")
    refused({**SKEMA, "unit": [UNIT, UNIT]}, "unit")
    refused({**SKEMA, "tidak_dikenal": 1}, "tidak_dikenal")
    assert api.get("admin", "/api/skema").json()["total"] == 3

    jwd = items(api, "admin", "/api/skema", q=SKEMA_JWD)[0]
    r = patch(api, "admin", f"/api/skema/{jwd['id']}", {"nomor": "SKM/LSP-STMI/002/2024"})
    assert r.status_code == 409 and paths(r) == {"nomor"}


def test_only_staff_write_master_data_and_asesor_read_only_skema_and_tuk(api: Api) -> None:
    for username in ("peserta", "asesor", "direktur", "desainer"):
        assert api.post(username, "/api/skema", json=SKEMA).status_code == 403, username
        assert api.post(username, "/api/tuk", json=TUK).status_code == 403, username
        assert api.post(username, "/api/skema/1/nonaktifkan").status_code == 403, username
        assert patch(api, username, "/api/tuk/1", {"kapasitas": 5}).status_code == 403, username
    assert api.get("asesor", "/api/skema").status_code == 200
    assert api.get("asesor", "/api/tuk/1").status_code == 200
    for path in ("/api/asesor", "/api/peserta", "/api/peserta/1"):
        assert api.get("asesor", path).status_code == 403, path
    for path in ("/api/skema", "/api/tuk", "/api/asesor", "/api/peserta"):
        assert api.get("peserta", path).status_code == 403, path
        assert api.get("direktur", path).status_code == 200, path
    assert api.client.get("/api/skema").status_code == 401


def test_a_tuk_is_created_searched_updated_and_deactivated(api: Api) -> None:
    r = api.post("kabid_administrasi", "/api/tuk", json=TUK)
    assert r.status_code == 201, r.text
    tuk_id = r.json()["id"]
    assert [t["kode"] for t in items(api, "asesor", "/api/tuk", q="cikarang")] == ["TUK-09"]

    r = patch(api, "kabid_administrasi", f"/api/tuk/{tuk_id}", {"kapasitas": 15, "nama": "Ruang Jaringan"})
    assert (r.status_code, r.json()["kapasitas"], r.json()["nama"]) == (200, 15, "Ruang Jaringan")
    for body, field in (({"kapasitas": 0}, "kapasitas"), ({"jenis": "kelas"}, "jenis"), ({"kode": None}, "kode")):
        r = patch(api, "admin", f"/api/tuk/{tuk_id}", body)
        assert r.status_code == 422 and paths(r) == {field}, r.text
    r = patch(api, "admin", f"/api/tuk/{tuk_id}", {"kode": "TUK-01"})
    assert r.status_code == 409 and paths(r) == {"kode"}
    r = api.post("admin", "/api/tuk", json={**TUK, "kode": "TUK-02"})
    assert r.status_code == 409 and paths(r) == {"kode"}

    assert api.post("admin", f"/api/tuk/{tuk_id}/nonaktifkan").json()["aktif"] is False
    assert [t["kode"] for t in items(api, "admin", "/api/tuk", aktif=True)] == ["TUK-01", "TUK-02"]
    assert api.post("admin", "/api/tuk/99999/aktifkan").status_code == 404


def test_an_asesor_is_registered_with_met_and_skema_and_updated(api: Api, clock: Clock) -> None:
    new_user(api, "asesor9", "asesor")
    body = {"username": "asesor9", "no_reg_met": "MET.000.009999 2024", "met_berlaku_sd": "2030-01-31"}
    r = api.post("kabid_sertifikasi", "/api/asesor", json={**body, "skema": [SKEMA_JWD]})
    assert r.status_code == 201, r.text
    asesor = r.json()
    assert (asesor["nama"], asesor["skema"], asesor["met_berlaku"], asesor["konflik"]) == (
        "Pengguna asesor9",
        [SKEMA_JWD],
        True,
        [],
    )
    assert [a["username"] for a in items(api, "admin", "/api/asesor", q="PENGGUNA ASESOR9")] == ["asesor9"]
    assert [a["username"] for a in items(api, "admin", "/api/asesor", q="009999")] == ["asesor9"]

    r = patch(api, "admin", f"/api/asesor/{asesor['id']}", {"skema": ["SKM/LSP-STMI/003/2024", SKEMA_JWD]})
    assert r.status_code == 200 and r.json()["skema"] == [SKEMA_JWD, "SKM/LSP-STMI/003/2024"]
    r = patch(api, "admin", f"/api/asesor/{asesor['id']}", {"met_berlaku_sd": "2020-01-01"})
    assert r.json()["met_berlaku"] is False
    r = patch(api, "admin", f"/api/asesor/{asesor['id']}", {"username": "asesor"})
    assert r.status_code == 422 and paths(r) == {"username"}

    assert api.get("asesor", "/api/asesor/saya").json()["username"] == "asesor"
    assert api.get("peserta", "/api/asesor/saya").status_code == 403
    assert api.post("admin", f"/api/asesor/{asesor['id']}/nonaktifkan").json()["aktif"] is False
    assert "asesor9" not in {a["username"] for a in items(api, "admin", "/api/asesor", aktif=True)}

    # Whether the MET is valid follows the service's clock.
    clock.advance(timedelta(days=365 * 5))
    api._tokens.clear()
    assert api.get("asesor", "/api/asesor/saya").json()["met_berlaku"] is False


def test_an_asesor_is_refused_with_the_field_at_fault(api: Api) -> None:
    new_user(api, "asesor9", "asesor")
    body = {"username": "asesor9", "no_reg_met": "MET.000.009999 2024", "met_berlaku_sd": "2030-01-31", "skema": []}

    def refused(change: dict[str, Any], field: str, status: int = 422) -> None:
        r = api.post("admin", "/api/asesor", json={**body, **change})
        assert r.status_code == status and paths(r) == {field}, r.text

    refused({"username": "tidak_ada"}, "username")
    refused({"username": "peserta"}, "username")  # not an asesor
    refused({"username": "asesor2"}, "username", 409)  # already registered
    refused({"no_reg_met": "MET.000.001234 2019"}, "no_reg_met", 409)
    refused({"no_reg_met": "12345"}, "no_reg_met")
    refused({"skema": [SKEMA_JWD, "SKM/TIDAK/ADA"]}, "skema.1")
    assert api.get("admin", "/api/asesor").json()["total"] == 4


def test_a_conflict_of_interest_is_declared_once(api: Api) -> None:
    asesor2 = items(api, "admin", "/api/asesor", q="asesor2")[0]
    url = f"/api/asesor/{asesor2['id']}/konflik"
    r = api.post("kabid_sertifikasi", url, json={"peserta_username": "peserta7", "keterangan": "Tetangga serumah"})
    assert r.status_code == 201, r.text
    assert (r.json()["peserta_nama"], r.json()["dinyatakan_oleh"]) == ("Gita Permatasari", "kabid_sertifikasi")

    again = api.post("admin", url, json={"peserta_username": "peserta7", "keterangan": "Lagi"})
    assert again.status_code == 409 and paths(again) == {"peserta_username"}
    unknown = api.post("admin", url, json={"peserta_username": "direktur", "keterangan": "Bukan peserta"})
    assert unknown.status_code == 422 and paths(unknown) == {"peserta_username"}

    # The asesor discloses their own relationships; not someone else's.
    r = api.post("asesor2", url, json={"peserta_username": "peserta8", "keterangan": "Saudara sepupu"})
    assert r.status_code == 201, r.text
    assert api.post("asesor", url, json={"peserta_username": "peserta9", "keterangan": "Iseng"}).status_code == 403
    assert api.post("peserta", url, json={"peserta_username": "peserta9", "keterangan": "Iseng"}).status_code == 403

    konflik = api.get("admin", f"/api/asesor/{asesor2['id']}").json()["konflik"]
    assert [k["peserta_username"] for k in konflik] == ["peserta7", "peserta8"]


def test_a_peserta_is_registered_for_an_existing_candidate_account(api: Api) -> None:
    new_user(api, "peserta41", "peserta")
    r = api.post("kabid_administrasi", "/api/peserta", json={**PESERTA, "username": "peserta41"})
    assert r.status_code == 201, r.text
    peserta = r.json()
    assert (peserta["nama"], peserta["nik"], peserta["aktif"]) == ("Pengguna peserta41", PESERTA["nik"], True)

    assert [p["username"] for p in items(api, "admin", "/api/peserta", q="2303999")] == ["peserta41"]
    assert [p["username"] for p in items(api, "admin", "/api/peserta", q="gita perm")] == ["peserta7"]
    prodi = items(api, "admin", "/api/peserta", prodi="Teknik Kimia Polimer")
    assert prodi and {p["prodi"] for p in prodi} == {"Teknik Kimia Polimer"}

    r = patch(
        api, "kabid_administrasi", f"/api/peserta/{peserta['id']}", {"telepon": None, "prodi": "Teknik Kimia Polimer"}
    )
    assert r.status_code == 200 and (r.json()["telepon"], r.json()["prodi"]) == (None, "Teknik Kimia Polimer")
    r = patch(api, "admin", f"/api/peserta/{peserta['id']}", {"nim": "2303001"})
    assert r.status_code == 409 and paths(r) == {"nim"}
    r = patch(api, "admin", f"/api/peserta/{peserta['id']}", {"nik": "31710415050400"})
    assert r.status_code == 422 and paths(r) == {"nik"}

    assert api.get("peserta41", "/api/peserta/saya").json()["nim"] == "2303999"
    assert api.get("peserta", "/api/peserta/saya").json()["nama"] == "Andi Pratama"
    assert api.get("asesor", "/api/peserta/saya").status_code == 403
    assert api.post("admin", f"/api/peserta/{peserta['id']}/nonaktifkan").json()["aktif"] is False
    assert api.get("admin", "/api/peserta", params={"aktif": "true"}).json()["total"] == 40
    assert api.get("admin", f"/api/peserta/{peserta['id']}").json()["aktif"] is False


def test_a_peserta_is_refused_with_the_field_at_fault(api: Api) -> None:
    new_user(api, "peserta41", "peserta")
    body = {**PESERTA, "username": "peserta41"}

    def refused(change: dict[str, Any], field: str, status: int = 422) -> None:
        r = api.post("admin", "/api/peserta", json={**body, **change})
        assert r.status_code == status and paths(r) == {field}, r.text

    refused({"nik": "317104150504009"}, "nik")  # 15 digits
    refused({"nik": "31710415050400AB"}, "nik")
    refused({"jenis_kelamin": "X"}, "jenis_kelamin")
    refused({"tanggal_lahir": "2999-01-01"}, "tanggal_lahir")
    refused({"email": "bukan-email"}, "email")
    refused({"username": "tidak_ada"}, "username")
    refused({"username": "asesor"}, "username")  # a user without the peserta role
    refused({"username": "peserta2"}, "username", 409)  # already has a record
    refused({"nim": "2303001"}, "nim", 409)
    assert api.post("peserta", "/api/peserta", json=body).status_code == 403
    assert api.post("asesor", "/api/peserta", json=body).status_code == 403
    assert api.get("admin", "/api/peserta").json()["total"] == 40
