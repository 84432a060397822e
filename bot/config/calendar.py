"""The training calendar: athlete, race, workout library and sessions.

These types are what the rest of peakbot reads; bot.config.load builds them from
YAML and reports every problem with the file, line and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from bot.coach.bounds import TuningBounds


@dataclass(frozen=True)
class RaceResult:
    distance_m: float
    time_s: float
    date: date | None = None


@dataclass(frozen=True)
class Athlete:
    name: str
    timezone: ZoneInfo
    units: Literal["km", "mi"] = "km"
    race_result: RaceResult | None = None
    # Explicit paces in seconds per km by label ("5k", "10k", "HM", "MP", "E", "M", "T", "I",
    # "R"); they override paces derived from the race result.
    paces_s_per_km: dict[str, float] = field(default_factory=dict)
    # Half-width of the band a single pace becomes, in seconds per km.
    pace_tolerance_s_per_km: float = 2.0


@dataclass(frozen=True)
class Race:
    name: str
    date: date
    goal_time_s: float | None = None
    distance_m: float = 42195.0


@dataclass(frozen=True)
class WorkoutDef:
    key: str  # key in the library, also the workout family
    title: str  # name the runner recognises, shown on the watch
    text: str
    bounds: TuningBounds = field(default_factory=TuningBounds)
    line: int | None = None  # line of the workout's text in the calendar file


@dataclass(frozen=True)
class SessionDef:
    id: str  # explicit `id:` or "<workout key>-<n>", n counting that workout's sessions by date
    date: date  # local date in the athlete's time zone
    workout_key: str
    note: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Calendar:
    path: Path
    athlete: Athlete
    race: Race
    workouts: dict[str, WorkoutDef]
    sessions: list[SessionDef]  # sorted by date
