"""The whole SOP, from the Direktur's target to the Direktur receiving the report, over HTTP."""

import pytest
from sqlalchemy import select

from api.engine.script_engine import STATS
from api.store.models import Dokumen
from tests.support import sop
from tests.support.api import Api


def test_a_period_runs_all_seven_steps_with_each_role_and_a_child_instance_per_candidate(api: Api) -> None:
    instance_id = sop.walk_period(api)

    period = api.get("admin", f"/api/instances/{instance_id}").json()
    assert period["status"] == "completed"
    assert sorted(period["steps"]) == ["1", "2", "3", "4", "5", "6", "7"]
    assert all("completed_at" in s for s in period["steps"].values())

    children = api.get("admin", "/api/instances", params={"parent_id": instance_id, "page_size": 100}).json()
    by_key: dict[str, list] = {}
    for child in children["items"]:
        by_key.setdefault(child["key"], []).append(child)
        assert child["status"] == "completed"
    assert len(by_key["pendaftaran_uji_kompetensi"]) == len(sop.CANDIDATES)  # one per candidate
    assert len(by_key["pra_asesmen"]) == len(sop.ACCEPTED)  # one per accepted candidate
    assert len(by_key["verifikasi_tuk"]) == len(sop.VERIFIKATOR_OF)  # one per TUK
    assert len(by_key["pelaksanaan_uji_kompetensi"]) == len(sop.ASESOR_OF)
    assert len(by_key["penerbitan_sertifikat"]) == 1
    # One FR.AK.05 per asesor, skema and TUK where they assessed someone: asesor (JWD, TUK-01), asesor2 (OPR, TUK-02).
    assert sorted(c["subject"] for c in by_key["laporan_asesmen"]) == ["TUK-01", "TUK-02"]  # each named by its TUK
    # The appeal runs inside the certificate issuance, one per candidate decided BK.
    appeals = api.get("admin", "/api/instances", params={"parent_id": by_key["penerbitan_sertifikat"][0]["id"]}).json()
    assert [(a["key"], a["subject"]) for a in appeals["items"]] == [("banding_asesmen", u) for u in sop.BK]


def test_on_sqlite_a_whole_period_runs_every_script_outside_the_write_lock(api: Api) -> None:
    if api.app.state.db.is_postgres:
        pytest.skip("SQLite's write lock (on PostgreSQL a script holds only its instance's rows)")
    outside, under_lock = STATS.outside, STATS.under_lock

    sop.walk_period(api)

    assert STATS.under_lock == under_lock  # no script held SQLite's write lock
    assert STATS.outside - outside >= 15  # the SOP's scripts and costly conditions ran (19 today), each outside


def test_history_of_the_period_has_every_task_with_its_actor_and_time(api: Api) -> None:
    instance_id = sop.walk_period(api)
    history = api.get("admin", f"/api/instances/{instance_id}/history", params={"include_children": "true"}).json()

    completed = [e for e in history if e["type"] == "task_completed"]
    created = [e for e in history if e["type"] == "task_created"]
    assert len(completed) == len(created)  # every task that appeared was done, by someone, at a time
    assert all(e["actor"] and e["at"] and e["lane"] for e in completed)
    actors = {e["actor"] for e in completed}
    assert {
        "direktur",
        "ketua_lsp",
        "kabid_administrasi",
        "kabid_sertifikasi",
        "asesor",
        "asesor2",
        "asesor4",
    } <= actors
    assert set(sop.CANDIDATES) <= actors
    assert [e["at"] for e in history] == sorted(e["at"] for e in history)  # oldest first
    assert history[-1]["type"] == "instance_completed" and history[-1]["instance_id"] == instance_id

    own = api.get("admin", f"/api/instances/{instance_id}/history").json()
    assert {e["instance_id"] for e in own} == {instance_id}

    # Each candidate's own instances (registration, assessment) and their history, found by the candidate.
    for username in sop.ASESOR_OF:
        mine = api.get("admin", "/api/instances", params={"subject": username}).json()["items"]
        expected = ["pelaksanaan_uji_kompetensi", "pendaftaran_uji_kompetensi", "pra_asesmen"]
        assert sorted(i["key"] for i in mine) == sorted(expected + (["banding_asesmen"] if username in sop.BK else []))
        for child in mine:
            assert child["root_id"] == instance_id
            child_history = api.get("admin", f"/api/instances/{child['id']}/history").json()
            assert child_history[0]["type"] == "instance_started"
            done_by = {e["actor"] for e in child_history if e["type"] == "task_completed"}
            by_asesor_only = child["key"] == "pra_asesmen" or (
                child["key"] == "pelaksanaan_uji_kompetensi" and username in sop.ABSENT
            )
            assert (sop.ASESOR_OF[username] if by_asesor_only else username) in done_by


def test_each_step_issues_its_numbered_output_documents(api: Api) -> None:
    instance_id = sop.walk_period(api)
    with api.app.state.db.reading() as session:
        docs = session.scalars(select(Dokumen).where(Dokumen.root_id == instance_id)).all()
    kinds = {}
    for d in docs:
        kinds.setdefault(d.kind, []).append(d)
    for kind in (
        "nota_dinas",
        "tor",
        "rab",
        "berita_acara_asesmen",
        "berita_acara_pleno",
        "permohonan_blangko",
        "laporan",
    ):
        assert len(kinds[kind]) == 1, kind
    # The SK Jadwal of step 2, and the SK amending it once the candidates are in their sessions (step 3): its own
    # number, the first one's next version, the schedule as assigned (session, TUK, skema, asesor, candidates).
    jadwal, pelaksanaan = sorted(kinds["sk_jadwal"], key=lambda d: d.id)
    assert (pelaksanaan.version, pelaksanaan.supersedes_id) == (2, jadwal.id)
    assert pelaksanaan.title == "Perubahan atas SK Jadwal Uji Kompetensi 2026 Genap"
    assert [
        (b["sesi"], b["tuk_kode"], b["skema_nomor"], b["asesor_nama"], b["jumlah"])
        for b in pelaksanaan.data["pelaksanaan"]
    ] == [
        (1, "TUK-01", sop.JWD, "Budi Santoso, S.Kom., M.T.", 1),
        (1, "TUK-02", sop.OPR, "Hendra Gunawan, S.T.", 2),
        (2, "TUK-01", sop.JWD, "Budi Santoso, S.Kom., M.T.", 1),
    ]
    assert pelaksanaan.id < min(d.id for d in kinds["kartu_peserta"])  # signed before the kartu cite it
    assert {d.candidate for d in kinds["kartu_peserta"]} == set(sop.ASESOR_OF)
    assert len(kinds["surat_tugas_asesor"]) == len(set(sop.ASESOR_OF.values()))
    assert len(kinds["surat_tugas_verifikasi_tuk"]) == len(sop.VERIFIKATOR_OF)
    # TUK-01 failed its first verification: each verification has its own form.
    assert len(kinds["formulir_verifikasi_tuk"]) == len(sop.VERIFIKATOR_OF) + len(sop.TUK_GAGAL_DULU)
    # Ketua LSP sets each TUK verified in an SK of its own, once it passed.
    assert len(kinds["sk_penetapan_tuk"]) == len(sop.VERIFIKATOR_OF)
    present = set(sop.ASESOR_OF) - sop.ABSENT
    # One record per assessment, and one more for each re-assessment after an upheld appeal.
    assert sorted(d.candidate for d in kinds["rekaman_asesmen"]) == sorted([*present, *sop.BK])
    assert {d.candidate for d in kinds["sk_banding"]} == sop.BK
    assert sorted(d.data["asesor"]["username"] for d in kinds["laporan_asesmen"]) == ["asesor", "asesor2"]
    assert [d.key for d in kinds["surat_tugas_asesor_ulang"]] == sorted(sop.BK)  # one per upheld appeal
    # The SK Penetapan, and the SK amending it after peserta3's upheld appeal: its own number, the first one's
    # next version, the Kompeten decision the tim banding took on the re-assessment.
    penetapan, perubahan = sorted(kinds["sk_penetapan"], key=lambda d: d.id)
    assert (perubahan.version, perubahan.supersedes_id) == (2, penetapan.id)
    assert perubahan.title == "Perubahan atas SK penetapan hasil asesmen 2026 Genap"
    assert {d["username"]: d["keputusan"] for d in penetapan.data["daftar"]} == {
        "peserta": "K",
        "peserta2": "K",
        "peserta3": "BK",
    }
    assert {d["username"]: d["keputusan"] for d in perubahan.data["daftar"]} == {
        "peserta": "K",
        "peserta2": "K",
        "peserta3": "K",
    }
    assert perubahan.id < kinds["permohonan_blangko"][0].id  # amended before the blangko request
    # Certificates only for the Kompeten, with BNSP's numbers as entered.
    numbers = {n["username"]: n["no_sertifikat"] for n in sop.nomor_sertifikat(sop.KOMPETEN)}
    assert {d.candidate: d.number for d in kinds["sertifikat"]} == numbers
    numbered = [d.number for d in docs if d.seq is not None]
    assert len(numbered) == len(set(numbered))
    assert kinds["nota_dinas"][0].number.startswith("ND-001/PSTMI/")
    assert kinds["rab"][0].data["total"] == 4 * 500000 + 5 * 35000
    assert kinds["sk_penetapan"][0].number != kinds["sk_jadwal"][0].number  # one SK register


def test_an_admin_cancels_a_period_with_its_children_and_their_tasks_leave_every_inbox(api: Api) -> None:
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)
    sop.step_3_registration(api, instance_id)
    sop.step_3_assignment(api, instance_id)  # assignment issued: TUK verification children wait
    assert api.inbox("asesor2")

    assert (
        api.post("kabid_sertifikasi", f"/api/instances/{instance_id}/cancel", json={"alasan": "x" * 5}).status_code
        == 403
    )
    r = api.post("admin", f"/api/instances/{instance_id}/cancel", json={"alasan": "Jadwal dibatalkan"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled" and r.json()["active_tasks"] == []

    children = api.get("admin", "/api/instances", params={"parent_id": instance_id, "page_size": 100}).json()["items"]
    running_before = [c for c in children if c["key"] == "verifikasi_tuk"]
    assert running_before and all(c["status"] == "cancelled" for c in running_before)
    assert all(c["status"] in ("completed", "cancelled") for c in children)
    assert api.inbox("asesor2") == [] and api.inbox("asesor3") == []
    history = api.get("admin", f"/api/instances/{instance_id}/history", params={"include_children": "true"}).json()
    assert sum(e["type"] == "instance_cancelled" for e in history) == 1 + len(running_before)
    assert api.post("admin", f"/api/instances/{instance_id}/cancel", json={"alasan": "lagi"}).status_code == 409
