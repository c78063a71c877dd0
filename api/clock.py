"""The service's notion of now. Tests move it instead of sleeping."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

# Inside `standing_still`: the moment each clock (by id) first gave in this context.
_STILL: ContextVar[dict[int, datetime] | None] = ContextVar("ujikom_clock_still", default=None)


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        still = _STILL.get()
        if still is None:
            return datetime.now(UTC) + self.offset
        return still.setdefault(id(self), datetime.now(UTC) + self.offset)

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


CLOCK = Clock()


# The clock of the runtime acting in this thread: SpiffWorkflow's timers read it (see spiff_timers).
CURRENT: ContextVar[Clock] = ContextVar("ujikom_clock", default=CLOCK)


@contextmanager
def standing_still() -> Iterator[None]:
    """Every clock gives, inside the block, the time it first gave in it (one unit of work sees one moment,
    however often it runs again). Nested blocks keep the outer moment."""
    if _STILL.get() is not None:
        yield
        return
    token = _STILL.set({})
    try:
        yield
    finally:
        _STILL.reset(token)
