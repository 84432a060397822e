"""Workout text language: parse the runner's notation into a Workout and render it back."""

from __future__ import annotations

from bot.errors import UserInputError
from bot.workouts.athlete import AthletePaces
from bot.workouts.model import PaceRange, Workout


class WorkoutTextError(UserInputError):
    """Workout text that cannot be read; `line` and `column` count from 1."""

    def __init__(self, message: str, *, line: int, column: int, text: str) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.line = line
        self.column = column
        self.text = text


def parse_workout(
    text: str,
    *,
    paces: AthletePaces | None = None,
    tolerance_s_per_km: float = 2.0,
    name: str = "",
) -> Workout:
    raise NotImplementedError


def render_workout(workout: Workout, *, decimals: int = 1) -> str:
    raise NotImplementedError


def parse_pace_target(
    expr: str,
    *,
    paces: AthletePaces | None = None,
    tolerance_s_per_km: float = 2.0,
    rep_distance_m: float | None = None,
) -> PaceRange:
    raise NotImplementedError
