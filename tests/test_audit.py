"""Jejak audit through the HTTP API: two periods driven partly through the real SOP (registration opened, forms
submitted and checked), master data changed through its REST routes, then searched the way an auditor does.

The clock stands still and is moved by the test, so every event's moment is known and written here by hand:
period 1 (LSP-2026-GENAP) happens on 3 August 2026 from 09.00 WIB, period 2 (LSP-2027-GANJIL) on 12 September
2026 from 09.00 WIB, one minute between steps.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.clock import Clock
from tests.support import sop
from tests.support.api import Api
from tests.support.pages import signed_in

P1, P2 = "LSP-2026-GENAP", "LSP-2027-GANJIL"
APL = "Mengisi FR.APL.01 dan FR.APL.02"
PERIKSA = "Memeriksa kelengkapan berkas pendaftaran"
BUKA = "Membuka pendaftaran uji kompetensi"


class StoppedClock(Clock):
    """Stands at 3 August 2026, 02.00 UTC (09.00 WIB) until the test moves it."""

    def now(self) -> datetime:
        return datetime(2026, 8, 3, 2, 0, tzinfo=UTC) + self.offset


@pytest.fixture
def clock() -> Clock:
    return StoppedClock()


def _period(api: Api, clock: Clock, key: str) -> int:
    """Start a period, plan it, open registration for peserta (JWD) and peserta3 (OPR); each submits their forms
    and Kabid Administrasi accepts them, one minute between steps."""
    instance = sop.start_period(api, key)["id"]
    sop.step_1_and_2(api, instance)
    clock.advance(timedelta(minutes=1))  # :01
    sop.open_registration(api, instance, {"peserta": sop.JWD, "peserta3": sop.OPR})
    clock.advance(timedelta(minutes=1))  # :02
    sop.submit_apl(api, "peserta")
    clock.advance(timedelta(minutes=1))  # :03
    sop.submit_apl(api, "peserta3")
    clock.advance(timedelta(minutes=1))  # :04
    sop.check_files(api, {"peserta": ("diterima", "")})
    clock.advance(timedelta(minutes=1))  # :05
    sop.check_files(api, {"peserta3": ("diterima", "")})
    return instance


def _two_periods(api: Api, clock: Clock) -> None:
    _period(api, clock, P1)
    clock.advance(timedelta(days=40) - timedelta(minutes=5))  # 12 September 2026, 09.00 WIB
    sign_in_again(api)
    _period(api, clock, P2)


def sign_in_again(api: Api) -> None:
    """Days later every token has expired: each user logs in again."""
    for username in list(api._tokens):
        api.forget(username)


def search(api: Api, username: str = "admin", **params: Any) -> list[dict[str, Any]]:
    """Every row of a search, page after page (`page_size` rows each)."""
    params.setdefault("page_size", 500)
    rows: list[dict[str, Any]] = []
    while True:
        r = api.get(username, "/api/audit", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        rows += body["items"]
        if body["next_cursor"] is None:
            return rows
        params = {**params, "cursor": body["next_cursor"]}


def brief(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["periode"], r["type"], r["task_name"], r["actor"]) for r in rows]


def test_an_auditor_finds_every_action_on_one_candidates_file_across_two_periods(api: Api, clock: Clock) -> None:
    _two_periods(api, clock)

    rows = search(api, peserta="2303001")  # Andi Pratama's NIM

    # The check issues FR.APL.01 in its transaction, after the completion that decided it.
    terbit = "Menerbitkan FR.APL.01 permohonan sertifikasi yang telah diperiksa"
    ambil = "Mencatat peserta dibawa yang diterima periode ini"  # an accepted berkas takes up a carry, if any
    assert brief(rows) == [
        (P2, "instance_completed", None, None),
        (P2, "service_task_completed", terbit, "kabid_administrasi"),
        (P2, "service_task_completed", ambil, "kabid_administrasi"),
        (P2, "task_completed", PERIKSA, "kabid_administrasi"),
        (P2, "task_created", PERIKSA, None),
        (P2, "task_completed", APL, "peserta"),
        (P2, "task_created", APL, None),
        (P2, "instance_started", None, "kabid_administrasi"),
        (P1, "instance_completed", None, None),
        (P1, "service_task_completed", terbit, "kabid_administrasi"),
        (P1, "service_task_completed", ambil, "kabid_administrasi"),
        (P1, "task_completed", PERIKSA, "kabid_administrasi"),
        (P1, "task_created", PERIKSA, None),
        (P1, "task_completed", APL, "peserta"),
        (P1, "task_created", APL, None),
        (P1, "instance_started", None, "kabid_administrasi"),
    ]
    assert {r["subjek"] for r in rows} == {"peserta"}
    assert rows[3]["at"] == "2026-09-12T02:04:00Z"
    assert rows[3]["rincian"]["pemeriksaan"]["keputusan"] == "diterima"
    # By part of the name, in any case, or by username: the same file.
    assert search(api, peserta="andi PRAT") == rows
    assert search(api, peserta="peserta") == rows
    assert search(api, peserta="Tidak Ada Orangnya") == []


def test_the_filters_combine(api: Api, clock: Clock) -> None:
    _two_periods(api, clock)

    kabid_p1 = search(api, actor="kabid_administrasi", period=P1, type="task_completed")
    assert brief(kabid_p1) == [
        (P1, "task_completed", PERIKSA, "kabid_administrasi"),
        (P1, "task_completed", PERIKSA, "kabid_administrasi"),
        (P1, "task_completed", BUKA, "kabid_administrasi"),
    ]
    assert [r["subjek"] for r in kabid_p1] == ["peserta3", "peserta", None]

    # Operator Perakitan's candidate only, in both periods.
    opr = search(api, skema=sop.OPR, type="task_completed")
    assert [(r["periode"], r["task_name"], r["actor"]) for r in opr] == [
        (P2, PERIKSA, "kabid_administrasi"),
        (P2, APL, "peserta3"),
        (P1, PERIKSA, "kabid_administrasi"),
        (P1, APL, "peserta3"),
    ]

    # A date range of WIB days: the second period only.
    september = search(api, task=APL, type="task_completed", date_from="2026-09-01", date_to="2026-09-12")
    assert [(r["periode"], r["actor"], r["at"]) for r in september] == [
        (P2, "peserta3", "2026-09-12T02:03:00Z"),
        (P2, "peserta", "2026-09-12T02:02:00Z"),
    ]
    assert search(api, task=APL, type="task_completed", date_from="2026-08-04", date_to="2026-09-11") == []

    # A task by its id: its creation and its completion.
    task_id = september[0]["task_id"]
    assert [r["type"] for r in search(api, task=task_id)] == ["task_completed", "task_created"]

    # A candidate and a period together.
    assert brief(search(api, peserta="2301001", period=P1, actor="peserta3")) == [
        (P1, "task_completed", APL, "peserta3")
    ]


def test_pages_follow_each_other_without_repeats_or_gaps_while_history_grows(api: Api, clock: Clock) -> None:
    _two_periods(api, clock)
    whole = search(api, peserta="2303001")

    first = api.get("admin", "/api/audit", params={"peserta": "2303001", "page_size": 5}).json()
    # Meanwhile the candidate's file grows (a new period's registration): newer than any page already read.
    clock.advance(timedelta(days=1))
    sign_in_again(api)
    third = sop.start_period(api, "LSP-2027-GENAP")["id"]
    sop.step_1_and_2(api, third)
    sop.open_registration(api, third, {"peserta": sop.JWD})
    rest = search(api, peserta="2303001", page_size=5, cursor=first["next_cursor"])

    assert len(first["items"]) == 5
    assert first["items"] + rest == whole
    assert len(search(api, peserta="2303001")) == len(whole) + 2  # the new child's start and its first task


def test_the_csv_holds_the_rows_of_the_search_with_their_header(api: Api, clock: Clock) -> None:
    _two_periods(api, clock)

    r = api.get("ketua_lsp", "/api/audit.csv", params={"actor": "peserta", "type": "task_completed"})

    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith('attachment; filename="jejak-audit.csv"')
    lines = r.content.decode("utf-8-sig").split("\r\n")
    assert (
        lines[0] == "waktu,jenis,peristiwa,pelaku,periode,proses,instance,subjek,tugas,lane,data_induk,record,rincian"
    )
    assert [line.split(",")[:9] for line in lines[1:3]] == [
        [
            "2026-09-12T09:02:00+07:00",
            "proses",
            "task_completed",
            "peserta",
            P2,
            "pendaftaran_uji_kompetensi",
            lines[1].split(",")[6],
            "peserta",
            APL,
        ],
        [
            "2026-08-03T09:02:00+07:00",
            "proses",
            "task_completed",
            "peserta",
            P1,
            "pendaftaran_uji_kompetensi",
            lines[2].split(",")[6],
            "peserta",
            APL,
        ],
    ]
    assert lines[3:] == [""]


def test_a_change_of_master_data_is_recorded_with_before_and_after_and_found_by_the_search(
    api: Api, clock: Clock
) -> None:
    [asesor] = api.get("admin", "/api/asesor", params={"q": "asesor2"}).json()["items"]
    r = api.client.patch(
        f"/api/asesor/{asesor['id']}",
        headers=api.headers("kabid_sertifikasi"),
        json={"no_reg_met": "MET.000.009999 2026", "met_berlaku_sd": "2029-12-31"},
    )
    assert r.status_code == 200, r.text
    clock.advance(timedelta(minutes=1))
    [skema] = api.get("admin", "/api/skema", params={"q": sop.OPR}).json()["items"]
    assert api.post("kabid_administrasi", f"/api/skema/{skema['id']}/nonaktifkan").status_code == 200
    clock.advance(timedelta(minutes=1))
    [peserta] = api.get("admin", "/api/peserta", params={"q": "2303001"}).json()["items"]
    r = api.client.patch(
        f"/api/peserta/{peserta['id']}", headers=api.headers("admin"), json={"telepon": "081299990000"}
    )
    assert r.status_code == 200, r.text

    changes = search(api, kind="data_induk")
    assert [(r["data_induk"], r["subjek"], r["type"], r["actor"], r["rincian"]) for r in changes] == [
        ("peserta", "peserta", "diubah", "admin", {"telepon": {"sebelum": "081290007919", "sesudah": "081299990000"}}),
        ("skema", sop.OPR, "dinonaktifkan", "kabid_administrasi", {"aktif": {"sebelum": True, "sesudah": False}}),
        (
            "asesor",
            "asesor2",
            "diubah",
            "kabid_sertifikasi",
            {
                "no_reg_met": {"sebelum": asesor["no_reg_met"], "sesudah": "MET.000.009999 2026"},
                "met_berlaku_sd": {"sebelum": asesor["met_berlaku_sd"], "sesudah": "2029-12-31"},
            },
        ),
    ]
    assert changes[2]["at"] == "2026-08-03T02:00:00Z"
    # Who changed the asesor's MET; what happened to the skema; the candidate's own record with their file.
    assert [r["subjek"] for r in search(api, actor="kabid_sertifikasi", kind="data_induk")] == ["asesor2"]
    assert [r["type"] for r in search(api, skema=sop.OPR, kind="data_induk")] == ["dinonaktifkan"]
    assert [r["data_induk"] for r in search(api, peserta="Andi Pratama")] == ["peserta"]
    assert [r["type"] for r in search(api, type="dinonaktifkan")] == ["dinonaktifkan"]
    # A patch changing nothing records nothing.
    r = api.client.patch(
        f"/api/peserta/{peserta['id']}", headers=api.headers("admin"), json={"telepon": "081299990000"}
    )
    assert r.status_code == 200
    assert len(search(api, kind="data_induk")) == 3


def test_a_new_record_is_recorded_with_every_field(api: Api) -> None:
    body = {
        "kode": "TUK-09",
        "nama": "Bengkel Mitra",
        "jenis": "tempat_kerja",
        "alamat": "Jl. Industri 9",
        "penanggung_jawab": "Budi",
        "kapasitas": 12,
    }
    r = api.post("ketua_lsp", "/api/tuk", json=body)
    assert r.status_code == 201, r.text

    [row] = search(api, kind="data_induk", actor="ketua_lsp")

    assert (row["data_induk"], row["subjek"], row["type"]) == ("tuk", "TUK-09", "dibuat")
    assert row["rincian"] == {
        "kode": {"sebelum": None, "sesudah": "TUK-09"},
        "nama": {"sebelum": None, "sesudah": "Bengkel Mitra"},
        "jenis": {"sebelum": None, "sesudah": "tempat_kerja"},
        "alamat": {"sebelum": None, "sesudah": "Jl. Industri 9"},
        "penanggung_jawab": {"sebelum": None, "sesudah": "Budi"},
        "kapasitas": {"sebelum": None, "sesudah": 12},
        "aktif": {"sebelum": None, "sesudah": True},
    }


@pytest.mark.parametrize(
    ("params", "path", "message"),
    [
        (
            {"date_from": "2026-09-02", "date_to": "2026-09-01"},
            "date_to",
            "tanggal akhir tidak boleh sebelum tanggal awal",
        ),
        ({"type": "task_finished"}, "type", "jenis peristiwa 'task_finished' tidak dikenal"),
        ({"type": "diubah", "kind": "proses"}, "type", "jenis peristiwa 'diubah' bukan peristiwa proses"),
        ({"period": "LSP-1999"}, "period", "periode 'LSP-1999' tidak ada"),
        ({"cursor": "kemarin"}, "cursor", "penanda halaman tidak dikenal; mulai lagi dari halaman pertama"),
    ],
    ids=["date-range-backwards", "unknown-type", "type-of-other-kind", "unknown-period", "bad-cursor"],
)
def test_a_search_that_cannot_run_is_refused_at_its_field(
    api: Api, params: dict[str, str], path: str, message: str
) -> None:
    for url in ("/api/audit", "/api/audit.csv"):
        if url.endswith(".csv") and "cursor" in params:
            continue
        r = api.get("direktur", url, params=params)
        assert r.status_code == 422, r.text
        assert r.json()["errors"] == [{"path": path, "message": message}]
        assert r.json()["detail"]


def test_kabids_candidates_and_asesor_never_read_the_audit_trail(api: Api) -> None:
    for username in ("kabid_administrasi", "kabid_sertifikasi", "asesor", "peserta", "desainer"):
        assert api.get(username, "/api/audit").status_code == 403
        assert api.get(username, "/api/audit.csv").status_code == 403
    for username in ("admin", "ketua_lsp", "direktur"):
        assert api.get(username, "/api/audit").status_code == 200


def test_the_change_history_cannot_be_rewritten(api: Api) -> None:
    from api.store.master import PerubahanDataInduk

    assert api.post("admin", "/api/tuk/1/nonaktifkan").status_code == 200
    with api.app.state.db.transaction() as session, pytest.raises(PermissionError):
        row = session.query(PerubahanDataInduk).one()
        row.actor = "orang_lain"
        session.flush()


def _name_and_end_a_substitute(api: Api, clock: Clock) -> int:
    """At 09.00 WIB on 3 August 2026 Kabid Administrasi names Ketua LSP her substitute for 3 to 8 August (dinas
    luar); at 10.30 WIB she ends it early."""
    body = {
        "pengganti": "ketua_lsp",
        "mulai": "2026-08-03",
        "sampai": "2026-08-08",
        "alasan": "dinas_luar",
        "keterangan": "Diklat BNSP",
    }
    r = api.post("kabid_administrasi", "/api/pengganti", json=body)
    assert r.status_code == 201, r.text
    clock.advance(timedelta(minutes=90))
    r = api.post("kabid_administrasi", f"/api/pengganti/{r.json()['id']}/akhiri")
    assert r.status_code == 200, r.text
    return int(r.json()["id"])


SUBSTITUTION = {
    "diwakili": "kabid_administrasi",
    "pengganti": "ketua_lsp",
    "mulai": "2026-08-03",
    "sampai": "2026-08-08",
    "alasan": "dinas_luar",
    "keterangan": "Diklat BNSP",
}


def test_a_substitute_named_and_ended_is_two_rows_of_the_audit_search(api: Api, clock: Clock) -> None:
    pengganti_id = _name_and_end_a_substitute(api, clock)

    rows = search(api, kind="pengganti")

    assert [(r["jenis"], r["type"], r["actor"], r["at"], r["subjek"], r["record_id"]) for r in rows] == [
        ("pengganti", "pengganti_diakhiri", "kabid_administrasi", "2026-08-03T03:30:00Z", "kabid_administrasi", 1),
        ("pengganti", "pengganti_ditunjuk", "kabid_administrasi", "2026-08-03T02:00:00Z", "kabid_administrasi", 1),
    ]
    assert pengganti_id == 1
    assert [r["rincian"] for r in rows] == [SUBSTITUTION, SUBSTITUTION]
    # By its event type; by who acted, and by the absent person or the substitute (the `actor` filter).
    assert [r["type"] for r in search(api, type="pengganti_ditunjuk")] == ["pengganti_ditunjuk"]
    assert search(api, actor="kabid_administrasi", kind="pengganti") == rows
    assert search(api, actor="ketua_lsp") == rows
    assert search(api, actor="kabid_sertifikasi", kind="pengganti") == []
    # A date range of WIB days holds them or leaves them out.
    assert search(api, kind="pengganti", date_from="2026-08-03", date_to="2026-08-03") == rows
    assert search(api, kind="pengganti", date_from="2026-08-04") == []
    assert search(api, kind="pengganti", date_to="2026-08-02") == []
    # No candidate, period, skema or task is part of a substitution.
    assert search(api, peserta="peserta") == []
    assert search(api, skema=sop.OPR, kind="pengganti") == []
    # Another kind's type is refused at its field.
    r = api.get("admin", "/api/audit", params={"kind": "pengganti", "type": "diubah"})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"path": "type", "message": "jenis peristiwa 'diubah' bukan peristiwa pengganti"}]


def test_the_csv_holds_a_substitutes_two_rows(api: Api, clock: Clock) -> None:
    _name_and_end_a_substitute(api, clock)

    r = api.get("direktur", "/api/audit.csv", params={"kind": "pengganti"})

    assert r.status_code == 200
    lines = r.content.decode("utf-8-sig").split("\r\n")
    rincian = (
        '"{""alasan"": ""dinas_luar"", ""diwakili"": ""kabid_administrasi"", ""keterangan"": ""Diklat BNSP"", '
        '""mulai"": ""2026-08-03"", ""pengganti"": ""ketua_lsp"", ""sampai"": ""2026-08-08""}"'
    )
    assert lines[1:] == [
        "2026-08-03T10:30:00+07:00,pengganti,pengganti_diakhiri,kabid_administrasi,,,,kabid_administrasi,,,,1,"
        + rincian,
        "2026-08-03T09:00:00+07:00,pengganti,pengganti_ditunjuk,kabid_administrasi,,,,kabid_administrasi,,,,1,"
        + rincian,
        "",
    ]


def test_a_search_of_every_kind_pages_through_all_three_without_repeats_or_gaps(api: Api, clock: Clock) -> None:
    # At 09.00 WIB, the same moment: a period starts, a TUK is recorded and a substitute is named.
    instance = sop.start_period(api, P1)["id"]
    tuk = {"kode": "TUK-09", "nama": "Bengkel Mitra", "jenis": "tempat_kerja", "alamat": "Jl. Industri 9"}
    r = api.post("admin", "/api/tuk", json={**tuk, "penanggung_jawab": "Budi", "kapasitas": 12})
    assert r.status_code == 201, r.text
    tuk_id = r.json()["id"]
    r = api.post(
        "kabid_administrasi",
        "/api/pengganti",
        json={"pengganti": "ketua_lsp", "mulai": "2026-08-03", "sampai": "2026-08-08", "alasan": "cuti"},
    )
    assert r.status_code == 201, r.text
    clock.advance(timedelta(minutes=1))  # 09.01: the period's first steps
    sop.step_1_and_2(api, instance)
    clock.advance(timedelta(minutes=1))  # 09.02: the substitution ends, the TUK is deactivated
    assert api.post("kabid_administrasi", f"/api/pengganti/{r.json()['id']}/akhiri").status_code == 200
    assert api.post("admin", f"/api/tuk/{tuk_id}/nonaktifkan").status_code == 200

    whole = search(api)
    paged = search(api, page_size=2)

    assert paged == whole
    keys = [(r["jenis"], r["type"], r["id"]) for r in whole]
    assert len(set(keys)) == len(keys)
    # Newest first; at one moment a substitution's rows before the history, the history before master data.
    assert [(r["jenis"], r["type"], r["at"]) for r in whole if r["jenis"] != "proses"] == [
        ("pengganti", "pengganti_diakhiri", "2026-08-03T02:02:00Z"),
        ("data_induk", "dinonaktifkan", "2026-08-03T02:02:00Z"),
        ("pengganti", "pengganti_ditunjuk", "2026-08-03T02:00:00Z"),
        ("data_induk", "dibuat", "2026-08-03T02:00:00Z"),
    ]
    assert whole[0]["type"] == "pengganti_diakhiri"
    assert whole[-1]["type"] == "dibuat"
    assert whole[-2]["type"] == "instance_started"
    assert {r["jenis"] for r in whole} == {"proses", "data_induk", "pengganti"}


def test_the_audit_page_shows_a_substitution_in_indonesian(api: Api, clock: Clock) -> None:
    _name_and_end_a_substitute(api, clock)

    with signed_in(api.app, "ketua_lsp") as ketua:
        r = ketua.get("/audit", params={"kind": "pengganti"})

    assert r.status_code == 200, r.text
    text = " ".join(r.text.split())
    assert '<option value="pengganti" selected>Pengganti</option>' in text
    assert '<option value="pengganti_diakhiri">Penggantian diakhiri</option>' in text
    assert text.count("kabid_administrasi digantikan oleh ketua_lsp") == 2
    assert text.count("3 Agustus 2026 s.d. 8 Agustus 2026, dinas luar") == 2
    assert "Pengganti ditunjuk<br>" in text
    assert "Penggantian diakhiri<br>" in text


def test_an_account_created_corrected_and_deactivated_is_recorded_and_found_by_the_search(
    api: Api, clock: Clock
) -> None:
    baru = {"username": "asesor9", "full_name": "Rina", "password": "rahasia-panjang", "roles": ["asesor"]}
    assert api.post("admin", "/api/users", json=baru).status_code == 201
    clock.advance(timedelta(minutes=1))
    r = api.client.patch("/api/users/asesor9", headers=api.headers("admin"), json={"full_name": "Rina Marlina, S.T."})
    assert r.status_code == 200, r.text
    clock.advance(timedelta(minutes=1))
    assert api.post("admin", "/api/users/asesor9/nonaktifkan").status_code == 200
    assert api.post("admin", "/api/users/asesor9/nonaktifkan").status_code == 200  # already so: nothing to record

    rows = search(api, kind="data_induk")
    assert [(r["data_induk"], r["subjek"], r["type"], r["actor"], r["rincian"]) for r in rows] == [
        ("akun", "asesor9", "dinonaktifkan", "admin", {"active": {"sebelum": True, "sesudah": False}}),
        ("akun", "asesor9", "diubah", "admin", {"full_name": {"sebelum": "Rina", "sesudah": "Rina Marlina, S.T."}}),
        (
            "akun",
            "asesor9",
            "dibuat",
            "admin",
            {
                "full_name": {"sebelum": None, "sesudah": "Rina"},
                "nip": {"sebelum": None, "sesudah": None},
                "roles": {"sebelum": None, "sesudah": ["asesor"]},
                "active": {"sebelum": None, "sesudah": True},
            },
        ),
    ]
