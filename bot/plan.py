"""The plan: calendar sessions resolved to absolute workouts.

A tuned prescription stored by the coach replaces the calendar's text for the one
session it was decided for (same id, date and workout) until the calendar's own
text for that session changes.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.coach.bounds import TuningBounds
from bot.config.calendar import Athlete, Calendar, Race
from bot.errors import UserInputError
from bot.workouts.athlete import RACE_DISTANCES_M, AthletePaces
from bot.workouts.model import (
    DEFAULT_EASY_PACE_S_PER_KM,
    Block,
    EndCondition,
    EndKind,
    Repeat,
    Step,
    StepKind,
    Workout,
    easy_pace_s_per_km,
)
from bot.workouts.pace import Unit, format_distance, format_duration, format_pace
from bot.workouts.text import parse_workout

if TYPE_CHECKING:
    from bot.store.db import Store

logger = logging.getLogger(__name__)
# (session id, tuned text, calendar text) of each dropped prescription already logged.
_DROPPED_LOGGED: set[tuple[str, str, str]] = set()


@dataclass(frozen=True)
class TunedPrescription:
    session_id: str
    text: str  # compact workout text that replaces the calendar's
    calendar_text: str  # the calendar's text when the tuning was decided
    reason: str
    # The session's local date and workout key when the tuning was decided. A
    # prescription without them (from a caller that does not know them) is matched
    # by session id and calendar text only.
    session_date: date | None = None
    workout_key: str | None = None

    def fits(self, session_id: str, session_date: date, workout_key: str) -> bool:
        """True when this prescription was decided for that session id, date and workout."""
        return (
            self.session_id == session_id
            and (self.session_date is None or self.session_date == session_date)
            and (self.workout_key is None or self.workout_key == workout_key)
        )


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
    # Pace for estimating steps with no target, in s/km: the athlete's E pace when known.
    easy_pace_s_per_km: float = DEFAULT_EASY_PACE_S_PER_KM


def athlete_paces(athlete: Athlete, race: Race) -> AthletePaces | None:
    """Build the runner's paces: explicit paces, then the goal race pace, then the race result.

    A goal time sets the pace label of the goal race's distance (MP for a marathon)
    unless the athlete's paces set it. None when the calendar gives no pace at all,
    so only absolute paces can be used in workout texts. Raises ValueError for a race
    result no runner could have run.
    """
    overrides = dict(athlete.paces_s_per_km)
    goal_label = _race_label(race.distance_m)
    if race.goal_time_s is not None and goal_label is not None and goal_label not in overrides:
        overrides[goal_label] = race.goal_time_s * 1000.0 / race.distance_m
    result = athlete.race_result
    if result is not None:
        return AthletePaces.from_race(result.distance_m, result.time_s, overrides=overrides)
    if overrides:
        return AthletePaces.from_explicit(overrides)
    return None


def _race_label(distance_m: float) -> str | None:
    for label, label_distance_m in RACE_DISTANCES_M.items():
        if abs(distance_m - label_distance_m) <= 0.01 * label_distance_m:
            return label
    return None


def build_plan(
    calendar: Calendar, tuned: Mapping[str, TunedPrescription] | None = None
) -> list[PlannedSession]:
    """Resolve every calendar session, in date order, to a workout with absolute paces.

    A tuned prescription replaces its session's text only when it was decided for
    that session (same id, local date and workout key) and while its `calendar_text`
    equals the calendar's current text for that session. A prescription decided for
    another calendar's session of the same id is ignored, and once the runner edits
    that workout in the calendar, the calendar wins. A tuned text that no longer parses is
    logged and ignored. Raises WorkoutTextError for a calendar text that does not
    parse, which load_calendar has already ruled out.
    """
    tuned = tuned or {}
    paces = athlete_paces(calendar.athlete, calendar.race)
    easy = easy_pace_s_per_km(paces.paces if paces is not None else None)
    tolerance = calendar.athlete.pace_tolerance_s_per_km
    calendar_workouts: dict[str, Workout] = {}
    planned: list[PlannedSession] = []

    for session in calendar.sessions:
        definition = calendar.workouts[session.workout_key]
        calendar_workout = calendar_workouts.get(definition.key)
        if calendar_workout is None:
            calendar_workout = parse_workout(
                definition.text, paces=paces, tolerance_s_per_km=tolerance, name=definition.title
            )
            calendar_workouts[definition.key] = calendar_workout

        prescription = tuned.get(session.id)
        workout, text = calendar_workout, definition.text
        if prescription is not None and not prescription.fits(
            session.id, session.date, definition.key
        ):
            logger.info(
                "session %s: tuned prescription ignored, it was decided for %s %s on %s",
                session.id,
                prescription.workout_key,
                prescription.session_id,
                prescription.session_date,
            )
            prescription = None
        if prescription is not None and not same_text(prescription.calendar_text, definition.text):
            # The plan is built by every job; say it once per change, not every minute.
            key = (session.id, prescription.text, definition.text)
            level = logging.DEBUG if key in _DROPPED_LOGGED else logging.INFO
            _DROPPED_LOGGED.add(key)
            logger.log(
                level,
                "session %s: calendar text changed since tuning, tuned prescription dropped",
                session.id,
            )
            prescription = None
        if prescription is not None:
            try:
                workout = parse_workout(
                    prescription.text,
                    paces=paces,
                    tolerance_s_per_km=tolerance,
                    name=definition.title,
                )
                text = prescription.text
            except (UserInputError, ValueError) as error:
                logger.warning(
                    "session %s: tuned prescription ignored, its text does not parse: %s",
                    session.id,
                    error,
                )
                prescription = None

        planned.append(
            PlannedSession(
                id=session.id,
                date=session.date,
                workout_key=definition.key,
                title=definition.title,
                calendar_text=definition.text,
                text=text,
                workout=workout,
                calendar_workout=calendar_workout,
                bounds=definition.bounds,
                days_to_race=(calendar.race.date - session.date).days,
                tuned=prescription,
                note=session.note,
                easy_pace_s_per_km=easy,
            )
        )
    return planned


def calendar_easy_pace(calendar: Calendar) -> float:
    """Return the pace, in s/km, that estimates steps with no target: E when known."""
    try:
        paces = athlete_paces(calendar.athlete, calendar.race)
    except ValueError:
        # A loaded calendar has passed this check, so this only keeps a display going.
        paces = None
    return easy_pace_s_per_km(paces.paces if paces is not None else None)


def same_text(first: str, second: str) -> bool:
    """Compare workout texts, ignoring trailing spaces and blank lines at either end."""
    return _normalise(first) == _normalise(second)


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def session_start_utc(
    session_date: date, timezone: ZoneInfo, local_time: time = time(0)
) -> datetime:
    """Return the UTC instant of `local_time` on the session's local date.

    A wall time repeated by a backward clock change maps to its first occurrence. A
    wall time skipped by a forward change is read with the offset from before the
    change (zoneinfo's fold=0): 02:30 on New York's spring-forward night is 07:30 UTC.
    Where the change skips midnight itself, that is the instant the new day starts.
    """
    local = datetime.combine(session_date, local_time, tzinfo=timezone)
    return local.astimezone(UTC)


def session_end_utc(session_date: date, timezone: ZoneInfo) -> datetime:
    """Return the UTC instant the session's local date ends (next local midnight)."""
    return session_start_utc(session_date + timedelta(days=1), timezone)


def local_date(instant: datetime, timezone: ZoneInfo) -> date:
    """Return the local calendar date of an aware instant: a run at 23:30 local is that day."""
    if instant.tzinfo is None:
        raise ValueError("local_date needs an aware datetime; got a naive one")
    return instant.astimezone(timezone).date()


def load_stored_prescriptions(store: Store | None) -> dict[str, TunedPrescription]:
    """Read the coach's tuned prescriptions by session id; empty without a store.

    They come from `bot.store.analyses.load_tuned`; until that module provides it,
    no session has a tuned prescription.
    """
    if store is None:
        return {}
    try:
        module = importlib.import_module("bot.store.analyses")
    except ModuleNotFoundError as error:
        if error.name == "bot.store.analyses":
            return {}
        raise
    load_tuned = getattr(module, "load_tuned", None)
    if load_tuned is None:
        return {}
    return dict(load_tuned(store))


def describe_workout(workout: Workout, units: Unit = "km") -> str:
    """Summarise a workout on one line with absolute paces in the runner's units.

    For example "5:00 warm-up @ 6:00/km, 2.0 km @ 4:00/km, 15 x (400 m @ 2:56/km,
    60 s rest), 5:00 cool-down @ 6:00/km".
    """
    if len(workout.steps) == 1 and isinstance(workout.steps[0], Step):
        # A one-step run ("10km @ E") is the whole session, whatever kind the parser
        # gave its only step.
        step = workout.steps[0]
        length = format_step_length(step.end, units)
        return (
            f"{length} @ {format_pace(step.target.mid_s_per_km, units)}"
            if step.target
            else f"{length} run"
        )
    return ", ".join(_describe_block(block, units) for block in workout.steps)


def _describe_block(block: Block, units: Unit) -> str:
    if isinstance(block, Repeat):
        inner = ", ".join(_describe_block(child, units) for child in block.steps)
        return f"{block.count} x ({inner})"
    length = format_step_length(block.end, units)
    pace = f" @ {format_pace(block.target.mid_s_per_km, units)}" if block.target else ""
    if block.kind is StepKind.ACTIVE:
        return f"{length}{pace}" if pace else f"{length} run"
    return f"{length} {STEP_KIND_NAMES[block.kind]}{pace}"


# Name of each step kind, as shown to the runner.
STEP_KIND_NAMES = {
    StepKind.WARMUP: "warm-up",
    StepKind.ACTIVE: "run",
    StepKind.RECOVERY: "recovery",
    StepKind.REST: "rest",
    StepKind.COOLDOWN: "cool-down",
}

# Step distances below this many metres show in metres whatever the runner's units,
# as track reps are (a "400 m" rep, never "0.25 mi").
METRES_BELOW_M = 1600.0


def format_step_length(end: EndCondition, units: Unit = "km") -> str:
    """Format how long a step lasts: "60 s", "5:00", "400 m", "2.0 km" or "lap button"."""
    if end.kind is EndKind.LAP_BUTTON or end.value is None:
        return "until lap button"
    if end.kind is EndKind.TIME:
        if end.value < 120:
            return f"{end.value:g} s"
        return format_duration(end.value)
    if end.value < METRES_BELOW_M:
        return format_distance(end.value, "km")
    return format_distance(end.value, units)


def format_total_distance(metres: float, units: Unit = "km") -> str:
    """Format a session's total distance to 10 m: "9.67 km", "6.01 mi"."""
    return format_distance(round(metres, -1), units)
