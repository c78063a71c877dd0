"""The render processes: a `ProcessPoolExecutor` that is rebuilt when one of its processes dies.

When a render process dies (the OOM killer on a huge document, a WeasyPrint crash, `kill -9`), Python
marks its whole executor broken: every future still pending fails with `BrokenProcessPool`, and so does
every later `submit`, for good. This pool drops a broken executor and starts a new one at the next
submit, and logs each incident once, however many futures it failed.
"""

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from api.settings import Settings

log = logging.getLogger(__name__)
CLOSE_SECONDS = 30.0  # how long a render still running at shutdown may take to finish
KILL_SECONDS = 10.0  # how long a terminated render process may take to end before it is killed

__all__ = ["BrokenProcessPool", "RenderPool"]


class RenderPool:
    def __init__(self, settings: Settings, initializer: Callable[[], None] | None = None) -> None:
        self.settings = settings  # `render_processes` is read when an executor starts
        self.initializer = initializer
        self.rebuilds = 0  # executors dropped because a process died
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # forkserver: render processes start from a clean process, not a fork of this threaded one.
                self._executor = ProcessPoolExecutor(
                    max_workers=self.settings.render_processes,
                    mp_context=multiprocessing.get_context("forkserver"),
                    initializer=self.initializer,
                )
            return self._executor

    def submit(self, fn: Callable[..., Any], *args: Any) -> tuple[Future[Any], ProcessPoolExecutor]:
        """Submit to the current executor, and the executor it went to (to drop it if its future breaks).
        An executor found broken here (a process died while idle) is replaced and the call submitted
        once more; a new executor that is broken at once raises `BrokenProcessPool`."""
        executor = self.executor()
        try:
            return executor.submit(fn, *args), executor
        except BrokenProcessPool as exc:
            self.drop(executor, exc)
        executor = self.executor()
        return executor.submit(fn, *args), executor

    def drop(self, broken: ProcessPoolExecutor, exc: BaseException) -> None:
        """Forget a broken executor; the next submit starts a new one. Logged once per executor."""
        with self._lock:
            if self._executor is not broken:
                return  # already dropped: this is one more future of the same incident
            self._executor = None
            self.rebuilds += 1
        log.error("a render process died (%s); the render pool is rebuilt (rebuild %d)", exc, self.rebuilds)
        broken.shutdown(wait=False, cancel_futures=True)

    def pids(self) -> list[int]:
        """The running render processes (for operators and tests that kill one)."""
        with self._lock:
            processes = getattr(self._executor, "_processes", None) or {}
            return list(processes)

    def close(self, wait_seconds: float = CLOSE_SECONDS) -> None:
        """Stop the render processes: those idle end at once; one still rendering gets `wait_seconds` to
        finish, then is terminated (its documents are still leased to this renderer: they render again when
        the lease runs out). None is left running."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + wait_seconds
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():
                log.warning("render process %s still running at shutdown: terminated", process.pid)
                process.terminate()
                process.join(KILL_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
