"""An easy run with 1 km auto-laps and full streams matches no interval session.

The real easy run on Strava has no streams, so matching it stops at "load its
streams". Here a simulated steady run at 5:20-5:40/km carries 1 Hz streams, as
a synced run would once its streams are loaded.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.activities.model import Activity, Lap
from bot.analysis import match_session
from bot.coach.bounds import TuningBounds
from bot.plan import PlannedSession
from bot.simulator import SimulatedRunner
from bot.workouts.text import parse_workout

DAY = date(2026, 3, 3)
KILOMETRE_REPS = "2km warmup; 5x(1km @ 4:55-5:05/km, 70s rest); 1km cooldown"
SPEED_SHARPEN = "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 2:55-2:57/km, 60s rest); 5min cooldown"


def planned(text: str) -> PlannedSession:
    workout = parse_workout(text, name="Intervals")
    return PlannedSession(
        id="intervals-1",
        date=DAY,
        workout_key="intervals",
        title=workout.name,
        calendar_text=text,
        text=text,
        workout=workout,
        calendar_workout=workout,
        bounds=TuningBounds(),
        days_to_race=40,
    )


def easy_run() -> Activity:
    """Return a steady 11 km at 5:20-5:40/km with streams and a lap every kilometre."""
    activity = SimulatedRunner(172.0, seed=3).run(parse_workout("11km @ 5:20-5:40/km"), DAY)
    streams = activity.streams
    assert streams is not None and streams.distance_m is not None
    laps: list[Lap] = []
    start_t, start_d = 0.0, 0.0
    for t, d in zip(streams.time_s, streams.distance_m, strict=True):
        if d - start_d >= 1000.0:
            laps.append(Lap(start_t, d - start_d, t - start_t, t - start_t))
            start_t, start_d = t, d
    end_t, end_d = streams.time_s[-1], streams.distance_m[-1]
    laps.append(Lap(start_t, end_d - start_d, end_t - start_t, end_t - start_t))
    activity.laps = laps
    return activity


def test_easy_run_not_kilometre_reps() -> None:
    result = match_session(planned(KILOMETRE_REPS), [easy_run()])
    assert result.activity is None


@pytest.mark.xfail(
    strict=False,
    reason="the speed-stream fallback finds 8 'reps' of 170-260 m at easy pace in a steady "
    "run and matches it to the 15 x 400 m session (fit 0.53)",
)
def test_easy_run_not_speed_sharpen() -> None:
    result = match_session(planned(SPEED_SHARPEN), [easy_run()])
    assert result.activity is None
