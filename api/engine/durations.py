"""ISO-8601 durations as the SOP's time standards use them (P2D, PT1H, P1W...)."""

import re
from datetime import timedelta

_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)


def parse_duration(text: str) -> timedelta:
    bare = text.strip().strip("'\"")
    match = _DURATION.match(bare)
    # The pattern's parts are all optional: "P", "PT" and a T with no time after it ("P2DT") match it.
    if not match or bare in ("P", "PT") or bare.endswith("T"):
        raise ValueError(f"not an ISO-8601 duration: {text!r} (expected e.g. P2D, P7D or PT1H)")
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(**parts)
