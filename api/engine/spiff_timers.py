"""SpiffWorkflow's timer events read the wall clock (`datetime.now`) directly; here they read the
service's clock instead, so a timer's due time and its firing follow the same time as the rest of the
service (and tests move it instead of sleeping)."""

from datetime import datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer

from api.clock import CURRENT


class _ServiceClockDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        now = CURRENT.get().now()
        return now.astimezone(tz) if tz is not None else now.replace(tzinfo=None)


def install() -> None:
    timer.datetime = _ServiceClockDatetime


install()
