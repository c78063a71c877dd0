"""One patience for every wait on the server, the worker or the renderer.

No test asserts on speed: a wait polls its condition until it holds and gives up only after
`PATIENCE_SECONDS`, which bounds a hang (a worker that never runs, a server that never starts), never a
machine's pace: `.ci/run` runs the suite on two shared cores under load, where a render of a period's
documents or a server's start can take minutes.
"""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

PATIENCE_SECONDS = 900.0


def wait_until(check: Callable[[], T], what: str, seconds: float = PATIENCE_SECONDS, interval: float = 0.1) -> T:
    """Poll `check()` until it answers something true, and return that; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:.0f} s for {what}")
        time.sleep(interval)
