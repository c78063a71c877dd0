"""Inbox rows say who and what: the period, the SOP step, the candidate (name, NIM) or TUK, the skema; and the
inbox filters on them (period, step, skema, a text search over the subject). Expected values come from
api/seed/demo.json and processes/uji_kompetensi.bpmn, written by hand."""

from typing import Any

from alembic import command

from api.settings import Settings
from api.store.migrate import alembic_config, upgrade
from tests.support import sop
from tests.support.api import Api

STEP_3 = "Menerima pendaftaran uji kompetensi"
JWD_JUDUL = "Junior Web Developer"
CHECK = "Memeriksa kelengkapan berkas pendaftaran"


def _at_evidence_check(api: Api) -> tuple[int, int]:
    """Period A waits for Kabid Administrasi to check peserta's, peserta2's and peserta3's files; period B
    was just started (the Direktur's target task)."""
    a = sop.start_period(api)["id"]
    sop.step_1_and_2(api, a)
    sop.open_registration(api, a)
    for username in ("peserta", "peserta2", "peserta3"):
        sop.submit_apl(api, username)
    b = sop.start_period(api, "LSP-2027-GANJIL")["id"]
    return a, b


def _who(rows: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return sorted((r["name"], r["subject"]) for r in rows)


def test_an_evidence_check_row_says_step_3_the_period_and_the_candidates_name_and_nim(api: Api) -> None:
    a, _ = _at_evidence_check(api)
    [row] = [r for r in api.inbox("kabid_administrasi") if r["name"] == CHECK and r["subject"] == "peserta"]
    assert {k: row[k] for k in ("step", "step_name", "period_id", "period_key")} == {
        "step": "3",
        "step_name": STEP_3,
        "period_id": a,
        "period_key": "LSP-2026-GENAP",
    }
    assert (row["subject_name"], row["subject_nim"]) == ("Andi Pratama", "2303001")
    assert (row["skema"], row["skema_judul"]) == (sop.JWD, JWD_JUDUL)
    detail = sop.task_detail(api, "kabid_administrasi", row["id"])
    assert (detail["step"], detail["period_key"], detail["subject_name"], detail["subject_nim"]) == (
        "3",
        "LSP-2026-GENAP",
        "Andi Pratama",
        "2303001",
    )


def test_a_task_of_the_period_itself_has_no_subject(api: Api) -> None:
    _, b = _at_evidence_check(api)
    [row] = api.inbox("direktur")
    assert row["name"] == "Menetapkan target uji kompetensi"
    assert (row["period_id"], row["period_key"], row["step"], row["step_name"]) == (
        b,
        "LSP-2027-GANJIL",
        "1",
        "Menetapkan target uji kompetensi",
    )
    assert [row[k] for k in ("subject", "subject_name", "subject_nim", "skema", "skema_judul")] == [None] * 5


def test_the_inbox_filters_by_period_step_skema_and_text(api: Api) -> None:
    a, b = _at_evidence_check(api)
    everything = [
        ("Memeriksa kelengkapan berkas pendaftaran", "peserta"),
        ("Memeriksa kelengkapan berkas pendaftaran", "peserta2"),
        ("Memeriksa kelengkapan berkas pendaftaran", "peserta3"),
        ("Menutup pendaftaran", None),
    ]
    assert _who(api.inbox("kabid_administrasi")) == everything
    assert _who(api.inbox("kabid_administrasi", period=str(a))) == everything
    assert _who(api.inbox("kabid_administrasi", period="LSP-2026-GENAP")) == everything
    assert _who(api.inbox("kabid_administrasi", period=str(b))) == []
    assert _who(api.inbox("kabid_administrasi", period="LSP-2027-GANJIL")) == []
    assert _who(api.inbox("kabid_administrasi", step="3")) == everything
    assert _who(api.inbox("kabid_administrasi", step="1")) == []
    assert _who(api.inbox("direktur", step="1")) == [("Menetapkan target uji kompetensi", None)]
    assert _who(api.inbox("kabid_administrasi", skema=sop.JWD)) == everything[:2]
    assert _who(api.inbox("kabid_administrasi", skema=sop.OPR)) == [everything[2]]
    assert _who(api.inbox("kabid_administrasi", q="bunga")) == [everything[1]]  # Bunga Maharani
    assert _who(api.inbox("kabid_administrasi", q="MAHARANI")) == [everything[1]]
    assert _who(api.inbox("kabid_administrasi", q="2301001")) == [everything[2]]  # Cahyo Nugroho's NIM
    assert _who(api.inbox("kabid_administrasi", q="230300")) == everything[:2]
    assert _who(api.inbox("kabid_administrasi", q="peserta2")) == [everything[1]]
    assert _who(api.inbox("kabid_administrasi", q="%")) == []  # a wildcard is a character like any other
    assert _who(api.inbox("kabid_administrasi", q="andi", skema=sop.OPR)) == []
    assert _who(api.inbox("kabid_administrasi", q="andi", skema=sop.JWD, step="3", period=str(a))) == [everything[0]]


def test_an_asesor_sees_their_candidates_then_the_tuk_they_verify(api: Api) -> None:
    a = sop.start_period(api)["id"]
    sop.step_1_and_2(api, a)
    sop.step_3_registration(api, a)
    t = sop.one(api, "kabid_sertifikasi", "Menugaskan asesor dan verifikator TUK", instance_id=a)
    api.complete("kabid_sertifikasi", t["id"], sop.assignment())
    api.drain()
    rows = api.inbox("asesor2")
    assert sorted(
        (r["name"], r["step"], r["subject"], r["subject_name"], r["subject_nim"], r["skema"]) for r in rows
    ) == [
        ("Meninjau FR.APL.02 (pra-asesmen)", "3", "peserta3", "Cahyo Nugroho", "2301001", sop.OPR),
        ("Meninjau FR.APL.02 (pra-asesmen)", "3", "peserta4", "Dian Puspitasari", "2301002", sop.OPR),
    ]
    assert {(r["period_id"], r["period_key"], r["step_name"]) for r in rows} == {(a, "LSP-2026-GENAP", STEP_3)}
    assert _who(api.inbox("asesor2", q="dian")) == [("Meninjau FR.APL.02 (pra-asesmen)", "peserta4")]
    assert _who(api.inbox("asesor", skema=sop.OPR)) == []  # asesor has peserta and peserta2 (Junior Web Developer)
    assert len(api.inbox("asesor", skema=sop.JWD)) == 2

    for asesor in sorted(set(sop.ASESOR_OF.values())):
        for t in sop.tasks_named(api, asesor, "Meninjau FR.APL.02 (pra-asesmen)"):
            api.complete(asesor, t["id"], {"pra_asesmen": {"rekomendasi": "lanjut", "catatan": "Bukti memadai"}})
    api.drain()
    [row] = api.inbox("asesor2")  # asesor2 verifies TUK-01
    assert (row["name"], row["step"], row["step_name"]) == (
        "Memverifikasi TUK dengan daftar periksa",
        "4",
        "Memverifikasi tempat uji kompetensi (TUK)",
    )
    assert (row["subject"], row["subject_name"], row["subject_nim"], row["skema"]) == (
        "TUK-01",
        "Laboratorium Komputer Terpadu",
        None,
        None,
    )
    assert _who(api.inbox("asesor2", q="laboratorium komputer")) == [(row["name"], "TUK-01")]
    assert _who(api.inbox("asesor2", q="tuk-01")) == [(row["name"], "TUK-01")]
    assert _who(api.inbox("asesor2", q="tuk-02")) == []


def test_an_inbox_filter_too_long_is_refused_naming_it(api: Api) -> None:
    r = api.get("kabid_administrasi", "/api/tasks", params={"q": "x" * 101})
    assert r.status_code == 422, r.text
    assert "q" in r.text


def test_tasks_ready_before_the_migration_get_their_step_subject_and_skema_from_it(
    api: Api, settings: Settings
) -> None:
    a, _ = _at_evidence_check(api)
    before = api.inbox("kabid_administrasi") + api.inbox("direktur") + api.inbox("peserta4")
    command.downgrade(alembic_config(settings.database_url), "0009_draft")  # drops the columns
    upgrade(settings.database_url)  # adds them again, back-filled
    after = api.inbox("kabid_administrasi") + api.inbox("direktur") + api.inbox("peserta4")
    assert after == before
    assert _who(api.inbox("kabid_administrasi", q="2303002", skema=sop.JWD, step="3", period=str(a))) == [
        (CHECK, "peserta2")
    ]
