"""The thread loop the worker and the renderer share: run a pass, sleep until woken or the poll interval
passes, stop promptly when asked."""

import logging
import threading

log = logging.getLogger(__name__)


class BackgroundLoop:
    """A daemon thread calling `run_pass` until stopped; a pass that did work is followed at once by another."""

    name = "ujikom-background"
    join_seconds = 10.0

    def __init__(self, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_pass(self) -> int:
        """One pass over the waiting work; returns how much was done (0: sleep until woken)."""
        raise NotImplementedError

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self.run_forever, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.join_seconds)
            self._thread = None

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_pass()
            except Exception:  # keep the loop alive; the failure is logged and retried
                log.exception("%s: pass failed", self.name)
                busy = 0
            if not busy:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
