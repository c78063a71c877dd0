"""The worker applies finished child instances to their parent: in the background, and only once."""

import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.exc import DataError

from api.app import create_app
from api.background.worker import Worker
from api.clock import Clock
from api.engine.process_models import MODELS
from api.settings import Settings
from api.store.db import Database
from api.store.models import ChildCompletion
from tests.support import sop
from tests.support.api import Api
from tests.support.concurrency import run_concurrently
from tests.support.waiting import wait_until

ASSIGN = "Menugaskan asesor dan verifikator TUK"


def _register_everyone(api: Api, instance_id: int) -> None:
    """Step 3 up to closing the registration, without running the worker."""
    sop.open_registration(api, instance_id)
    for username in sop.CANDIDATES:
        sop.submit_apl(api, username)
    sop.check_files(api, {u: ("diterima", "") for u in sop.CANDIDATES})
    t = sop.one(api, "kabid_administrasi", "Menutup pendaftaran", instance_id=instance_id)
    body = {"data": {"penutupan": {"alasan": "Semua berkas telah diperiksa"}}}
    for _ in range(50):
        r = api.post("kabid_administrasi", f"/api/tasks/{t['id']}/complete", json=body)
        if r.status_code != 409:
            break
        # An embedded worker applied a finished registration to the period at the same moment: a lost
        # race is a 409, and a client retries it.
        time.sleep(0.05)
    assert r.status_code == 200, r.text


def _assign_tasks(api: Api, instance_id: int) -> list[dict[str, Any]]:
    return [t for t in api.inbox("kabid_sertifikasi", instance_id=instance_id) if t["name"] == ASSIGN]


def _child_completed_events(api: Api, instance_id: int) -> list[dict[str, Any]]:
    history = api.get("admin", f"/api/instances/{instance_id}/history").json()
    return [e for e in history if e["type"] == "child_completed"]


def test_the_embedded_worker_moves_the_parent_on_without_anyone_draining(
    settings: Settings, db: Database, clock: Clock
) -> None:
    MODELS.clear()
    app = create_app(settings.model_copy(update={"embedded_worker": True, "worker_poll_seconds": 0.05}), db, clock)
    with TestClient(app) as client:
        api = Api(client, app)
        instance_id = sop.start_period(api)["id"]
        sop.step_1_and_2(api, instance_id)
        _register_everyone(api, instance_id)

        tasks = wait_until(lambda: _assign_tasks(api, instance_id), "the parent reaching the Kabid Sertifikasi's task")
        assert len(tasks) == 1
        assert len(_child_completed_events(api, instance_id)) == len(sop.CANDIDATES)
        registered = sop.task_data(api, "kabid_sertifikasi", tasks[0]["id"])
        assert registered  # the children's outputs reached the parent's task


def test_a_child_completion_applied_again_is_not_merged_twice(api: Api) -> None:
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)
    _register_everyone(api, instance_id)
    assert _assign_tasks(api, instance_id) == []

    assert api.drain() == len(sop.CANDIDATES) + 1  # and the continuation after closing (asyncAfter)
    [task] = _assign_tasks(api, instance_id)
    data = sop.task_data(api, "kabid_sertifikasi", task["id"])
    events = _child_completed_events(api, instance_id)
    assert len(events) == len(sop.CANDIDATES)

    assert api.drain() == 0  # nothing pending
    with api.app.state.db.transaction() as session:  # as if a crashed worker had not recorded them as applied
        session.execute(update(ChildCompletion).where(ChildCompletion.parent_id == instance_id).values(applied_at=None))
    api.drain()

    assert [t["id"] for t in _assign_tasks(api, instance_id)] == [task["id"]]
    assert sop.task_data(api, "kabid_sertifikasi", task["id"]) == data
    assert _child_completed_events(api, instance_id) == events


def test_two_workers_racing_apply_each_child_once(api: Api, settings: Settings) -> None:
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)
    _register_everyone(api, instance_id)

    workers = [Worker(api.app.state.db, settings, api.app.state.clock) for _ in range(2)]
    done = run_concurrently(Worker.run_until_idle, workers)
    # The two workers between them applied every child once and ran the continuation after closing once.
    assert sum(done) == len(sop.CANDIDATES) + 1
    assert api.drain() == 0

    assert len(_assign_tasks(api, instance_id)) == 1
    events = _child_completed_events(api, instance_id)
    assert len(events) == len(sop.CANDIDATES)
    assert len({e["data"]["child_id"] for e in events}) == len(sop.CANDIDATES)


def test_a_value_the_database_refuses_in_the_workers_step_marks_that_instance_error_and_the_pass_goes_on(
    api: Api,
) -> None:
    # PostgreSQL refuses a string too long for its column (SQLite does not check): the worker's step on one
    # instance fails with a DataError, which is that instance's failure; it must not end every pass for good.
    instance_id = sop.start_period(api)["id"]
    worker: Worker = api.app.state.worker

    def too_long(session: Any) -> int:
        raise DataError("INSERT INTO sertifikat ...", {}, Exception("value too long for type character varying(100)"))

    assert worker._act_on(instance_id, too_long) == 0
    period = api.get("kabid_administrasi", f"/api/instances/{instance_id}").json()
    assert period["status"] == "error"
    history = api.get("kabid_administrasi", f"/api/instances/{instance_id}/history").json()
    assert "the database refused a value: value too long for type character varying(100)" in str(history)
