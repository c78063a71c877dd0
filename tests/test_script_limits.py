"""Scripts that cannot hurt the service: every payload of the adversarial report is refused with a 422 naming
its element, nothing is saved, and the service (and another user's write) goes on.

Scripts run in evaluator processes with a hard CPU-time and memory limit (api/engine/evaluator.py); the
guards refuse the common bombs before they run; one engine pass has a step cap; a state has a size cap.
"""

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.clock import Clock
from api.engine.evaluator import POOL, Limits
from api.engine.process_models import MODELS
from api.settings import Settings
from api.store.db import Database
from api.store.models import Event, ProcessInstance
from tests.support.api import Api
from tests.support.bpmn import definitions, lanes, line, user_task

REPRO = Path("/work/shared/reviews/reliability-repro")
CATCHES_THE_TIMEOUT = """try:
    while True:
        pass
except BaseException:
    pass
n = 0
while True:
    n += 1
"""


def script_process(key: str, script: str, *, timer: bool = False) -> str:
    """Start -> (a 1 s timer) -> script task `n0` -> user task `lihat` -> end, in the Direktur lane."""
    steps = ["start", *(["tunggu"] if timer else []), "n0", "lihat", "end"]
    body = "\n".join(
        [
            lanes(l=("Direktur", steps)),
            '<bpmn:startEvent id="start"/>',
            '<bpmn:intermediateCatchEvent id="tunggu"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration>"PT1S"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
            if timer
            else "",
            f'<bpmn:scriptTask id="n0" name="Skrip"><bpmn:script><![CDATA[{script}]]></bpmn:script></bpmn:scriptTask>',
            user_task("lihat", "Lihat hasil"),
            '<bpmn:endEvent id="end"/>',
            line(*steps),
        ]
    )
    return definitions(key, body)


@pytest.fixture
def limited(settings: Settings, db: Database, clock: Clock) -> Iterator[Api]:
    """The API with a 1 s CPU limit per script (the shipped default is 2 s) and a 200 KB state cap."""
    MODELS.clear()
    app = create_app(settings.model_copy(update={"script_cpu_seconds": 1, "max_state_bytes": 200_000}), db, clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, app)
    POOL.configure(Limits())  # the defaults again for the next test


def deploy(api: Api, name: str, content: str) -> None:
    r = api.post("desainer", "/api/deployments", files=[("files", (name, content.encode(), "text/xml"))])
    assert r.status_code == 201, r.text


def instances(api: Api) -> int:
    with api.app.state.db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(ProcessInstance)) or 0)


def refused_start(api: Api, key: str, username: str = "direktur") -> dict[str, Any]:
    """Start `key`: a 422 naming an element; no instance saved; the service still answers."""
    before = instances(api)
    r = api.post(username, f"/api/process-definitions/{key}/instances", json={"data": {}})
    assert r.status_code == 422, r.text
    assert instances(api) == before
    assert api.client.get("/api/health").status_code == 200
    [error] = r.json()["errors"]
    return error


@pytest.mark.parametrize(
    ("script", "words"),
    [
        (CATCHES_THE_TIMEOUT, ["stopped"]),
        ("x = 10 ** (2 * 10 ** 7)\nout = 1\ndel x", ["ScriptTooBig", "bits"]),
        ("x = 'a' * 10 ** 10", ["ScriptTooBig", "repetition"]),
        ("x = 'a'.ljust(10 ** 9)", ["memory"]),
        ("out = 'a'.ljust(50 * 10 ** 6)", ["bytes", "over the limit"]),
    ],
    ids=["catches-the-timeout", "big-int-power", "repetition", "memory", "50-mb-stored"],
)
def test_a_runaway_script_is_refused_naming_its_element_and_nothing_is_saved(
    limited: Api, script: str, words: list[str]
) -> None:
    deploy(limited, "bom.bpmn", script_process("bom", script))

    error = refused_start(limited, "bom")

    assert error["element_id"] == "n0"
    for word in words:
        assert word in error["message"], error
    ok = limited.post("direktur", "/api/process-definitions/bom_ok/instances", json={"data": {}})
    assert ok.status_code == 404  # the service answers the next request as usual


def test_the_reports_repro_processes_are_refused_naming_the_script(limited: Api) -> None:
    for name, element in [("timeout_escape_request", "n0"), ("gil_freeze", "n0")]:
        deploy(limited, f"{name}.bpmn", (REPRO / f"{name}.bpmn").read_text())
        assert refused_start(limited, name)["element_id"] == element


def test_the_reports_tight_cycle_is_refused_at_deploy_naming_an_element_of_the_cycle(limited: Api) -> None:
    r = limited.post(
        "desainer",
        "/api/deployments",
        files=[("files", ("tight_cycle.bpmn", (REPRO / "tight_cycle.bpmn").read_bytes(), "text/xml"))],
    )

    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["element_id"] in ("n0", "n1")
    assert "tidak pernah menunggu dan tidak ada jalan keluarnya: ia akan berjalan tanpa henti" in error["message"]


# A loop the deploy lint cannot prove endless (it has a way out), whose way out never opens at run time.
NEVER_LEAVES = (
    (REPRO / "tight_cycle.bpmn")
    .read_text()
    .replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="n1" targetRef="n0"/>',
        '<bpmn:exclusiveGateway id="g" default="f_ulang"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="n1" targetRef="g"/>'
        '<bpmn:sequenceFlow id="f_ulang" sourceRef="g" targetRef="n0"/>'
        '<bpmn:sequenceFlow id="f_keluar" sourceRef="g" targetRef="lihat">'
        "<bpmn:conditionExpression>m == 3</bpmn:conditionExpression></bpmn:sequenceFlow>",
    )
    .replace(
        "<bpmn:flowNodeRef>lihat</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>g</bpmn:flowNodeRef><bpmn:flowNodeRef>lihat</bpmn:flowNodeRef>",
    )
)


def test_a_cycle_of_scripts_that_never_waits_at_run_time_is_a_422_naming_an_element_of_the_cycle(
    limited: Api,
) -> None:
    deploy(limited, "tight_cycle.bpmn", NEVER_LEAVES)

    error = refused_start(limited, "tight_cycle")

    assert error["element_id"] in ("n0", "n1", "g")
    # Stopped by whichever cap it reaches first: the engine-step cap or the state-size cap.
    assert "wait state" in error["message"] or "UJIKOM_MAX_STATE_BYTES" in error["message"]


def test_a_state_over_the_cap_is_refused_naming_the_cause(limited: Api) -> None:
    body = "\n".join(
        [
            lanes(l=("Direktur", ["start", "lihat"])),
            '<bpmn:startEvent id="start"/>',
            user_task("lihat", "Lihat"),
            line("start", "lihat"),
        ]
    )
    deploy(limited, "besar.bpmn", definitions("besar", body))
    before = instances(limited)

    r = limited.post("direktur", "/api/process-definitions/besar/instances", json={"data": {"besar": "a" * 250_000}})

    assert r.status_code == 422, r.text
    assert "UJIKOM_MAX_STATE_BYTES" in r.json()["errors"][0]["message"]
    assert instances(limited) == before


def test_another_users_write_completes_while_a_runaway_script_is_stopped(limited: Api) -> None:
    deploy(limited, "timeout_escape_request.bpmn", (REPRO / "timeout_escape_request.bpmn").read_text())
    limited.headers("direktur"), limited.headers("kabid_administrasi")  # log in before the race
    answers: dict[str, Any] = {}

    def runaway() -> None:
        answers["runaway"] = limited.post(
            "direktur", "/api/process-definitions/timeout_escape_request/instances", json={"data": {}}
        )

    thread = threading.Thread(target=runaway)
    thread.start()
    busy = threading.Event()
    for _ in range(600):  # until the script runs in an evaluator (generous: a loaded machine is slow)
        if POOL.busy or not thread.is_alive():
            busy.set()
            break
        threading.Event().wait(0.05)
    assert busy.is_set()
    other = limited.post(
        "direktur",
        "/api/process-definitions/uji_kompetensi/instances",
        json={"business_key": "LSP-2026-LAIN", "data": {}},
    )
    thread.join()

    assert other.status_code == 201, other.text
    runaway_answer = answers["runaway"]
    assert runaway_answer.status_code == 422, runaway_answer.text
    assert runaway_answer.json()["errors"][0]["element_id"] == "n0"


def test_a_script_that_always_fails_after_a_timer_marks_the_instance_error_once(limited: Api) -> None:
    deploy(limited, "racun.bpmn", script_process("racun", "x = 1 / 0", timer=True))
    r = limited.post("direktur", "/api/process-definitions/racun/instances", json={"data": {}})
    assert r.status_code == 201, r.text
    instance_id = r.json()["id"]
    limited.app.state.clock.advance(timedelta(seconds=5))
    worker = limited.app.state.worker

    worker.run_until_idle()
    worker.run_until_idle()

    with limited.app.state.db.reading() as session:
        row = session.get(ProcessInstance, instance_id)
        assert row is not None and row.status == "error"
        assert row.error is not None and row.error.startswith("n0:") and "ZeroDivisionError" in row.error
        failed = session.scalars(
            select(Event).where(Event.instance_id == instance_id, Event.type == "instance_failed")
        ).all()
    assert [e.data["element_id"] for e in failed] == ["n0"]


def test_ordinary_scripts_still_see_their_data_and_batas_langkah_still_answers(api: Api) -> None:
    script = "jumlah = len(daftar)\ndaftar = [d.upper() for d in daftar]\nwaktu = datetime(2026, 1, 2)\ndel hapus"
    deploy(api, "biasa.bpmn", script_process("biasa", script))
    r = api.post(
        "direktur", "/api/process-definitions/biasa/instances", json={"data": {"daftar": ["a", "b"], "hapus": 1}}
    )
    assert r.status_code == 201, r.text
    [task] = api.inbox("direktur", instance_id=r.json()["id"])
    data = api.get("direktur", f"/api/tasks/{task['id']}").json()["data"]
    assert data["jumlah"] == 2 and data["daftar"] == ["A", "B"] and "hapus" not in data
    assert str(data["waktu"]).startswith("2026-01-02")
