"""Timers: a due time fixed when reached, fired by the worker when the service's clock passes it."""

from datetime import timedelta

from api.background.worker import Worker
from api.clock import Clock
from api.settings import Settings
from tests.support import bpmn
from tests.support.api import Api
from tests.support.concurrency import run_concurrently

TIMER_BPMN = bpmn.definitions(
    "uji_timer",
    name="Uji timer",
    body=f"""
    {bpmn.lanes(l=("Direktur", ["mulai", "pertama", "tunggu", "kedua", "selesai"]))}
    <bpmn:startEvent id="mulai"/>
    {bpmn.user_task("pertama", "Pertama")}
    <bpmn:intermediateCatchEvent id="tunggu" name="Tunggu satu jam">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    {bpmn.user_task("kedua", "Kedua")}
    <bpmn:endEvent id="selesai"/>
    {bpmn.line("mulai", "pertama", "tunggu", "kedua", "selesai")}""",
)


def test_a_timer_fires_from_the_worker_once_the_service_clock_passes_its_due_time(api: Api, clock: Clock) -> None:
    r = api.post("desainer", "/api/deployments", files=[("files", ("uji_timer.bpmn", TIMER_BPMN.encode(), "text/xml"))])
    assert r.status_code == 201, r.text
    started = api.post("direktur", "/api/process-definitions/uji_timer/instances", json={"business_key": "T-1"})
    assert started.status_code == 201, started.text
    instance_id = started.json()["id"]
    [first] = api.inbox("direktur", instance_id=instance_id)
    api.complete("direktur", first["id"], {"diterima": True, "catatan": ""})

    assert api.inbox("direktur", instance_id=instance_id) == []
    clock.advance(timedelta(minutes=59))
    api.drain()
    assert api.inbox("direktur", instance_id=instance_id) == []  # not yet due

    clock.advance(timedelta(minutes=2))
    assert api.drain() >= 1
    assert [t["name"] for t in api.inbox("direktur", instance_id=instance_id)] == ["Kedua"]
    fired = [e for e in api.history(instance_id) if e["type"] == "timer_fired"]
    assert [e["task_name"] for e in fired] == ["Tunggu satu jam"]
    assert api.drain() == 0  # fired once


def test_two_workers_racing_fire_each_due_timer_once(api: Api, clock: Clock, settings: Settings) -> None:
    r = api.post("desainer", "/api/deployments", files=[("files", ("uji_timer.bpmn", TIMER_BPMN.encode(), "text/xml"))])
    assert r.status_code == 201, r.text
    ids = []
    for n in range(6):
        started = api.post("direktur", "/api/process-definitions/uji_timer/instances", json={"business_key": f"T-{n}"})
        ids.append(started.json()["id"])
        [first] = api.inbox("direktur", instance_id=ids[-1])
        api.complete("direktur", first["id"], {"diterima": True, "catatan": ""})
    clock.advance(timedelta(hours=2))

    workers = [Worker(api.app.state.db, settings, clock) for _ in range(2)]
    run_concurrently(Worker.run_until_idle, workers)

    for instance_id in ids:
        assert [t["name"] for t in api.inbox("direktur", instance_id=instance_id)] == ["Kedua"]
        assert len([e for e in api.history(instance_id) if e["type"] == "timer_fired"]) == 1
