"""An easy run with 1 km auto-laps and full streams matches no interval session.

The real easy run on Strava has no streams, so matching it stops at "load its
streams". Here a simulated steady run at 5:20-5:40/km carries 1 Hz streams, as
a synced run would once its streams are loaded. A session whose reps are real but
too slow is still that session, and the coach eases after it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from bot.activities.model import Activity
from bot.analysis import match_session
from bot.coach import decide_next
from bot.coach.prescription import read_prescription
from bot.plan import PlannedSession
from bot.simulator import SimulatedRunner
from bot.workouts.text import parse_workout
from tests.helpers import kilometre_laps, session_around

DAY = date(2026, 3, 3)
KILOMETRE_REPS = "2km warmup; 5x(1km @ 4:55-5:05/km, 70s rest); 1km cooldown"
SPEED_SHARPEN = "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 2:55-2:57/km, 60s rest); 5min cooldown"
# The same session run with every rep at 3:15/km, 11 % slower than the target.
SLOW_SPEED_SHARPEN = (
    "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 3:14-3:16/km, 60s rest); 5min cooldown"
)


def planned(text: str) -> PlannedSession:
    workout = parse_workout(text, name="Intervals")
    return session_around(workout, DAY, session_id="intervals-1", key="intervals", text=text)


def easy_run() -> Activity:
    """Return a steady 11 km at 5:20-5:40/km with streams and a lap every kilometre."""
    activity = SimulatedRunner(172.0, seed=3).run(parse_workout("11km @ 5:20-5:40/km"), DAY)
    activity.laps = kilometre_laps(activity)
    return activity


def slow_session() -> Activity:
    """Return 15 x 400 m at 3:15/km with streams and a lap every kilometre."""
    activity = SimulatedRunner(195.0, seed=3).run(parse_workout(SLOW_SPEED_SHARPEN), DAY)
    activity.laps = kilometre_laps(activity)
    return activity


def test_easy_run_not_kilometre_reps() -> None:
    result = match_session(planned(KILOMETRE_REPS), [easy_run()])
    assert result.activity is None


def test_easy_run_not_speed_sharpen() -> None:
    result = match_session(planned(SPEED_SHARPEN), [easy_run()])
    assert result.activity is None
    assert result.reason.startswith("not done")


def test_slow_reps_still_matched() -> None:
    run = slow_session()
    result = match_session(planned(SPEED_SHARPEN), [run])
    assert result.activity is run
    assert result.analysis is not None
    assert result.analysis.method == "streams"
    assert result.analysis.metrics.reps_completed == 15


def test_slow_reps_measured_slow() -> None:
    result = match_session(planned(SPEED_SHARPEN), [slow_session()])
    assert result.analysis is not None
    metrics = result.analysis.metrics
    assert metrics.mean_time_per_400m_s is not None
    # 3:15/km is 78 s per 400 m against 70.4 s prescribed.
    assert 77.0 < metrics.mean_time_per_400m_s < 79.5
    assert metrics.colour != "green"


def test_slow_reps_ease_next() -> None:
    session = planned(SPEED_SHARPEN)
    result = match_session(session, [slow_session()])
    next_session = replace(session, id="intervals-2", date=DAY + timedelta(days=7))
    decision = decide_next(
        "speed", [(session, result.analysis)], next_session, session.bounds, days_to_race=33
    )
    numbers = read_prescription(decision.workout)
    assert decision.action == "ease"
    assert numbers is not None
    assert numbers.mid_s_per_km > 176.0
