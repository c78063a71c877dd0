"""Many people working at once, with the worker applying their finished children to the period at the same
time: no request answers a 5xx other than 503 with `Retry-After` (nothing saved; the client sends it again),
and every acknowledged write is there.

A period-like parent (`uji_periode`) calls one child (`uji_peserta`) per candidate; each child waits in a
user task. Client threads complete those tasks side by side while the embedded worker (on PostgreSQL, two
apps on their own connection pools, each with its worker, as two `serve` processes would) applies every finished
child to the parent. No assertion on time: the threads are joined with a generous deadline.
"""

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.background.worker import Worker
from api.clock import Clock
from api.engine.process_models import MODELS
from api.settings import Settings
from api.store.db import Database, DatabaseBusy, WriteGate
from api.store.enums import InstanceStatus, TaskState
from api.store.models import ChildCompletion, HumanTask, ProcessInstance
from tests.support import bpmn
from tests.support.api import Api
from tests.support.concurrency import run_concurrently
from tests.support.waiting import PATIENCE_SECONDS

CANDIDATES_PER_CLIENT = 3
WORKER = "kabid_administrasi"
GENEROUS = PATIENCE_SECONDS  # a deadline for a loaded machine, never an assertion on speed

CHILD = bpmn.definitions(
    "uji_peserta",
    f"""
    {bpmn.lanes(l1=("Kabid Administrasi", ["m", "isi", "s1", "e"]))}
    <bpmn:startEvent id="m"/>
    {bpmn.user_task("isi", "Isi", sopStep="1")}
    <bpmn:scriptTask id="s1"><bpmn:script>hasil = {{'x': x, 'diterima': diterima}}</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"/>
    {bpmn.line("m", "isi", "s1", "e")}""",
)
ANAK_PROPERTIES = bpmn.properties(childSubject="x", sopStep="1")
PARENT = bpmn.definitions(
    "uji_periode",
    f"""
    {bpmn.lanes(l1=("Direktur", ["m", "buka", "anak", "akhir"]))}
    <bpmn:startEvent id="m"/>
    {bpmn.user_task("buka", "Buka", sopStep="1")}
    <bpmn:callActivity id="anak" name="Anak" calledElement="uji_peserta">{ANAK_PROPERTIES}
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>daftar</bpmn:loopDataInputRef><bpmn:loopDataOutputRef>hasil_semua</bpmn:loopDataOutputRef>
        <bpmn:inputDataItem id="x" name="x"/><bpmn:outputDataItem id="hasil" name="hasil"/>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:callActivity>
    <bpmn:endEvent id="akhir"/>
    {bpmn.line("m", "buka", "anak", "akhir")}""",
)


@pytest.fixture
def apps(settings: Settings, db: Database, clock: Clock) -> Iterator[list[Api]]:
    """The app with its embedded worker polling often; on PostgreSQL a second one beside it (its own
    database connections and worker), as two `serve` processes on one database."""
    MODELS.clear()
    busy = settings.model_copy(update={"embedded_worker": True, "worker_poll_seconds": 0.05})
    second = Database(settings.effective_database_url) if db.is_postgres else None
    with TestClient(create_app(busy, db, clock)) as one:
        apis = [Api(one, one.app)]
        if second is None:
            yield apis
            return
        with TestClient(create_app(busy, second, clock)) as two:
            yield [*apis, Api(two, two.app)]
        second.engine.dispose()


def deploy_and_open(api: Api, candidates: int) -> tuple[int, list[str]]:
    """The parent started and opened: one child per candidate, each waiting in its task `isi`."""
    for name, content in [("uji_peserta.bpmn", CHILD), ("uji_periode.bpmn", PARENT)]:
        r = api.post("desainer", "/api/deployments", files=[("files", (name, content.encode(), "text/xml"))])
        assert r.status_code == 201, r.text
    body = {"data": {"daftar": list(range(candidates))}}
    r = api.post("direktur", "/api/process-definitions/uji_periode/instances", json=body)
    assert r.status_code == 201, r.text
    parent_id = r.json()["id"]
    [buka] = api.inbox("direktur", instance_id=parent_id)
    api.complete("direktur", buka["id"], {"diterima": True})
    # The request starts the first children; the embedded worker starts the rest in batches (api/engine/children.py).
    deadline = time.monotonic() + GENEROUS  # only a worker that never starts them fails here
    while len(tasks := ready_tasks(api.app.state.db)) < candidates and time.monotonic() < deadline:
        time.sleep(0.05)
    return parent_id, tasks


def ready_tasks(db: Database) -> list[str]:
    with db.reading() as session:
        return list(
            session.scalars(
                select(HumanTask.id)
                .where(HumanTask.process_key == "uji_peserta", HumanTask.state == TaskState.READY)
                .order_by(HumanTask.id)
            )
        )


class Answers:
    """Every answer the clients got, by status; a 503 must say when to come back."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = {}
        self.bad: list[str] = []
        self.other: list[str] = []  # a completion answered neither 200 nor 503: the task and the answer

    def record(self, r: Any) -> None:
        with self.lock:
            self.statuses[r.status_code] = self.statuses.get(r.status_code, 0) + 1
            if r.status_code >= 500 and not (r.status_code == 503 and r.headers.get("Retry-After")):
                self.bad.append(f"{r.status_code} {r.text}")

    def refused(self, task_id: str, r: Any) -> None:
        with self.lock:
            self.other.append(f"{task_id}: {r.status_code} {r.text}")


def work(apis: list[Api], tasks: list[str], clients: int, answers: Answers) -> list[str]:
    """`clients` threads complete `tasks` between them (client i takes every clients-th one, through app
    i % len(apis)), sending a 503 again after it; returns the tasks whose completion was acknowledged."""

    def client(i: int) -> list[str]:
        api = apis[i % len(apis)]
        done = []
        for task_id in tasks[i::clients]:
            while True:
                r = api.post(WORKER, f"/api/tasks/{task_id}/complete", json={"data": {"diterima": True}})
                answers.record(r)
                if r.status_code != 503:
                    break
            if r.status_code == 200:
                done.append(task_id)
            else:
                answers.refused(task_id, r)
        return done

    for api in apis:
        api.headers(WORKER)  # logged in before the race
    return [t for done in run_concurrently(client, list(range(clients))) for t in done]


def finished(apis: list[Api], parent_id: int) -> InstanceStatus:
    """The parent's status once the workers have applied what is pending (on PostgreSQL an embedded worker
    may hold a parent's row mid-pass, which another worker skips: wait for it, with a generous deadline). With
    every child's completion applied the parent may still be running a moment, while the worker that applied
    the last one carries it on: only the deadline ends the wait for a parent still running."""
    db: Database = apis[0].app.state.db
    worker = Worker(db, apis[0].app.state.settings)
    deadline = time.monotonic() + GENEROUS
    while True:
        worker.run_until_idle()
        with db.reading() as session:
            status = session.get_one(ProcessInstance, parent_id).status
        if status != InstanceStatus.RUNNING or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


@pytest.mark.parametrize("clients", [16, 64])
def test_many_clients_completing_tasks_while_the_worker_applies_them_get_no_5xx_and_lose_no_write(
    apps: list[Api], clients: int
) -> None:
    candidates = clients * CANDIDATES_PER_CLIENT
    parent_id, tasks = deploy_and_open(apps[0], candidates)
    assert len(tasks) == candidates
    answers = Answers()

    done = work(apps, tasks, clients, answers)

    assert answers.bad == []
    assert answers.other == []  # each task answered 200 once (no 409: nobody else works on it)
    assert sorted(done) == sorted(tasks)
    db: Database = apps[0].app.state.db
    with db.reading() as session:
        completed = session.scalar(
            select(func.count()).where(HumanTask.id.in_(done), HumanTask.state == TaskState.COMPLETED)
        )
    assert completed == candidates  # every acknowledged completion is saved
    assert finished(apps, parent_id) == InstanceStatus.COMPLETED
    with db.reading() as session:
        applied = session.scalar(
            select(func.count()).where(ChildCompletion.parent_id == parent_id, ChildCompletion.applied_at.is_not(None))
        )
    assert applied == candidates  # every child reached the period, once


def test_a_write_that_gets_no_turn_in_the_write_queue_is_a_503_with_retry_after_and_saves_nothing(
    api: Api,
) -> None:
    db: Database = api.app.state.db
    if db.is_postgres:
        pytest.skip("the write queue is SQLite's (PostgreSQL locks rows)")
    api.headers("direktur")
    db.write_wait_seconds = 0.2
    with db.reading() as session:
        before = session.scalar(select(func.count()).select_from(ProcessInstance))

    with db.transaction():  # this thread holds the turn: the request's write waits behind it
        r = api.post("direktur", "/api/process-definitions/uji_kompetensi/instances", json={"data": {}})

    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] == "2"
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == before


def queued(gate: WriteGate, writers: int) -> None:
    """Wait until `writers` wait in the gate's queue (a deadline for a loaded machine, no assertion on time)."""
    deadline = time.monotonic() + GENEROUS
    while gate.waiting < writers:
        assert time.monotonic() < deadline, f"{writers} writers never queued"
        time.sleep(0.001)


def test_the_write_queue_lets_writers_in_in_the_order_they_came() -> None:
    gate = WriteGate()
    order: list[int] = []

    def writer(i: int) -> None:
        assert gate.acquire(GENEROUS)
        order.append(i)
        gate.release()

    assert gate.acquire(GENEROUS)  # held: every writer below queues
    threads = []
    for i in range(8):
        t = threading.Thread(target=writer, args=(i,))
        t.start()
        threads.append(t)
        queued(gate, i + 1)  # the next writer comes only once this one is in the queue
    gate.release()
    for t in threads:
        t.join(GENEROUS)

    assert order == list(range(8))


def test_a_writer_that_just_released_the_write_queue_goes_behind_the_writers_waiting() -> None:
    gate = WriteGate()
    order: list[str] = []
    assert gate.acquire(GENEROUS)

    def request() -> None:
        assert gate.acquire(GENEROUS)
        order.append("request")
        gate.release()

    waiting = threading.Thread(target=request)
    waiting.start()
    queued(gate, 1)

    gate.release()  # the worker's pass commits ...
    assert gate.acquire(GENEROUS)  # ... and at once wants the lock again: the request waiting goes first
    order.append("worker")
    gate.release()
    waiting.join(GENEROUS)

    assert order == ["request", "worker"]


def test_a_worker_pass_that_gets_no_turn_leaves_the_work_pending_and_marks_nothing_failed(api: Api) -> None:
    db: Database = api.app.state.db
    if db.is_postgres:
        pytest.skip("the write queue is SQLite's (PostgreSQL locks rows)")
    parent_id, [task_id] = deploy_and_open(api, 1)
    api.complete(WORKER, task_id, {"diterima": True})  # the child ends: its completion waits for the worker
    assert db.gate is not None
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:  # another writer holds the turn (a request running a long script)
        assert db.gate is not None and db.gate.acquire(GENEROUS)
        holding.set()
        release.wait(GENEROUS)
        db.gate.release()

    other = threading.Thread(target=writer)
    other.start()
    assert holding.wait(GENEROUS)
    db.write_wait_seconds = 0.05
    worker = Worker(db, api.app.state.settings)
    try:
        with pytest.raises(DatabaseBusy):  # the loop takes it as "run the pass again soon"
            worker.run_once()
    finally:
        release.set()
        other.join(GENEROUS)
    with db.reading() as session:
        assert session.get_one(ProcessInstance, parent_id).status == InstanceStatus.RUNNING
        assert session.scalar(select(func.count()).where(ChildCompletion.applied_at.is_(None))) == 1

    db.write_wait_seconds = GENEROUS
    assert worker.run_until_idle() >= 1
    with db.reading() as session:
        assert session.get_one(ProcessInstance, parent_id).status == InstanceStatus.COMPLETED
