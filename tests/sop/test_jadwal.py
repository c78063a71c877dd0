"""The schedule: step 2 plans the sessions (day, start and end) of the assessment window and the SK Jadwal prints
them per TUK; step 3 puts each candidate in a session at a TUK with an asesor, the SK amending the SK Jadwal
prints skema x TUK x hari x sesi x pukul x asesor, and each kartu its candidate's own day, session and time.
How these tests work: tests/sop/__init__.py.
"""

from datetime import timedelta
from typing import Any

import pytest

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import on_the_day, pdf_text, rapat
from tests.support.sop_branches import Calon

RENCANA = "Menyusun rencana uji kompetensi"


@pytest.fixture
def on_1_december(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    on_the_day(api, monkeypatch)


def plan_waiting(api: Api) -> tuple[int, str]:
    root = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)
    api.complete("direktur", t["id"], sop.TARGET)
    return root, sop.one(api, "ketua_lsp", RENCANA, instance_id=root)["id"]


def plan_with(api: Api, sesi: list[dict[str, str]]) -> dict[str, Any]:
    data = sop.rencana(api)
    data["jadwal"]["sesi"] = sesi
    return data


def day(api: Api, n: int) -> str:
    return (sop.today(api) + timedelta(days=n)).isoformat()


def test_a_session_outside_the_assessment_window_is_refused_at_its_date(api: Api) -> None:
    root, task = plan_waiting(api)
    # the window is day 10 to day 11 (sop.jadwal); day 12 is after it
    data = plan_with(
        api,
        [
            {"tanggal": day(api, 10), "mulai": "08.00", "selesai": "12.00"},
            {"tanggal": day(api, 12), "mulai": "08.00", "selesai": "12.00"},
        ],
    )
    b.refused(api, "ketua_lsp", task, data, root, {"jadwal.sesi.1.tanggal": ["Sesi 2", "di luar masa asesmen"]})
    assert b.documents(api, root, "sk_jadwal") == []


def test_a_session_ending_before_it_starts_is_refused_at_its_end(api: Api) -> None:
    root, task = plan_waiting(api)
    data = plan_with(api, [{"tanggal": day(api, 10), "mulai": "13.00", "selesai": "12.30"}])
    b.refused(
        api,
        "ketua_lsp",
        task,
        data,
        root,
        {"jadwal.sesi.0.selesai": ["Sesi 1 selesai pukul 12.30", "tidak sesudah mulainya pukul 13.00"]},
    )
    assert b.documents(api, root, "sk_jadwal") == []


def test_two_sessions_overlapping_on_one_day_are_refused(api: Api) -> None:
    root, task = plan_waiting(api)
    data = plan_with(
        api,
        [
            {"tanggal": day(api, 10), "mulai": "08.00", "selesai": "12.00"},
            {"tanggal": day(api, 10), "mulai": "11.00", "selesai": "14.00"},
        ],
    )
    b.refused(
        api, "ketua_lsp", task, data, root, {"jadwal.sesi.1.mulai": ["Sesi 2", "bertumpang dengan sesi 1", "08.00"]}
    )


def test_a_plan_without_sessions_is_refused(api: Api) -> None:
    root, task = plan_waiting(api)
    b.refused(api, "ketua_lsp", task, plan_with(api, []), root, {"jadwal.sesi": []})


CALON = [
    Calon("peserta", asesor="asesor", tuk="TUK-01", sesi=1),
    Calon("peserta2", asesor="asesor2", tuk="TUK-01", sesi=1),
    Calon("peserta12", asesor="asesor", tuk="TUK-01", sesi=2),
]


def assignment_waiting(api: Api) -> tuple[int, str]:
    root = b.registered(api, CALON)
    return root, sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)["id"]


def nothing_assigned(api: Api, root: int) -> None:
    assert all(sop.tasks_named(api, a, b.PRA_ASESMEN) == [] for a in b.ASESOR)
    assert b.documents(api, root, "kartu_peserta") == [] and len(b.documents(api, root, "sk_jadwal")) == 1


def set_capacity(api: Api, kode: str, kapasitas: int) -> None:
    r = api.get("admin", "/api/tuk", params={"q": kode})
    [tuk] = [t for t in r.json()["items"] if t["kode"] == kode]
    r = api.client.patch(f"/api/tuk/{tuk['id']}", headers=api.headers("admin"), json={"kapasitas": kapasitas})
    assert r.status_code == 200, r.text


def test_more_candidates_in_a_session_than_the_tuk_holds_is_refused_at_the_session(api: Api) -> None:
    root, task = assignment_waiting(api)
    set_capacity(api, "TUK-01", 1)
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(CALON),
        root,
        {"penugasan_asesor.1.sesi": ["TUK TUK-01", "menampung 1 peserta per sesi", "peserta ke-2", "Sesi 1"]},
    )
    nothing_assigned(api, root)


def test_an_asesor_at_two_tuk_in_one_session_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    calon = [CALON[0], CALON[1], Calon("peserta12", asesor="asesor", tuk="TUK-02", sesi=1)]
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(calon),
        root,
        {"penugasan_asesor.2.asesor": ["sudah bertugas di TUK TUK-01", "Sesi 1", "baris 1", "sekaligus di TUK TUK-02"]},
    )
    nothing_assigned(api, root)


def test_a_session_the_schedule_does_not_have_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    calon = [CALON[0], CALON[1], Calon("peserta12", asesor="asesor", tuk="TUK-01", sesi=4)]
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(calon),
        root,
        {"penugasan_asesor.2.sesi": ["Sesi 4", "tidak ada pada jadwal", "sesi 1 s.d. 3"]},
    )
    nothing_assigned(api, root)


@pytest.mark.usefixtures("on_1_december")
def test_the_assignment_proposes_a_session_for_each_candidate_that_it_accepts_as_it_is(api: Api) -> None:
    root, task = assignment_waiting(api)
    set_capacity(api, "TUK-01", 1)
    set_capacity(api, "TUK-02", 1)
    schema = sop.task_detail(api, "kabid_sertifikasi", task)["form"]["schema"]
    sesi = schema["properties"]["penugasan_asesor"]["items"]["properties"]["sesi"]["oneOf"]
    assert [(s["const"], s["title"]) for s in sesi] == [
        (1, "Sesi 1 — Jumat, 11 Desember 2026, pukul 08.00–12.00 WIB"),
        (2, "Sesi 2 — Jumat, 11 Desember 2026, pukul 13.00–16.00 WIB"),
        (3, "Sesi 3 — Sabtu, 12 Desember 2026, pukul 08.00–12.00 WIB"),
    ]
    usulan = schema["properties"]["penugasan_asesor"]["default"]
    # each TUK holds one candidate per session now: three candidates take three places
    tempat = [(r["tuk_kode"], r["sesi"]) for r in usulan]
    assert len(set(tempat)) == 3 and {s for _, s in tempat} <= {1, 2}
    verifikator = schema["properties"]["penugasan_verifikator"]["default"]
    r = api.post(
        "kabid_sertifikasi",
        f"/api/tasks/{task}/complete",
        json={"data": {"penugasan_asesor": usulan, "penugasan_verifikator": verifikator}},
    )
    assert r.status_code == 200, r.text


@pytest.mark.usefixtures("on_1_december")
def test_the_sk_jadwal_prints_each_session_at_each_tuk_and_its_tembusan(api: Api) -> None:
    root, task = plan_waiting(api)
    api.complete("ketua_lsp", task, sop.rencana(api))
    [sk] = b.documents(api, root, "sk_jadwal")
    text = pdf_text(api, sk.id)
    for phrase in [
        "C. Sesi Asesmen",
        "Jumat, 11 Desember 2026 1 08.00–12.00 Laboratorium Komputer Terpadu (TUK-01) 30 orang",
        "Jumat, 11 Desember 2026 1 08.00–12.00 Workshop Otomotif dan Laboratorium Polimer (TUK-02) 20 orang",
        "Jumat, 11 Desember 2026 2 13.00–16.00 Laboratorium Komputer Terpadu (TUK-01)",
        "Sabtu, 12 Desember 2026 3 08.00–12.00 Workshop Otomotif dan Laboratorium Polimer (TUK-02)",
        "Tembusan: Direktur Kepala Bidang Administrasi LSP Kepala Bidang Sertifikasi LSP",
        "Asesor kompetensi yang bersangkutan Arsip",
        "Kapasitas per sesi",
    ]:
        assert rapat(phrase) in text, phrase


@pytest.mark.usefixtures("on_1_december")
def test_after_the_assignment_an_sk_amends_the_jadwal_with_skema_tuk_day_session_time_and_asesor(api: Api) -> None:
    root = b.assigned(api, CALON)
    first, amended = b.documents(api, root, "sk_jadwal")
    assert amended.supersedes_id == first.id and amended.number != first.number
    text = pdf_text(api, amended.id)
    for phrase in [
        f"PERUBAHAN ATAS KEPUTUSAN KETUA LSP POLITEKNIK STMI JAKARTA NOMOR {first.number}",
        "perlu diubah karena setelah pendaftaran ditutup, Kepala Bidang Sertifikasi telah menugaskan asesor "
        "kompetensi dan menetapkan TUK dan sesi setiap peserta",
        "JADWAL PELAKSANAAN UJI KOMPETENSI PERIODE 2026 GENAP",  # the heading is upper-cased by the style sheet
        "Jumlah peserta : 3 orang",
        # skema, TUK, hari/tanggal, sesi, pukul, asesor (MET), jumlah peserta; by session, TUK, skema and asesor
        "1 Junior Web Developer SKM/LSP-STMI/001/2024 Laboratorium Komputer Terpadu TUK-01 Jumat, 11 Desember 2026 "
        "1 08.00–12.00 Budi Santoso, S.Kom., M.T.",
        "2 Junior Web Developer SKM/LSP-STMI/001/2024 Laboratorium Komputer Terpadu TUK-01 Jumat, 11 Desember 2026 "
        "1 08.00–12.00 Hendra Gunawan, S.T.",
        "3 Junior Web Developer SKM/LSP-STMI/001/2024 Laboratorium Komputer Terpadu TUK-01 Jumat, 11 Desember 2026 "
        "2 13.00–16.00 Budi Santoso, S.Kom., M.T.",
    ]:
        assert rapat(phrase) in text, phrase


@pytest.mark.usefixtures("on_1_december")
def test_each_kartu_prints_its_candidates_own_day_session_and_time(api: Api) -> None:
    root = b.assigned(api, CALON)
    kartu = {k.candidate: k for k in b.documents(api, root, "kartu_peserta")}
    for username, hari, sesi in [
        ("peserta", "Jumat, 11 Desember 2026", "Sesi 1, 08.00–12.00 WIB"),
        ("peserta12", "Jumat, 11 Desember 2026", "Sesi 2, 13.00–16.00 WIB"),
    ]:
        text = pdf_text(api, kartu[username].id)
        assert rapat(f"Hari, tanggal : {hari} Sesi, pukul : {sesi}") in text, username
        assert rapat("s.d. selesai") not in text and rapat("Sabtu") not in text
