"""A user task with `asyncAfter="true"` (Camunda's `camunda:asyncAfter`): its completion is checked, recorded and
answered at once; what follows it (issuing documents, decisions over every candidate, children) runs in the
worker, as the person who completed it. Until the worker has run it the instance says so, and its other tasks
answer 409."""

from typing import Any

import pytest
from sqlalchemy import select

import service_tasks
from api.background.worker import Worker
from api.engine.runtime import Runtime
from api.services import instances
from api.settings import Settings
from api.store.models import Dokumen, Event, ProcessInstance
from service_tasks import ServiceContext, ServiceTaskError, nomor_surat
from tests.conftest import Api
from tests.support import pages, sop
from tests.support.concurrency import run_concurrently
from tests.support.sop_branches import refused

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="c"><bpmn:participant id="p" processRef="uji_lanjut"/></bpmn:collaboration>
  <bpmn:process id="uji_lanjut" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Direktur">
      <bpmn:flowNodeRef>mulai</bpmn:flowNodeRef><bpmn:flowNodeRef>cabang</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>isi</bpmn:flowNodeRef><bpmn:flowNodeRef>lain</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>lanjut</bpmn:flowNodeRef><bpmn:flowNodeRef>periksa</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>gabung</bpmn:flowNodeRef><bpmn:flowNodeRef>selesai</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="mulai"/>
    <bpmn:parallelGateway id="cabang"/>
    <bpmn:userTask id="isi" name="Isi"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="menerima_laporan.json"/>
      <spiffworkflow:property name="asyncAfter" value="true"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:userTask id="lain" name="Lain"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="menerima_laporan.json"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:serviceTask id="lanjut" name="Lanjut"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="uji_lanjut" resultVariable="hasil">
        <spiffworkflow:parameters>
          <spiffworkflow:parameter id="jenis" type="str" value="jenis"/>
        </spiffworkflow:parameters>
      </spiffworkflow:serviceTaskOperator>
    </bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:userTask id="periksa" name="Periksa"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="menerima_laporan.json"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:parallelGateway id="gabung"/>
    <bpmn:endEvent id="selesai"/>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="cabang"/>
    <bpmn:sequenceFlow id="f2" sourceRef="cabang" targetRef="isi"/>
    <bpmn:sequenceFlow id="f3" sourceRef="cabang" targetRef="lain"/>
    <bpmn:sequenceFlow id="f4" sourceRef="isi" targetRef="lanjut"/>
    <bpmn:sequenceFlow id="f5" sourceRef="lanjut" targetRef="periksa"/>
    <bpmn:sequenceFlow id="f6" sourceRef="periksa" targetRef="gabung"/>
    <bpmn:sequenceFlow id="f7" sourceRef="lain" targetRef="gabung"/>
    <bpmn:sequenceFlow id="f8" sourceRef="gabung" targetRef="selesai"/>
  </bpmn:process>
</bpmn:definitions>
"""
FORM_DATA = {"diterima": True, "catatan": "Lengkap"}


class Operator:
    """The service task after the `asyncAfter` task: issues a letter (as `ctx.actor`) or fails, as `jenis` says."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, str, str | None]] = []

    def __call__(self, ctx: ServiceContext, jenis: str) -> dict[str, Any]:
        self.calls.append((ctx.instance_id, ctx.actor, ctx.atas_nama))
        if jenis == "gagal":
            raise ServiceTaskError("data lanjutan tidak lengkap")
        return nomor_surat.terbitkan(
            ctx, "uji_lanjut", None, "Surat lanjutan", {"oleh": ctx.actor}, number=f"UJI/{ctx.instance_id}"
        )


@pytest.fixture
def operator(monkeypatch: pytest.MonkeyPatch) -> Operator:
    fn = Operator()
    monkeypatch.setitem(service_tasks.REGISTRY, "uji_lanjut", fn)
    return fn


@pytest.fixture
def lanjut(api: Api, operator: Operator) -> Api:
    files = [("files", ("uji_lanjut.bpmn", PROCESS.encode(), "text/xml"))]
    r = api.post("desainer", "/api/deployments", files=files)
    assert r.status_code == 201, r.text
    return api


def _start(api: Api, jenis: str = "terbit") -> tuple[int, dict[str, str]]:
    """A new instance and its two ready tasks by name."""
    r = api.post("direktur", "/api/process-definitions/uji_lanjut/instances", json={"data": {"jenis": jenis}})
    assert r.status_code == 201, r.text
    instance_id = r.json()["id"]
    return instance_id, {t["name"]: t["id"] for t in api.inbox("direktur", instance_id=instance_id)}


def _send(api: Api, task_id: str) -> Any:
    """Complete as a client does (not `Api.complete`, which lets the worker run after an `asyncAfter` task)."""
    return api.post("direktur", f"/api/tasks/{task_id}/complete", json={"data": FORM_DATA})


def _instance(api: Api, instance_id: int) -> dict[str, Any]:
    r = api.get("admin", f"/api/instances/{instance_id}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _types(api: Api, instance_id: int) -> list[tuple[str, str | None]]:
    return [(e["type"], e["task_name"]) for e in api.history(instance_id)]


def _letters(api: Api, instance_id: int) -> list[tuple[str, str, str]]:
    with api.app.state.db.reading() as session:
        rows = session.scalars(select(Dokumen).where(Dokumen.instance_id == instance_id, Dokumen.kind == "uji_lanjut"))
        return [(d.title, d.number, d.created_by) for d in rows]


def test_completing_an_async_after_task_answers_before_what_follows_it_has_run(lanjut: Api, operator: Operator) -> None:
    instance_id, tasks = _start(lanjut)

    r = _send(lanjut, tasks["Isi"])

    assert r.status_code == 200, r.text
    assert r.json() == {
        "id": tasks["Isi"],
        "instance_id": instance_id,
        "instance_status": "running",
        "continuing": True,
    }
    assert operator.calls == []
    assert [t["name"] for t in lanjut.inbox("direktur", instance_id=instance_id)] == ["Lain"]
    assert lanjut.get("direktur", f"/api/tasks/{tasks['Isi']}").json()["state"] == "completed"
    instance = _instance(lanjut, instance_id)
    assert instance["status"] == "running"
    assert instance["continue_pending_at"] is not None
    assert ("task_completed", "Isi") in _types(lanjut, instance_id)
    assert ("service_task_completed", "Lanjut") not in _types(lanjut, instance_id)
    assert _letters(lanjut, instance_id) == []
    worker = lanjut.client.get("/api/health").json()["worker"]
    assert worker["continuations_pending"] == 1


def test_the_workers_pass_runs_what_follows_as_the_person_who_completed_the_task(
    lanjut: Api, operator: Operator
) -> None:
    instance_id, tasks = _start(lanjut)
    assert _send(lanjut, tasks["Isi"]).status_code == 200

    assert lanjut.drain() >= 1

    assert operator.calls == [(instance_id, "direktur", None)]
    assert sorted(t["name"] for t in lanjut.inbox("direktur", instance_id=instance_id)) == ["Lain", "Periksa"]
    assert _letters(lanjut, instance_id) == [("Surat lanjutan", f"UJI/{instance_id}", "direktur")]
    assert _instance(lanjut, instance_id)["continue_pending_at"] is None
    assert ("service_task_completed", "Lanjut") in _types(lanjut, instance_id)
    assert lanjut.drain() == 0
    assert len(operator.calls) == 1


def test_a_failing_continuation_marks_the_instance_error_naming_the_element_and_the_completion_stays_recorded(
    lanjut: Api, operator: Operator
) -> None:
    instance_id, tasks = _start(lanjut, jenis="gagal")
    assert _send(lanjut, tasks["Isi"]).status_code == 200

    lanjut.drain()

    instance = _instance(lanjut, instance_id)
    assert instance["status"] == "error"
    assert instance["error"] == "lanjut: uji_lanjut: data lanjutan tidak lengkap. "  # the engine's wording
    [failed] = [e for e in lanjut.history(instance_id) if e["type"] == "instance_failed"]
    assert failed["data"]["element_id"] == "lanjut"
    [done] = [e for e in lanjut.history(instance_id) if e["type"] == "task_completed"]
    assert (done["task_name"], done["actor"], done["data"]) == ("Isi", "direktur", FORM_DATA)
    assert lanjut.get("direktur", f"/api/tasks/{tasks['Isi']}").json()["state"] == "completed"
    assert _letters(lanjut, instance_id) == []
    assert not instances.continuing(lanjut.app.state.db, instance_id)  # pages say it failed, not "being prepared"
    assert len(operator.calls) == 1  # not run again by the next pass
    lanjut.drain()
    assert len(operator.calls) == 1


@pytest.mark.parametrize("act", ["timer", "signal"])
def test_a_timer_or_signal_reaching_a_waiting_instance_first_runs_its_continuation_as_the_person_who_completed_it(
    lanjut: Api, operator: Operator, act: str
) -> None:
    instance_id, tasks = _start(lanjut)
    assert _send(lanjut, tasks["Isi"]).status_code == 200

    # The worker's timer pass (or a signal) takes the instance before its continuation pass does.
    with lanjut.app.state.db.transaction() as session:
        row = session.get_one(ProcessInstance, instance_id)
        runtime = Runtime.for_app(session, lanjut.app.state.clock, lanjut.app.state.settings)
        if act == "timer":
            runtime.fire_timers(row)
        else:
            runtime.signal(row, "tidak_ditunggu", "system")

    assert operator.calls == [(instance_id, "direktur", None)]
    assert _letters(lanjut, instance_id) == [("Surat lanjutan", f"UJI/{instance_id}", "direktur")]
    [ran] = [e for e in lanjut.history(instance_id) if e["type"] == "service_task_completed"]
    assert (ran["task_name"], ran["actor"]) == ("Lanjut", "direktur")
    assert _instance(lanjut, instance_id)["continue_pending_at"] is None
    assert sorted(t["name"] for t in lanjut.inbox("direktur", instance_id=instance_id)) == ["Lain", "Periksa"]
    assert lanjut.drain() == 0  # nothing left for the continuation pass
    assert len(operator.calls) == 1


def test_a_timer_reaching_an_instance_whose_awaited_continuation_ends_it_finishes_it_once(
    lanjut: Api, operator: Operator
) -> None:
    # The process without "Periksa": what follows "Isi" ends the instance once "Lain" is done.
    ending = (
        PROCESS.replace("<bpmn:flowNodeRef>lanjut</bpmn:flowNodeRef><bpmn:flowNodeRef>periksa</bpmn:flowNodeRef>", "")
        .replace(
            "<bpmn:flowNodeRef>gabung</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>lanjut</bpmn:flowNodeRef><bpmn:flowNodeRef>gabung</bpmn:flowNodeRef>",
        )
        .replace('<bpmn:sequenceFlow id="f5" sourceRef="lanjut" targetRef="periksa"/>', "")
        .replace(
            '<bpmn:sequenceFlow id="f6" sourceRef="periksa" targetRef="gabung"/>',
            '<bpmn:sequenceFlow id="f6" sourceRef="lanjut" targetRef="gabung"/>',
        )
    )
    ending = ending.split('<bpmn:userTask id="periksa"')[0] + ending.split("</bpmn:userTask>")[-1]
    files = [("files", ("uji_lanjut.bpmn", ending.encode(), "text/xml"))]
    assert lanjut.post("desainer", "/api/deployments", files=files).status_code == 201
    instance_id, tasks = _start(lanjut)
    assert _send(lanjut, tasks["Lain"]).status_code == 200
    assert _send(lanjut, tasks["Isi"]).json()["continuing"] is True

    with lanjut.app.state.db.transaction() as session:
        row = session.get_one(ProcessInstance, instance_id)
        Runtime.for_app(session, lanjut.app.state.clock, lanjut.app.state.settings).fire_timers(row)

    assert _instance(lanjut, instance_id)["status"] == "completed"
    assert [t for t, _ in _types(lanjut, instance_id)].count("instance_completed") == 1
    assert operator.calls == [(instance_id, "direktur", None)]


def test_a_refused_form_on_an_async_after_task_changes_nothing(lanjut: Api, operator: Operator) -> None:
    instance_id, tasks = _start(lanjut)

    refused(lanjut, "direktur", tasks["Isi"], {"catatan": "Tanpa keputusan"}, instance_id, {"diterima": ["wajib"]})

    assert _instance(lanjut, instance_id)["continue_pending_at"] is None
    assert lanjut.drain() == 0
    assert operator.calls == []


def test_another_task_of_an_instance_waiting_for_its_continuation_is_refused_409_until_the_worker_has_run(
    lanjut: Api, operator: Operator
) -> None:
    instance_id, tasks = _start(lanjut)
    assert _send(lanjut, tasks["Isi"]).status_code == 200

    r = _send(lanjut, tasks["Lain"])

    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (
        f"instance {instance_id} is being continued after a step just completed; complete this task again in a moment"
    )
    assert r.json()["errors"] == [
        {"path": "instance", "message": "Langkah sebelumnya sedang diproses; kirim lagi sebentar lagi."}
    ]
    assert r.headers["Retry-After"] == "2"
    assert lanjut.get("direktur", f"/api/tasks/{tasks['Lain']}").json()["state"] == "ready"
    assert operator.calls == []

    lanjut.drain()
    assert _send(lanjut, tasks["Lain"]).status_code == 200
    [periksa] = lanjut.inbox("direktur", instance_id=instance_id)
    assert _send(lanjut, periksa["id"]).json()["instance_status"] == "completed"


def test_cancelling_an_instance_waiting_for_its_continuation_never_runs_it(lanjut: Api, operator: Operator) -> None:
    instance_id, tasks = _start(lanjut)
    assert _send(lanjut, tasks["Isi"]).status_code == 200

    r = lanjut.post("admin", f"/api/instances/{instance_id}/cancel", json={"alasan": "Dibatalkan pengujian"})

    assert r.status_code == 200, r.text
    assert lanjut.drain() == 0
    assert operator.calls == []
    instance = _instance(lanjut, instance_id)
    assert (instance["status"], instance["continue_pending_at"]) == ("cancelled", None)
    assert lanjut.inbox("direktur", instance_id=instance_id) == []


def test_two_workers_never_run_one_continuation_twice(lanjut: Api, operator: Operator, settings: Settings) -> None:
    instances = []
    for _ in range(6):
        instance_id, tasks = _start(lanjut)
        assert _send(lanjut, tasks["Isi"]).status_code == 200
        instances.append(instance_id)
    workers = [Worker(lanjut.app.state.db, settings, lanjut.app.state.clock) for _ in range(2)]

    run_concurrently(Worker.run_until_idle, workers)
    lanjut.drain()  # a lost race leaves its instance for the next pass

    assert sorted(i for i, _, _ in operator.calls) == instances  # each once
    with lanjut.app.state.db.reading() as session:
        ran = session.scalars(
            select(Event.instance_id).where(Event.type == "service_task_completed", Event.task_name == "Lanjut")
        ).all()
    assert sorted(ran) == instances
    for instance_id in instances:
        assert _letters(lanjut, instance_id) == [("Surat lanjutan", f"UJI/{instance_id}", "direktur")]


def test_opening_registration_answers_before_the_candidates_registration_tasks_exist(api: Api) -> None:
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)
    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=instance_id)
    daftar = [{"username": u, "skema_nomor": k} for u, k in sop.CANDIDATES.items()]

    r = api.post("kabid_administrasi", f"/api/tasks/{t['id']}/complete", json={"data": {"daftar_pendaftar": daftar}})

    assert r.status_code == 200, r.text
    assert r.json()["continuing"] is True
    assert sop.tasks_named(api, "kabid_administrasi", "Menutup pendaftaran") == []
    assert all(sop.tasks_named(api, u, "Mengisi FR.APL.01 dan FR.APL.02") == [] for u in sop.CANDIDATES)
    with pages.signed_in(api.app, "ketua_lsp") as page:
        assert "Sedang diproses" in page.get(f"/dasbor/{instance_id}").text

        api.drain()

        assert "Sedang diproses" not in page.get(f"/dasbor/{instance_id}").text
    assert len(sop.tasks_named(api, "kabid_administrasi", "Menutup pendaftaran")) == 1
    assert all(len(sop.tasks_named(api, u, "Mengisi FR.APL.01 dan FR.APL.02")) == 1 for u in sop.CANDIDATES)


def test_the_task_page_says_the_step_is_recorded_and_the_next_is_being_prepared(lanjut: Api) -> None:
    instance_id, tasks = _start(lanjut)
    with pages.signed_in(lanjut.app, "direktur") as page:
        r = pages.post(page, f"/tasks/{tasks['Isi']}/complete", {"diterima": "true", "catatan": "Lengkap"})

        assert r.status_code == 303, r.text
        assert r.headers["location"] == "/tasks?pesan=diproses"
        inbox = page.get(r.headers["location"]).text
        assert (
            "Tugas terkirim dan tercatat. Langkah berikutnya sedang disiapkan; tugas berikutnya muncul di sini "
            "sebentar lagi." in inbox
        )
        assert "Periksa" not in inbox

        typed = {"diterima": "true", "catatan": "Diketik sebelum langkah lain selesai"}
        other = pages.post(page, f"/tasks/{tasks['Lain']}/complete", typed)

        # The other task is still open: its form stays, with what was typed, under the words to send it again.
        assert other.status_code == 409
        assert (
            "Langkah sebelumnya sedang diproses; kirim lagi sebentar lagi. Jawaban Anda belum terkirim; isiannya "
            "tetap ada di formulir di bawah." in pages.teks(other.text)
        )
        assert f'action="/tasks/{tasks["Lain"]}/complete"' in other.text
        assert "Diketik sebelum langkah lain selesai" in other.text
        assert "Jawaban Anda tidak dikirim" not in other.text

        lanjut.drain()
        again = pages.post(page, f"/tasks/{tasks['Lain']}/complete", typed)
        assert again.status_code == 303, again.text


def test_deploy_refuses_async_after_anywhere_but_on_a_user_task_and_with_any_value_but_true(
    api: Api, operator: Operator
) -> None:
    on_service_task = PROCESS.replace(
        '<spiffworkflow:serviceTaskOperator id="uji_lanjut"',
        '<spiffworkflow:properties><spiffworkflow:property name="asyncAfter" value="true"/></spiffworkflow:properties>'
        '<spiffworkflow:serviceTaskOperator id="uji_lanjut"',
    )
    not_true = PROCESS.replace('name="asyncAfter" value="true"', 'name="asyncAfter" value="ya"')

    for content, element_id, message in (
        (on_service_task, "lanjut", "asyncAfter hanya berlaku pada tugas pengguna, bukan pada serviceTask"),
        (not_true, "isi", "asyncAfter harus bernilai \"true\", bukan 'ya'"),
    ):
        files = [("files", ("uji_lanjut.bpmn", content.encode(), "text/xml"))]
        r = api.post("desainer", "/api/deployments", files=files)
        assert r.status_code == 422, r.text
        assert [(e["element_id"], e["message"]) for e in r.json()["errors"]] == [(element_id, message)]
        assert api.get("desainer", "/api/process-definitions/uji_lanjut").status_code == 404
