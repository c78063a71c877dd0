"""Batch work: `POST /api/tasks/complete-batch` completes several ready tasks of one kind for one user, each item
checked as if sent alone and committed in its own transaction; the answer lists each item's outcome in order.

A refused item changes nothing (checked as `refused()` does, for its task: the task, its instance, that
instance's history and documents, its owner's inbox) while the others are done; a batch naming a task twice,
more than 200 tasks, or tasks of two kinds is refused whole and nothing is done.
"""

import logging
from typing import Any

import pytest
from sqlalchemy import select

import api.services.tasks as task_service
from api.store.models import Dokumen
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon

BATCH = "/api/tasks/complete-batch"
HADIR = sop.kehadiran()


def batch(api: Api, username: str, items: list[tuple[str, dict[str, Any]]], expect: int = 200) -> dict[str, Any]:
    r = api.post(username, BATCH, json={"items": [{"task_id": t, "data": d} for t, d in items]})
    assert r.status_code == expect, r.text
    body: dict[str, Any] = r.json()
    return body


def untouched(api: Api, owner: str, task_id: str) -> dict[str, Any]:
    """What a refused item must leave as it was: the task as its owner reads it, its instance, that instance's
    history and documents, and the task in its owner's inbox."""
    task = sop.task_detail(api, owner, task_id)
    instance_id = task["instance_id"]
    with api.app.state.db.reading() as session:
        docs = [
            (d.id, d.kind, d.number)
            for d in session.scalars(select(Dokumen).where(Dokumen.instance_id == instance_id).order_by(Dokumen.id))
        ]
    return {
        "task": {k: task[k] for k in ("state", "data", "claimed_by", "completed_at", "completed_by")},
        "instance": b.instance(api, instance_id),
        "history": api.history(instance_id),
        "documents": docs,
        "in_inbox": task_id in b.ids(api.inbox(owner, page_size=200)),
    }


def ak02_waiting(api: Api, calon: list[Calon]) -> int:
    """Attendance and FR.AK.01 done for every candidate: each FR.AK.02 waits for their asesor."""
    root = b.ready(api, calon)
    for c in calon:
        api.complete(c.asesor, b.task_about(api, c.asesor, b.KEHADIRAN, c.username)["id"], HADIR)
        ak01 = {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}}
        api.complete(c.username, sop.one(api, c.username, b.AK01)["id"], ak01)
    return root


def test_an_asesor_records_the_attendance_of_a_whole_tuk_session_in_one_request(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    calon = [Calon("peserta"), Calon("peserta2"), Calon("peserta6")]
    root = b.ready(api, calon)
    tasks = [b.task_about(api, "asesor", b.KEHADIRAN, c.username) for c in calon]
    absent = sop.kehadiran(False, "Sakit")
    wakes: list[None] = []
    wake = api.app.state.worker.wake

    def counted() -> None:
        wakes.append(None)
        wake()

    monkeypatch.setattr(api.app.state.worker, "wake", counted)

    body = batch(api, "asesor", [(tasks[0]["id"], HADIR), (tasks[1]["id"], HADIR), (tasks[2]["id"], absent)])

    assert body == {
        "items": [
            {
                "task_id": tasks[0]["id"],
                "status": 200,
                "instance_id": tasks[0]["instance_id"],
                "instance_status": "running",
            },
            {
                "task_id": tasks[1]["id"],
                "status": 200,
                "instance_id": tasks[1]["instance_id"],
                "instance_status": "running",
            },
            {
                "task_id": tasks[2]["id"],
                "status": 200,
                "instance_id": tasks[2]["instance_id"],
                "instance_status": "completed",
            },
        ],
        "completed": 3,
    }
    assert len(wakes) == 1  # the worker is woken once, after the last item
    api.drain()
    assert sop.tasks_named(api, "asesor", b.KEHADIRAN) == []
    assert len(sop.tasks_named(api, "peserta", b.AK01)) == 1
    assert len(sop.tasks_named(api, "peserta2", b.AK01)) == 1
    assert sop.tasks_named(api, "peserta6", b.AK01) == []
    completed = [e for e in b.history_of(api, root, "task_completed") if e["task_name"] == b.KEHADIRAN]
    assert sorted((e["task_id"], e["actor"]) for e in completed) == sorted((t["id"], "asesor") for t in tasks)


def test_a_mixed_batch_completes_the_good_items_and_answers_each_refusal_as_the_single_completion_would(
    api: Api,
) -> None:
    calon = [Calon("peserta"), Calon("peserta2"), Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02")]
    calon.append(Calon("peserta6"))
    ak02_waiting(api, calon)
    mine = {c.username: b.task_about(api, c.asesor, b.AK02, c.username)["id"] for c in calon}
    salah_unit = sop.penilaian(api, sop.JWD)
    salah_unit["penilaian"]["unit"][0]["kode"] = "J.620100.999.01"
    items = [
        (mine["peserta"], sop.penilaian(api, sop.JWD)),
        (mine["peserta2"], salah_unit),  # refused by the SOP's validator
        (mine["peserta3"], sop.penilaian(api, sop.OPR)),  # asesor2's candidate
        ("tidak-ada-tugas-ini", sop.penilaian(api, sop.JWD)),
        (mine["peserta6"], sop.penilaian(api, sop.JWD)),
    ]
    before = {
        "peserta2": untouched(api, "asesor", mine["peserta2"]),
        "peserta3": untouched(api, "asesor2", mine["peserta3"]),
    }

    body = batch(api, "asesor", items)

    assert [(o["task_id"], o["status"]) for o in body["items"]] == [
        (mine["peserta"], 200),
        (mine["peserta2"], 422),
        (mine["peserta3"], 403),
        ("tidak-ada-tugas-ini", 404),
        (mine["peserta6"], 200),
    ]
    assert body["completed"] == 2
    refused_unit, lain, tidak_ada = body["items"][1], body["items"][2], body["items"][3]
    assert refused_unit["detail"] == "the SOP's rules refuse this submission; nothing was saved"
    assert "bukan unit kompetensi" in b.message_at(refused_unit, "penilaian.unit.0.kode")
    assert "J.620100.999.01" in b.message_at(refused_unit, "penilaian.unit.0.kode")
    assert lain == {"task_id": mine["peserta3"], "status": 403, "detail": "task is assigned to another user"}
    assert tidak_ada == {"task_id": "tidak-ada-tugas-ini", "status": 404, "detail": "no task tidak-ada-tugas-ini"}
    # The refused items changed nothing.
    assert untouched(api, "asesor", mine["peserta2"]) == before["peserta2"]
    assert untouched(api, "asesor2", mine["peserta3"]) == before["peserta3"]
    # The others are done: their FR.AK.02 is completed by the asesor and FR.AK.03 waits for the candidate.
    for username in ("peserta", "peserta6"):
        done = sop.task_detail(api, "asesor", mine[username])
        assert (done["state"], done["completed_by"]) == ("completed", "asesor")
        assert len(sop.tasks_named(api, username, b.AK03)) == 1
    # Each refusal is what the single completion answers (same status, same body).
    for (task_id, data), outcome in zip(items[1:4], body["items"][1:4], strict=True):
        single = api.post("asesor", f"/api/tasks/{task_id}/complete", json={"data": data})
        assert (single.status_code, single.json()) == (
            outcome["status"],
            {k: v for k, v in outcome.items() if k not in ("task_id", "status")},
        )
    # Sent again, the items done are no longer ready.
    again = batch(api, "asesor", [items[0]])
    assert again["items"] == [
        {"task_id": mine["peserta"], "status": 409, "detail": "task is no longer ready (it is completed)"}
    ]
    assert again["completed"] == 0


def test_tasks_of_two_kinds_are_refused_whole_naming_the_item_and_nothing_is_done(api: Api) -> None:
    calon = [Calon("peserta"), Calon("peserta2")]
    root = b.ready(api, calon)
    api.complete("asesor", b.task_about(api, "asesor", b.KEHADIRAN, "peserta")["id"], HADIR)
    api.complete(
        "peserta",
        sop.one(api, "peserta", b.AK01)["id"],
        {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}},
    )
    kehadiran = b.task_about(api, "asesor", b.KEHADIRAN, "peserta2")["id"]
    ak02 = b.task_about(api, "asesor", b.AK02, "peserta")["id"]
    before = b.snapshot(api, root)

    body = batch(api, "asesor", [(kehadiran, HADIR), (ak02, sop.penilaian(api, sop.JWD))], expect=422)

    assert "one kind" in body["detail"] and "item 1" in body["detail"]
    message = b.message_at(body, "items.1.task_id")
    assert "tidak sejenis" in message and b.AK02 in message and b.KEHADIRAN in message
    assert [e["path"] for e in body["errors"]] == ["items.1.task_id"]
    assert b.snapshot(api, root) == before


def test_a_batch_naming_a_task_twice_or_more_than_200_tasks_is_refused_whole(api: Api) -> None:
    root = sop.start_period(api)["id"]
    task = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)["id"]
    before = b.snapshot(api, root)

    body = batch(api, "direktur", [(task, sop.TARGET), (task, sop.TARGET)], expect=422)
    assert b.message_at(body, "items.1.task_id") == "Tugas ini sudah ada di baris 1"

    body = batch(api, "direktur", [(task, sop.TARGET)] + [(f"tugas-{i}", {}) for i in range(200)], expect=422)
    assert [e["path"] for e in body["errors"]] == ["body.items"]
    assert batch(api, "direktur", [], expect=422)["errors"][0]["path"] == "body.items"
    assert b.snapshot(api, root) == before


def test_a_bug_in_one_item_is_logged_and_answered_500_for_it_alone_while_the_others_complete(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Evidence checks of two candidates; completing one of them meets a bug (simulated): that item answers 500
    without a word of internals, the bug is logged with its traceback, the other item is done."""
    calon = [Calon("peserta"), Calon("peserta2")]
    b.registration_open(api, calon)
    for c in calon:
        sop.submit_apl(api, c.username, c.skema)
    checks = {
        sop.task_data(api, "kabid_administrasi", t["id"])["pendaftar"]["username"]: t
        for t in sop.tasks_named(api, "kabid_administrasi", b.MEMERIKSA)
    }
    data = {
        u: sop.pemeriksaan(sop.task_data(api, "kabid_administrasi", t["id"]), "diterima") for u, t in checks.items()
    }
    complete = task_service.complete

    def buggy(*args: Any) -> Any:
        if args[4] == checks["peserta2"]["id"]:
            raise RuntimeError("SELECT secret FROM somewhere")
        return complete(*args)

    monkeypatch.setattr(task_service, "complete", buggy)
    before = untouched(api, "kabid_administrasi", checks["peserta2"]["id"])

    with caplog.at_level(logging.ERROR, logger="api.errors"):
        body = batch(
            api,
            "kabid_administrasi",
            [(checks["peserta2"]["id"], data["peserta2"]), (checks["peserta"]["id"], data["peserta"])],
        )

    assert body["items"] == [
        {
            "task_id": checks["peserta2"]["id"],
            "status": 500,
            "detail": "internal error: it has been logged; nothing was saved",
        },
        {
            "task_id": checks["peserta"]["id"],
            "status": 200,
            "instance_id": checks["peserta"]["instance_id"],
            "instance_status": "completed",
        },
    ]
    [logged] = [r for r in caplog.records if r.exc_info]
    assert isinstance(logged.exc_info[1], RuntimeError) and checks["peserta2"]["id"] in logged.getMessage()
    assert untouched(api, "kabid_administrasi", checks["peserta2"]["id"]) == before
    assert sop.task_detail(api, "kabid_administrasi", checks["peserta"]["id"])["state"] == "completed"
