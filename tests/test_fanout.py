"""A multi-instance call activity over many items (a fan-out): one task in the parent, its children started,
signalled and applied in batches, each exactly once, also with two workers and a request racing them."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.background.worker import Worker
from api.engine import children
from api.engine.children import BATCH, FIRST_BATCH, SIGNAL_FIRST_BATCH
from api.engine.errors import EngineError
from api.engine.projections import pending_events
from api.engine.runtime import Runtime
from api.settings import Settings
from api.store.db import Database
from api.store.models import ChildCompletion, Event, FanoutItem, PendingSignal, ProcessInstance
from service_tasks import REGISTRY, ServiceContext, operator
from tests.support import bpmn
from tests.support.api import Api
from tests.support.concurrency import run_concurrently
from tests.test_engine_rules import CHILD, PARENT, _deploy

MANY = FIRST_BATCH + BATCH + 50  # past the request's first batch and one worker batch


def _names(n: int) -> list[str]:
    """Item 1 is the demo candidate, who can log in and do their task."""
    return [("peserta" if i == 1 else f"calon{i:04d}") for i in range(n)]


def _start(api: Api, daftar: list[str], key: str = "S") -> int:
    r = api.post(
        "direktur",
        "/api/process-definitions/uji_induk/instances",
        json={"business_key": key, "data": {"daftar": daftar}},
    )
    assert r.status_code == 201, r.text
    instance_id: int = r.json()["id"]
    [buka] = api.inbox("direktur", instance_id=instance_id)
    api.complete("direktur", buka["id"], {"diterima": True, "catatan": ""})
    return instance_id


def _close(api: Api, instance_id: int) -> Any:
    [tutup] = [t for t in api.inbox("direktur", instance_id=instance_id) if t["name"] == "Tutup"]
    return api.post("direktur", f"/api/tasks/{tutup['id']}/complete", json={"data": {"diterima": True, "catatan": ""}})


def _children(api: Api, instance_id: int) -> list[ProcessInstance]:
    with api.app.state.db.reading() as session:
        rows = session.scalars(
            select(ProcessInstance).where(ProcessInstance.parent_id == instance_id).order_by(ProcessInstance.id)
        ).all()
        session.expunge_all()
        return list(rows)


def _count(api: Api, model: Any, *where: Any) -> int:
    with api.app.state.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _end_data(api: Api, instance_id: int) -> dict[str, Any]:
    with api.app.state.db.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        assert row is not None
        wf = Runtime(session, nomor_format="{seq}").load(row)
        return dict(wf.last_task.data)


def _task_count(api: Api, instance_id: int) -> int:
    with api.app.state.db.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        assert row is not None
        return len(json.loads(row.state)["tasks"])


def test_a_fan_out_is_one_task_in_the_parent_whatever_the_number_of_items(api: Api) -> None:
    _deploy(api)
    few, many = _start(api, _names(3), "FEW"), _start(api, _names(MANY), "MANY")

    assert _task_count(api, many) == _task_count(api, few)
    # The request started the first batch; the worker starts the rest, each child once, in input order.
    assert len(_children(api, many)) == FIRST_BATCH
    api.drain()
    children = _children(api, many)
    assert [c.subject for c in children] == _names(MANY)
    assert _count(api, FanoutItem, FanoutItem.child_id.is_(None)) == 0


def test_closing_reaches_every_child_also_those_started_after_it_and_outputs_keep_input_order(api: Api) -> None:
    _deploy(api)
    instance_id = _start(api, _names(MANY))
    [isi] = api.inbox("peserta")
    api.complete("peserta", isi["id"], {"diterima": True, "catatan": ""})

    r = _close(api, instance_id)  # only FIRST_BATCH children exist yet, one of them ended
    assert r.status_code == 200, r.text
    assert _count(api, PendingSignal) == FIRST_BATCH - 1 - SIGNAL_FIRST_BATCH  # the others are signalled at once
    api.drain()

    children = _children(api, instance_id)
    assert len(children) == MANY and all(c.status == "completed" for c in children)
    assert _count(api, Event, Event.type == "signal_received") == MANY - 1  # peserta had finished
    detail = api.get("admin", f"/api/instances/{instance_id}").json()
    assert detail["status"] == "completed"
    hasil = _end_data(api, instance_id)["hasil_semua"]
    assert [h["x"] for h in hasil] == _names(MANY)
    assert [h["status"] for h in hasil[:3]] == ["ditutup", "diisi", "ditutup"]
    completed = [e for e in api.history(instance_id, include_children=False) if e["type"] == "child_completed"]
    assert sorted(e["data"]["child_id"] for e in completed) == [c.id for c in children]


def test_signals_to_more_children_than_one_batch_are_queued_for_the_worker(api: Api) -> None:
    _deploy(api)
    instance_id = _start(api, _names(MANY))
    api.drain()  # every child started, each waiting at its task

    assert _close(api, instance_id).status_code == 200
    assert _count(api, PendingSignal) == MANY - SIGNAL_FIRST_BATCH
    api.drain()
    assert _count(api, PendingSignal) == 0
    assert all(c.status == "completed" for c in _children(api, instance_id))
    assert api.get("admin", f"/api/instances/{instance_id}").json()["status"] == "completed"


def test_cancelling_the_parent_stops_the_children_not_started_yet(api: Api) -> None:
    _deploy(api)
    instance_id = _start(api, _names(MANY))
    r = api.post("admin", f"/api/instances/{instance_id}/cancel", json={"alasan": "Periode dibatalkan"})
    assert r.status_code == 200, r.text
    api.drain()

    children = _children(api, instance_id)
    assert len(children) == FIRST_BATCH
    assert {c.status for c in children} == {"cancelled"}


def test_two_workers_racing_start_and_apply_each_child_once(api: Api, settings: Settings) -> None:
    _deploy(api)
    instance_id = _start(api, _names(MANY))
    workers = [Worker(api.app.state.db, settings, api.app.state.clock) for _ in range(2)]

    run_concurrently(Worker.run_until_idle, workers)
    children = _children(api, instance_id)
    assert [c.subject for c in children] == _names(MANY)  # each started once

    assert _close(api, instance_id).status_code == 200
    run_concurrently(Worker.run_until_idle, workers)
    assert api.drain() == 0
    assert _count(api, Event, Event.type == "signal_received") == MANY  # each signalled once
    completed = [e for e in api.history(instance_id, include_children=False) if e["type"] == "child_completed"]
    assert sorted(e["data"]["child_id"] for e in completed) == [c.id for c in children]  # each applied once
    assert _count(api, ChildCompletion, ChildCompletion.applied_at.is_(None)) == 0
    assert api.get("admin", f"/api/instances/{instance_id}").json()["status"] == "completed"


def test_closing_while_the_worker_starts_children_reaches_each_child_once(api: Api, settings: Settings) -> None:
    _deploy(api)
    instance_id = _start(api, _names(MANY))
    worker = Worker(api.app.state.db, settings, api.app.state.clock)

    def act(who: str) -> Any:
        if who == "worker":
            return worker.run_until_idle()
        for _ in range(50):  # a lost race with the worker is a 409 the client retries
            r = _close(api, instance_id)
            if r.status_code != 409:
                return r.status_code
        return r.status_code

    _, status = run_concurrently(act, ["worker", "request"])
    assert status == 200
    api.drain()
    children = _children(api, instance_id)
    assert [c.subject for c in children] == _names(MANY)
    assert all(c.status == "completed" for c in children)
    assert _count(api, Event, Event.type == "signal_received") == MANY
    assert api.get("admin", f"/api/instances/{instance_id}").json()["status"] == "completed"


def test_children_to_start_and_signals_to_deliver_show_in_health_and_degrade_it_when_late(api: Api) -> None:
    _deploy(api)
    instance_id = _start(api, _names(MANY))
    worker = api.client.get("/api/health").json()["worker"]
    assert (worker["children_to_start"], worker["signals_pending"]) == (MANY - FIRST_BATCH, 0)

    api.app.state.clock.advance(timedelta(minutes=6))
    body = api.client.get("/api/health").json()
    assert body["status"] == "degraded"
    [reason] = body["reasons"]  # the test clock moves on with real time from where it was set
    assert reason.startswith(f"children of multi-instance activities waiting to be started: {MANY - FIRST_BATCH}, ")
    api.drain()
    assert _close(api, instance_id).status_code == 200
    worker = api.client.get("/api/health").json()["worker"]
    assert (worker["children_to_start"], worker["signals_pending"]) == (0, MANY - SIGNAL_FIRST_BATCH)
    api.drain()
    body = api.client.get("/api/health").json()
    assert (body["status"], body["worker"]["signals_pending"]) == ("ok", 0)


def test_many_ends_are_applied_in_short_passes_and_the_parent_moves_on_once_after_the_last(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(children, "APPLY_BATCH", 2)
    _deploy(api)
    instance_id = _start(api, _names(5))
    assert _close(api, instance_id).status_code == 200  # every child ends at once

    worker = api.app.state.worker
    assert worker.apply_fanouts() == 2
    assert _count(api, ChildCompletion, ChildCompletion.applied_at.is_(None)) == 3
    assert api.get("admin", f"/api/instances/{instance_id}").json()["status"] == "running"
    api.drain()
    assert api.get("admin", f"/api/instances/{instance_id}").json()["status"] == "completed"
    assert [h["x"] for h in _end_data(api, instance_id)["hasil_semua"]] == _names(5)
    completed = [e for e in api.history(instance_id, include_children=False) if e["type"] == "child_completed"]
    assert sorted(e["data"]["child_id"] for e in completed) == [c.id for c in _children(api, instance_id)]


if "uji_gema" not in REGISTRY:

    @operator("uji_gema")
    def uji_gema(ctx: ServiceContext) -> str:
        return "diterima"


# After the signal a service task runs (its event is buffered), then a script that fails for calon0010 and
# calon0011: the signal's delivery to them fails with events in the buffer.
SERVICE = """<bpmn:serviceTask id="gema"><bpmn:extensionElements>
      <spiffworkflow:serviceTaskOperator id="uji_gema" resultVariable="gema"><spiffworkflow:parameters/>
      </spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"""
FAILING = "hasil = {'x': x, 'status': 'ditutup', 'n': 1 / 0 if x in ('calon0010', 'calon0011') else 0}"


def test_a_queued_signal_whose_delivery_fails_leaves_no_event_of_it_and_keeps_the_others(api: Api) -> None:
    """The worker delivers queued signals one savepoint each: the events a delivery that fails had buffered go
    with its savepoint; those buffered before it (the failure of the delivery before) stay."""
    child = CHILD.replace("hasil = {'x': x, 'status': 'ditutup'}", FAILING)
    child = child.replace('<bpmn:endEvent id="e"/>', '<bpmn:endEvent id="e"/>' + SERVICE)
    child = child.replace('sourceRef="sinyal" targetRef="s2"', 'sourceRef="sinyal" targetRef="gema"')
    child = child.replace('"s1", "s2", "e"', '"s1", "s2", "e", "gema"')
    child = child.replace("</bpmn:process>", bpmn.flow("f6", "gema", "s2") + "</bpmn:process>")
    assert child.count("gema") >= 3
    files = [("files", (n, t.encode(), "text/xml")) for n, t in (("uji_anak.bpmn", child), ("uji_induk.bpmn", PARENT))]
    r = api.post("desainer", "/api/deployments", files=files)
    assert r.status_code == 201, r.text
    instance_id = _start(api, [f"calon{i:04d}" for i in range(SIGNAL_FIRST_BATCH + 3)])

    assert _close(api, instance_id).status_code == 200
    assert _count(api, PendingSignal) == 3  # calon0010, calon0011 and calon0012 wait for the worker
    api.drain()

    by_name = {c.subject: c for c in _children(api, instance_id)}
    assert [by_name[n].status for n in ("calon0010", "calon0011", "calon0012")] == ["error", "error", "completed"]
    with api.app.state.db.reading() as session:
        types = {
            name: session.scalars(select(Event.type).where(Event.instance_id == c.id).order_by(Event.id)).all()
            for name, c in by_name.items()
        }
    failed = ["instance_started", "task_created", "instance_failed"]
    assert types["calon0010"] == types["calon0011"] == failed
    ended = ["instance_started", "task_created", "signal_received", "service_task_completed", "task_cancelled"]
    assert types["calon0012"] == [*ended, "instance_completed"]


def _buffer(session: Session, type_: str) -> None:
    pending_events(session).append(
        {"at": datetime(2026, 1, 5, 9, 0, tzinfo=UTC), "instance_id": 987654, "root_id": 987654, "type": type_}
        | {"task_id": None, "task_name": None, "lane": None, "actor": "system", "atas_nama": None, "data": {}}
    )


@pytest.mark.parametrize("reads_inside", [False, True], ids=["buffered", "written-inside"])
def test_events_of_a_rolled_back_savepoint_are_dropped_and_those_around_it_kept(
    db: Database, reads_inside: bool
) -> None:
    """The buffer itself, as `deliver_signals` uses it: events buffered before a savepoint stay, also when a
    statement inside it writes the buffer (inside the savepoint); those buffered inside it go with it."""
    with db.transaction() as session:
        session.scalars(select(Event.id).limit(1)).all()  # the transaction holds its connection, as the worker's
        _buffer(session, "instance_started")
        with pytest.raises(EngineError), session.begin_nested():
            _buffer(session, "signal_received")
            if reads_inside:
                session.scalars(select(Event.id).limit(1)).all()  # writes the buffer first
            raise EngineError("the child's process failed", "s2")
        _buffer(session, "instance_failed")
    with db.reading() as session:
        assert session.scalars(select(Event.type).where(Event.instance_id == 987654).order_by(Event.id)).all() == [
            "instance_started",
            "instance_failed",
        ]
