"""Set-up shared by several test modules: example files, calendars, sessions, laps."""

from __future__ import annotations

import io
import os
import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activities.model import Activity, Lap
from bot.coach.bounds import TuningBounds
from bot.config.settings import Settings
from bot.notify.deliver import Notifier
from bot.plan import PlannedSession
from bot.service.calendar_watch import CalendarWatch
from bot.service.clock import ManualClock
from bot.service.cycle import Cycle
from bot.store.db import Store
from bot.workouts.model import Workout
from tests.conftest import REPO_ROOT

LONDON = ZoneInfo("Europe/London")
SESSION_DAY = date(2023, 3, 28)  # the day of the example Speed Sharpen FIT file

# A Berlin runner's track session on the day of the real 6 x 400 m FIT file, and the next one.
TRACK_CALENDAR = """\
athlete:
  name: Test
  timezone: Europe/Berlin
  units: km
race:
  name: Summer Marathon
  date: 2021-07-11
workouts:
  track:
    title: Track 6 x 400 m
    text: "2km warmup; 6x(400m @ 3:20-3:30/km, 200m recovery); 1km cooldown"
    tuning: {min_reps: 4, max_reps: 8, max_pace_change: 2s/km}
sessions:
  - {date: 2021-05-11, workout: track}
  - {date: 2021-05-18, workout: track}
"""


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """Return the London wall-clock time on `day`."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def example_settings(tmp_path: Path) -> Settings:
    """Copy the example calendar and FIT run under tmp_path and return settings that use them."""
    shutil.copytree(REPO_ROOT / "config", tmp_path / "config")
    activities = tmp_path / "activities"
    activities.mkdir()
    shutil.copy(REPO_ROOT / "examples" / "activities" / "speed-sharpen-2023-03-28.fit", activities)
    return Settings(
        config_path=tmp_path / "config" / "calendar.yaml",
        data_dir=tmp_path / "data",
        activity_dir=activities,
    )


def example_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Enter tmp_path with the example calendar as cal.yaml.

    Unsets every PEAKBOT_, GARMIN_ and STRAVA_ variable, so only the test's own settings apply.
    """
    shutil.copy(REPO_ROOT / "config" / "calendar.yaml", tmp_path / "cal.yaml")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("PEAKBOT_", "GARMIN_", "STRAVA_")):
            monkeypatch.delenv(name)
    return tmp_path


def make_cycle(settings: Settings, store: Store, clock: ManualClock) -> tuple[Cycle, io.StringIO]:
    """Build a cycle on the loaded calendar whose summaries go to the returned text buffer."""
    out = io.StringIO()
    watch = CalendarWatch(settings.config_path)
    watch.load()
    cycle = Cycle(settings, store, watch, clock=clock, notifier=Notifier([], out=out))
    return cycle, out


def kilometre_laps(activity: Activity) -> list[Lap]:
    """Return laps cut every kilometre from the streams, as a watch's auto-lap does."""
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
    return laps


def track_environment(tmp_path: Path) -> dict[str, str]:
    """Write TRACK_CALENDAR under tmp_path and return the environment that points peakbot at it."""
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text(TRACK_CALENDAR, encoding="utf-8")
    return {"PEAKBOT_DATA_DIR": str(tmp_path / "data"), "PEAKBOT_CONFIG": str(calendar)}


def session_around(
    workout: Workout,
    day: date,
    *,
    session_id: str,
    key: str,
    text: str = "",
    bounds: TuningBounds | None = None,
) -> PlannedSession:
    """Build a planned session of `workout` on `day`, 40 days before the race, for analysis."""
    return PlannedSession(
        id=session_id,
        date=day,
        workout_key=key,
        title=workout.name,
        calendar_text=text,
        text=text,
        workout=workout,
        calendar_workout=workout,
        bounds=bounds or TuningBounds(),
        days_to_race=40,
    )
