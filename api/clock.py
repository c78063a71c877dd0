"""The service's notion of now. Tests move it instead of sleeping."""

from contextvars import ContextVar
from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


CLOCK = Clock()


# The clock of the runtime acting in this thread: SpiffWorkflow's timers read it (see spiff_timers).
CURRENT: ContextVar[Clock] = ContextVar("ujikom_clock", default=CLOCK)
