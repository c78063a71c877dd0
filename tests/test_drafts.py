"""Drafts on the server: a user's unfinished answers to a task, kept, read back by them alone, capped, and
gone when the task is completed or cancelled; a draft never changes the process."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from api.clock import Clock
from api.store.models import ProcessInstance, TaskDraft
from tests.support import sop
from tests.support.api import Api
from tests.support.concurrency import run_concurrently
from tests.support.sop_branches import snapshot

TARGET_TASK = "Menetapkan target uji kompetensi"
APL = "Mengisi FR.APL.01 dan FR.APL.02"
DRAFT_CAP = 256 * 1024  # UJIKOM_MAX_DRAFT_BYTES by default
HALF_TARGET = {"target": {"jumlah_peserta": 40}}


def put(api: Api, username: str, task_id: str, data: Any, expect: int = 200) -> dict[str, Any]:
    r = api.client.put(f"/api/tasks/{task_id}/draft", headers=api.headers(username), json={"data": data})
    assert r.status_code == expect, r.text
    return dict(r.json())


def discard(api: Api, username: str, task_id: str, expect: int = 204) -> None:
    r = api.client.delete(f"/api/tasks/{task_id}/draft", headers=api.headers(username))
    assert r.status_code == expect, r.text


def draft_of(api: Api, username: str, task_id: str) -> Any:
    return sop.task_detail(api, username, task_id)["draft"]


def stored(api: Api, task_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every draft row of the task, as (username, data)."""
    with api.app.state.db.reading() as session:
        rows = session.scalars(select(TaskDraft).where(TaskDraft.task_id == task_id).order_by(TaskDraft.username))
        return [(d.username, d.data) for d in rows]


def all_drafts(api: Api) -> int:
    with api.app.state.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(TaskDraft)) or 0)


def second_direktur(api: Api) -> str:
    """Another user in the Direktur's lane: sees and may work on the same task."""
    r = api.post(
        "admin",
        "/api/users",
        json={
            "username": "direktur2",
            "full_name": "Wakil Direktur",
            "password": "direktur2-demo",
            "roles": ["direktur"],
        },
    )
    assert r.status_code == 201, r.text
    return "direktur2"


@pytest.fixture
def period(api: Api) -> int:
    return int(sop.start_period(api)["id"])


@pytest.fixture
def target(api: Api, period: int) -> str:
    return str(sop.one(api, "direktur", TARGET_TASK, instance_id=period)["id"])


def test_a_draft_is_kept_read_back_replaced_and_deleted_by_its_author(api: Api, clock: Clock, target: str) -> None:
    assert draft_of(api, "direktur", target) is None

    first = put(api, "direktur", target, HALF_TARGET)
    assert first["data"] == {"target": {"jumlah_peserta": 40}}
    saved_at = datetime.fromisoformat(first["updated_at"])
    assert draft_of(api, "direktur", target) == first

    clock.advance(timedelta(hours=2))
    second = put(api, "direktur", target, {"target": {"jumlah_peserta": 45, "catatan": "naik"}})
    assert second["data"] == {"target": {"jumlah_peserta": 45, "catatan": "naik"}}  # replaced, not merged
    assert datetime.fromisoformat(second["updated_at"]) - saved_at >= timedelta(hours=2)
    assert draft_of(api, "direktur", target) == second
    assert stored(api, target) == [("direktur", {"target": {"jumlah_peserta": 45, "catatan": "naik"}})]

    discard(api, "direktur", target)
    assert draft_of(api, "direktur", target) is None
    assert stored(api, target) == []
    discard(api, "direktur", target)  # deleting what is not there is no error


def test_an_empty_object_is_a_draft_too(api: Api, target: str) -> None:
    assert put(api, "direktur", target, {})["data"] == {}
    assert draft_of(api, "direktur", target)["data"] == {}


def test_each_user_of_the_lane_keeps_their_own_draft_and_sees_no_one_elses(api: Api, target: str) -> None:
    other = second_direktur(api)
    put(api, "direktur", target, HALF_TARGET)
    assert draft_of(api, other, target) is None  # may see and complete the task, not read the draft

    put(api, other, target, {"target": {"jumlah_peserta": 12}})
    assert draft_of(api, "direktur", target)["data"] == {"target": {"jumlah_peserta": 40}}
    assert draft_of(api, other, target)["data"] == {"target": {"jumlah_peserta": 12}}
    discard(api, other, target)  # deletes their own only
    assert stored(api, target) == [("direktur", {"target": {"jumlah_peserta": 40}})]


def test_staff_of_other_lanes_can_neither_read_nor_write_a_draft_of_the_task(api: Api, target: str) -> None:
    put(api, "direktur", target, HALF_TARGET)
    for username in ("admin", "ketua_lsp", "kabid_administrasi", "asesor", "peserta"):
        assert api.get(username, f"/api/tasks/{target}").status_code == 403
        put(api, username, target, {"target": {"jumlah_peserta": 1}}, expect=403)
        discard(api, username, target, expect=403)
    assert stored(api, target) == [("direktur", {"target": {"jumlah_peserta": 40}})]


def test_a_candidates_draft_is_theirs_alone(api: Api, period: int) -> None:
    sop.step_1_and_2(api, period)
    sop.open_registration(api, period, {"peserta": sop.JWD, "peserta2": sop.JWD})
    own = str(sop.one(api, "peserta", APL)["id"])
    put(api, "peserta", own, {"apl01": {"nama_lengkap": "Budi"}})
    assert draft_of(api, "peserta", own)["data"] == {"apl01": {"nama_lengkap": "Budi"}}

    # Another candidate of the period, an asesor, and staff: no draft of this task to read or write.
    for username in ("peserta2", "asesor", "kabid_administrasi"):
        r = api.get(username, f"/api/tasks/{own}")
        assert r.status_code == 403, r.text
        assert "draf" not in r.text and "Budi" not in r.text
        put(api, username, own, {"apl01": {"nama_lengkap": "Bukan Budi"}}, expect=403)
        discard(api, username, own, expect=403)
    assert stored(api, own) == [("peserta", {"apl01": {"nama_lengkap": "Budi"}})]


def test_a_draft_up_to_the_cap_is_kept_and_one_byte_more_is_refused_413_keeping_the_last(api: Api, target: str) -> None:
    # Counted as compact UTF-8 JSON: {"x":"…"} is 8 bytes around the text.
    at_cap = {"x": "a" * (DRAFT_CAP - 8)}
    assert put(api, "direktur", target, at_cap)["data"] == at_cap

    body = put(api, "direktur", target, {"x": "a" * (DRAFT_CAP - 7)}, expect=413)
    assert body["detail"] == f"draft of {DRAFT_CAP + 1} bytes is larger than {DRAFT_CAP} bytes; nothing was saved"
    assert body["errors"] == [{"path": "data", "message": f"draf lebih besar dari {DRAFT_CAP} byte"}]
    assert stored(api, target) == [("direktur", at_cap)]

    # Multi-byte text counts in bytes: 'é' is two.
    put(api, "direktur", target, {"x": "é" * ((DRAFT_CAP - 8) // 2 + 1)}, expect=413)
    assert stored(api, target) == [("direktur", at_cap)]


def test_a_draft_that_is_not_a_json_object_is_refused_422_and_nothing_is_stored(api: Api, target: str) -> None:
    for data in ([1, 2], "setengah", 7, None):
        body = put(api, "direktur", target, data, expect=422)
        assert [e["path"] for e in body["errors"]] == ["body.data"], body
    r = api.client.put(f"/api/tasks/{target}/draft", headers=api.headers("direktur"), json={"jumlah_peserta": 40})
    assert r.status_code == 422 and [e["path"] for e in r.json()["errors"]] == ["body.data"], r.text
    assert all_drafts(api) == 0


def test_nul_characters_are_refused_422_naming_the_field(api: Api, target: str) -> None:
    body = put(api, "direktur", target, {"target": {"catatan": "a\x00b"}}, expect=422)
    assert [e["path"] for e in body["errors"]] == ["body.data.target.catatan"]
    assert all_drafts(api) == 0


NOT_UTF8 = "tidak boleh memuat karakter NUL (U+0000) atau karakter yang bukan UTF-8"


def test_what_could_not_be_kept_or_answered_back_is_refused_422_naming_the_field(api: Api, target: str) -> None:
    """Python's JSON reader accepts NaN, Infinity and lone surrogates, and nesting as deep as its recursion
    limit; stored, they would fail PostgreSQL or every later read of the task."""
    headers = {**api.headers("direktur"), "Content-Type": "application/json"}
    deep = b"[" * 64 + b"]" * 64
    cases = {
        b'{"data": {"a": [1, NaN], "b": {"c": -Infinity}}}': [
            {"path": "body.data.a.1", "message": "bukan angka yang sah (NaN atau Infinity)"},
            {"path": "body.data.b.c", "message": "bukan angka yang sah (NaN atau Infinity)"},
        ],
        # Refused for every route (api.routes.deps.refuse_nul), before the draft is looked at.
        b'{"data": {"nama": "Budi \\ud800", "\\udc00": 1}}': [
            {
                "path": "body.data.nama",
                "message": "tidak boleh memuat karakter NUL (U+0000) atau karakter yang bukan UTF-8",
            },
            {
                "path": "body.data.\\udc00",
                "message": "tidak boleh memuat karakter NUL (U+0000) atau karakter yang bukan UTF-8",
            },
        ],
        b'{"data": {"a": ' + deep + b"}}": [
            {"path": "body.data.a" + ".0" * 63, "message": "bertingkat lebih dari 64 lapis"}
        ],
    }
    for content, errors in cases.items():
        r = api.client.put(f"/api/tasks/{target}/draft", headers=headers, content=content)
        assert r.status_code == 422, r.text
        assert r.json()["errors"] == errors
    assert all_drafts(api) == 0
    # 63 levels below the draft itself is kept, and read back.
    kept = {"a": json.loads(b"[" * 63 + b"]" * 63)}
    assert put(api, "direktur", target, kept)["data"] == kept
    assert draft_of(api, "direktur", target)["data"] == kept


def test_completing_the_task_deletes_every_draft_of_it_whoever_completes_it(api: Api, target: str) -> None:
    other = second_direktur(api)
    put(api, "direktur", target, HALF_TARGET)
    put(api, other, target, {"target": {"jumlah_peserta": 12}})

    api.complete(other, target, sop.TARGET)

    assert stored(api, target) == []
    detail = sop.task_detail(api, "direktur", target)
    assert detail["state"] == "completed" and detail["draft"] is None
    # A task done is no longer drafted: 409, nothing stored.
    body = put(api, "direktur", target, HALF_TARGET, expect=409)
    assert body["detail"] == "task is no longer ready (it is completed)"
    assert stored(api, target) == []


def test_a_draft_saved_while_the_task_is_completed_lands_before_and_is_deleted_or_is_refused_409(
    api: Api, target: str
) -> None:
    other = second_direktur(api)
    headers = {"direktur": api.headers("direktur"), other: api.headers(other)}

    def act(who: str) -> int:
        if who == "direktur":
            r = api.client.post(f"/api/tasks/{target}/complete", headers=headers[who], json={"data": sop.TARGET})
        else:
            r = api.client.put(f"/api/tasks/{target}/draft", headers=headers[who], json={"data": HALF_TARGET})
        return int(r.status_code)

    completed, drafted = run_concurrently(act, ["direktur", other])
    assert completed == 200
    assert drafted in (200, 409)
    assert stored(api, target) == []


def test_a_task_claimed_by_another_user_takes_no_draft_from_the_others(api: Api, target: str) -> None:
    other = second_direktur(api)
    put(api, other, target, {"target": {"jumlah_peserta": 12}})
    assert api.post("direktur", f"/api/tasks/{target}/claim").status_code == 200

    body = put(api, other, target, {"target": {"jumlah_peserta": 13}}, expect=409)
    assert body["detail"] == "task is claimed by direktur"
    assert draft_of(api, other, target)["data"] == {"target": {"jumlah_peserta": 12}}  # theirs, kept
    discard(api, other, target)  # and theirs to delete
    assert stored(api, target) == []


def test_cancelling_the_period_deletes_the_drafts_of_its_open_tasks(api: Api, period: int, target: str) -> None:
    put(api, "direktur", target, HALF_TARGET)
    r = api.post("admin", f"/api/instances/{period}/cancel", json={"alasan": "Periode dibatalkan"})
    assert r.status_code == 200, r.text
    assert stored(api, target) == []
    assert draft_of(api, "direktur", target) is None


def test_a_task_the_process_cancels_loses_its_drafts(api: Api, period: int) -> None:
    sop.step_1_and_2(api, period)
    sop.open_registration(api, period, {"peserta": sop.JWD})
    apl = str(sop.one(api, "peserta", APL)["id"])
    put(api, "peserta", apl, {"apl01": {"nama_lengkap": "Budi"}})

    sop.close_registration(api, period)  # the signal ends the candidate's unfinished registration

    detail = sop.task_detail(api, "peserta", apl)
    assert detail["state"] == "cancelled" and detail["draft"] is None
    assert stored(api, apl) == []


def test_drafts_change_nothing_in_the_process(api: Api, clock: Clock, period: int, target: str) -> None:
    def revision() -> tuple[int, str]:
        with api.app.state.db.reading() as session:
            row = session.get_one(ProcessInstance, period)
            return row.revision, row.state

    before, revision_before = snapshot(api, period, ("direktur", target)), revision()

    put(api, "direktur", target, HALF_TARGET)
    clock.advance(timedelta(minutes=5))
    put(api, "direktur", target, {"target": {"jumlah_peserta": 41}})
    put(api, "direktur", target, {"x": "a" * DRAFT_CAP}, expect=413)
    put(api, "direktur", target, [1], expect=422)
    discard(api, "direktur", target)

    after = snapshot(api, period, ("direktur", target))
    for key in before:
        assert after[key] == before[key], f"a draft changed {key}"
    assert revision() == revision_before
    # The workflow data the task completes with is the form's, not the draft's.
    put(api, "direktur", target, HALF_TARGET)
    api.complete("direktur", target, sop.TARGET)
    completed = [e for e in api.history(period) if e["type"] == "task_completed" and e["task_id"] == target]
    assert [e["data"] for e in completed] == [sop.TARGET]
