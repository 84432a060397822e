"""Steady runs (long, easy, marathon pace) judged whole, and the one rep verdict."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activities.files import load_activity_file
from bot.activities.model import Activity
from bot.analysis import analyze, match_session
from bot.analysis.model import RepMetrics, band_verdict
from bot.analysis.steady import is_steady
from bot.coach import decide_next
from bot.coach.bounds import TuningBounds
from bot.plan import PlannedSession
from bot.simulator import SimulatedRunner
from bot.workouts.model import EndCondition, PaceRange, Step, StepKind, Workout
from bot.workouts.text import parse_workout
from tests.helpers import kilometre_laps, session_around

DAY = date(2026, 10, 1)
UTC = ZoneInfo("UTC")
LONG_TEXT = "32km @ 4:25-4:29/km"
TRACK_TEXT = "2km warmup; 6x(400m @ 3:20-3:30/km, 200m recovery); 1km cooldown"
SPEED_SHARPEN = "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 2:55-2:57/km, 60s rest); 5min cooldown"


def easy_workout(km: float = 10.0) -> Workout:
    """Return "10km @ E" as the calendar resolves it: a band labelled E."""
    step = Step(StepKind.ACTIVE, EndCondition.distance(km * 1000), PaceRange(298.0, 302.0, "E"))
    return Workout("Easy 10 km", (step,))


def planned(
    workout: Workout, day: date = DAY, bounds: TuningBounds | None = None
) -> PlannedSession:
    return session_around(workout, day, session_id=f"steady-{day}", key="steady", bounds=bounds)


def simulated(text: str, day: date = DAY) -> Activity:
    """Return the run of `text` with 1 Hz streams and a lap every kilometre."""
    activity = SimulatedRunner(172.0, seed=3).run(parse_workout(text), day)
    activity.laps = kilometre_laps(activity)
    return activity


def load(real_data: Path, name: str) -> Activity:
    result = load_activity_file(real_data / name, UTC)
    assert result.activity is not None, result.error
    return result.activity


# --- Which workouts are steady -------------------------------------------------------------


def test_steady_single_step() -> None:
    assert is_steady(parse_workout(LONG_TEXT))


def test_steady_warmup_cooldown() -> None:
    assert is_steady(parse_workout("2km warmup; 16km @ 3:40-3:45/km; 2km cooldown"))


def test_steady_not_intervals() -> None:
    assert not is_steady(parse_workout(TRACK_TEXT))


# --- A long run with auto-laps, from a real file -------------------------------------------


def test_long_run_method(real_data: Path) -> None:
    analysis = analyze(parse_workout(LONG_TEXT), load(real_data, "runalyze/Standard.tcx"))
    assert analysis.method == "steady"


def test_long_run_no_reps(real_data: Path) -> None:
    analysis = analyze(parse_workout(LONG_TEXT), load(real_data, "runalyze/Standard.tcx"))
    assert analysis.reps == []


def test_long_run_distance_share(real_data: Path) -> None:
    analysis = analyze(parse_workout(LONG_TEXT), load(real_data, "runalyze/Standard.tcx"))
    assert analysis.metrics.distance_share == pytest.approx(0.6945, abs=0.001)


def test_long_run_moving_pace(real_data: Path) -> None:
    activity = load(real_data, "runalyze/Standard.tcx")
    analysis = analyze(parse_workout(LONG_TEXT), activity)
    expected = activity.moving_time_s / activity.distance_m * 1000
    assert analysis.metrics.pace_s_per_km == pytest.approx(expected, abs=0.1)


def test_long_run_note(real_data: Path) -> None:
    analysis = analyze(parse_workout(LONG_TEXT), load(real_data, "runalyze/Standard.tcx"))
    assert analysis.notes[0].startswith("steady run: 22.2 of 32.0 km (69 %) at 4:54/km")


def test_long_run_drift(real_data: Path) -> None:
    analysis = analyze(parse_workout(LONG_TEXT), load(real_data, "runalyze/Standard.tcx"))
    assert analysis.metrics.pace_drift_pct is not None


def test_long_run_matched(real_data: Path) -> None:
    activity = load(real_data, "runalyze/Standard.tcx")
    result = match_session(planned(parse_workout(LONG_TEXT), activity.local_date), [activity])
    assert result.activity is activity


# --- Easy runs: slow is fine, much faster is flagged ---------------------------------------


def test_easy_slow_green() -> None:
    analysis = analyze(easy_workout(), simulated("10km @ 5:20-5:20/km"))
    assert analysis.metrics.colour == "green"


def test_easy_slow_verdict() -> None:
    analysis = analyze(easy_workout(), simulated("10km @ 5:20-5:20/km"))
    assert analysis.metrics.pace_verdict == "slow"


def test_easy_fast_flagged() -> None:
    analysis = analyze(easy_workout(), simulated("10km @ 4:15-4:15/km"))
    assert analysis.metrics.colour != "green"


def test_easy_fast_note() -> None:
    analysis = analyze(easy_workout(), simulated("10km @ 4:15-4:15/km"))
    assert "too fast for an easy run" in analysis.notes[0]


def test_easy_short_scored_by_distance() -> None:
    analysis = analyze(easy_workout(), simulated("5km @ 5:00-5:00/km"))
    assert analysis.metrics.compliance == 50


def test_easy_run_matched() -> None:
    run = simulated("10km @ 5:10-5:10/km")
    result = match_session(planned(easy_workout()), [run])
    assert result.activity is run


def test_easy_run_not_intervals() -> None:
    result = match_session(planned(parse_workout(SPEED_SHARPEN)), [simulated("11km @ 5:30/km")])
    assert result.activity is None


# --- Warm-up, steady part, cool-down -------------------------------------------------------

MP_TEXT = "2km warmup; 8km @ 4:20-4:30/km; 1km cooldown"


def test_steady_part_distance() -> None:
    analysis = analyze(parse_workout(MP_TEXT), simulated(MP_TEXT))
    assert analysis.metrics.steady_distance_m == pytest.approx(8000, abs=60)


def test_steady_part_pace() -> None:
    analysis = analyze(parse_workout(MP_TEXT), simulated(MP_TEXT))
    assert analysis.metrics.pace_verdict == "in"


def test_steady_part_green() -> None:
    analysis = analyze(parse_workout(MP_TEXT), simulated(MP_TEXT))
    assert analysis.metrics.colour == "green"


def test_steady_part_laps_only() -> None:
    run = simulated(MP_TEXT)
    run.streams = None
    analysis = analyze(parse_workout(MP_TEXT), run)
    assert analysis.metrics.steady_distance_m == pytest.approx(8000, abs=60)
    assert analysis.metrics.pace_verdict == "in"


def test_steady_totals_only() -> None:
    run = simulated("10km @ 5:00/km")
    run.laps, run.streams = [], None
    analysis = analyze(easy_workout(), run)
    assert analysis.metrics.pace_s_per_km == pytest.approx(300.0, abs=3)


def test_timed_share() -> None:
    analysis = analyze(parse_workout("60min @ 5:00-5:10/km"), simulated("50min @ 5:05/km"))
    assert analysis.metrics.time_share == pytest.approx(50 / 60, abs=0.01)


def test_timed_note() -> None:
    analysis = analyze(parse_workout("60min @ 5:00-5:10/km"), simulated("50min @ 5:05/km"))
    assert analysis.notes[0].startswith("steady run: 50:00 of 1:00:00 (83 %)")


# --- The coach keeps steady families -------------------------------------------------------


def steady_decision(bounds: TuningBounds) -> str:
    workout = parse_workout(LONG_TEXT, name="Long run")
    first = planned(workout, DAY, bounds)
    following = planned(workout, DAY + timedelta(days=7), bounds)
    analysis = analyze(workout, simulated("22km @ 5:04/km"))
    decision = decide_next("long", [(first, analysis)], following, bounds, days_to_race=30)
    assert decision.action == "hold"
    assert decision.workout == workout
    return decision.reason


def test_coach_steady_reason() -> None:
    reason = steady_decision(TuningBounds())
    assert reason.startswith("steady run: 22.0 of 32.0 km (69 %) at 5:04/km, band 4:25-4:29/km")


def test_coach_steady_no_change() -> None:
    assert steady_decision(TuningBounds()).endswith("; no change")


def test_coach_tune_false() -> None:
    assert "tune: false" in steady_decision(TuningBounds(tune=False))


# --- Runs with one lap look for reps in the stream -----------------------------------------


def test_single_lap_streams(real_data: Path) -> None:
    activity = load(real_data, "runalyze/strava-export.gpx")
    analysis = analyze(parse_workout(TRACK_TEXT), activity)
    assert analysis.method == "streams"


def test_single_lap_no_reps(real_data: Path) -> None:
    activity = load(real_data, "runalyze/strava-export.gpx")
    analysis = analyze(parse_workout(TRACK_TEXT), activity)
    assert analysis.reps == []


def test_single_lap_note(real_data: Path) -> None:
    activity = load(real_data, "runalyze/strava-export.gpx")
    analysis = analyze(parse_workout(TRACK_TEXT), activity)
    assert "not done: no interval structure found in the speed stream" in analysis.notes


def test_single_lap_not_matched(real_data: Path) -> None:
    activity = load(real_data, "runalyze/strava-export.gpx")
    result = match_session(planned(parse_workout(TRACK_TEXT), activity.local_date), [activity])
    assert result.activity is None


def test_single_lap_reason(real_data: Path) -> None:
    activity = load(real_data, "runalyze/strava-export.gpx")
    result = match_session(planned(parse_workout(TRACK_TEXT), activity.local_date), [activity])
    assert result.reason.endswith("no interval structure found in the speed stream")


# --- One verdict for every rep --------------------------------------------------------------


def rep(time_s: float, fast: float = 198.0, slow: float = 202.0) -> RepMetrics:
    pace = time_s / 400 * 1000
    return RepMetrics(1, 0, 400.0, time_s, pace, time_s, None, None, fast, slow, None, None)


def test_verdict_grace() -> None:
    # 79.1 s is 197.75 s/km, 0.25 s/km faster than the band: inside the margin.
    assert rep(79.1).verdict == "in"


def test_verdict_fast() -> None:
    assert rep(78.9).verdict == "fast"


def test_verdict_slow() -> None:
    assert rep(81.1).verdict == "slow"


def test_verdict_no_target() -> None:
    assert rep(80.0, fast=None, slow=None).verdict is None  # type: ignore[arg-type]


def test_band_time_holds_in_reps() -> None:
    band = rep(79.1).band_time_s
    assert band is not None
    assert band[0] <= 79.1 <= band[1]


def test_band_verdict_edges() -> None:
    assert [band_verdict(p, 198.0, 202.0) for p in (197.5, 202.5, 197.4, 202.6)] == [
        "in",
        "in",
        "fast",
        "slow",
    ]


def test_track_counts_agree(real_data: Path) -> None:
    activity = load(real_data, "run-stats/6761214480_ACTIVITY.fit")
    text = "2km warmup; 6x(400m @ 3:18-3:22/km, 200m recovery); 1km cooldown"
    analysis = analyze(parse_workout(text), activity)
    verdicts = [r.verdict for r in analysis.reps]
    assert analysis.metrics.reps_in_band == verdicts.count("in")


def test_track_rep_two_in(real_data: Path) -> None:
    activity = load(real_data, "run-stats/6761214480_ACTIVITY.fit")
    text = "2km warmup; 6x(400m @ 3:18-3:22/km, 200m recovery); 1km cooldown"
    analysis = analyze(parse_workout(text), activity)
    assert [r.verdict for r in analysis.reps[:2]] == ["in", "in"]
