"""Engine features the SOP's rules rely on: validators, signals to child instances, step escalation."""

from datetime import timedelta
from typing import Any

from api.clock import Clock
from service_tasks import REGISTRY, VALIDATORS, Refusal, ServiceContext, operator, validator
from tests.support.api import Api

PROPS = "<bpmn:extensionElements><spiffworkflow:properties>{}</spiffworkflow:properties></bpmn:extensionElements>"


def prop(name: str, value: str) -> str:
    return f'<spiffworkflow:property name="{name}" value="{value}"/>'


HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d_{p}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:signal id="ditutup" name="ditutup"/>
  <bpmn:collaboration id="c_{p}"><bpmn:participant id="p_{p}" processRef="{p}"/></bpmn:collaboration>
"""

CHILD = (
    HEAD.format(p="uji_anak")
    + """
  <bpmn:process id="uji_anak" isExecutable="true">
    <bpmn:ioSpecification id="io">
      <bpmn:dataInput id="x" name="x"/><bpmn:dataOutput id="hasil" name="hasil"/>
      <bpmn:inputSet id="is"><bpmn:dataInputRefs>x</bpmn:dataInputRefs></bpmn:inputSet>
      <bpmn:outputSet id="os"><bpmn:dataOutputRefs>hasil</bpmn:dataOutputRefs></bpmn:outputSet>
    </bpmn:ioSpecification>
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Peserta Uji Kompetensi">
      <bpmn:flowNodeRef>m</bpmn:flowNodeRef><bpmn:flowNodeRef>isi</bpmn:flowNodeRef><bpmn:flowNodeRef>sinyal</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>s1</bpmn:flowNodeRef><bpmn:flowNodeRef>s2</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="m"/>
    <bpmn:userTask id="isi" name="Isi">"""
    + PROPS.format(
        prop("formJsonSchemaFilename", "menerima_laporan.json")
        + prop("assignee", "x")
        + prop("validator", "uji_setuju")
    )
    + """</bpmn:userTask>
    <bpmn:boundaryEvent id="sinyal" name="Ditutup" attachedToRef="isi">
      <bpmn:signalEventDefinition signalRef="ditutup"/>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="s1"><bpmn:script>hasil = {'x': x, 'status': 'diisi'}</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="s2"><bpmn:script>hasil = {'x': x, 'status': 'ditutup'}</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="m" targetRef="isi"/>
    <bpmn:sequenceFlow id="f2" sourceRef="isi" targetRef="s1"/>
    <bpmn:sequenceFlow id="f3" sourceRef="sinyal" targetRef="s2"/>
    <bpmn:sequenceFlow id="f4" sourceRef="s1" targetRef="e"/>
    <bpmn:sequenceFlow id="f5" sourceRef="s2" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>
"""
)

PARENT = (
    HEAD.format(p="uji_induk")
    + """
  <bpmn:process id="uji_induk" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="l1" name="Direktur">
        <bpmn:flowNodeRef>m</bpmn:flowNodeRef><bpmn:flowNodeRef>buka</bpmn:flowNodeRef><bpmn:flowNodeRef>pisah</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>anak</bpmn:flowNodeRef><bpmn:flowNodeRef>tutup</bpmn:flowNodeRef><bpmn:flowNodeRef>kirim</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>gabung</bpmn:flowNodeRef><bpmn:flowNodeRef>akhir</bpmn:flowNodeRef><bpmn:flowNodeRef>lewat</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>e2</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="l2" name="Ketua LSP"><bpmn:flowNodeRef>eskalasi</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="m"/>
    <bpmn:userTask id="buka" name="Buka">"""
    + PROPS.format(
        prop("formJsonSchemaFilename", "menerima_laporan.json") + prop("sopStep", "1") + prop("timeStandard", "P1D")
    )
    + """</bpmn:userTask>
    <bpmn:parallelGateway id="pisah"/>
    <bpmn:callActivity id="anak" name="Anak" calledElement="uji_anak">"""
    + PROPS.format(prop("childSubject", "x") + prop("sopStep", "1"))
    + """
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>daftar</bpmn:loopDataInputRef><bpmn:loopDataOutputRef>hasil_semua</bpmn:loopDataOutputRef>
        <bpmn:inputDataItem id="x" name="x"/><bpmn:outputDataItem id="hasil" name="hasil"/>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:callActivity>
    <bpmn:boundaryEvent id="lewat" name="Langkah 1 lewat" attachedToRef="anak" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDate>batas_langkah('1')</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="eskalasi" name="Menindaklanjuti keterlambatan langkah 1">"""
    + PROPS.format(prop("formJsonSchemaFilename", "menerima_laporan.json") + prop("eskalasiLangkah", "1"))
    + """</bpmn:userTask>
    <bpmn:endEvent id="e2"/>
    <bpmn:userTask id="tutup" name="Tutup">"""
    + PROPS.format(prop("formJsonSchemaFilename", "menerima_laporan.json"))
    + """</bpmn:userTask>
    <bpmn:serviceTask id="kirim"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="uji_tutup" resultVariable="ditutup">
        <spiffworkflow:parameters/>
      </spiffworkflow:serviceTaskOperator>
    </bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:parallelGateway id="gabung"/>
    <bpmn:endEvent id="akhir"/>
    <bpmn:sequenceFlow id="f1" sourceRef="m" targetRef="buka"/>
    <bpmn:sequenceFlow id="f2" sourceRef="buka" targetRef="pisah"/>
    <bpmn:sequenceFlow id="f3" sourceRef="pisah" targetRef="anak"/>
    <bpmn:sequenceFlow id="f4" sourceRef="pisah" targetRef="tutup"/>
    <bpmn:sequenceFlow id="f5" sourceRef="tutup" targetRef="kirim"/>
    <bpmn:sequenceFlow id="f6" sourceRef="kirim" targetRef="gabung"/>
    <bpmn:sequenceFlow id="f7" sourceRef="anak" targetRef="gabung"/>
    <bpmn:sequenceFlow id="f8" sourceRef="gabung" targetRef="akhir"/>
    <bpmn:sequenceFlow id="f9" sourceRef="lewat" targetRef="eskalasi"/>
    <bpmn:sequenceFlow id="f10" sourceRef="eskalasi" targetRef="e2"/>
  </bpmn:process>
</bpmn:definitions>
"""
)

if "uji_tutup" not in REGISTRY:

    @operator("uji_tutup")
    def uji_tutup(ctx: ServiceContext) -> int:
        return ctx.signal_children("anak", "ditutup")


if "uji_setuju" not in VALIDATORS:

    @validator("uji_setuju")
    def uji_setuju(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
        return [] if data.get("diterima") else [Refusal("diterima", f"{ctx.data['x']} harus menyetujui")]


def _deploy(api: Api) -> None:
    files = [
        ("files", ("uji_anak.bpmn", CHILD.encode(), "text/xml")),
        ("files", ("uji_induk.bpmn", PARENT.encode(), "text/xml")),
    ]
    r = api.post("desainer", "/api/deployments", files=files)
    assert r.status_code == 201, r.text


def _start(api: Api, daftar: list[str]) -> int:
    r = api.post(
        "direktur",
        "/api/process-definitions/uji_induk/instances",
        json={"business_key": "S", "data": {"daftar": daftar}},
    )
    assert r.status_code == 201, r.text
    instance_id = r.json()["id"]
    [buka] = api.inbox("direktur", instance_id=instance_id)
    api.complete("direktur", buka["id"], {"diterima": True, "catatan": ""})
    return instance_id


def test_a_validator_refuses_with_its_reason_and_changes_nothing(api: Api) -> None:
    _deploy(api)
    instance_id = _start(api, ["peserta"])
    [isi] = api.inbox("peserta")
    before = api.history(instance_id)
    r = api.post("peserta", f"/api/tasks/{isi['id']}/complete", json={"data": {"diterima": False, "catatan": ""}})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"path": "diterima", "message": "peserta harus menyetujui"}]
    assert api.history(instance_id) == before
    assert [t["id"] for t in api.inbox("peserta")] == [isi["id"]]
    api.complete("peserta", isi["id"], {"diterima": True, "catatan": ""})


def test_closing_signals_the_waiting_children_and_the_parent_moves_on(api: Api) -> None:
    _deploy(api)
    instance_id = _start(api, ["peserta", "peserta2"])
    [isi] = api.inbox("peserta")
    api.complete("peserta", isi["id"], {"diterima": True, "catatan": ""})
    [tutup] = [t for t in api.inbox("direktur", instance_id=instance_id) if t["name"] == "Tutup"]
    api.complete("direktur", tutup["id"], {"diterima": True, "catatan": ""})
    assert api.inbox("peserta2") == []  # the signal ended peserta2's open task
    api.drain()
    detail = api.get("admin", f"/api/instances/{instance_id}").json()
    assert detail["status"] == "completed"
    events = api.history(instance_id)
    assert len([e for e in events if e["type"] == "signal_received"]) == 1


def test_an_overdue_step_escalates_to_the_superior_without_stopping_the_work(api: Api, clock: Clock) -> None:
    _deploy(api)
    instance_id = _start(api, ["peserta"])
    clock.advance(timedelta(days=1, minutes=1))
    api.drain()
    [eskalasi] = api.inbox("ketua_lsp", instance_id=instance_id)
    assert eskalasi["name"] == "Menindaklanjuti keterlambatan langkah 1"
    escalated = [e for e in api.history(instance_id) if e["type"] == "step_escalated"]
    assert escalated and escalated[0]["data"]["step"] == "1" and escalated[0]["lane"] == "Ketua LSP"
    [isi] = api.inbox("peserta")  # the work goes on
    api.complete("peserta", isi["id"], {"diterima": True, "catatan": ""})
