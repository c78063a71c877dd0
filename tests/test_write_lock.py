"""A script that runs long and another user's write: the write never waits for the script, on either database.

On SQLite every write transaction takes the database's single write lock at its first statement (BEGIN
IMMEDIATE). A script never runs inside one: the completion steps out of its transaction to run the script
(api/engine/script_engine.py, `Database.write`), so another user's unrelated write commits while the script
still runs, on SQLite as on PostgreSQL (where only rows are locked anyway). A write that still finds the lock
taken after the busy timeout answers 503 with Retry-After, never 500, and saves nothing.

The script is held in the evaluator pool by the test (it "runs" until the test releases it), so the ordering is
observed without timing anything.
"""

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from api.engine.evaluator import POOL
from api.store.db import Database
from api.store.models import Event, ProcessInstance
from tests.support.api import Api
from tests.support.bpmn import definitions, lanes, line, user_task
from tests.support.waiting import PATIENCE_SECONDS

GENEROUS = PATIENCE_SECONDS  # a deadline for a loaded machine, never an assertion on speed
MARKER = "hasil_hitung"


def lambat() -> str:
    """Direktur: `isi` -> script task `hitung` (held by the test) -> `lihat`."""
    steps = ["start", "isi", "hitung", "lihat", "end"]
    body = "\n".join(
        [
            lanes(l=("Direktur", steps)),
            '<bpmn:startEvent id="start"/>',
            user_task("isi", "Isi"),
            f'<bpmn:scriptTask id="hitung" name="Hitung"><bpmn:script>{MARKER} = 1</bpmn:script></bpmn:scriptTask>',
            user_task("lihat", "Lihat hasil"),
            '<bpmn:endEvent id="end"/>',
            line(*steps),
        ]
    )
    return definitions("lambat", body)


def catat() -> str:
    """Kabid Administrasi: one user task, no script (another user's unrelated write)."""
    steps = ["start", "tulis", "end"]
    body = "\n".join(
        [
            lanes(l=("Kabid Administrasi", steps)),
            '<bpmn:startEvent id="start"/>',
            user_task("tulis", "Tulis catatan"),
            '<bpmn:endEvent id="end"/>',
            line(*steps),
        ]
    )
    return definitions("catat", body)


class HeldScript:
    """The script `hitung` waits in the evaluator pool until `release()`: the completion is mid-script."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        self.calls = 0

    def wrap(self, run: Callable[..., Any]) -> Callable[..., Any]:
        def held(mode: str, code: str, *args: Any) -> Any:
            if MARKER in code:
                self.calls += 1
                self.entered.set()
                assert self.released.wait(GENEROUS)
            return run(mode, code, *args)

        return held

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldScript]:
    script = HeldScript()
    monkeypatch.setattr(POOL, "run", script.wrap(POOL.run))
    yield script
    script.release()  # never leave a request thread waiting


def deploy(api: Api) -> str:
    for name, content in [("lambat.bpmn", lambat()), ("catat.bpmn", catat())]:
        r = api.post("desainer", "/api/deployments", files=[("files", (name, content.encode(), "text/xml"))])
        assert r.status_code == 201, r.text
    r = api.post("direktur", "/api/process-definitions/lambat/instances", json={"data": {}})
    assert r.status_code == 201, r.text
    [task] = api.inbox("direktur", instance_id=r.json()["id"])
    api.headers("kabid_administrasi")  # log in before the race
    return str(task["id"])


def in_thread(answers: dict[str, Any], name: str, call: Callable[[], Any]) -> threading.Thread:
    thread = threading.Thread(target=lambda: answers.__setitem__(name, call()))
    thread.start()
    return thread


def first_event_id(db: Database, type_: str, key: str, task_name: str | None = None) -> int:
    where = [Event.type == type_, ProcessInstance.key == key]
    if task_name is not None:
        where.append(Event.task_name == task_name)
    with db.reading() as session:
        found = session.scalar(
            select(func.min(Event.id)).join(ProcessInstance, ProcessInstance.id == Event.instance_id).where(*where)
        )
    assert found is not None
    return int(found)


def race(api: Api, held: HeldScript) -> tuple[dict[str, Any], threading.Thread, threading.Thread]:
    """Complete `isi` (its script is held), then, while the script runs, another user starts `catat`."""
    task_id = deploy(api)
    answers: dict[str, Any] = {}
    completing = in_thread(
        answers,
        "complete",
        lambda: api.post("direktur", f"/api/tasks/{task_id}/complete", json={"data": {"diterima": True}}),
    )
    assert held.entered.wait(GENEROUS), "the completion never reached its script"
    other = in_thread(
        answers,
        "other",
        lambda: api.post("kabid_administrasi", "/api/process-definitions/catat/instances", json={"data": {}}),
    )
    return answers, completing, other


def test_another_users_write_commits_while_a_completions_script_runs_on_either_database(
    api: Api, held: HeldScript
) -> None:
    answers, completing, other = race(api, held)

    other.join(GENEROUS)

    assert not other.is_alive() and not held.released.is_set()  # done while the script still runs
    assert answers["other"].status_code == 201, answers["other"].text
    held.release()
    completing.join(GENEROUS)
    assert answers["complete"].status_code == 200, answers["complete"].text
    db = api.app.state.db
    # The other write committed before the completion (its script ran with no transaction open).
    assert first_event_id(db, "instance_started", "catat") < first_event_id(db, "task_completed", "lambat")
    with db.reading() as session:
        started = session.scalars(select(ProcessInstance.key).order_by(ProcessInstance.id)).all()
    assert started == ["lambat", "catat"]
    [lihat] = [t for t in api.inbox("direktur") if t["name"] == "Lihat hasil"]
    assert lihat["name"] == "Lihat hasil"


def test_a_completion_runs_its_script_once_on_sqlite_outside_the_transaction_and_saves_what_it_computed(
    api: Api, held: HeldScript
) -> None:
    task_id = deploy(api)
    before = api.client.get("/api/health").json()["scripts"]
    held.release()

    r = api.post("direktur", f"/api/tasks/{task_id}/complete", json={"data": {"diterima": True}})

    assert r.status_code == 200, r.text
    after = api.client.get("/api/health").json()["scripts"]
    # On PostgreSQL the script runs in place (a transaction there locks only the instance's rows).
    expected = (0, 0) if api.app.state.db.is_postgres else (1, 0)
    assert (
        after["outside_transaction"] - before["outside_transaction"],
        after["under_write_lock"] - before["under_write_lock"],
    ) == expected
    assert held.calls == 1  # run once; on SQLite outside, the second attempt took its result
    [lihat] = [t for t in api.inbox("direktur") if t["name"] == "Lihat hasil"]
    detail = api.get("direktur", f"/api/tasks/{lihat['id']}").json()
    assert detail["data"][MARKER] == 1


def short_busy_timeout(db: Database) -> None:
    """The app's writes wait 0.2 s for their turn in the write queue, and new connections 0.2 s for SQLite's
    write lock, instead of 30 s (the existing connections are closed)."""
    db.write_wait_seconds = 0.2

    @event.listens_for(db.engine, "connect")
    def _short(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    db.engine.dispose()


def test_on_sqlite_a_write_that_finds_the_lock_taken_past_the_busy_timeout_is_a_503_and_saves_nothing(
    api: Api,
) -> None:
    db: Database = api.app.state.db
    if db.is_postgres:
        pytest.skip("SQLite's write lock")
    deploy(api)
    short_busy_timeout(db)
    with db.reading() as session:
        before = session.scalar(select(func.count()).select_from(ProcessInstance))

    with db.transaction() as holder:  # another writer holds the lock (as a request running a long script would)
        holder.execute(text("UPDATE process_instance SET id = id WHERE 0"))
        r = api.post("kabid_administrasi", "/api/process-definitions/catat/instances", json={"data": {}})

    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] == "2"
    assert "nothing was saved" in r.json()["detail"]
    assert r.json()["errors"][0]["message"].startswith("basis data sedang sibuk")
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == before
    again = api.post("kabid_administrasi", "/api/process-definitions/catat/instances", json={"data": {}})
    assert again.status_code == 201, again.text
