"""`/api/health` says what waits for the worker, the renderer and the notifier: ok, degraded (200: work waits
too long, documents or e-mails failed), stuck (503: a loop of this process makes no progress);
`/api/health/live` is one query."""

import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.background import notifikasi as notifikasi_module
from api.background import renderer as renderer_module
from api.background.renderer import MAX_ATTEMPTS
from api.clock import Clock
from service_tasks.render import Rendered, RenderJob
from tests.support import sop
from tests.support.api import Api
from tests.support.waiting import PATIENCE_SECONDS
from tests.test_notifikasi import returned_registration
from tests.test_timers import TIMER_BPMN

DEADLINE_SECONDS = PATIENCE_SECONDS


@pytest.fixture(autouse=True)
def frozen(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The service's clock stands still but for `advance`, so the ages health reports are exact."""
    moment = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment + clock.offset)


def health(api: Api, expect: int = 200) -> dict[str, Any]:
    r = api.client.get("/api/health")  # no login: a load balancer or a monitor asks
    assert r.status_code == expect, r.text
    body: dict[str, Any] = r.json()
    return body


def test_health_is_ok_and_names_every_figure_when_nothing_waits(api: Api) -> None:
    body = health(api)
    assert (body["status"], body["reasons"]) == ("ok", [])
    assert body["worker"] == {
        "running": False,  # the tests' app runs no embedded worker
        "last_pass_at": None,
        "pass_stalled_seconds": None,
        "child_completions_pending": 0,
        "oldest_child_completion_seconds": None,
        "last_child_completion_applied_at": None,
        "timers_due": 0,
        "oldest_timer_due_seconds": None,
        "children_to_start": 0,
        "oldest_child_to_start_seconds": None,
        "signals_pending": 0,
        "oldest_signal_seconds": None,
        "continuations_pending": 0,
        "oldest_continuation_seconds": None,
    }
    assert body["renderer"] == {
        "running": False,
        "last_pass_at": None,
        "pass_stalled_seconds": None,
        "documents_waiting": 0,
        "oldest_waiting_seconds": None,
        "documents_failed": 0,
        "last_rendered_at": None,
    }
    assert body["notifier"] == {
        "running": False,
        "last_pass_at": None,
        "pass_stalled_seconds": None,
        "emails_waiting": 0,
        "oldest_waiting_seconds": None,
        "emails_failed": 0,
        "last_sent_at": None,
    }
    live = api.client.get("/api/health/live")
    assert (live.status_code, live.json()["status"]) == (200, "ok")


def test_documents_waiting_too_long_make_health_degraded_until_they_are_rendered(api: Api) -> None:
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)  # four documents
    renderer = health(api)["renderer"]
    assert (renderer["documents_waiting"], renderer["oldest_waiting_seconds"]) == (4, 0.0)
    assert health(api)["status"] == "ok"  # waiting, not yet behind

    api.app.state.clock.advance(timedelta(minutes=6))
    body = health(api)  # still 200: every server shares the queue, so a load balancer must not act
    assert body["status"] == "degraded"
    assert body["reasons"] == ["documents waiting for their file: 4, the oldest for 360 s"]

    api.app.state.settings.render_processes = 0
    api.app.state.worker.render_documents()
    body = health(api)
    assert (body["status"], body["renderer"]["documents_waiting"]) == ("ok", 0)
    assert body["renderer"]["last_rendered_at"] is not None


def test_a_document_that_failed_every_attempt_makes_health_degraded(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)
    api.app.state.settings.render_processes = 0
    monkeypatch.setattr(
        renderer_module, "render_many", lambda jobs: [Rendered(id=j.id, error="WeasyPrint crashed") for j in jobs]
    )
    for _ in range(MAX_ATTEMPTS):
        api.app.state.worker.render_documents()
    body = health(api)
    assert (body["status"], body["renderer"]["documents_failed"], body["renderer"]["documents_waiting"]) == (
        "degraded",
        4,
        0,
    )
    assert body["reasons"] == [
        "documents that failed all 5 render attempts: 4; staff may retry them (POST /api/dokumen/{id}/retry-render)"
    ]


def test_timers_due_and_not_fired_make_health_degraded_until_the_worker_fires_them(api: Api) -> None:
    r = api.post("desainer", "/api/deployments", files=[("files", ("uji_timer.bpmn", TIMER_BPMN.encode(), "text/xml"))])
    assert r.status_code == 201, r.text
    instance_id = api.post("direktur", "/api/process-definitions/uji_timer/instances", json={}).json()["id"]
    [first] = api.inbox("direktur", instance_id=instance_id)
    api.complete("direktur", first["id"], {"diterima": True, "catatan": ""})  # then a one-hour timer
    api.app.state.clock.advance(timedelta(minutes=70))
    body = health(api)
    assert (body["status"], body["worker"]["timers_due"]) == ("degraded", 1)
    assert body["reasons"] == ["due timers not fired: 1, the oldest due 600 s ago"]
    api.drain()
    body = health(api)
    assert (body["status"], body["worker"]["timers_due"]) == ("ok", 0)


def test_a_renderer_frozen_in_a_pass_makes_health_stuck_with_503_until_it_moves_again(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)
    entered, release = threading.Event(), threading.Event()

    def hung(jobs: list[RenderJob]) -> list[Rendered]:
        entered.set()
        release.wait(DEADLINE_SECONDS)
        return [Rendered(id=j.id, sha256=f"{j.id:064d}", size=1, content_type="application/pdf") for j in jobs]

    monkeypatch.setattr(renderer_module, "render_many", hung)
    api.app.state.settings.render_processes = 0
    renderer = api.app.state.worker.renderer
    renderer.start()
    try:
        assert entered.wait(DEADLINE_SECONDS)
        assert health(api)["renderer"]["running"] is True
        api.app.state.clock.advance(timedelta(minutes=6))
        body = health(api, expect=503)
        assert body["status"] == "stuck"
        assert body["reasons"][0] == "the renderer of this process has made no progress for 360 s in one pass"
        assert body["renderer"]["pass_stalled_seconds"] == 360.0

        release.set()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while api.client.get("/api/health").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        body = health(api)
        assert (body["status"], body["renderer"]["documents_waiting"]) == ("ok", 0)
    finally:
        release.set()
        renderer.stop()


def closed_port() -> int:
    """A local port nothing listens on: every SMTP connection to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_emails_waiting_too_long_then_failing_every_attempt_make_health_degraded(api: Api) -> None:
    settings = api.app.state.settings
    settings.smtp_host, settings.smtp_port = "127.0.0.1", closed_port()  # an SMTP server that is down
    notifier = api.app.state.worker.notifier
    assert notifier.settings is settings
    # Two notifications to e-mail: the candidate's returned files, and the Kabid's daily digest (16:00 WIB is
    # past its 07:00).
    returned_registration(api)
    settings.render_processes = 0
    api.app.state.worker.render_documents()  # the period's documents have their files: only e-mails wait
    notifier.run_pass()
    body = health(api)
    assert (body["status"], body["reasons"]) == ("ok", [])
    mail = body["notifier"]
    assert (mail["emails_waiting"], mail["oldest_waiting_seconds"], mail["emails_failed"]) == (2, 0.0, 0)

    api.app.state.clock.advance(timedelta(minutes=6))
    body = health(api)
    assert body["status"] == "degraded"
    assert body["reasons"] == ["notification e-mails waiting to be sent: 2, the oldest for 360 s"]

    # Seven more refused tries, each after its pause (1, 2, 4 ... 64 minutes): the eighth is the last.
    for _ in range(7):
        api.app.state.clock.advance(timedelta(minutes=65))
        notifier.run_pass()
    body = health(api)
    mail = body["notifier"]
    assert (body["status"], mail["emails_waiting"], mail["emails_failed"], mail["last_sent_at"]) == (
        "degraded",
        0,
        2,
        None,
    )
    assert body["reasons"] == [
        "notification e-mails that failed all 8 send attempts: 2; check the SMTP settings and the addresses "
        "(the notifications stay in-app)"
    ]


def test_a_notifier_frozen_in_a_pass_makes_health_stuck_with_503_until_it_moves_again(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = api.app.state.settings
    settings.smtp_host, settings.smtp_port = "127.0.0.1", closed_port()
    returned_registration(api)
    settings.render_processes = 0
    api.app.state.worker.render_documents()
    entered, release = threading.Event(), threading.Event()

    def hung(*args: Any, **kwargs: Any) -> Any:  # an SMTP server that accepts and never answers
        entered.set()
        release.wait(DEADLINE_SECONDS)
        raise OSError("the SMTP server did not answer")

    monkeypatch.setattr(notifikasi_module.smtplib, "SMTP", hung)
    notifier = api.app.state.worker.notifier
    notifier.start()
    try:
        assert entered.wait(DEADLINE_SECONDS)
        assert health(api)["notifier"]["running"] is True
        api.app.state.clock.advance(timedelta(minutes=6))
        body = health(api, expect=503)
        assert body["status"] == "stuck"
        assert body["reasons"][0] == "the notifier of this process has made no progress for 360 s in one pass"
        assert body["notifier"]["pass_stalled_seconds"] == 360.0

        release.set()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while api.client.get("/api/health").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        body = health(api)  # moving again; the e-mail it could not send waits for its retry
        assert (body["status"], body["notifier"]["emails_waiting"]) == ("degraded", 2)
        assert body["reasons"] == ["notification e-mails waiting to be sent: 2, the oldest for 360 s"]
    finally:
        release.set()
        notifier.stop()
