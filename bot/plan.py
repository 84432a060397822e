"""The plan: calendar sessions resolved to absolute workouts.

A tuned prescription stored by the coach replaces the calendar's text for its
session until the calendar's own text for that session changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.coach.bounds import TuningBounds
from bot.workouts.model import Workout


@dataclass(frozen=True)
class TunedPrescription:
    session_id: str
    text: str  # compact workout text that replaces the calendar's
    calendar_text: str  # the calendar's text when the tuning was decided
    reason: str


@dataclass(frozen=True)
class PlannedSession:
    id: str
    date: date
    workout_key: str  # the workout family
    title: str
    calendar_text: str
    text: str  # effective text: the tuned one when it applies, else the calendar's
    workout: Workout  # effective workout with absolute pace targets
    calendar_workout: Workout
    bounds: TuningBounds
    days_to_race: int
    tuned: TunedPrescription | None = None
    note: str | None = None
