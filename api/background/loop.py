"""The thread loop the worker and the renderer share: run a pass, sleep until woken or the poll interval
passes, stop promptly when asked. It keeps the times health reports (`/api/health`): when the last pass
ended, and since when the running pass has made no progress.

A pass writes in short transactions, one instance or one batch of documents each; on SQLite each queues in
the process's write queue behind the requests already waiting (api/store/db.py, `WriteGate`), so a pass
never holds the write lock back to back while a request waits. A pass that finds the database busy (its
turn did not come, a PostgreSQL deadlock) leaves the work for the next pass, a moment later."""

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from api.clock import CLOCK, Clock
from api.store.db import is_busy

log = logging.getLogger(__name__)
T = TypeVar("T")
# After a pass that met a busy database: wait this long before the next (not the poll interval).
BUSY_PAUSE_SECONDS = 0.2


class BackgroundLoop:
    """A daemon thread calling `run_pass` until stopped; a pass that did work is followed at once by another."""

    name = "ujikom-background"
    join_seconds = 10.0
    # After a wake, wait this long before the pass: every request that hands work over wakes the loop, and a
    # pass per request (a few queries, on SQLite a write transaction) competed with the next requests for the
    # GIL and the write lock; a burst of requests now costs one pass.
    coalesce_seconds = 0.1

    def __init__(self, poll_seconds: float, clock: Clock = CLOCK) -> None:
        self.poll_seconds = poll_seconds
        self.clock = clock
        # When the running pass started or last made progress (`progressed`); None between passes.
        self.pass_since: datetime | None = None
        self.last_pass_at: datetime | None = None  # when the last pass ended
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_pass(self) -> int:
        """One pass over the waiting work; returns how much was done (0: sleep until woken)."""
        raise NotImplementedError

    def progressed(self) -> None:
        """A long pass calls this after each step of its work: it is moving, not stuck."""
        if self.pass_since is not None:
            self.pass_since = self.clock.now()

    def persist(self, write: Callable[[], T]) -> T:
        """`write` (a transaction recording work already done outside the database, such as rendered files),
        run again while the database is busy, until it goes through or the loop stops."""
        while True:
            try:
                return write()
            except Exception as exc:
                if not is_busy(exc) or self.stopping:
                    raise
                log.warning("%s: database busy, writing again: %s", self.name, exc)
            self._stop.wait(BUSY_PAUSE_SECONDS)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        """Whether this loop's thread is alive (in `serve`, when the embedded worker is on)."""
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self.run_forever, name=self.name, daemon=True)
            self._thread.start()

    def request_stop(self) -> None:
        """Ask the loop to stop: its pass ends after the transaction it is in (each is short and whole), and no
        new pass starts. `stop` waits for that."""
        self._stop.set()
        self._wake.set()

    def stop(self) -> None:
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout=self.join_seconds)
            if self._thread.is_alive():  # its transaction rolls back when the process exits: nothing half-applied
                log.warning("%s: still in its pass after %.0f s; abandoned", self.name, self.join_seconds)
            self._thread = None

    def run_forever(self) -> None:
        failing: str | None = None  # the failure of the passes failing in a row, logged once
        failures = 0
        while not self._stop.is_set():
            self.pass_since = self.clock.now()
            pause = self.poll_seconds
            try:
                busy = self.run_pass()
            except Exception as exc:
                busy = 0
                if is_busy(exc):  # other writers came first: not a failure; the work waits for the next pass
                    log.info("%s: database busy, the pass runs again soon: %s", self.name, exc)
                    pause = BUSY_PAUSE_SECONDS
                else:  # keep the loop alive; the failure is logged once and retried
                    failures += 1
                    if repr(exc) != failing:
                        failing = repr(exc)
                        log.exception("%s: pass failed (logged once while it keeps failing the same way)", self.name)
            else:
                if failing is not None:
                    log.warning("%s: passes work again after %d failed", self.name, failures)
                failing, failures = None, 0
            self.pass_since, self.last_pass_at = None, self.clock.now()
            if not busy:
                woken = self._wake.wait(pause)
                self._wake.clear()
                if woken and self.coalesce_seconds:
                    self._stop.wait(self.coalesce_seconds)
