"""Completing tasks and starting instances: form checks, races, refusals that change nothing."""

import re
from typing import Any

import pytest
from sqlalchemy import event, func, select

from api.engine.runtime import Runtime
from api.store.models import Dokumen, ProcessInstance
from tests.support import bpmn, sop
from tests.support.api import Api
from tests.support.concurrency import run_concurrently

TARGET_TASK = "Menetapkan target uji kompetensi"
NOMOR_TASK = "Mencatat nomor sertifikat dari BNSP"


def _completed_events(api: Api, instance_id: int, task_id: str) -> list[dict[str, Any]]:
    return [e for e in api.history(instance_id) if e["type"] == "task_completed" and e["task_id"] == task_id]


def _instance_count(api: Api) -> int:
    with api.app.state.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance))


@pytest.fixture
def period(api: Api) -> int:
    return sop.start_period(api)["id"]


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"periode": sop.PERIODE}, "target", "target wajib diisi"),
        (
            {**sop.TARGET, "target": [{**sop.TARGET["target"][0], "jumlah": "dua"}]},
            "target.0.jumlah",
            "'dua' bukan bilangan bulat",
        ),
        (
            {**sop.TARGET, "anggaran": 5},
            "anggaran",
            "kolom 'anggaran' tidak dikenal formulir ini",
        ),
        (
            {**sop.TARGET, "target": [{k: v for k, v in sop.TARGET["target"][0].items() if k != "prodi"}]},
            "target.0.prodi",
            "prodi wajib diisi",
        ),
    ],
    ids=["missing-field", "wrong-type-in-list", "unknown-field", "missing-nested-field"],
)
def test_data_that_fails_the_form_is_422_naming_the_field_and_nothing_is_recorded(
    api: Api, period: int, data: dict[str, Any], path: str, message: str
) -> None:
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    before = api.history(period)

    body = api.complete("direktur", task["id"], data, expect=422)
    assert body["detail"] == "the data does not satisfy the task's form"
    assert {"path": path, "message": message} in body["errors"]

    assert api.history(period) == before
    assert _completed_events(api, period, task["id"]) == []
    detail = sop.task_detail(api, "direktur", task["id"])
    assert detail["state"] == "ready" and detail["claimed_by"] is None
    assert sop.one(api, "direktur", TARGET_TASK, instance_id=period)["id"] == task["id"]
    api.complete("direktur", task["id"], sop.TARGET)  # the right data still goes through


def test_a_request_body_without_an_object_as_data_is_422(api: Api, period: int) -> None:
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    r = api.post("direktur", f"/api/tasks/{task['id']}/complete", json={"data": [1, 2]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["path"] == "body.data"
    assert sop.task_detail(api, "direktur", task["id"])["state"] == "ready"


def test_completing_a_task_twice_is_409_the_second_time(api: Api, period: int) -> None:
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    first = api.complete("direktur", task["id"], sop.TARGET)
    assert first == {"id": task["id"], "instance_id": period, "instance_status": "running", "continuing": False}
    second = api.complete("direktur", task["id"], sop.TARGET, expect=409)
    assert "no longer ready" in second["detail"]
    assert len(_completed_events(api, period, task["id"])) == 1
    assert len([t for t in api.inbox("ketua_lsp") if t["instance_id"] == period]) == 1


def test_two_simultaneous_completions_of_one_task_one_wins_and_the_other_gets_409(api: Api, period: int) -> None:
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    headers = api.headers("direktur")

    def complete(_: int) -> int:
        r = api.client.post(f"/api/tasks/{task['id']}/complete", headers=headers, json={"data": sop.TARGET})
        return r.status_code

    statuses = run_concurrently(complete, [1, 2])
    assert sorted(statuses) == [200, 409]
    assert len(_completed_events(api, period, task["id"])) == 1
    assert len([t for t in api.inbox("ketua_lsp") if t["instance_id"] == period]) == 1
    with api.app.state.db.reading() as session:
        nota = session.scalars(select(Dokumen).where(Dokumen.root_id == period, Dokumen.kind == "nota_dinas"))
        assert len(nota.all()) == 1


def test_only_the_lane_of_the_start_event_may_start_the_process(api: Api) -> None:
    before = _instance_count(api)
    for username in ("ketua_lsp", "peserta", "admin"):
        r = api.post(username, "/api/process-definitions/uji_kompetensi/instances", json={"business_key": "X"})
        assert r.status_code == 403, (username, r.text)
        assert r.json()["detail"] == "only direktur may start 'uji_kompetensi'"
    assert _instance_count(api) == before
    assert api.inbox("direktur") == []


def test_a_second_instance_with_the_same_business_key_is_409(api: Api, period: int) -> None:
    before = _instance_count(api)
    r = api.post(
        "direktur", "/api/process-definitions/uji_kompetensi/instances", json={"business_key": "LSP-2026-GENAP"}
    )
    assert r.status_code == 409
    assert r.json()["detail"] == f"instance {period} of 'uji_kompetensi' already has business key 'LSP-2026-GENAP'"
    assert _instance_count(api) == before
    assert len(api.inbox("direktur")) == 1
    assert sop.start_period(api, "LSP-2027-GANJIL")["business_key"] == "LSP-2027-GANJIL"  # another key is fine


@pytest.mark.parametrize("key", ["tidak_ada", "pendaftaran_uji_kompetensi", "penerbitan_sertifikat"])
def test_an_unknown_or_called_only_process_cannot_be_started(api: Api, key: str) -> None:
    r = api.post("admin", f"/api/process-definitions/{key}/instances", json={"data": {}})
    assert r.status_code == 404
    assert r.json()["detail"] == f"no startable process {key!r}"
    assert _instance_count(api) == 0


def test_process_definitions_lists_only_the_startable_sop(api: Api) -> None:
    for username in ("direktur", "peserta"):
        r = api.get(username, "/api/process-definitions")
        assert r.status_code == 200
        assert [(d["key"], d["version"]) for d in r.json()] == [("uji_kompetensi", 1)]


# A service task whose operator refuses its parameters: the nota dinas needs a list of targets.
BROKEN_SERVICE = bpmn.definitions(
    "uji_layanan",
    body=f"""
    {bpmn.lanes(l=("Direktur", ["mulai", "isi", "menerbitkan", "selesai"]))}
    <bpmn:startEvent id="mulai"/>
    {bpmn.user_task("isi", "Isi")}
    <bpmn:serviceTask id="menerbitkan" name="Menerbitkan nota dinas"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="terbitkan_nota_dinas" resultVariable="nota_dinas">
        <spiffworkflow:parameters>
          <spiffworkflow:parameter id="periode" type="str" value="'2026'"/>
          <spiffworkflow:parameter id="target" type="any" value="'bukan daftar'"/>
        </spiffworkflow:parameters>
      </spiffworkflow:serviceTaskOperator>
    </bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="selesai"/>
    {bpmn.line("mulai", "isi", "menerbitkan", "selesai")}""",
)


def test_a_failing_service_task_makes_the_completion_422_naming_the_element_and_writes_nothing(api: Api) -> None:
    files = [("files", ("uji_layanan.bpmn", BROKEN_SERVICE.encode(), "text/xml"))]
    assert api.post("desainer", "/api/deployments", files=files).status_code == 201
    started = api.post("direktur", "/api/process-definitions/uji_layanan/instances", json={"business_key": "L-1"})
    instance_id = started.json()["id"]
    [task] = api.inbox("direktur", instance_id=instance_id)
    before = api.history(instance_id)

    body = api.complete("direktur", task["id"], {"diterima": True, "catatan": ""}, expect=422)
    assert body["detail"] == "the process could not continue with this data; nothing was saved"
    [error] = body["errors"]
    assert error["element_id"] == "menerbitkan"
    assert "parameter 'target' must be a list of objects" in error["message"]
    assert api.history(instance_id) == before
    assert sop.task_detail(api, "direktur", task["id"])["state"] == "ready"
    with api.app.state.db.reading() as session:
        assert session.scalars(select(Dokumen).where(Dokumen.root_id == instance_id)).all() == []


def test_a_completion_that_loses_a_race_with_the_worker_is_run_again_and_succeeds(
    api: Api, period: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker saved the same period a moment earlier: the user's request is retried, not refused."""
    if not api.app.state.db.is_postgres:
        pytest.skip("SQLite writers wait for each other (BEGIN IMMEDIATE): no race to lose")
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    original = Runtime.complete_task
    raced: list[int] = []

    def racing_complete(self: Runtime, row: ProcessInstance, *args: Any, **kwargs: Any) -> None:
        if not raced:  # another transaction saves the instance while this one works on it
            with api.app.state.db.transaction() as other:
                other.get(ProcessInstance, row.id).error = "touched by the worker"
            raced.append(row.id)
        original(self, row, *args, **kwargs)

    monkeypatch.setattr(Runtime, "complete_task", racing_complete)
    api.complete("direktur", task["id"], sop.TARGET)
    assert raced == [period]
    assert len(_completed_events(api, period, task["id"])) == 1
    assert sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=period)


def _statement_kind(statement: str) -> tuple[str, str]:
    """A statement as (verb, first table it names): ("SELECT", "skema"), ("INSERT", "event")."""
    verb = statement.split(None, 1)[0].upper()
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", statement)
    return verb, table.group(1) if table else ""


def test_completing_the_first_task_sends_a_fixed_list_of_statements(api: Api, period: int) -> None:
    # The first task of a period: its validator (periksa_target) reads the LSP's licence and the skema, then
    # the Nota Dinas operator issues the document. Each read once: the master data are shared between the
    # validator and the operator, the task is read once, the history written in one INSERT at the end.
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    sop.task_detail(api, "direktur", task["id"])  # opened first, as a person does: its form is read and kept
    data = {"periode": sop.PERIODE, "target": [sop.TARGET["target"][0]]}
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = api.app.state.db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        api.complete("direktur", task["id"], data)
    finally:
        event.remove(engine, "before_cursor_execute", note)

    sent = [_statement_kind(s) for s in statements if not s.startswith("BEGIN")]  # SQLite's BEGIN IMMEDIATE
    assert sent == [
        ("SELECT", "human_task"),  # the task (locked on PostgreSQL)
        ("SELECT", "app_user"),  # whom the caller stands in for now (pengganti)
        ("SELECT", "process_instance"),
        ("SELECT", "lsp_profil"),  # the validator: the licence; the Ketua joined for the Nota Dinas
        ("SELECT", "skema"),
        ("SELECT", "institusi"),  # the operator: the kop surat, read once for the snapshot and the register
        ("SELECT", "app_user"),  # the signatory
        ("SELECT", "document"),  # issued already (a retried service task)?
        ("INSERT", "number_sequence"),
        ("INSERT", "document"),
        ("SELECT", "human_task"),  # the instance's open tasks, for the projection
        ("INSERT", "human_task"),  # the next task
        ("UPDATE", "human_task"),  # the completed one
        ("DELETE", "task_draft"),
        ("UPDATE", "process_instance"),
        ("INSERT", "event"),  # task_completed and service_task_completed, in one executemany
    ], "\n".join(f"{v} {t}" for v, t in sent)
    # The history as before, in the order it happened.
    assert [e["type"] for e in api.history(period)] == [
        "instance_started",
        "step_started",
        "task_created",
        "task_completed",
        "service_task_completed",
        "step_started",
        "task_created",
        "step_completed",
    ]
