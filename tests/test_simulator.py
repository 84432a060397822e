"""The simulated runner, its FIT files and the closed loop of analysis and tuning."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activities.files import load_activity_file
from bot.analysis import analyze
from bot.coach.bounds import TuningBounds
from bot.simulator import SimulatedRunner, make_sessions, simulate_block, write_activity_fit
from bot.workouts.text import parse_workout

TEXT = "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 2:55-2:57/km, 60s rest); 5min cooldown"
RACE = date(2026, 4, 26)
PRESCRIBED = 176.0
BOUNDS = TuningBounds(
    min_reps=10, max_reps=18, max_pace_change_s_per_km=2.0, min_recovery_s=45, max_recovery_s=90
)
SEEDS = range(1, 6)
# With seed 6 the coach stays one session longer at 1 % under capability than with seeds 1-5.
SETTLE_SEEDS = range(1, 11)


def block(capability: float, trend: float, seed: int, adapt: bool = True):  # type: ignore[no-untyped-def]
    workout = parse_workout(TEXT, name="Speed Sharpen")
    days = [RACE - timedelta(days=63 - 7 * k) for k in range(7)]
    sessions = make_sessions(workout, days, RACE, bounds=BOUNDS, text=TEXT)
    runner = SimulatedRunner(capability, trend_pct_per_session=trend, seed=seed)
    return simulate_block(runner, sessions, adapt=adapt)


def test_runner_hits_target_under_capability() -> None:
    workout = parse_workout(TEXT)
    analysis = analyze(workout, SimulatedRunner(170.0).run(workout, RACE))
    assert analysis.metrics.reps_completed == 15
    assert abs(analysis.metrics.mean_deviation_pct or 0.0) < 0.5


def test_runner_drops_reps_far_over() -> None:
    workout = parse_workout(TEXT)
    analysis = analyze(workout, SimulatedRunner(185.0).run(workout, RACE))
    assert (analysis.metrics.reps_completed or 0) < 15


def test_runner_streams_at_one_hertz() -> None:
    activity = SimulatedRunner(176.0).run(parse_workout(TEXT), RACE)
    assert activity.streams is not None
    assert activity.streams.heart_rate is not None
    assert activity.streams.cadence is not None
    steps = [
        b - a for a, b in zip(activity.streams.time_s, activity.streams.time_s[1:], strict=False)
    ]
    assert max(steps) <= 1.0 + 1e-6
    assert len(activity.laps) == 33


# Every prescription after this many sessions must be within 1 % of capability.
SETTLE_SESSIONS = 4


@pytest.mark.parametrize("seed", SETTLE_SEEDS)
def test_block_settles_within_one_pct(seed: int) -> None:
    gaps = block(PRESCRIBED * 0.98, -0.1, seed).gaps_pct()
    settled = gaps[SETTLE_SESSIONS:]
    assert settled, gaps
    assert all(abs(g) <= 1.0 for g in settled), gaps


@pytest.mark.parametrize("seed", SEEDS)
def test_block_never_two_pct_fast(seed: int) -> None:
    gaps = block(PRESCRIBED * 0.98, -0.1, seed).gaps_pct()
    assert max(gaps) <= 2.0, gaps


@pytest.mark.parametrize("seed", SEEDS)
def test_tired_runner_never_faster(seed: int) -> None:
    result = block(PRESCRIBED * 1.01, 0.5, seed)
    paces = [s.prescribed_s_per_km for s in result.sessions]
    assert all(b >= a for a, b in itertools.pairwise(paces)), paces


def test_fixed_plan_never_changes() -> None:
    result = block(PRESCRIBED * 0.98, -0.1, 1, adapt=False)
    assert {s.prescribed_s_per_km for s in result.sessions} == {PRESCRIBED}


def test_fit_round_trip(tmp_path: Path) -> None:
    workout = parse_workout(TEXT, name="Speed Sharpen")
    activity = SimulatedRunner(172.0).run(workout, RACE)
    path = tmp_path / "run.fit"
    write_activity_fit(activity, path, workout)
    loaded = load_activity_file(path, ZoneInfo("UTC"))
    assert loaded.activity is not None, loaded.error
    assert len(loaded.activity.laps) == 33
    assert loaded.activity.local_date == RACE
    assert loaded.activity.embedded_workout is not None
    analysis = analyze(loaded.activity.embedded_workout, loaded.activity)  # type: ignore[arg-type]
    direct = analyze(workout, activity)
    assert analysis.method == "step_index"
    assert [r.time_s for r in analysis.reps] == pytest.approx(
        [r.time_s for r in direct.reps], abs=0.01
    )


def test_fit_without_workout(tmp_path: Path) -> None:
    activity = SimulatedRunner(172.0).run(parse_workout(TEXT), RACE)
    path = tmp_path / "run.fit"
    write_activity_fit(activity, path)
    loaded = load_activity_file(path, ZoneInfo("UTC"))
    assert loaded.activity is not None
    assert loaded.activity.embedded_workout is None
    assert loaded.activity.streams is not None
    assert abs(loaded.activity.distance_m - activity.distance_m) < 0.1
