"""Failures say what they are: an operator's failure reaches the client as what it is, and nothing is saved.

A service task's refusal to work with its data is a 422 naming the element; a unique-constraint conflict a
409 naming the field; a lost optimistic race is run again; a bug (a KeyError in Python code) a 500 that
says nothing of internals, with its traceback in the log.
"""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

import service_tasks
from api.store.models import DeploymentFile
from service_tasks import ServiceContext, ServiceTaskError
from tests.conftest import Api

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="c"><bpmn:participant id="p" processRef="uji_gagal"/></bpmn:collaboration>
  <bpmn:process id="uji_gagal" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Direktur">
      <bpmn:flowNodeRef>mulai</bpmn:flowNodeRef><bpmn:flowNodeRef>isi</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>gagal</bpmn:flowNodeRef><bpmn:flowNodeRef>selesai</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="mulai"/>
    <bpmn:userTask id="isi" name="Isi"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="menerima_laporan.json"/>
    </spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:serviceTask id="gagal" name="Gagal"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="uji_gagal" resultVariable="hasil">
        <spiffworkflow:parameters>
          <spiffworkflow:parameter id="jenis" type="str" value="jenis"/>
        </spiffworkflow:parameters>
      </spiffworkflow:serviceTaskOperator>
    </bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="selesai"/>
    <bpmn:sequenceFlow id="f1" sourceRef="mulai" targetRef="isi"/>
    <bpmn:sequenceFlow id="f2" sourceRef="isi" targetRef="gagal"/>
    <bpmn:sequenceFlow id="f3" sourceRef="gagal" targetRef="selesai"/>
  </bpmn:process>
</bpmn:definitions>
"""
FORM_DATA = {"diterima": True, "catatan": ""}


class Operator:
    """The test operator: fails as `jenis` says; `stale_once` loses one race, then succeeds."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, ctx: ServiceContext, jenis: str) -> dict[str, Any]:
        self.calls += 1
        if jenis == "key_error":
            return {"nama": {}["nama"]}  # a bug in Python code
        if jenis == "integrity":  # a second file of the same name in the same deployment
            ctx.session.add(DeploymentFile(deployment_id=1, name="uji_kompetensi.bpmn", content="", sha256=""))
            ctx.session.flush()
        if jenis == "stale_once" and self.calls == 1:
            raise StaleDataError("UPDATE statement on table 'process_instance' expected to update 1 row(s)")
        if jenis == "service":
            raise ServiceTaskError("jenis layanan tidak dikenal")
        return {"jenis": jenis}


@pytest.fixture
def operator(monkeypatch: pytest.MonkeyPatch) -> Operator:
    fn = Operator()
    monkeypatch.setitem(service_tasks.REGISTRY, "uji_gagal", fn)
    return fn


@pytest.fixture
def client(app: Any, operator: Operator) -> Iterator[Api]:
    """The API as a deployed server answers: an unexpected error is a 500 response, not raised in the test."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        api = Api(test_client, app)
        files = [("files", ("uji_gagal.bpmn", PROCESS.encode(), "text/xml"))]
        r = api.post("desainer", "/api/deployments", files=files)
        assert r.status_code == 201, r.text
        yield api


def _task_failing_with(api: Api, jenis: str) -> tuple[int, dict[str, Any], list[dict[str, Any]]]:
    r = api.post("direktur", "/api/process-definitions/uji_gagal/instances", json={"data": {"jenis": jenis}})
    assert r.status_code == 201, r.text
    instance_id = r.json()["id"]
    [task] = api.inbox("direktur", instance_id=instance_id)
    return instance_id, task, api.history(instance_id)


def _nothing_saved(api: Api, instance_id: int, task: dict[str, Any], history: list[dict[str, Any]]) -> None:
    assert api.history(instance_id) == history
    r = api.get("direktur", f"/api/tasks/{task['id']}")
    assert r.status_code == 200 and r.json()["state"] == "ready"


def test_a_bug_in_an_operator_is_a_500_that_names_nothing_internal_and_logs_its_traceback(
    client: Api, caplog: pytest.LogCaptureFixture
) -> None:
    instance_id, task, history = _task_failing_with(client, "key_error")
    with caplog.at_level(logging.ERROR):
        r = client.post("direktur", f"/api/tasks/{task['id']}/complete", json={"data": FORM_DATA})

    assert r.status_code == 500
    assert r.json() == {"detail": "internal error: it has been logged; nothing was saved"}
    [record] = [rec for rec in caplog.records if rec.exc_info]
    assert record.exc_info is not None and record.exc_info[0] is KeyError
    assert "/api/tasks/" in record.getMessage()
    _nothing_saved(client, instance_id, task, history)


def test_a_unique_constraint_conflict_in_an_operator_is_a_409_naming_the_field_without_sql(client: Api) -> None:
    instance_id, task, history = _task_failing_with(client, "integrity")
    with client.app.state.db.reading() as session:
        files_before = session.scalar(select(func.count()).select_from(DeploymentFile))

    r = client.post("direktur", f"/api/tasks/{task['id']}/complete", json={"data": FORM_DATA})

    assert r.status_code == 409
    assert r.json() == {
        "detail": "the data conflicts with data already saved; nothing was saved",
        "errors": [{"path": "deployment_id, name", "message": "deployment_id, name sudah dipakai data lain"}],
    }
    assert "INSERT" not in r.text and "uji_kompetensi.bpmn" not in r.text
    _nothing_saved(client, instance_id, task, history)
    with client.app.state.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(DeploymentFile)) == files_before


def test_a_lost_race_inside_an_operator_reaches_the_retry_and_the_completion_succeeds(
    client: Api, operator: Operator
) -> None:
    instance_id, task, _ = _task_failing_with(client, "stale_once")

    r = client.post("direktur", f"/api/tasks/{task['id']}/complete", json={"data": FORM_DATA})

    assert r.status_code == 200, r.text
    assert r.json()["instance_status"] == "completed"
    assert operator.calls == 2
    completed = [e for e in client.history(instance_id) if e["type"] == "task_completed"]
    assert len(completed) == 1  # the lost attempt left nothing behind


def test_a_service_task_error_is_a_422_naming_the_element_and_saves_nothing(client: Api) -> None:
    instance_id, task, history = _task_failing_with(client, "service")

    r = client.post("direktur", f"/api/tasks/{task['id']}/complete", json={"data": FORM_DATA})

    assert r.status_code == 422
    body = r.json()
    assert body["detail"] == "the process could not continue with this data; nothing was saved"
    assert body["errors"] == [
        {"path": "gagal", "element_id": "gagal", "message": "uji_gagal: jenis layanan tidak dikenal. "}
    ]
    _nothing_saved(client, instance_id, task, history)


def test_a_form_refusal_is_checked_by_the_runtime_itself(client: Api) -> None:
    """Whoever calls Runtime.complete_task, the form is checked first (here through the HTTP API)."""
    instance_id, task, history = _task_failing_with(client, "service")

    r = client.post("direktur", f"/api/tasks/{task['id']}/complete", json={"data": {"diterima": "ya"}})

    assert r.status_code == 422
    assert r.json()["detail"] == "the data does not satisfy the task's form"
    _nothing_saved(client, instance_id, task, history)
