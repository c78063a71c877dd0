"""Step 3, registration: returning, rejecting and closing, the APL's checks, evidence uploads, and a quota
below the minimum.
How these tests work: tests/sop/__init__.py.
"""

import hashlib
from datetime import date, time, timedelta
from typing import Any

import pytest

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
    assert [p["username"] for p in b.process_list(data, "pendaftar_diterima")] == ["peserta"]
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

    b.advance_to(api, clock, b.wib(selesai, time(23, 0)))
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
    root, task, data = b.apl_open(api)
    left_out = data["apl02"].pop(2)["unit_kode"]
    b.refused(api, "peserta", task, data, root, {"apl02": ["FR.APL.02", left_out, JWD]})
    assert sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA) == []


def test_an_apl_02_is_answered_per_element_a_missing_or_foreign_element_is_refused(api: Api) -> None:
    root, task, data = b.apl_open(api)
    # J.620100.017.02 has three elements; the candidate leaves out the second and answers the first twice.
    assert data["apl02"][4]["unit_kode"] == "J.620100.017.02"
    kedua = data["apl02"][4]["elemen"].pop(1)
    assert kedua["elemen"] == "Membuat program sederhana"
    data["apl02"][4]["elemen"].append(dict(data["apl02"][4]["elemen"][0]))
    # An element of another unit under J.620100.004.02.
    data["apl02"][0]["elemen"][1]["elemen"] = "Mengeksekusi source code"
    b.refused(
        api,
        "peserta",
        task,
        data,
        root,
        {
            "apl02.4.elemen": [
                "Asesmen mandiri (FR.APL.02) unit J.620100.017.02 (Mengimplementasikan Pemrograman Terstruktur) "
                "belum mengisi elemen 2 (Membuat program sederhana)"
            ],
            "apl02.4.elemen.2.elemen": [
                "Elemen 1 (Menggunakan tipe data dan kontrol program) unit J.620100.017.02 sudah diisi di baris 1"
            ],
            "apl02.0.elemen.1.elemen": [
                "Mengeksekusi source code bukan elemen unit J.620100.004.02 (Menggunakan Struktur Data)"
            ],
        },
    )
    # Without any element the unit is refused by the form itself.
    data = sop.apl(api, "peserta", task, JWD)
    data["apl02"][0]["elemen"] = []
    b.refused(api, "peserta", task, data, root, {"apl02.0.elemen": ["tidak boleh kosong"]})
    assert sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA) == []


def test_an_apl_without_the_applicants_declaration_ticked_is_refused_naming_it(api: Api) -> None:
    root, task, data = b.apl_open(api)
    tidak = {**data, "apl01": {**data["apl01"], "pernyataan": False}}
    b.refused(api, "peserta", task, tidak, root, {"apl01.pernyataan": ["Pernyataan pemohon wajib dicentang"]})
    tanpa = {**data, "apl01": {k: v for k, v in data["apl01"].items() if k != "pernyataan"}}
    b.refused(api, "peserta", task, tanpa, root, {"apl01.pernyataan": ["pernyataan wajib diisi"]})
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
        got = api.get(reader, f"/api/berkas/{berkas['id']}")
        assert got.status_code == 200, (reader, got.text)
        assert got.content == content and got.headers["content-type"] == "application/pdf"
    assert api.get("peserta2", f"/api/berkas/{berkas['id']}").status_code == 403
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
    done = api.complete("ketua_lsp", t["id"], {"keputusan_kuota": keputusan})
    assert done["continuing"] is True  # `asyncAfter`: the worker ends the candidates' registrations, not the request
    assert b.instance(api, root)["status"] == "completed"
    assert sop.tasks_named(api, "kabid_sertifikasi", b.MENUGASKAN) == []


def test_a_postponed_quota_shortfall_reissues_the_sk_jadwal_with_the_new_dates_and_continues(api: Api) -> None:
    root = quota_short(api)
    t = sop.one(api, "ketua_lsp", b.KUOTA, instance_id=root)
    d = sop.today(api)
    mulai, selesai = (d + timedelta(days=30)).isoformat(), (d + timedelta(days=31)).isoformat()
    sesi = [
        {"tanggal": mulai, "mulai": "09.00", "selesai": "12.00"},
        {"tanggal": selesai, "mulai": "09.00", "selesai": "12.00"},
    ]
    keputusan = {
        "keputusan": "tunda",
        "asesmen_mulai": mulai,
        "asesmen_selesai": selesai,
        "sesi": sesi,
        "alasan": "Menunggu",
    }
    api.complete("ketua_lsp", t["id"], {"keputusan_kuota": keputusan})

    sk = b.documents(api, root, "sk_jadwal")
    assert len(sk) == 2 and sk[0].number != sk[1].number
    assert sk[1].data["jadwal"]["asesmen_mulai"] == mulai
    assert sk[1].data["sesi"] == [{"nomor": 1, **sesi[0]}, {"nomor": 2, **sesi[1]}]
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    jadwal = sop.task_data(api, "kabid_sertifikasi", t["id"])["jadwal"]
    assert (jadwal["asesmen_mulai"], jadwal["asesmen_selesai"], jadwal["sesi"]) == (mulai, selesai, sesi)


def test_quota_decisions_missing_what_they_need_are_refused(api: Api) -> None:
    root = quota_short(api)
    t = sop.one(api, "ketua_lsp", b.KUOTA, instance_id=root)
    gabung = {"keputusan_kuota": {"keputusan": "gabung", "alasan": "Digabung ke gelombang berikut"}}
    b.refused(api, "ketua_lsp", t["id"], gabung, root, {"keputusan_kuota.digabung_ke": ["digabung_ke"]})
    kemarin = (sop.today(api) - timedelta(days=1)).isoformat()
    sesi = [{"tanggal": kemarin, "mulai": "08.00", "selesai": "12.00"}]
    tunda = {
        "keputusan": "tunda",
        "asesmen_mulai": kemarin,
        "asesmen_selesai": kemarin,
        "sesi": sesi,
        "alasan": "Menunggu",
    }
    b.refused(
        api, "ketua_lsp", t["id"], {"keputusan_kuota": tunda}, root, {"keputusan_kuota.asesmen_mulai": ["setelah"]}
    )
    # the new sessions lie inside the new window
    besok = (sop.today(api) + timedelta(days=1)).isoformat()
    lusa = (sop.today(api) + timedelta(days=2)).isoformat()
    tunda = {**tunda, "asesmen_mulai": besok, "asesmen_selesai": besok, "sesi": [{**sesi[0], "tanggal": lusa}]}
    b.refused(
        api,
        "ketua_lsp",
        t["id"],
        {"keputusan_kuota": tunda},
        root,
        {"keputusan_kuota.sesi.0.tanggal": ["Sesi 1", "di luar masa asesmen"]},
    )
    assert len(b.documents(api, root, "sk_jadwal")) == 1
