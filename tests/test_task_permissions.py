"""Who may see, claim and complete a task: lanes, narrowed tasks (asesor, candidate) and claims."""

import pytest

from tests.support import sop
from tests.support.api import Api

TARGET_TASK = "Menetapkan target uji kompetensi"
AK01 = "Menyetujui asesmen (FR.AK.01)"
AK02 = "Menilai unit kompetensi (FR.AK.02)"
APL = "Mengisi FR.APL.01 dan FR.APL.02"


def _second_direktur(api: Api) -> str:
    """A second user in the Direktur's lane, so two people can race for the same open task."""
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
    return sop.start_period(api)["id"]


def test_a_user_outside_the_lane_gets_403_on_read_claim_and_complete_and_the_task_stays_ready(
    api: Api, period: int
) -> None:
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    before = api.history(period)

    for username in ("ketua_lsp", "asesor", "peserta"):
        r = api.get(username, f"/api/tasks/{task['id']}")
        assert r.status_code == 403, r.text
        assert "Direktur" in r.json()["detail"]  # names the lane the task is in
        assert api.post(username, f"/api/tasks/{task['id']}/claim").status_code == 403
        api.complete(username, task["id"], sop.TARGET, expect=403)
        assert task["id"] not in {t["id"] for t in api.inbox(username)}

    detail = sop.task_detail(api, "direktur", task["id"])
    assert detail["state"] == "ready" and detail["claimed_by"] is None
    assert sop.one(api, "direktur", TARGET_TASK, instance_id=period)["id"] == task["id"]
    assert api.history(period) == before


@pytest.fixture
def assessments(api: Api, period: int) -> int:
    """Steps 1-4 done; peserta is present and has agreed to the assessment, so asesor has peserta's FR.AK.02."""
    sop.step_1_and_2(api, period)
    sop.step_3_registration(api, period)
    sop.step_3_assignment(api, period)
    sop.step_4(api)
    [t] = [
        t
        for t in sop.tasks_named(api, "asesor", "Mencatat kehadiran peserta")
        if sop.task_data(api, "asesor", t["id"])["peserta_asesmen"]["username"] == "peserta"
    ]
    api.complete("asesor", t["id"], sop.kehadiran())
    t = sop.one(api, "peserta", AK01)
    api.complete("peserta", t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    return period


def test_an_asesor_neither_sees_nor_works_on_another_asesors_candidate(api: Api, assessments: int) -> None:
    task = sop.one(api, "asesor", AK02)
    assert sop.task_detail(api, "asesor", task["id"])["data"]["peserta_asesmen"]["username"] == "peserta"
    before = api.history(assessments)

    assert task["id"] not in {t["id"] for t in api.inbox("asesor2")}
    r = api.get("asesor2", f"/api/tasks/{task['id']}")
    assert r.status_code == 403
    assert r.json()["detail"] == "task is assigned to another user"
    assert api.post("asesor2", f"/api/tasks/{task['id']}/claim").status_code == 403
    api.complete("asesor2", task["id"], sop.penilaian(api, sop.JWD), expect=403)

    assert api.history(assessments) == before
    assert sop.task_detail(api, "asesor", task["id"])["state"] == "ready"
    api.complete("asesor", task["id"], sop.penilaian(api, sop.JWD))
    assert sop.task_detail(api, "asesor", task["id"])["completed_by"] == "asesor"


def test_a_candidate_sees_and_opens_only_their_own_registration(api: Api, period: int) -> None:
    sop.step_1_and_2(api, period)
    sop.open_registration(api, period)

    own = sop.one(api, "peserta", APL)
    other = sop.one(api, "peserta2", APL)
    assert own["id"] != other["id"]
    assert own["assignee"] == "peserta" and other["assignee"] == "peserta2"
    assert own["id"] not in {t["id"] for t in api.inbox("peserta2")}
    assert api.inbox("peserta6") == []  # not registered this period

    r = api.get("peserta2", f"/api/tasks/{own['id']}")
    assert r.status_code == 403
    assert r.json()["detail"] == "task is assigned to another user"
    r = sop.upload(api, "peserta2", own["id"])
    assert r.status_code == 403  # nor upload evidence to it
    api.complete("peserta2", own["id"], {"apl01": {}, "apl02": []}, expect=403)
    assert sop.task_detail(api, "peserta", own["id"])["state"] == "ready"


def test_a_claim_hides_the_task_from_the_others_until_it_is_unclaimed(api: Api, period: int) -> None:
    other = _second_direktur(api)
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    assert task["id"] in {t["id"] for t in api.inbox(other)}

    r = api.post("direktur", f"/api/tasks/{task['id']}/claim")
    assert r.status_code == 200, r.text
    assert r.json()["claimed_by"] == "direktur"
    assert task["id"] not in {t["id"] for t in api.inbox(other)}
    assert sop.one(api, "direktur", TARGET_TASK, instance_id=period)["claimed_by"] == "direktur"
    # Claiming again is harmless for the claimer.
    assert api.post("direktur", f"/api/tasks/{task['id']}/claim").json()["claimed_by"] == "direktur"

    r = api.post(other, f"/api/tasks/{task['id']}/claim")
    assert r.status_code == 409
    assert r.json()["detail"] == "task is claimed by direktur"
    body = api.complete(other, task["id"], sop.TARGET, expect=409)
    assert body["detail"] == "task is claimed by direktur"
    r = api.post(other, f"/api/tasks/{task['id']}/unclaim")
    assert r.status_code == 409
    assert "only they can unclaim it" in r.json()["detail"]
    assert sop.task_detail(api, "direktur", task["id"])["claimed_by"] == "direktur"

    r = api.post("direktur", f"/api/tasks/{task['id']}/unclaim")
    assert r.status_code == 200 and r.json()["claimed_by"] is None
    assert task["id"] in {t["id"] for t in api.inbox(other)}
    api.complete(other, task["id"], sop.TARGET)

    events = [(e["type"], e["actor"]) for e in api.history(period) if e["task_id"] == task["id"]]
    assert ("task_claimed", "direktur") in events
    assert ("task_unclaimed", "direktur") in events
    assert events.index(("task_claimed", "direktur")) < events.index(("task_unclaimed", "direktur"))
    assert ("task_completed", other) in events
    assert [t for t, _ in events].count("task_claimed") == 1  # the repeated claim wrote nothing


def test_a_completed_task_cannot_be_claimed_or_unclaimed(api: Api, period: int) -> None:
    task = sop.one(api, "direktur", TARGET_TASK, instance_id=period)
    api.complete("direktur", task["id"], sop.TARGET)
    before = api.history(period)
    for action in ("claim", "unclaim"):
        r = api.post("direktur", f"/api/tasks/{task['id']}/{action}")
        assert r.status_code == 409, r.text
        assert r.json()["detail"] == "task is no longer ready (it is completed)"
    assert api.history(period) == before


def test_an_unknown_task_id_is_404(api: Api, period: int) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    assert api.get("direktur", f"/api/tasks/{missing}").status_code == 404
    assert api.post("direktur", f"/api/tasks/{missing}/claim").status_code == 404
    assert api.post("direktur", f"/api/tasks/{missing}/unclaim").status_code == 404
    body = api.complete("direktur", missing, sop.TARGET, expect=404)
    assert body["detail"] == f"no task {missing}"
