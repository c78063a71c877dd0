"""The SOP's time standards as ISO-8601 durations (the `timeStandard` property), read by hand-written table."""

from datetime import timedelta

import pytest

from api.engine.durations import parse_duration


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("P2D", timedelta(days=2)),
        ("P7D", timedelta(days=7)),
        ("P14D", timedelta(days=14)),
        ("P1W", timedelta(days=7)),
        ("PT1H", timedelta(hours=1)),
        ("PT30M", timedelta(minutes=30)),
        ("PT45S", timedelta(seconds=45)),
        ("P1DT12H", timedelta(days=1, hours=12)),
        ("P1W2D", timedelta(days=9)),
        ("PT1H30M15S", timedelta(hours=1, minutes=30, seconds=15)),
        ("P0D", timedelta(0)),
        (" P2D ", timedelta(days=2)),
        ('"PT1H"', timedelta(hours=1)),  # as a BPMN timer expression quotes it
        ("'P7D'", timedelta(days=7)),
    ],
)
def test_a_time_standard_is_read_as_weeks_days_hours_minutes_and_seconds(text: str, duration: timedelta) -> None:
    assert parse_duration(text) == duration


@pytest.mark.parametrize("text", ["", "P", "PT", "2D", "p2d", "P1Y", "P1M", "P1.5D", "PT1D", "1 hari"])
def test_anything_but_a_duration_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(ValueError, match=r"bukan durasi ISO-8601: .* \(contoh: P2D, P7D atau PT1H\)"):
        parse_duration(text)


@pytest.mark.parametrize("text", ['"P"', '"PT"', "'PT'", "P2DT"])
def test_a_quoted_empty_duration_or_a_t_without_a_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)
