"""Racing threads: run a function on several arguments at the same moment and collect what each returned."""

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

JOIN_SECONDS = 120.0
T = TypeVar("T")
R = TypeVar("R")


def run_concurrently(fn: Callable[[T], R], args: Sequence[T]) -> list[R]:
    """Call `fn(arg)` for every arg, each in its own thread, released together by a barrier.

    Returns the results in the order of `args`. A crash in any thread fails the caller (it is re-raised),
    and so does a thread still running after a generous deadline."""
    barrier = threading.Barrier(len(args))
    results: dict[int, R] = {}
    errors: list[BaseException] = []

    def run(i: int, arg: T) -> None:
        barrier.wait()
        try:
            results[i] = fn(arg)
        except BaseException as exc:  # a crash in a thread must fail the test, not vanish
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, arg)) for i, arg in enumerate(args)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=JOIN_SECONDS)
    assert not any(t.is_alive() for t in threads), f"a thread was still running after {JOIN_SECONDS:.0f} s"
    if errors:
        raise errors[0]
    return [results[i] for i in range(len(args))]
