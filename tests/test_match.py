"""Matching a planned session to the run that executed it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.activities.model import Activity, Lap
from bot.analysis import match_session
from bot.plan import PlannedSession
from bot.simulator import SimulatedRunner
from bot.workouts.text import parse_workout
from tests.helpers import session_around

DAY = date(2026, 3, 3)
TEXT = "1km warmup; 6x(400m @ 2:55-2:57/km, 60s rest); 1km cooldown"


def session() -> PlannedSession:
    workout = parse_workout(TEXT, name="Reps")
    return session_around(workout, DAY, session_id="reps-1", key="reps", text=TEXT)


def executed(day: date = DAY) -> Activity:
    return SimulatedRunner(172.0).run(parse_workout(TEXT), day)


def easy_run() -> Activity:
    return Activity(
        source="file",
        source_id="easy",
        start_utc=datetime(2026, 3, 3, 18, tzinfo=UTC),
        local_date=DAY,
        distance_m=8000.0,
        moving_time_s=2880.0,
        elapsed_time_s=2880.0,
    )


def test_match_same_day() -> None:
    run = executed()
    result = match_session(session(), [run])
    assert result.activity is run
    assert result.score > 0.8


def test_match_other_day() -> None:
    result = match_session(session(), [executed(date(2026, 3, 4))])
    assert result.activity is None
    assert result.reason == "not done"


def test_match_ignores_rides() -> None:
    ride = replace(executed(), sport="cycling")
    assert match_session(session(), [ride]).activity is None


def test_match_best_of_two() -> None:
    run = executed()
    result = match_session(session(), [easy_run(), run])
    assert result.activity is run


def test_match_no_structure() -> None:
    result = match_session(session(), [replace(easy_run(), distance_m=15000.0)])
    assert result.activity is None
    assert result.reason.startswith("not done")


def test_auto_laps_ask_for_streams() -> None:
    run = executed()
    streams = run.streams
    total = run.elapsed_time_s
    run.laps = [Lap(0.0, run.distance_m, total, total)]
    run.streams = None
    first = match_session(session(), [run])
    assert first.activity is None
    assert first.needs_streams
    assert first.candidate is run

    run.streams = streams
    second = match_session(session(), [run])
    assert second.activity is run
    assert second.analysis is not None
    assert second.analysis.method == "streams"
