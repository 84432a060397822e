"""Stream fallback when a run's laps are 1 km auto-laps or a single lap."""

from __future__ import annotations

from datetime import date

import pytest

from bot.activities.model import Activity, Lap
from bot.analysis import analyze, needs_streams
from bot.simulator import SimulatedRunner
from bot.workouts.text import parse_workout

TEXT = "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 2:55-2:57/km, 60s rest); 5min cooldown"


def auto_laps(activity: Activity, every_m: float = 1000.0) -> list[Lap]:
    """Return laps cut every `every_m` metres from the activity's streams, as a watch would."""
    streams = activity.streams
    assert streams is not None and streams.distance_m is not None
    laps: list[Lap] = []
    start_t, start_d = 0.0, 0.0
    for t, d in zip(streams.time_s, streams.distance_m, strict=True):
        if d - start_d >= every_m:
            laps.append(Lap(start_t, d - start_d, t - start_t, t - start_t))
            start_t, start_d = t, d
    end_t, end_d = streams.time_s[-1], streams.distance_m[-1]
    laps.append(Lap(start_t, end_d - start_d, end_t - start_t, end_t - start_t))
    return laps


def simulated() -> tuple[Activity, list[float]]:
    workout = parse_workout(TEXT)
    activity = SimulatedRunner(172.0, seed=4).run(workout, date(2026, 3, 3))
    truth = [rep.time_s for rep in analyze(workout, activity).reps]
    return activity, truth


def test_auto_laps_use_streams() -> None:
    activity, truth = simulated()
    activity.laps = auto_laps(activity)
    analysis = analyze(parse_workout(TEXT), activity)
    assert analysis.method == "streams"
    assert [rep.time_s for rep in analysis.reps] == pytest.approx(truth, abs=0.2)


def test_auto_laps_without_streams() -> None:
    activity, _ = simulated()
    activity.laps = auto_laps(activity)
    activity.streams = None
    analysis = analyze(parse_workout(TEXT), activity)
    assert needs_streams(analysis)


def test_single_lap_uses_streams() -> None:
    activity, truth = simulated()
    activity.laps = [
        Lap(0.0, activity.distance_m, activity.elapsed_time_s, activity.elapsed_time_s)
    ]
    analysis = analyze(parse_workout(TEXT), activity)
    assert analysis.method == "streams"
    assert len(analysis.reps) == 15
    assert [rep.time_s for rep in analysis.reps] == pytest.approx(truth, abs=0.2)


def test_recoveries_from_streams() -> None:
    activity, _ = simulated()
    activity.laps = []
    analysis = analyze(parse_workout(TEXT), activity)
    assert len(analysis.recoveries) == 15
    durations = [r.duration_s for r in analysis.recoveries[:-1]]
    assert durations == pytest.approx([60.0] * 14, abs=2.0)
    assert all(r.hr_drop is not None and r.hr_drop > 0 for r in analysis.recoveries)


def test_stream_stop_after_nine() -> None:
    workout = parse_workout(TEXT)
    activity = SimulatedRunner(184.0, seed=2).run(workout, date(2026, 3, 3))
    done = analyze(workout, activity).metrics.reps_completed
    activity.laps = []
    analysis = analyze(workout, activity)
    assert analysis.metrics.reps_completed == done
    assert any("of 15 reps" in note for note in analysis.notes)


def test_missed_press_split_by_stream() -> None:
    activity, truth = simulated()
    # Rep 7 is lap 2 + 2 * 6; its rest is the next lap. Merge them as if lap was not pressed.
    index = 2 + 2 * 6
    rep, rest = activity.laps[index], activity.laps[index + 1]
    merged = Lap(
        rep.start_offset_s,
        rep.distance_m + rest.distance_m,
        rep.moving_time_s + rest.moving_time_s,
        rep.elapsed_time_s + rest.elapsed_time_s,
    )
    activity.laps[index : index + 2] = [merged]
    for lap in activity.laps:
        lap.step_index = None
    analysis = analyze(parse_workout(TEXT), activity)
    assert analysis.method == "laps"
    assert [rep.time_s for rep in analysis.reps] == pytest.approx(truth, abs=0.2)
