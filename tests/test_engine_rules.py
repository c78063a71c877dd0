"""Engine features the SOP's rules rely on: validators, signals to child instances, step escalation."""

from datetime import timedelta
from typing import Any

from api.clock import Clock
from service_tasks import REGISTRY, VALIDATORS, Refusal, ServiceContext, operator, validator
from tests.support import bpmn
from tests.support.api import Api

SIGNAL = '<bpmn:signal id="ditutup" name="ditutup"/>'

CHILD = bpmn.definitions(
    "uji_anak",
    head=SIGNAL,
    body=f"""
    <bpmn:ioSpecification id="io">
      <bpmn:dataInput id="x" name="x"/><bpmn:dataOutput id="hasil" name="hasil"/>
      <bpmn:inputSet id="is"><bpmn:dataInputRefs>x</bpmn:dataInputRefs></bpmn:inputSet>
      <bpmn:outputSet id="os"><bpmn:dataOutputRefs>hasil</bpmn:dataOutputRefs></bpmn:outputSet>
    </bpmn:ioSpecification>
    {bpmn.lanes(l=("Peserta Uji Kompetensi", ["m", "isi", "sinyal", "s1", "s2", "e"]))}
    <bpmn:startEvent id="m"/>
    {bpmn.user_task("isi", "Isi", assignee="x", validator="uji_setuju")}
    <bpmn:boundaryEvent id="sinyal" name="Ditutup" attachedToRef="isi">
      <bpmn:signalEventDefinition signalRef="ditutup"/>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="s1"><bpmn:script>hasil = {{'x': x, 'status': 'diisi'}}</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="s2"><bpmn:script>hasil = {{'x': x, 'status': 'ditutup'}}</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"/>
    {bpmn.flow("f1", "m", "isi")}
    {bpmn.flow("f2", "isi", "s1")}
    {bpmn.flow("f3", "sinyal", "s2")}
    {bpmn.flow("f4", "s1", "e")}
    {bpmn.flow("f5", "s2", "e")}""",
)

DIREKTUR = ["m", "buka", "pisah", "anak", "tutup", "kirim", "gabung", "akhir", "lewat", "e2"]
PARENT = bpmn.definitions(
    "uji_induk",
    head=SIGNAL,
    body=f"""
    {bpmn.lanes(l1=("Direktur", DIREKTUR), l2=("Ketua LSP", ["eskalasi"]))}
    <bpmn:startEvent id="m"/>
    {bpmn.user_task("buka", "Buka", sopStep="1", timeStandard="P1D")}
    <bpmn:parallelGateway id="pisah"/>
    <bpmn:callActivity id="anak" name="Anak" calledElement="uji_anak">{bpmn.properties(childSubject="x", sopStep="1")}
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>daftar</bpmn:loopDataInputRef><bpmn:loopDataOutputRef>hasil_semua</bpmn:loopDataOutputRef>
        <bpmn:inputDataItem id="x" name="x"/><bpmn:outputDataItem id="hasil" name="hasil"/>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:callActivity>
    <bpmn:boundaryEvent id="lewat" name="Langkah 1 lewat" attachedToRef="anak" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDate>batas_langkah('1')</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    {bpmn.user_task("eskalasi", "Menindaklanjuti keterlambatan langkah 1", eskalasiLangkah="1")}
    <bpmn:endEvent id="e2"/>
    {bpmn.user_task("tutup", "Tutup")}
    <bpmn:serviceTask id="kirim"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="uji_tutup" resultVariable="ditutup">
        <spiffworkflow:parameters/>
      </spiffworkflow:serviceTaskOperator>
    </bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:parallelGateway id="gabung"/>
    <bpmn:endEvent id="akhir"/>
    {bpmn.flow("f1", "m", "buka")}
    {bpmn.flow("f2", "buka", "pisah")}
    {bpmn.flow("f3", "pisah", "anak")}
    {bpmn.flow("f4", "pisah", "tutup")}
    {bpmn.flow("f5", "tutup", "kirim")}
    {bpmn.flow("f6", "kirim", "gabung")}
    {bpmn.flow("f7", "anak", "gabung")}
    {bpmn.flow("f8", "gabung", "akhir")}
    {bpmn.flow("f9", "lewat", "eskalasi")}
    {bpmn.flow("f10", "eskalasi", "e2")}""",
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
