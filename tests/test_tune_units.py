"""The coach's reason in the runner's units: rep distances as written, paces per km or mile."""

from __future__ import annotations

from datetime import date

from bot.coach.explain import describe_next, distance_label
from bot.coach.prescription import Prescription

MILE_REPS = Prescription(6, 216.6, 220.6, 120.0, 1609.344, None)


def test_next_mile_reps_in_miles() -> None:
    text = describe_next(date(2026, 12, 10), MILE_REPS, "mi")
    assert text == "next Thursday 6 x 1 mi at 5:49-5:55/mi, 2:00 recovery"


def test_next_mile_reps_in_km() -> None:
    text = describe_next(date(2026, 12, 10), MILE_REPS, "km")
    assert text == "next Thursday 6 x 1 mi at 3:37-3:41/km, 2:00 recovery"


def test_next_track_reps_in_seconds() -> None:
    reps = Prescription(15, 173.0, 177.0, 60.0, 400.0, None)
    text = describe_next(date(2026, 12, 8), reps, "mi")
    assert text == "next Tuesday 15 x 400 m at 69.2-70.8 s, 60 s recovery"


def test_distance_label_km() -> None:
    assert distance_label(2000.0) == "2 km"


def test_distance_label_half_mile() -> None:
    assert distance_label(804.672) == "0.5 mi"
