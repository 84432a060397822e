"""Lap alignment on the reference session with the lap presses runners get wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.activities.model import Activity, Lap
from bot.analysis import analyze
from bot.workouts.text import parse_workout

REFERENCE = """- 5min @ 6'00''/km
- 2.0km @ 4'00''/km
- 15 lots of:
- 400m @ 2'56''/km
- 1min rest
- 5min @ 6'00''/km"""

REP_TIMES = [
    70.4,
    70.1,
    70.6,
    70.9,
    70.3,
    70.5,
    70.2,
    70.8,
    71.0,
    70.6,
    70.4,
    70.9,
    71.1,
    70.7,
    70.5,
]


def reference_workout():  # type: ignore[no-untyped-def]
    return parse_workout(REFERENCE, name="Speed Sharpen")


def segments(reps: int = 15) -> list[tuple[float, float]]:
    """Return (distance m, duration s) for each step of the run, one per lap."""
    parts = [(833.0, 300.0), (2000.0, 482.0)]
    for number in range(reps):
        parts.append((400.0, REP_TIMES[number]))
        parts.append((55.0, 60.0))
    parts.append((850.0, 300.0))
    return parts


def activity_from(parts: list[tuple[float, float]]) -> Activity:
    laps = []
    offset = 0.0
    for distance, duration in parts:
        laps.append(Lap(offset, distance, duration, duration, avg_hr=150.0, max_hr=160.0))
        offset += duration
    return Activity(
        source="file",
        source_id="synthetic",
        start_utc=datetime(2026, 3, 3, 7, tzinfo=UTC),
        local_date=date(2026, 3, 3),
        distance_m=sum(p[0] for p in parts),
        moving_time_s=offset,
        elapsed_time_s=offset,
        avg_hr=150.0,
        laps=laps,
    )


def rep_times(parts: list[tuple[float, float]]) -> list[float]:
    analysis = analyze(reference_workout(), activity_from(parts))
    return [rep.time_s for rep in analysis.reps]


def test_reference_has_33_steps() -> None:
    assert len(reference_workout().flat_steps()) == 33


def test_clean_laps() -> None:
    analysis = analyze(reference_workout(), activity_from(segments()))
    assert analysis.method == "laps"
    assert analysis.confidence > 0.9
    assert [rep.time_s for rep in analysis.reps] == REP_TIMES
    assert analysis.metrics.reps_completed == 15


def test_extra_lap_press_inside_rep() -> None:
    parts = segments()
    # Rep 5 is step 2 + 2 * 4: the runner pressed lap 20 m before its end.
    index = 2 + 2 * 4
    duration = parts[index][1]
    parts[index : index + 1] = [(380.0, duration - 3.5), (20.0, 3.5)]
    assert rep_times(parts) == pytest.approx(REP_TIMES)


def test_extra_lap_press_in_recovery() -> None:
    parts = segments()
    # The runner pressed lap twice in the rest after rep 7.
    index = 3 + 2 * 6
    parts[index : index + 1] = [(37.0, 40.0), (18.0, 20.0)]
    analysis = analyze(reference_workout(), activity_from(parts))
    assert [rep.time_s for rep in analysis.reps] == REP_TIMES
    assert analysis.confidence > 0.8


def test_missed_lap_press() -> None:
    parts = segments()
    # No lap press at the end of rep 7: rep 7 and its rest are one lap.
    index = 2 + 2 * 6
    rep, rest = parts[index], parts[index + 1]
    parts[index : index + 2] = [(rep[0] + rest[0], rep[1] + rest[1])]
    analysis = analyze(reference_workout(), activity_from(parts))
    times = [rep.time_s for rep in analysis.reps]
    assert len(times) == 15
    assert times[:6] == REP_TIMES[:6]
    assert times[7:] == REP_TIMES[7:]
    assert abs(times[6] - 70.0) < 3.0
    assert any("missed lap press" in note for note in analysis.notes)


def test_merged_warmup() -> None:
    parts = segments()
    parts[0:2] = [(parts[0][0] + parts[1][0], parts[0][1] + parts[1][1])]
    assert rep_times(parts) == REP_TIMES


def test_warmup_split_by_auto_laps() -> None:
    parts = segments()
    parts[0:1] = [(500.0, 180.0), (333.0, 120.0)]
    assert rep_times(parts) == REP_TIMES


def test_stopped_after_nine_reps() -> None:
    parts = segments(reps=9)
    analysis = analyze(reference_workout(), activity_from(parts))
    assert [rep.time_s for rep in analysis.reps] == REP_TIMES[:9]
    assert analysis.metrics.reps_completed == 9
    assert analysis.metrics.reps_prescribed == 15
    assert analysis.steps[-1].kind == "cooldown"
    assert not analysis.steps[-1].missing
    assert analysis.confidence > 0.6


def test_stopped_without_cooldown() -> None:
    parts = segments(reps=9)[:-1]
    analysis = analyze(reference_workout(), activity_from(parts))
    assert analysis.metrics.reps_completed == 9
    assert analysis.steps[-1].missing
