"""Exact pace, speed, time and distance conversions and their display."""

from __future__ import annotations

import pytest

from bot.workouts.pace import (
    METRES_PER_MILE,
    format_distance,
    format_duration,
    format_pace,
    pace_from_time_s,
    pace_s_per_km,
    s_per_km_to_s_per_mile,
    s_per_mile_to_s_per_km,
    speed_mps,
    time_for_distance_s,
)


def test_lap_time_to_pace_exact() -> None:
    assert pace_from_time_s(70, 400) == 175.0


def test_pace_to_rep_time_exact() -> None:
    assert time_for_distance_s(175.0, 400) == 70.0


def test_pace_per_mile_exact() -> None:
    assert s_per_km_to_s_per_mile(175.0) == pytest.approx(281.6352, abs=1e-9)


def test_mile_round_trip() -> None:
    assert s_per_mile_to_s_per_km(s_per_km_to_s_per_mile(175.0)) == pytest.approx(175.0)


def test_mile_length() -> None:
    assert METRES_PER_MILE == 1609.344


def test_speed_and_pace_inverse() -> None:
    assert speed_mps(250.0) == 4.0
    assert pace_s_per_km(4.0) == 250.0


@pytest.mark.parametrize(
    ("pace", "unit", "decimals", "expected"),
    [
        (175.0, "km", 0, "2:55/km"),
        (175.0, "km", 1, "2:55.0/km"),
        (176.0, "km", 0, "2:56/km"),
        (175.0, "mi", 0, "4:42/mi"),
        (175.0, "mi", 1, "4:41.6/mi"),
        (179.96, "km", 0, "3:00/km"),
        (202.5, "km", 1, "3:22.5/km"),
        (360.0, "km", 0, "6:00/km"),
    ],
)
def test_format_pace(pace: float, unit: str, decimals: int, expected: str) -> None:
    assert format_pace(pace, unit, decimals) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "decimals", "expected"),
    [
        (300, 0, "5:00"),
        (45, 0, "0:45"),
        (70.44, 1, "1:10.4"),
        (5495, 0, "1:31:35"),
        (11449, 0, "3:10:49"),
        (3599.6, 0, "1:00:00"),
    ],
)
def test_format_duration(seconds: float, decimals: int, expected: str) -> None:
    assert format_duration(seconds, decimals) == expected


@pytest.mark.parametrize(
    ("metres", "unit", "expected"),
    [
        (400, "km", "400 m"),
        (2000, "km", "2.0 km"),
        (42195, "km", "42.195 km"),
        (2000, "mi", "1.24 mi"),
    ],
)
def test_format_distance(metres: float, unit: str, expected: str) -> None:
    assert format_distance(metres, unit) == expected  # type: ignore[arg-type]
