"""ISO-8601 durations as the SOP's time standards use them (P2D, PT1H, P1W...), and the check of a timer
event's literal value (a duration, a repeating interval that ends, a date) at deploy. The problems are
Indonesian: the deploy lint shows them to the process designer. The duration grammar itself is
`service_tasks.durasi`'s, which operators use too."""

import re
from collections.abc import Callable

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from service_tasks.durasi import parse_duration

__all__ = ["MAX_TIMER_REPETITIONS", "TIMER_CHECKS", "parse_duration", "timer_problem"]

# A cycle timer repeats at most this often: `R/...` (forever) or a larger count never ends in practice.
MAX_TIMER_REPETITIONS = 1000


def _duration_problem(text: str) -> str | None:
    try:
        parse_duration(text)
        return None
    except ValueError as exc:
        try:  # what SpiffWorkflow also runs: years, months, fractions
            TimerEventDefinition.parse_iso_duration(text)
            return None
        except Exception:
            return str(exc)


def _cycle_problem(text: str) -> str | None:
    repeat = re.fullmatch(r"R(\d*)/(.+)", text.strip(), re.IGNORECASE)
    if repeat is None:
        return f"bukan interval berulang ISO 8601: {text!r} (contoh: 'R3/PT1H')"
    if not repeat.group(1):
        return f"timer siklus {text!r} berulang tanpa henti: beri jumlah ulangan (mis. 'R3/PT1H')"
    if int(repeat.group(1)) > MAX_TIMER_REPETITIONS:
        return f"timer siklus {text!r} berulang lebih dari {MAX_TIMER_REPETITIONS} kali: kurangi jumlah ulangannya"
    try:
        TimerEventDefinition.parse_iso_recurring_interval(text.strip())
    except Exception:
        return f"bukan interval berulang ISO 8601: {text!r} (contoh: 'R3/PT1H')"
    return None


def _date_problem(text: str) -> str | None:
    try:
        TimerEventDefinition.get_datetime(text.strip())
        return None
    except ValueError:
        return f"bukan tanggal dan waktu ISO 8601: {text!r} (contoh: '2026-12-31T09:00:00+07:00')"


TIMER_CHECKS: dict[str, Callable[[str], str | None]] = {
    "timeDuration": _duration_problem,
    "timeCycle": _cycle_problem,
    "timeDate": _date_problem,
}


def timer_problem(kind: str, text: str) -> str | None:
    """What is wrong with a timer's literal value (`kind`: timeDuration, timeCycle or timeDate), or None."""
    check = TIMER_CHECKS.get(kind)
    return None if check is None else check(text)
