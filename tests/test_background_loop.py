"""The worker and the renderer share one thread loop; both stop promptly when asked."""

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from api.background import renderer as renderer_module
from api.background.loop import BackgroundLoop
from api.background.renderer import Renderer
from api.settings import Settings
from service_tasks.render import Rendered, RenderJob


class Counting(BackgroundLoop):
    name = "test-loop"

    def __init__(self) -> None:
        super().__init__(poll_seconds=60)
        self.passes = 0
        self.ran = threading.Event()

    def run_pass(self) -> int:
        self.passes += 1
        self.ran.set()
        return 0


def test_a_loop_runs_a_pass_when_woken_and_stops_without_waiting_out_its_poll_interval() -> None:
    loop = Counting()
    loop.start()
    assert loop.ran.wait(5)
    loop.ran.clear()
    loop.wake()
    assert loop.ran.wait(5)
    started = time.monotonic()
    loop.stop()
    assert time.monotonic() - started < 5  # the 60 s poll interval is not waited out
    assert loop.passes == 2


def test_the_renderer_stops_between_chunks_leaving_the_rest_in_the_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = threading.Event()
    rendered: list[int] = []

    def render_many(jobs: list[RenderJob]) -> list[Rendered]:
        rendered.extend(j.id for j in jobs)
        stop.set()  # SIGTERM arrives while the first chunk renders
        return [Rendered(id=j.id, sha256="0" * 64) for j in jobs]

    monkeypatch.setattr(renderer_module, "render_many", render_many)
    settings = Settings(data_dir=tmp_path, render_processes=0)
    db: Any = None  # rendering a list of jobs touches no database
    jobs = [
        RenderJob(id=i, kind="nota_dinas", number=f"{i}", title="", version=1, created_at="", data={})
        for i in range(1, 11)
    ]

    results = Renderer(db, settings)._render(jobs, stop)

    assert rendered == [1, 2, 3, 4]
    assert [r.id for r in results] == [1, 2, 3, 4]


class FailingFiveTimes(BackgroundLoop):
    name = "test-failing-loop"

    def __init__(self) -> None:
        super().__init__(poll_seconds=0.01)
        self.passes = 0
        self.recovered = threading.Event()

    def run_pass(self) -> int:
        self.passes += 1
        if self.passes <= 5:
            raise ConnectionError("the database is gone")
        self.recovered.set()
        return 0


def test_a_pass_failing_the_same_way_again_and_again_is_logged_once_and_its_recovery_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="api.background.loop")
    loop = FailingFiveTimes()
    loop.start()
    try:
        assert loop.recovered.wait(60)
    finally:
        loop.stop()
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert messages == [
        ("ERROR", "test-failing-loop: pass failed (logged once while it keeps failing the same way)"),
        ("WARNING", "test-failing-loop: passes work again after 5 failed"),
    ]
