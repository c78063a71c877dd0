"""ISO 8601 durations as the SOP's time standards write them (P2D, PT1H, P1W...): the one grammar the engine's
time standards and timers and an operator's duration parameter share. The problem is Indonesian: the deploy
lint shows it to the process designer.

An operator parameter annotated :data:`Durasi` is a duration the process designer writes in the BPMN (a quoted
literal such as ``'P14D'``); the deploy lint checks it (``api/engine/lint_rules.py``, `duration_parameters`)."""

import re
from datetime import timedelta
from typing import NewType

Durasi = NewType("Durasi", str)

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def parse_duration(text: str) -> timedelta:
    bare = text.strip().strip("'\"")
    match = _DURATION.match(bare)
    # The pattern's parts are all optional: "P", "PT" and a T with no time after it ("P2DT") match it.
    if not match or bare in ("P", "PT") or bare.endswith("T"):
        raise ValueError(f"bukan durasi ISO-8601: {text!r} (contoh: P2D, P7D atau PT1H)")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(**parts)
