"""Issue 3 through the HTTP API: every branch of the SOP and every refusal, on the demo data.

Each test walks a partial period only as far as the behaviour it proves (helpers in tests/sop_branches.py).
A refusal is always checked the same way (`refused`): HTTP 422 naming the field with a reason a user
understands, and nothing changed — the task is still in the inbox, the history, documents, certificates
and every inbox are as before, and the next task did not appear.
"""

import hashlib
import io
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from api.store.master import VerifikasiTuk
from api.store.models import Document
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon

JWD, OPR, MUTU = sop.JWD, sop.OPR, sop.MUTU


def hasil_pendaftaran(api: Api, root: int) -> dict[str, dict[str, Any]]:
    """Each registration's outcome, as the period's next task (the assignment) sees it."""
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    data = sop.task_data(api, "kabid_sertifikasi", t["id"])
    return {h["username"]: h for h in data["daftar_hasil_pendaftaran"]}


def hasil_asesmen(api: Api) -> dict[str, dict[str, Any]]:
    """Each assessment's outcome, as the rapat pleno sees it."""
    t = sop.one(api, "kabid_sertifikasi", b.PLENO)
    data = sop.task_data(api, "kabid_sertifikasi", t["id"])
    return {h["username"]: h for h in process_list(data, "hasil_asesmen")}


def process_list(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = data.get(name)
    return value if isinstance(value, list) else data[f"daftar_{name}"]


# ==================================================================================================
# 1. Registration


def test_a_returned_registration_shows_the_candidate_the_reason_and_is_accepted_after_revision(api: Api) -> None:
    calon = [Calon("peserta")]
    root = b.registration_open(api, calon)
    sop.submit_apl(api, "peserta", JWD)
    sop.check_files(api, {"peserta": ("dikembalikan", "Pindaian KTM tidak terbaca; unggah ulang")})
    assert sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA) == []

    t = sop.one(api, "peserta", b.APL)
    seen = sop.task_data(api, "peserta", t["id"])
    assert seen["pemeriksaan"]["keputusan"] == "dikembalikan"
    assert seen["pemeriksaan"]["alasan"] == "Pindaian KTM tidak terbaca; unggah ulang"
    api.complete("peserta", t["id"], sop.apl(api, "peserta", t["id"], JWD))
    sop.check_files(api, {"peserta": ("diterima", "")})
    sop.close_registration(api, root)

    hasil = hasil_pendaftaran(api, root)
    assert hasil["peserta"]["status"] == "diterima"
    checked = [e for e in b.history_of(api, root, "task_completed") if e["task_name"] == b.MEMERIKSA]
    assert len(checked) == 2  # returned once, then accepted


def test_a_rejected_registration_records_the_reason_and_the_candidate_never_reaches_assignment(api: Api) -> None:
    calon = [Calon("peserta"), Calon("peserta5", MUTU)]
    root = b.registration_open(api, calon)
    sop.submit_apl(api, "peserta", JWD)
    sop.submit_apl(api, "peserta5", MUTU)
    sop.check_files(api, {"peserta": ("diterima", ""), "peserta5": ("ditolak", "Bukan mahasiswa tingkat akhir")})
    assert sop.tasks_named(api, "peserta5", b.APL) == []  # no revision after a rejection
    sop.close_registration(api, root)

    hasil = hasil_pendaftaran(api, root)
    assert hasil["peserta5"]["status"] == "ditolak"
    assert hasil["peserta5"]["alasan"] == "Bukan mahasiswa tingkat akhir"
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    data = sop.task_data(api, "kabid_sertifikasi", t["id"])
    assert [p["username"] for p in process_list(data, "pendaftar_diterima")] == ["peserta"]
    # Kabid Sertifikasi cannot assign an asesor to the rejected candidate.
    assignment = b.penugasan([Calon("peserta"), Calon("peserta5", MUTU, "asesor3", "TUK-02")])
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        assignment,
        root,
        {"penugasan_asesor.1.username": ["peserta5", "bukan peserta yang berkasnya diterima"]},
    )


def test_closing_registration_early_ends_registrations_not_submitted_or_not_revised_as_ditutup(api: Api) -> None:
    calon = [Calon("peserta"), Calon("peserta2"), Calon("peserta3", OPR)]
    root = b.registration_open(api, calon)
    sop.submit_apl(api, "peserta", JWD)
    sop.submit_apl(api, "peserta3", OPR)
    sop.check_files(api, {"peserta": ("diterima", ""), "peserta3": ("dikembalikan", "Lengkapi transkrip")})
    assert sop.tasks_named(api, "peserta2", b.APL) and sop.tasks_named(api, "peserta3", b.APL)

    sop.close_registration(api, root)  # Kabid Administrasi closes before the window's end

    assert sop.tasks_named(api, "peserta2", b.APL) == []
    assert sop.tasks_named(api, "peserta3", b.APL) == []
    hasil = hasil_pendaftaran(api, root)  # the period moved on to the assignment
    assert {u: h["status"] for u, h in hasil.items()} == {
        "peserta": "diterima",
        "peserta2": "ditutup",
        "peserta3": "ditutup",
    }
    assert "ditutup" in hasil["peserta2"]["alasan"].lower()
    assert all(c["status"] == "completed" for c in b.children(api, root))
    signalled = {e["instance_id"] for e in b.history_of(api, root, "signal_received")}
    subjects = {c["id"]: c["subject"] for c in b.children(api, root)}
    assert {subjects[i] for i in signalled} == {"peserta2", "peserta3"}


def test_files_checked_after_registration_closed_cannot_be_returned_for_revision(api: Api) -> None:
    """The close signal reached only those still writing: a revision asked for afterwards could never come."""
    root = b.registration_open(api, [Calon("peserta"), Calon("peserta2")])
    sop.submit_apl(api, "peserta", JWD)
    sop.close_registration(api, root)  # peserta's files are still waiting for Kabid Administrasi
    [task] = sop.tasks_named(api, "kabid_administrasi", "Memeriksa kelengkapan berkas pendaftaran")
    data = sop.task_data(api, "kabid_administrasi", task["id"])
    b.refused(
        api,
        "kabid_administrasi",
        task["id"],
        sop.pemeriksaan(data, "dikembalikan", "Pindaian buram"),
        root,
        {"pemeriksaan.keputusan": ["pendaftaran sudah ditutup"]},
    )
    api.complete("kabid_administrasi", task["id"], sop.pemeriksaan(data, "diterima"))


def test_the_end_of_the_registration_window_closes_registration_without_anyone_acting(api: Api, clock: Any) -> None:
    calon = [Calon("peserta"), Calon("peserta2")]
    root = b.registration_open(api, calon)
    sop.submit_apl(api, "peserta", JWD)
    sop.check_files(api, {"peserta": ("diterima", "")})
    selesai = date.fromisoformat(sop.jadwal(api)["pendaftaran_selesai"])

    b.advance_to(api, clock, b.wib(selesai, time(23, 59, 58)))
    assert sop.tasks_named(api, "kabid_administrasi", b.MENUTUP, instance_id=root)  # still open
    assert sop.tasks_named(api, "peserta2", b.APL)

    b.advance_to(api, clock, b.wib(selesai + timedelta(days=1), time(0, 0, 1)))
    assert sop.tasks_named(api, "kabid_administrasi", b.MENUTUP, instance_id=root) == []
    assert sop.tasks_named(api, "peserta2", b.APL) == []
    assert any(e["type"] == "timer_fired" for e in b.history_of(api, root))
    assert not [e for e in b.history_of(api, root, "task_completed") if e["task_name"] == b.MENUTUP]
    hasil = hasil_pendaftaran(api, root)
    assert {u: h["status"] for u, h in hasil.items()} == {"peserta": "diterima", "peserta2": "ditutup"}


def test_an_apl_missing_a_unit_of_the_skema_is_refused(api: Api) -> None:
    root = b.registration_open(api, [Calon("peserta")])
    t = sop.one(api, "peserta", b.APL)
    data = sop.apl(api, "peserta", t["id"], JWD)
    left_out = data["apl02"].pop(2)["unit_kode"]
    b.refused(api, "peserta", t["id"], data, root, {"apl02": ["FR.APL.02", left_out, JWD]})
    assert sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA) == []


def test_an_apl_citing_a_file_that_is_not_the_candidates_own_upload_is_refused(api: Api) -> None:
    root = b.registration_open(api, [Calon("peserta"), Calon("peserta2")])
    other = sop.one(api, "peserta2", b.APL)
    r = sop.upload(api, "peserta2", other["id"], "ktm-peserta2.pdf")
    assert r.status_code == 201, r.text
    theirs = r.json()["id"]

    t = sop.one(api, "peserta", b.APL)
    data = sop.apl(api, "peserta", t["id"], JWD)
    data["apl01"]["bukti"][0]["berkas_id"] = theirs
    b.refused(api, "peserta", t["id"], data, root, {"apl01.bukti.0.berkas_id": [str(theirs), "unggah"]})
    data["apl01"]["bukti"][0]["berkas_id"] = 987654
    b.refused(api, "peserta", t["id"], data, root, {"apl01.bukti.0.berkas_id": ["987654", "tidak ditemukan"]})


@pytest.mark.parametrize("keputusan", ["dikembalikan", "ditolak"])
def test_returning_or_rejecting_files_without_a_reason_is_refused(api: Api, keputusan: str) -> None:
    root = b.registration_open(api, [Calon("peserta")])
    sop.submit_apl(api, "peserta", JWD)
    t = sop.one(api, "kabid_administrasi", b.MEMERIKSA)
    data = sop.pemeriksaan(sop.task_data(api, "kabid_administrasi", t["id"]), keputusan, "")
    del data["pemeriksaan"]["alasan"]
    b.refused(api, "kabid_administrasi", t["id"], data, root, {"pemeriksaan.alasan": ["alasan"]})
    data["pemeriksaan"]["alasan"] = ""  # what an untouched text field sends
    b.refused(api, "kabid_administrasi", t["id"], data, root, {"pemeriksaan.alasan": []})
    data["pemeriksaan"]["alasan"] = "   "
    b.refused(api, "kabid_administrasi", t["id"], data, root, {"pemeriksaan.alasan": ["alasan", keputusan]})
    assert sop.tasks_named(api, "peserta", b.APL) == []


def test_checking_files_without_marking_every_evidence_item_is_refused(api: Api) -> None:
    root = b.registration_open(api, [Calon("peserta")])
    sop.submit_apl(api, "peserta", JWD)
    t = sop.one(api, "kabid_administrasi", b.MEMERIKSA)
    data = sop.pemeriksaan(sop.task_data(api, "kabid_administrasi", t["id"]), "diterima")
    data["pemeriksaan"]["bukti"] = []
    b.refused(api, "kabid_administrasi", t["id"], data, root, {"pemeriksaan.bukti": ["belum diperiksa", "Kartu tanda"]})


def test_accepting_files_with_an_evidence_item_marked_tidak_ada_is_refused(api: Api) -> None:
    root = b.registration_open(api, [Calon("peserta")])
    sop.submit_apl(api, "peserta", JWD)
    t = sop.one(api, "kabid_administrasi", b.MEMERIKSA)
    data = sop.pemeriksaan(sop.task_data(api, "kabid_administrasi", t["id"]), "diterima")
    data["pemeriksaan"]["bukti"][0]["status"] = "tidak_ada"
    b.refused(api, "kabid_administrasi", t["id"], data, root, {"pemeriksaan.keputusan": ["tidak ada", "Kartu tanda"]})


# ==================================================================================================
# 2. Uploads


def test_an_evidence_pdf_is_stored_with_its_sha256_and_readable_by_the_candidate_and_staff_only(api: Api) -> None:
    b.registration_open(api, [Calon("peserta"), Calon("peserta2")])
    t = sop.one(api, "peserta", b.APL)
    content = sop.PDF + b"% KTM Andi Pratama\n"
    r = sop.upload(api, "peserta", t["id"], "ktm.pdf", content)
    assert r.status_code == 201, r.text
    berkas = r.json()
    assert berkas["sha256"] == hashlib.sha256(content).hexdigest()
    assert berkas["size"] == len(content) and berkas["content_type"] == "application/pdf"

    for reader in ("peserta", "kabid_administrasi"):
        got = api.get(reader, f"/api/files/{berkas['id']}")
        assert got.status_code == 200, (reader, got.text)
        assert got.content == content and got.headers["content-type"] == "application/pdf"
    assert api.get("peserta2", f"/api/files/{berkas['id']}").status_code == 403
    # Another candidate cannot upload onto this candidate's task either.
    assert sop.upload(api, "peserta2", t["id"]).status_code in (403, 404)


@pytest.mark.parametrize(
    "name, content",
    [("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64), ("ktm.pdf", b"bukan PDF, hanya teks\n")],
)
def test_an_upload_that_is_not_pdf_png_or_jpeg_is_refused_with_415(api: Api, name: str, content: bytes) -> None:
    root = b.registration_open(api, [Calon("peserta")])
    t = sop.one(api, "peserta", b.APL)
    before = b.snapshot(api, root)
    r = sop.upload(api, "peserta", t["id"], name, content)
    assert r.status_code == 415, r.text
    assert "PDF" in r.json()["detail"] and r.json()["errors"][0]["path"] == "file"
    assert b.snapshot(api, root) == before


def test_an_upload_over_the_size_limit_is_refused_with_413(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    root = b.registration_open(api, [Calon("peserta")])
    t = sop.one(api, "peserta", b.APL)
    monkeypatch.setattr(api.app.state.settings, "max_upload_bytes", 1024)
    before = b.snapshot(api, root)
    big = sop.PDF + b"%" + b"x" * 1024
    r = sop.upload(api, "peserta", t["id"], "portofolio.pdf", big)
    assert r.status_code == 413, r.text
    assert "1024" in r.json()["detail"] and r.json()["errors"][0]["path"] == "file"
    assert b.snapshot(api, root) == before
    at_limit = sop.PDF + b"%" + b"x" * (1024 - len(sop.PDF) - 1)
    assert sop.upload(api, "peserta", t["id"], "portofolio.pdf", at_limit).status_code == 201


# ==================================================================================================
# 3. Quota below the minimum


def quota_short(api: Api) -> int:
    """One candidate accepted against a kuota_min of 2: Ketua LSP decides what happens."""
    root = b.registered(api, [Calon("peserta")], kuota_min=2)
    assert sop.tasks_named(api, "kabid_sertifikasi", b.MENUGASKAN) == []
    return root


def test_a_quota_shortfall_asks_ketua_lsp_and_batal_ends_the_period_without_assignment(api: Api) -> None:
    root = quota_short(api)
    t = sop.one(api, "ketua_lsp", b.KUOTA, instance_id=root)
    data = sop.task_data(api, "ketua_lsp", t["id"])
    assert data["jumlah_diterima"] == 1 and data["jadwal"]["kuota_min"] == 2
    api.complete("ketua_lsp", t["id"], {"keputusan_kuota": {"keputusan": "batal", "alasan": "Peminat terlalu sedikit"}})
    api.drain()
    assert b.instance(api, root)["status"] == "completed"
    assert sop.tasks_named(api, "kabid_sertifikasi", b.MENUGASKAN) == []
    assert b.instance(api, root)["active_tasks"] == []
    assert len(b.documents(api, root, "sk_jadwal")) == 1


def test_a_quota_shortfall_merged_into_another_period_ends_this_one(api: Api) -> None:
    root = quota_short(api)
    t = sop.one(api, "ketua_lsp", b.KUOTA, instance_id=root)
    keputusan = {"keputusan": "gabung", "digabung_ke": "2026 Ganjil gelombang 2", "alasan": "Digabung"}
    api.complete("ketua_lsp", t["id"], {"keputusan_kuota": keputusan})
    assert b.instance(api, root)["status"] == "completed"
    assert sop.tasks_named(api, "kabid_sertifikasi", b.MENUGASKAN) == []


def test_a_postponed_quota_shortfall_reissues_the_sk_jadwal_with_the_new_dates_and_continues(api: Api) -> None:
    root = quota_short(api)
    t = sop.one(api, "ketua_lsp", b.KUOTA, instance_id=root)
    d = sop.today(api)
    mulai, selesai = (d + timedelta(days=30)).isoformat(), (d + timedelta(days=31)).isoformat()
    keputusan = {"keputusan": "tunda", "asesmen_mulai": mulai, "asesmen_selesai": selesai, "alasan": "Menunggu"}
    api.complete("ketua_lsp", t["id"], {"keputusan_kuota": keputusan})

    sk = b.documents(api, root, "sk_jadwal")
    assert len(sk) == 2 and sk[0].number != sk[1].number
    assert sk[1].data["jadwal"]["asesmen_mulai"] == mulai
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    jadwal = sop.task_data(api, "kabid_sertifikasi", t["id"])["jadwal"]
    assert (jadwal["asesmen_mulai"], jadwal["asesmen_selesai"]) == (mulai, selesai)


def test_quota_decisions_missing_what_they_need_are_refused(api: Api) -> None:
    root = quota_short(api)
    t = sop.one(api, "ketua_lsp", b.KUOTA, instance_id=root)
    gabung = {"keputusan_kuota": {"keputusan": "gabung", "alasan": "Digabung ke gelombang berikut"}}
    b.refused(api, "ketua_lsp", t["id"], gabung, root, {"keputusan_kuota.digabung_ke": ["digabung_ke"]})
    kemarin = (sop.today(api) - timedelta(days=1)).isoformat()
    tunda = {"keputusan": "tunda", "asesmen_mulai": kemarin, "asesmen_selesai": kemarin, "alasan": "Menunggu"}
    b.refused(
        api, "ketua_lsp", t["id"], {"keputusan_kuota": tunda}, root, {"keputusan_kuota.asesmen_mulai": ["setelah"]}
    )
    assert len(b.documents(api, root, "sk_jadwal")) == 1


# ==================================================================================================
# 4. Assignment


ASSIGNABLE = [
    Calon("peserta", asesor="asesor"),
    Calon("peserta2", asesor="asesor2"),
    Calon("peserta12", asesor="asesor"),
]


def assignment_waiting(api: Api) -> tuple[int, str]:
    root = b.registered(api, ASSIGNABLE)
    return root, sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)["id"]


def no_assignment_yet(api: Api, root: int) -> None:
    assert all(sop.tasks_named(api, a, b.PRA_ASESMEN) == [] for a in b.ASESOR)
    assert b.documents(api, root, "kartu_peserta") == [] and b.documents(api, root, "surat_tugas_asesor") == []


def test_assigning_an_asesor_whose_met_has_expired_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    kemarin = (sop.today(api) - timedelta(days=1)).isoformat()
    r = api.client.patch(
        f"/api/asesor/{b.asesor_id(api, 'asesor2')}", headers=api.headers("admin"), json={"met_berlaku_sd": kemarin}
    )
    assert r.status_code == 200, r.text
    b.refused(
        api, "kabid_sertifikasi", task, b.penugasan(ASSIGNABLE), root, {"penugasan_asesor.1.asesor": ["MET", "asesor2"]}
    )
    no_assignment_yet(api, root)


def test_assigning_an_asesor_not_competent_for_the_candidates_skema_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    calon = [ASSIGNABLE[0], Calon("peserta2", asesor="asesor3"), ASSIGNABLE[2]]
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(calon),
        root,
        {"penugasan_asesor.1.asesor": ["asesor3", "tidak kompeten", "Junior Web Developer", "peserta2"]},
    )
    no_assignment_yet(api, root)


def test_assigning_an_asesor_with_a_declared_conflict_of_interest_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    r = api.post(
        "asesor2",
        f"/api/asesor/{b.asesor_id(api, 'asesor2')}/konflik",
        json={"peserta_username": "peserta2", "keterangan": "Tetangga satu rumah"},
    )
    assert r.status_code == 201, r.text
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(ASSIGNABLE),
        root,
        {"penugasan_asesor.1.asesor": ["asesor2", "konflik kepentingan", "peserta2"]},
    )
    # The demo data's own declaration: asesor4 is peserta12's uncle.
    calon = [ASSIGNABLE[0], ASSIGNABLE[1], Calon("peserta12", asesor="asesor4")]
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(calon),
        root,
        {"penugasan_asesor.2.asesor": ["asesor4", "konflik kepentingan", "peserta12"]},
    )
    no_assignment_yet(api, root)


def test_assigning_an_asesor_beyond_the_lsps_ratio_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    b.set_lsp(api, rasio_asesi_per_asesor=1)
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(ASSIGNABLE),  # asesor has peserta and peserta12
        root,
        {"penugasan_asesor.2.asesor": ["asesor", "rasio", "1:1", "peserta12"]},
    )
    no_assignment_yet(api, root)


def test_leaving_an_accepted_candidate_without_an_asesor_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(ASSIGNABLE[:2]),
        root,
        {"penugasan_asesor": ["belum ditugaskan", "peserta12"]},
    )
    no_assignment_yet(api, root)


def test_a_tuk_used_without_a_verifikator_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    calon = [ASSIGNABLE[0], Calon("peserta2", asesor="asesor2", tuk="TUK-02"), ASSIGNABLE[2]]
    data = b.penugasan(calon)
    data["penugasan_verifikator"] = [v for v in data["penugasan_verifikator"] if v["tuk_kode"] == "TUK-01"]
    b.refused(api, "kabid_sertifikasi", task, data, root, {"penugasan_verifikator": ["verifikator", "TUK-02"]})
    no_assignment_yet(api, root)


def test_an_assignment_breaking_several_rules_is_refused_with_every_reason_then_a_valid_one_passes(api: Api) -> None:
    root, task = assignment_waiting(api)
    kemarin = (sop.today(api) - timedelta(days=1)).isoformat()
    r = api.client.patch(
        f"/api/asesor/{b.asesor_id(api, 'asesor')}", headers=api.headers("admin"), json={"met_berlaku_sd": kemarin}
    )
    assert r.status_code == 200, r.text
    calon = [
        Calon("peserta", asesor="asesor"),  # MET expired
        Calon("peserta2", asesor="asesor3", tuk="TUK-02"),  # not competent for JWD; TUK-02 has no verifikator
        # peserta12 left out
    ]
    data = b.penugasan(calon)
    data["penugasan_verifikator"] = [{"tuk_kode": "TUK-01", "verifikator": "asesor2"}]
    body = b.refused(
        api,
        "kabid_sertifikasi",
        task,
        data,
        root,
        {
            "penugasan_asesor.0.asesor": ["MET"],
            "penugasan_asesor.1.asesor": ["tidak kompeten"],
            "penugasan_asesor": ["peserta12"],
            "penugasan_verifikator": ["TUK-02"],
        },
    )
    assert len(body["errors"]) == 4

    valid = [
        Calon("peserta", asesor="asesor2"),
        Calon("peserta2", asesor="asesor4"),
        Calon("peserta12", asesor="asesor2"),
    ]
    api.complete("kabid_sertifikasi", task, b.penugasan(valid))
    assert sop.tasks_named(api, "kabid_sertifikasi", b.MENUGASKAN) == []
    assert len(sop.tasks_named(api, "asesor2", b.PRA_ASESMEN)) == 2
    assert len(sop.tasks_named(api, "asesor4", b.PRA_ASESMEN)) == 1
    b.pra_asesmen(api, valid)
    kartu = b.documents(api, root, "kartu_peserta")
    assert {d.candidate for d in kartu} == {"peserta", "peserta2", "peserta12"}
    assert b.task_about(api, "asesor2", b.VERIFIKASI, "TUK-01")


# ==================================================================================================
# 5. TUK verification


def no_assessment_started(api: Api) -> None:
    for asesor in b.ASESOR:
        assert sop.tasks_named(api, asesor, b.KEHADIRAN) == [], asesor


def test_a_tuk_that_fails_first_is_fixed_reverified_and_set_before_assessment_starts(api: Api) -> None:
    calon = [Calon("peserta")]
    root = b.assigned(api, calon)
    b.verify(api, "TUK-01", "belum_sesuai")
    assert sop.tasks_named(api, "ketua_lsp", b.MENETAPKAN_TUK) == []  # a failed TUK is not set verified
    t = b.task_about(api, "kabid_sertifikasi", b.TINDAK_LANJUT_TUK, "TUK-01")
    no_assessment_started(api)

    api.complete(
        "kabid_sertifikasi", t["id"], {"tindak_lanjut_tuk": {"tindakan": "perbaiki", "catatan": "UPS dipasang"}}
    )
    b.verify(api, "TUK-01", "sesuai")  # re-verified after the fix
    api.drain()
    no_assessment_started(api)  # verified but not yet set by Ketua LSP
    b.set_verified(api, "TUK-01")
    api.drain()

    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    assert sop.task_data(api, "asesor", t["id"])["peserta_asesmen"]["tuk_kode"] == "TUK-01"
    formulir = b.documents(api, root, "formulir_verifikasi_tuk")
    assert [d.data.get("verifikasi", d.data).get("kesimpulan") for d in formulir] == ["belum_sesuai", "sesuai"]


MOVING = [Calon("peserta", asesor="asesor", tuk="TUK-01"), Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02")]


def test_moving_candidates_to_a_tuk_not_yet_verified_is_refused_and_nobody_is_assessed(api: Api) -> None:
    root = b.assigned(api, MOVING)
    b.verify(api, "TUK-01", "belum_sesuai")
    t = b.task_about(api, "kabid_sertifikasi", b.TINDAK_LANJUT_TUK, "TUK-01")
    pindah = {"tindak_lanjut_tuk": {"tindakan": "pindah", "tuk_pengganti": "TUK-02", "catatan": "Pindah"}}
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        pindah,
        root,
        {"tindak_lanjut_tuk.tuk_pengganti": ["TUK-02", "belum terverifikasi"]},
    )
    b.verify(api, "TUK-02", "sesuai")  # verified, not yet set by Ketua LSP: still refused
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        pindah,
        root,
        {"tindak_lanjut_tuk.tuk_pengganti": ["TUK-02", "belum terverifikasi"]},
    )
    no_assessment_started(api)
    assert len(b.documents(api, root, "kartu_peserta")) == 2


def test_moving_candidates_to_a_verified_tuk_reissues_their_card_and_letter_and_assesses_them_there(
    api: Api,
) -> None:
    root = b.assigned(api, MOVING)
    b.verify(api, "TUK-02", "sesuai")
    b.set_verified(api, "TUK-02")
    api.drain()
    no_assessment_started(api)  # TUK-01 is not verified yet: no candidate is assessed
    kartu_before = {d.candidate: d.number for d in b.documents(api, root, "kartu_peserta")}
    surat_before = [d.number for d in b.documents(api, root, "surat_tugas_asesor")]

    b.verify(api, "TUK-01", "belum_sesuai")
    t = b.task_about(api, "kabid_sertifikasi", b.TINDAK_LANJUT_TUK, "TUK-01")
    api.complete(
        "kabid_sertifikasi",
        t["id"],
        {"tindak_lanjut_tuk": {"tindakan": "pindah", "tuk_pengganti": "TUK-02", "catatan": "Lab tidak siap"}},
    )
    api.drain()

    kartu = b.documents(api, root, "kartu_peserta")
    reissued = [d for d in kartu if d.number not in kartu_before.values()]
    assert [d.candidate for d in reissued] == ["peserta"]  # peserta3 was at TUK-02 already
    assert reissued[0].data["tuk"]["kode"] == "TUK-02"
    surat = b.documents(api, root, "surat_tugas_asesor")
    new_surat = [d for d in surat if d.number not in surat_before]
    assert len(new_surat) == 1 and "TUK-02" in str(new_surat[0].data)
    assert len({d.number for d in kartu + surat}) == len(kartu) + len(surat)

    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    assert sop.task_data(api, "asesor", t["id"])["peserta_asesmen"]["tuk_kode"] == "TUK-02"
    t = b.task_about(api, "asesor2", b.KEHADIRAN, "peserta3")
    assert sop.task_data(api, "asesor2", t["id"])["peserta_asesmen"]["tuk_kode"] == "TUK-02"


# ==================================================================================================
# 6. Assessment


def test_an_absent_candidate_gets_no_consent_task_is_recorded_tidak_hadir_and_gets_no_certificate(api: Api) -> None:
    calon = [Calon("peserta", asesor="asesor"), Calon("peserta2", asesor="asesor2", hadir=False)]
    root = b.ready(api, calon)
    b.assess(api, calon[1])
    assert sop.tasks_named(api, "peserta2", b.AK01) == []
    b.assess(api, calon[0])
    api.drain()

    hasil = hasil_asesmen(api)
    assert hasil["peserta2"]["status"] == "tidak_hadir" and hasil["peserta2"]["kompeten"] is None
    assert hasil["peserta"]["status"] == "dinilai" and hasil["peserta"]["kompeten"] is True
    [ba] = b.documents(api, root, "berita_acara_asesmen")
    assert ba.data["jumlah_tidak_hadir"] == 1 and ba.data["jumlah_k"] == 1
    listed = {p["username"]: p for k in ba.data["kelompok"] for p in k["peserta"]}
    assert listed["peserta2"]["status"] == "tidak_hadir" and listed["peserta2"]["rekomendasi"] is None

    # The pleno cannot decide an absent candidate.
    t = sop.one(api, "kabid_sertifikasi", b.PLENO)
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        sop.pleno({"peserta": "K", "peserta2": "K"}),
        root,
        {"pleno.keputusan.1.username": ["peserta2", "tidak hadir"]},
    )
    b.decide(api, {"peserta": "K"})
    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    api.complete("kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(["peserta"])}})
    api.drain()
    assert [c.peserta_username for c in b.certificates(api)] == ["peserta"]


def test_a_candidate_refusing_fr_ak_01_is_not_assessed_and_recorded_tidak_hadir(api: Api) -> None:
    calon = [Calon("peserta", setuju=False), Calon("peserta2", asesor="asesor2")]
    b.ready(api, calon)
    b.assess(api, calon[0])
    assert sop.tasks_named(api, "asesor", b.AK02) == []
    assert sop.tasks_named(api, "peserta", b.AK03) == []
    b.assess(api, calon[1])
    api.drain()
    hasil = hasil_asesmen(api)
    assert hasil["peserta"]["status"] == "tidak_hadir" and hasil["peserta"]["kompeten"] is None
    assert "ak.01" in hasil["peserta"]["alasan"].lower() or "menolak" in hasil["peserta"]["alasan"].lower()


def ak02_waiting(api: Api) -> tuple[int, str]:
    root = b.ready(api, [Calon("peserta")])
    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], {"kehadiran": {"hadir": True, "catatan": ""}})
    t = sop.one(api, "peserta", b.AK01)
    api.complete("peserta", t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    return root, b.task_about(api, "asesor", b.AK02, "peserta")["id"]


def test_fr_ak_02_missing_a_unit_is_refused(api: Api) -> None:
    root, task = ak02_waiting(api)
    data = sop.penilaian(api, JWD)
    left_out = data["penilaian"]["unit"].pop(0)["kode"]
    b.refused(api, "asesor", task, data, root, {"penilaian.unit": [left_out, "belum dinilai"]})
    assert sop.tasks_named(api, "peserta", b.AK03) == []
    assert b.documents(api, root, "rekaman_asesmen") == []


def test_fr_ak_02_with_a_bk_unit_without_catatan_is_refused(api: Api) -> None:
    root, task = ak02_waiting(api)
    data = sop.penilaian(api, JWD, bk=True)
    last = len(data["penilaian"]["unit"]) - 1
    data["penilaian"]["unit"][last]["catatan"] = ""
    kode = data["penilaian"]["unit"][last]["kode"]
    b.refused(api, "asesor", task, data, root, {f"penilaian.unit.{last}.catatan": [kode, "BK", "catatan"]})


def test_a_bk_unit_makes_the_candidate_not_kompeten(api: Api) -> None:
    b.assessed(api, [Calon("peserta", bk=True)])
    hasil = hasil_asesmen(api)["peserta"]
    assert hasil["status"] == "dinilai" and hasil["kompeten"] is False
    assert [u["rekomendasi"] for u in hasil["unit"]].count("BK") == 1


@pytest.mark.parametrize("why", ["absent", "refused_fr_ak_01", "pra_asesmen_tidak_lanjut"])
def test_a_period_in_which_nobody_was_assessed_goes_on_to_evaluation_without_certificates(api: Api, why: str) -> None:
    """Nobody to decide (every candidate absent, refusing FR.AK.01, or not to be continued after the
    pra-asesmen): step 6 must not stall on a rapat pleno that can decide nothing."""
    c = Calon("peserta", hadir=why != "absent", setuju=why != "refused_fr_ak_01")
    if why == "pra_asesmen_tidak_lanjut":
        root = b.registered(api, [c])
        t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN)
        api.complete("kabid_sertifikasi", t["id"], b.penugasan([c]))
        t = b.task_about(api, "asesor", b.PRA_ASESMEN, "peserta")
        api.complete("asesor", t["id"], {"pra_asesmen": {"rekomendasi": "tidak_lanjut", "catatan": "Belum layak"}})
    else:
        root = b.ready(api, [c])
        b.assess(api, c)
    api.drain()

    # Either no pleno is asked for, or one with nobody to decide is accepted (and its SK approved).
    for t in sop.tasks_named(api, "kabid_sertifikasi", b.PLENO):
        r = api.post("kabid_sertifikasi", f"/api/tasks/{t['id']}/complete", json={"data": sop.pleno({})})
        assert r.status_code == 200, f"the pleno cannot be held and the period stalls: {r.text}"
        for sk in sop.tasks_named(api, "ketua_lsp", b.SK_PENETAPAN):
            api.complete("ketua_lsp", sk["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
        api.drain()
    assert sop.tasks_named(api, "ketua_lsp", b.EVALUASI, instance_id=root), b.instance(api, root)
    assert b.certificates(api) == []


# ==================================================================================================
# 7. Pleno and appeal


PLENO_CALON = [Calon("peserta", asesor="asesor"), Calon("peserta3", OPR, asesor="asesor2", bk=True)]


def pleno_waiting(api: Api) -> tuple[int, str]:
    root = b.assessed(api, PLENO_CALON)
    return root, sop.one(api, "kabid_sertifikasi", b.PLENO)["id"]


def no_decision_yet(api: Api, root: int) -> None:
    assert sop.tasks_named(api, "ketua_lsp", b.SK_PENETAPAN) == []
    assert b.documents(api, root, "berita_acara_pleno") == [] and b.documents(api, root, "sk_penetapan") == []


def test_a_pleno_with_the_candidates_asesor_as_a_member_is_refused(api: Api) -> None:
    root, task = pleno_waiting(api)
    data = sop.pleno({"peserta": "K", "peserta3": "BK"}, anggota=["kabid_sertifikasi", "ketua_lsp", "asesor"])
    b.refused(api, "kabid_sertifikasi", task, data, root, {"pleno.anggota.2": ["(asesor)", "asesor dari", "(peserta)"]})
    no_decision_yet(api, root)


def test_a_pleno_deciding_k_for_a_candidate_with_a_bk_unit_is_refused(api: Api) -> None:
    root, task = pleno_waiting(api)
    bk_unit = sop.units(api, OPR)[-1]["kode"]
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        sop.pleno({"peserta": "K", "peserta3": "K"}),
        root,
        {"pleno.keputusan.1.keputusan": ["(peserta3)", "Kompeten", bk_unit]},
    )
    no_decision_yet(api, root)


def test_a_pleno_leaving_a_candidate_undecided_is_refused(api: Api) -> None:
    root, task = pleno_waiting(api)
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        sop.pleno({"peserta": "K"}),
        root,
        {"pleno.keputusan": ["belum diputuskan", "(peserta3)"]},
    )
    no_decision_yet(api, root)


BK_ONLY = [Calon("peserta3", OPR, asesor="asesor2", tuk="TUK-02", bk=True)]


def hasil_sertifikasi(api: Api, root: int) -> dict[str, Any]:
    """What step 6 handed to step 7, as Ketua LSP's evaluation task sees it."""
    t = sop.one(api, "ketua_lsp", b.EVALUASI, instance_id=root)
    return sop.task_data(api, "ketua_lsp", t["id"])["hasil_sertifikasi"]


def test_when_the_appeal_window_lapses_the_bk_decision_stands_without_a_certificate(api: Api, clock: Any) -> None:
    b.set_lsp(api, masa_banding_hari=5)
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    t = sop.one(api, "peserta3", b.BANDING)
    batas = datetime.fromisoformat(sop.task_data(api, "peserta3", t["id"])["peserta_banding"]["batas_banding"])
    assert timedelta(days=5) - timedelta(minutes=5) < batas - api.app.state.clock.now() <= timedelta(days=5)

    b.advance_to(api, clock, batas - timedelta(minutes=1))
    assert sop.tasks_named(api, "peserta3", b.BANDING)  # still within the window

    b.advance_to(api, clock, batas + timedelta(minutes=1))
    assert sop.tasks_named(api, "peserta3", b.BANDING) == []
    assert any(e["type"] == "timer_fired" for e in b.history_of(api, root))
    assert sop.tasks_named(api, "ketua_lsp", b.TIM_BANDING) == []
    assert sop.tasks_named(api, "kabid_administrasi", b.NOMOR) == []
    hasil = hasil_sertifikasi(api, root)
    assert [(x["username"], x["status"]) for x in hasil["banding"]] == [("peserta3", "tidak_banding")]
    assert hasil["kompeten"] == [] and b.certificates(api) == []


def test_a_rejected_appeal_leaves_the_decision_standing(api: Api) -> None:
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    b.appeal(api, "peserta3")
    b.decide_appeal(api, "ditolak")
    api.drain()
    assert len(b.documents(api, root, "sk_banding")) == 1
    assert sop.tasks_named(api, "kabid_sertifikasi", b.ASESOR_ULANG) == []
    hasil = hasil_sertifikasi(api, root)
    assert [(x["username"], x["status"]) for x in hasil["banding"]] == [("peserta3", "ditolak")]
    assert hasil["kompeten"] == [] and b.certificates(api) == []


def test_an_upheld_appeal_is_reassessed_by_a_different_asesor_and_kompeten_earns_a_certificate(api: Api) -> None:
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    b.appeal(api, "peserta3")
    b.decide_appeal(api, "diterima")
    t = sop.one(api, "kabid_sertifikasi", b.ASESOR_ULANG)
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        {"asesor_ulang": {"asesor": "asesor2", "catatan": ""}},
        root,
        {"asesor_ulang.asesor": ["asesor lain", "(asesor2)"]},
    )
    assert sop.tasks_named(api, "asesor2", b.MENILAI_ULANG) == []
    api.complete("kabid_sertifikasi", t["id"], {"asesor_ulang": {"asesor": "asesor4", "catatan": ""}})
    t = b.task_about(api, "asesor4", b.MENILAI_ULANG, "peserta3")
    api.complete("asesor4", t["id"], sop.penilaian(api, OPR))
    api.drain()

    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    api.complete(
        "kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(["peserta3"])}}
    )
    api.drain()
    assert [c.peserta_username for c in b.certificates(api)] == ["peserta3"]
    hasil = hasil_sertifikasi(api, root)
    assert [(x["username"], x["status"], x["asesor_ulang"]) for x in hasil["banding"]] == [
        ("peserta3", "diterima", "asesor4")
    ]
    assert [k["username"] for k in hasil["kompeten"]] == ["peserta3"] and hasil["kompeten"][0]["melalui_banding"]


def test_a_tim_banding_must_be_three_people_independent_of_the_assessment_and_the_pleno(api: Api) -> None:
    root = b.assessed(api, BK_ONLY)
    b.decide(api, {"peserta3": "BK"})
    t = sop.one(api, "peserta3", b.BANDING)
    api.complete("peserta3", t["id"], sop.banding())
    task = sop.one(api, "ketua_lsp", b.TIM_BANDING)["id"]

    def tim(*anggota: str) -> dict[str, Any]:
        return {"tim_banding": {"anggota": list(anggota)}}

    b.refused(api, "ketua_lsp", task, tim("direktur", "asesor3"), root, {"tim_banding.anggota": ["minimal 3"]})
    b.refused(
        api,
        "ketua_lsp",
        task,
        tim("direktur", "asesor3", "asesor2"),
        root,
        {"tim_banding.anggota.2": ["(asesor2)", "asesor peserta", "independen"]},
    )
    b.refused(
        api,
        "ketua_lsp",
        task,
        tim("direktur", "kabid_sertifikasi", "asesor3"),
        root,
        {"tim_banding.anggota.1": ["(kabid_sertifikasi)", "pleno", "independen"]},
    )
    b.refused(
        api,
        "ketua_lsp",
        task,
        tim("direktur", "asesor3", "peserta3"),
        root,
        {"tim_banding.anggota.2": ["(peserta3)", "banding"]},
    )
    assert sop.tasks_named(api, "ketua_lsp", b.KEPUTUSAN_BANDING) == []
    api.complete("ketua_lsp", task, tim(*sop.TIM_BANDING))
    assert sop.tasks_named(api, "ketua_lsp", b.KEPUTUSAN_BANDING)


# ==================================================================================================
# 8. Certificate numbers


CERT_CALON = [
    Calon("peserta", asesor="asesor"),
    Calon("peserta2", asesor="asesor2"),
    Calon("peserta3", OPR, asesor="asesor2", bk=True),
]


def numbers_waiting(api: Api) -> tuple[int, str]:
    """peserta and peserta2 Kompeten, peserta3 BK without appeal: the BNSP numbers are to be recorded."""
    root = b.decided(api, CERT_CALON)
    t = sop.one(api, "peserta3", b.BANDING)
    api.complete("peserta3", t["id"], sop.banding(ajukan=False))
    api.drain()
    return root, sop.one(api, "kabid_administrasi", b.NOMOR)["id"]


def no_certificate_yet(api: Api, root: int) -> None:
    assert b.certificates(api) == [] and b.documents(api, root, "sertifikat") == []
    assert sop.tasks_named(api, "ketua_lsp", b.EVALUASI) == []


def nomor(rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"nomor_sertifikat": {"sertifikat": rows}}


def xlsx(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or ["username", "no_sertifikat", "no_registrasi", "no_blangko"]
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(h, "") for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_certificate_numbers_for_a_candidate_not_kompeten_are_refused(api: Api) -> None:
    root, task = numbers_waiting(api)
    rows = sop.nomor_sertifikat(["peserta", "peserta2", "peserta3"])
    b.refused(
        api,
        "kabid_administrasi",
        task,
        nomor(rows),
        root,
        {"nomor_sertifikat.sertifikat.2.username": ["(peserta3)", "hanya untuk peserta kompeten"]},
    )
    no_certificate_yet(api, root)


def test_certificate_numbers_missing_a_kompeten_candidate_are_refused(api: Api) -> None:
    root, task = numbers_waiting(api)
    b.refused(
        api,
        "kabid_administrasi",
        task,
        nomor(sop.nomor_sertifikat(["peserta"])),
        root,
        {"nomor_sertifikat.sertifikat": ["belum diisi", "(peserta2)"]},
    )
    no_certificate_yet(api, root)


def test_duplicate_certificate_numbers_are_refused(api: Api) -> None:
    root, task = numbers_waiting(api)
    rows = sop.nomor_sertifikat(["peserta", "peserta2"])
    rows[1]["no_sertifikat"] = rows[0]["no_sertifikat"]
    rows[1]["no_registrasi"] = rows[0]["no_registrasi"]
    b.refused(
        api,
        "kabid_administrasi",
        task,
        nomor(rows),
        root,
        {
            "nomor_sertifikat.sertifikat.1.no_sertifikat": [rows[0]["no_sertifikat"], "sudah dipakai", "baris 1"],
            "nomor_sertifikat.sertifikat.1.no_registrasi": [rows[0]["no_registrasi"], "sudah dipakai"],
        },
    )
    no_certificate_yet(api, root)


def test_certificate_numbers_imported_from_a_spreadsheet_issue_certificates_for_the_kompeten_only(
    api: Api,
) -> None:
    root, task = numbers_waiting(api)
    before = b.snapshot(api, root, ("kabid_administrasi", task))

    # A bad row is refused naming its row in the sheet (header is row 1), and nothing is saved.
    bad = sop.nomor_sertifikat(["peserta", "peserta2", "peserta3"])
    r = api.post(
        "kabid_administrasi",
        f"/api/tasks/{task}/import",
        files={"file": ("nomor.xlsx", xlsx(bad), "application/octet-stream")},
    )
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["row"] == 4 and "hanya untuk peserta kompeten" in error["message"]
    blank = sop.nomor_sertifikat(["peserta", "peserta2"])
    blank[0]["no_registrasi"] = ""
    r = api.post(
        "kabid_administrasi",
        f"/api/tasks/{task}/import",
        files={"file": ("nomor.xlsx", xlsx(blank), "application/octet-stream")},
    )
    assert r.status_code == 422, r.text
    assert [e["row"] for e in r.json()["errors"] if "no_registrasi" in e["path"]] == [2]
    assert b.snapshot(api, root, ("kabid_administrasi", task)) == before

    good = sop.nomor_sertifikat(["peserta", "peserta2"])
    r = api.post(
        "kabid_administrasi",
        f"/api/tasks/{task}/import",
        files={"file": ("nomor.xlsx", xlsx(good), "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    api.drain()
    assert sop.tasks_named(api, "kabid_administrasi", b.NOMOR) == []
    terbit = sop.today(api)
    certs = {c.peserta_username: c for c in b.certificates(api)}
    assert sorted(certs) == ["peserta", "peserta2"]  # not peserta3 (BK)
    for row in good:
        c = certs[row["username"]]
        assert (c.no_sertifikat, c.no_registrasi, c.no_blangko) == (
            row["no_sertifikat"],
            row["no_registrasi"],
            row["no_blangko"],
        )
        assert c.status == "aktif" and c.terbit == terbit
        assert c.berlaku_sd == terbit.replace(year=terbit.year + 3)
        assert c.root_id == root
    assert {d.candidate: d.number for d in b.documents(api, root, "sertifikat")} == {
        r["username"]: r["no_sertifikat"] for r in good
    }


# ==================================================================================================
# 9. Time standards and escalation


def when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_each_task_is_due_at_its_steps_start_plus_the_sops_time_standard(api: Api) -> None:
    standard = {"1": timedelta(days=2), "2": timedelta(days=2), "3": timedelta(days=7), "4": timedelta(hours=1)}
    standard["5"] = timedelta(days=7)
    root = sop.start_period(api)["id"]
    seen: dict[str, set[str]] = {}

    def check(username: str, name: str, step: str) -> None:
        steps = b.instance(api, root)["steps"]
        started, due = when(steps[step]["started_at"]), when(steps[step]["due_at"])
        assert due - started == standard[step], step
        tasks = sop.tasks_named(api, username, name)
        assert tasks, (username, name)
        for t in tasks:
            assert when(t["due_at"]) == due, (name, t["due_at"], steps[step])
        seen.setdefault(step, set()).add(name)

    check("direktur", "Menetapkan target uji kompetensi", "1")
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi")
    api.complete("direktur", t["id"], sop.TARGET)
    check("ketua_lsp", "Menyusun rencana uji kompetensi", "2")
    t = sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi")
    api.complete("ketua_lsp", t["id"], sop.rencana(api, kuota_min=1))
    check("kabid_administrasi", "Membuka pendaftaran uji kompetensi", "3")
    sop.open_registration(api, root, {"peserta": JWD})
    check("kabid_administrasi", b.MENUTUP, "3")
    check("peserta", b.APL, "3")  # the registration child's task: its parent's step
    sop.submit_apl(api, "peserta", JWD)
    check("kabid_administrasi", b.MEMERIKSA, "3")
    sop.check_files(api, {"peserta": ("diterima", "")})
    sop.close_registration(api, root)
    check("kabid_sertifikasi", b.MENUGASKAN, "3")
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN)
    api.complete("kabid_sertifikasi", t["id"], b.penugasan([Calon("peserta")]))
    check("asesor", b.PRA_ASESMEN, "3")
    b.pra_asesmen(api, [Calon("peserta")])
    check("asesor2", b.VERIFIKASI, "4")
    b.verify(api, "TUK-01")
    check("ketua_lsp", b.MENETAPKAN_TUK, "4")
    b.set_verified(api, "TUK-01")
    api.drain()
    check("asesor", b.KEHADIRAN, "5")
    assert sorted(seen) == ["1", "2", "3", "4", "5"]


def test_an_overdue_step_is_escalated_once_to_ketua_lsp_and_the_late_work_can_still_be_done(
    api: Api, clock: Any
) -> None:
    root = b.assigned(api, [Calon("peserta")])
    t = b.task_about(api, "asesor2", b.VERIFIKASI, "TUK-01")
    due = when(b.instance(api, root)["steps"]["4"]["due_at"])
    assert when(t["due_at"]) == due
    eskalasi = "Menindaklanjuti keterlambatan langkah 4"

    b.advance_to(api, clock, due - timedelta(minutes=1))
    assert sop.tasks_named(api, "ketua_lsp", eskalasi) == []
    assert b.history_of(api, root, "step_escalated") == []

    b.advance_to(api, clock, due + timedelta(minutes=1))
    [e] = sop.tasks_named(api, "ketua_lsp", eskalasi)
    [event] = b.history_of(api, root, "step_escalated")
    assert event["data"]["step"] == "4" and event["data"]["to_lane"] == "Ketua LSP"
    # The late work is still in the verifikator's inbox, listed as overdue, and can be completed.
    assert t["id"] in b.ids(api.inbox("asesor2", overdue="true"))
    b.verify(api, "TUK-01")
    b.set_verified(api, "TUK-01")
    api.drain()
    assert b.task_about(api, "asesor", b.KEHADIRAN, "peserta")

    b.advance_to(api, clock, due + timedelta(hours=3))
    assert len(b.history_of(api, root, "step_escalated")) == 1  # not twice
    assert len(sop.tasks_named(api, "ketua_lsp", eskalasi)) == 1
    api.complete("ketua_lsp", e["id"], {"eskalasi": {"tindakan": "Menegur verifikator", "catatan": "Terlambat"}})
    assert sop.tasks_named(api, "ketua_lsp", eskalasi) == []
    b.advance_to(api, clock, due + timedelta(hours=5))
    assert len(b.history_of(api, root, "step_escalated")) == 1
    assert sop.tasks_named(api, "ketua_lsp", eskalasi) == []


# ==================================================================================================
# 10. A whole period through every branch


def test_a_period_runs_through_every_branch_and_certifies_exactly_the_kompeten(api: Api, clock: Any) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    sop.step_3_registration(api, root)  # peserta2 returned then accepted, peserta5 rejected
    sop.step_3_assignment(api, root)
    due = when(b.instance(api, root)["steps"]["4"]["due_at"])
    b.advance_to(api, clock, due + timedelta(minutes=1))  # step 4 overdue: escalated to Ketua LSP
    [e] = sop.tasks_named(api, "ketua_lsp", "Menindaklanjuti keterlambatan langkah 4")
    api.complete("ketua_lsp", e["id"], {"eskalasi": {"tindakan": "Verifikator diingatkan"}})
    sop.step_4(api)  # TUK-01 fails first, fixed, re-verified
    sop.step_5(api)  # peserta4 absent, peserta3 one unit BK
    sop.step_6_decision(api)
    sop.step_6_appeal(api)  # peserta3's appeal upheld, re-assessed K by asesor4
    sop.step_6_certificates(api)
    sop.step_7(api, root)

    period = b.instance(api, root)
    assert period["status"] == "completed"
    assert sorted(period["steps"]) == ["1", "2", "3", "4", "5", "6", "7"]
    assert sorted(c.peserta_username for c in b.certificates(api)) == ["peserta", "peserta2", "peserta3"]
    history = b.history_of(api, root)
    assert [e["data"]["step"] for e in history if e["type"] == "step_escalated"] == ["4"]
    assert sum(e["task_name"] == b.MEMERIKSA for e in history if e["type"] == "task_completed") == 6
    assert len(b.documents(api, root, "formulir_verifikasi_tuk")) == 3  # TUK-01 twice, TUK-02 once
    assert len(b.documents(api, root, "sk_banding")) == 1
    [ba] = b.documents(api, root, "berita_acara_asesmen")
    assert (ba.data["jumlah_k"], ba.data["jumlah_bk"], ba.data["jumlah_tidak_hadir"]) == (2, 1, 1)
    assert all(c["status"] == "completed" for c in b.children(api, root))
    for username in b.PESERTA + b.STAFF + b.ASESOR:
        assert api.inbox(username) == [], username

    # Every task of every step, in the period and its children, was due at its step's start + standard.
    standard = {"1": 2, "2": 2, "3": 7, "5": 7, "6": 14, "7": 14}
    for step, s in period["steps"].items():
        length = timedelta(hours=1) if step == "4" else timedelta(days=standard[step])
        assert when(s["due_at"]) - when(s["started_at"]) == length, step
    created = [e for e in history if e["type"] == "task_created" and not e["task_name"].startswith("Menindaklanjuti k")]
    assert {e["task_name"] for e in created} == set(STEP_OF)
    for e in created:
        assert when(e["data"]["due_at"]) == when(period["steps"][STEP_OF[e["task_name"]]]["due_at"]), e


STEP_OF = {
    "Menetapkan target uji kompetensi": "1",
    "Menyusun rencana uji kompetensi": "2",
    "Membuka pendaftaran uji kompetensi": "3",
    b.APL: "3",
    b.MEMERIKSA: "3",
    b.MENUTUP: "3",
    b.MENUGASKAN: "3",
    b.PRA_ASESMEN: "3",
    b.VERIFIKASI: "4",
    b.TINDAK_LANJUT_TUK: "4",
    b.MENETAPKAN_TUK: "4",
    b.KEHADIRAN: "5",
    b.AK01: "5",
    b.AK02: "5",
    b.AK03: "5",
    b.PLENO: "6",
    b.SK_PENETAPAN: "6",
    b.BANDING: "6",
    b.TIM_BANDING: "6",
    b.KEPUTUSAN_BANDING: "6",
    b.ASESOR_ULANG: "6",
    b.MENILAI_ULANG: "6",
    b.NOMOR: "6",
    b.EVALUASI: "7",
    "Menerima laporan uji kompetensi": "7",
}


def test_a_decision_postponed_by_the_pleno_is_reported_to_bnsp_neither_as_k_nor_as_bk(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    sop.step_3(api, root)
    sop.step_4(api)
    sop.step_5(api)
    t = sop.one(api, "kabid_sertifikasi", "Melaksanakan rapat pleno")
    keputusan = sop.pleno({"peserta": "K", "peserta2": "K", "peserta3": "ditunda"})
    keputusan["pleno"]["keputusan"][2]["catatan"] = "Bukti portofolio perlu dilengkapi"
    api.complete("kabid_sertifikasi", t["id"], keputusan)
    t = sop.one(api, "ketua_lsp", "Menyetujui SK penetapan hasil asesmen")
    api.complete("ketua_lsp", t["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
    api.drain()

    assert sop.tasks_named(api, "peserta3", "Mengajukan banding (FR.AK.04)") == []  # only BK may appeal
    with api.app.state.db.reading() as session:
        [lampiran] = session.scalars(
            select(Document).where(Document.root_id == root, Document.kind == "permohonan_blangko_lampiran")
        ).all()
        [surat] = session.scalars(
            select(Document).where(Document.root_id == root, Document.kind == "permohonan_blangko")
        ).all()
    assert {a["username"]: a["hasil"] for a in lampiran.data["asesi"]} == {"peserta": "K", "peserta2": "K"}
    assert sum(r["bk"] for r in surat.data["rekap_skema"]) == 0


def test_a_mandiri_tuk_found_belum_sesuai_this_period_does_not_pass_on_last_years_approval(api: Api) -> None:
    [tuk] = [t for t in api.get("admin", "/api/tuk", params={"q": "TUK-02"}).json()["items"] if t["kode"] == "TUK-02"]
    r = api.client.patch(f"/api/tuk/{tuk['id']}", headers=api.headers("admin"), json={"jenis": "mandiri"})
    assert r.status_code == 200, r.text
    with api.app.state.db.transaction() as session:  # approved last year, still within its one-year validity
        now = api.app.state.clock.now()
        session.add(
            VerifikasiTuk(
                tuk_id=tuk["id"],
                root_id=0,
                instance_id=0,
                verifikator="asesor3",
                tanggal=(now - timedelta(days=200)).date(),
                kesimpulan="sesuai",
                ditetapkan_oleh="ketua_lsp",
                ditetapkan_at=now - timedelta(days=200),
                berlaku_sd=(now + timedelta(days=165)).date(),
            )
        )
    root = b.assigned(api, MOVING)
    b.verify(api, "TUK-02", "belum_sesuai")  # this period's verification of TUK-02 fails
    b.verify(api, "TUK-01", "belum_sesuai")
    t = b.task_about(api, "kabid_sertifikasi", b.TINDAK_LANJUT_TUK, "TUK-01")
    pindah = {"tindak_lanjut_tuk": {"tindakan": "pindah", "tuk_pengganti": "TUK-02", "catatan": "Pindah"}}
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        pindah,
        root,
        {"tindak_lanjut_tuk.tuk_pengganti": ["TUK-02", "belum terverifikasi"]},
    )
