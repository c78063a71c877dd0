"""Time standards and escalation: each task is due by its step's standard, an overdue step is escalated once;
and a whole period through every branch.
How these tests work: tests/sop/__init__.py.
"""

from datetime import datetime, timedelta
from typing import Any

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon

JWD = sop.JWD


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
        if e["task_name"] == sop.LAPORAN:  # its own time standard: 2 days after it is asked for (dueAfter P2D)
            assert when(e["data"]["due_at"]) == when(e["at"]) + timedelta(days=2), e
            continue
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
    sop.LAPORAN: "5",
    b.PLENO: "6",
    b.SK_PENETAPAN: "6",
    b.BANDING: "6",
    b.TIM_BANDING: "6",
    b.KEPUTUSAN_BANDING: "6",
    b.ASESOR_ULANG: "6",
    sop.AK01_ULANG: "6",
    b.MENILAI_ULANG: "6",
    sop.AK03_ULANG: "6",
    b.HASIL_ULANG: "6",
    b.NOMOR: "6",
    b.EVALUASI: "7",
    "Menerima laporan uji kompetensi": "7",
}
