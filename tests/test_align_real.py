"""Alignment and matching on real device files and recorded Strava payloads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activities.files import load_activity_file
from bot.activities.model import Activity
from bot.analysis import analyze, match_session, needs_streams
from bot.plan import PlannedSession
from bot.workouts.model import Workout
from bot.workouts.text import parse_workout
from tests.helpers import session_around

BERLIN = ZoneInfo("Europe/Berlin")
OSLO = ZoneInfo("Europe/Oslo")
TRACK_FILE = "run-stats/6761214480_ACTIVITY.fit"
DEVICE_REP_TIMES = [79.453, 79.073, 84.739, 84.886, 83.768, 82.898]
TRACK_TEXT = "2km warmup; 6x(400m @ 3:20-3:30/km, 200m recovery); 1km cooldown"
STRAVA_TEXT = "2km warmup; 5x(1km @ 4:55-5:05/km, 70s rest); 1km cooldown"


def session(text: str, day: date, name: str = "Intervals") -> PlannedSession:
    workout = parse_workout(text, name=name)
    return planned(workout, day, text)


def planned(workout: Workout, day: date, text: str = "") -> PlannedSession:
    return session_around(workout, day, session_id=f"intervals-{day}", key="intervals", text=text)


def load_fit(real_data: Path, name: str, zone: ZoneInfo = BERLIN) -> Activity:
    result = load_activity_file(real_data / name, zone)
    assert result.activity is not None, result.error
    return result.activity


def load_strava(real_data: Path, name: str) -> Activity:
    from stravalib.model import DetailedActivity

    from bot.activities.strava import activity_from_strava

    raw = json.loads((real_data / "treshlaps-activities" / name).read_text())
    return activity_from_strava(DetailedActivity.model_validate(raw), OSLO)


def test_track_embedded_workout(real_data: Path) -> None:
    activity = load_fit(real_data, TRACK_FILE)
    assert isinstance(activity.embedded_workout, Workout)
    analysis = analyze(activity.embedded_workout, activity)
    assert analysis.method == "step_index"
    assert [rep.distance_m for rep in analysis.reps] == [400.0] * 6
    for rep, device in zip(analysis.reps, DEVICE_REP_TIMES, strict=True):
        assert abs(rep.time_s - device) <= 0.5
    assert [r.distance_m for r in analysis.recoveries] == [200.0] * 6


def test_track_calendar_session(real_data: Path) -> None:
    activity = load_fit(real_data, TRACK_FILE)
    activity.embedded_workout = None
    result = match_session(session(TRACK_TEXT, date(2021, 5, 11)), [activity])
    assert result.activity is activity
    assert result.analysis is not None
    # The calendar workout has the same FIT step order as the one the watch ran.
    assert result.analysis.method == "step_index"
    times = [rep.time_s for rep in result.analysis.reps]
    assert times == pytest.approx(DEVICE_REP_TIMES, abs=0.5)
    assert [r.distance_m for r in result.analysis.recoveries] == [200.0] * 6


def test_track_streams_without_laps(real_data: Path) -> None:
    activity = load_fit(real_data, TRACK_FILE)
    assert isinstance(activity.embedded_workout, Workout)
    activity.laps = []
    analysis = analyze(activity.embedded_workout, activity)
    assert analysis.method == "streams"
    assert len(analysis.reps) == 6
    for rep, device in zip(analysis.reps, DEVICE_REP_TIMES, strict=True):
        assert abs(rep.time_s - device) <= 2.0


def test_track_streams_with_calendar_targets(real_data: Path) -> None:
    activity = load_fit(real_data, TRACK_FILE)
    activity.laps = []
    analysis = analyze(parse_workout(TRACK_TEXT), activity)
    for rep, device in zip(analysis.reps, DEVICE_REP_TIMES, strict=True):
        assert abs(rep.time_s - device) <= 2.0


def test_ipbike_six_minute_reps(real_data: Path) -> None:
    activity = load_fit(real_data, "goldencheetah/IpBike-HRV-Data.fit", ZoneInfo("UTC"))
    text = "5min warmup; 4x(6min @ 3:50-4:00/km, 3min recovery); 5min cooldown"
    result = match_session(session(text, activity.local_date), [activity])
    assert result.analysis is not None
    reps = result.analysis.reps
    assert [rep.time_s for rep in reps] == [360.0] * 4
    assert [round(rep.distance_m) for rep in reps] == [1637, 1617, 1422, 1419]
    assert [r.duration_s for r in result.analysis.recoveries] == [180.0] * 4
    assert result.analysis.metrics.hr_drift_bpm is not None


def test_strava_kilometre_reps(real_data: Path) -> None:
    activity = load_strava(real_data, "DetailedActivity.5776260527.json")
    result = match_session(session(STRAVA_TEXT, date(2021, 8, 11)), [activity])
    assert result.activity is activity
    assert result.analysis is not None
    assert [rep.time_s for rep in result.analysis.reps] == [311, 306, 293, 283, 285]


def test_easy_run_not_matched(real_data: Path) -> None:
    activity = load_strava(real_data, "DetailedActivity.1275055990.json")
    result = match_session(session(STRAVA_TEXT, date(2017, 11, 14)), [activity])
    assert result.activity is None
    assert result.reason.startswith("not done")


def test_easy_run_needs_streams(real_data: Path) -> None:
    activity = load_strava(real_data, "DetailedActivity.1275055990.json")
    analysis = analyze(parse_workout(STRAVA_TEXT), activity)
    assert needs_streams(analysis)


def test_ipbike_streams_without_laps(real_data: Path) -> None:
    activity = load_fit(real_data, "goldencheetah/IpBike-HRV-Data.fit", ZoneInfo("UTC"))
    activity.laps = []
    text = "5min warmup; 4x(6min @ 3:50-4:00/km, 3min recovery); 5min cooldown"
    analysis = analyze(parse_workout(text), activity)
    assert analysis.method == "streams"
    distances = [rep.distance_m for rep in analysis.reps]
    assert distances == pytest.approx([1637, 1617, 1422, 1419], abs=10)
    starts = [analysis.steps[r.step_index].start_s for r in analysis.reps]
    assert starts == pytest.approx([300, 840, 1380, 1920], abs=3)


def test_track_other_step_order(real_data: Path) -> None:
    activity = load_fit(real_data, TRACK_FILE)
    text = "2km warmup; 1km @ 4:50-5:10/km; 6x(400m @ 3:20-3:30/km, 200m recovery); 1km cooldown"
    analysis = analyze(parse_workout(text), activity)
    assert analysis.method == "laps"
    times = [rep.time_s for rep in analysis.reps]
    assert times == pytest.approx(DEVICE_REP_TIMES, abs=0.5)


def test_easy_run_streams_flag(real_data: Path) -> None:
    activity = load_strava(real_data, "DetailedActivity.1275055990.json")
    result = match_session(session(STRAVA_TEXT, date(2017, 11, 14)), [activity])
    assert result.needs_streams
    assert result.candidate is activity
