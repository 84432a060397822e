"""Garmin Connect workout JSON for a planned session, and the marker that recognises it.

The shapes follow the workout-service payloads that garminconnect 0.3.x sends and
receives: numeric type ids next to their keys, `stepOrder` counted 1..n depth first
with repeat children included, repeat groups with `numberOfIterations` and
`smartRepeat`, and pace targets as `pace.zone` with both bounds in m/s, the slower
speed in `targetValueOne` and the faster one in `targetValueTwo`.

Every workout peakbot creates carries a marker line at the start of its description:

    peakbot session speed-sharpen-2 2023-04-04 rev 3f2a1b9c0d4e

with the session id, its local date and a hash of the workout content. Listings
alone then tell which workouts are peakbot's, for which session and whether they
are up to date, even when the local store is lost.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.plan import PlannedSession
from bot.workouts.model import Block, EndKind, Repeat, Step, StepKind

# Garmin Connect rejects longer names and descriptions; these limits are what its
# web editor accepts (80 and 512 characters).
MAX_NAME_CHARS = 80
MAX_DESCRIPTION_CHARS = 512

RUNNING = {"sportTypeId": 1, "sportTypeKey": "running", "displayOrder": 1}

# (stepTypeId, stepTypeKey); the display order equals the id in Garmin's type list.
STEP_TYPES: dict[StepKind, tuple[int, str]] = {
    StepKind.WARMUP: (1, "warmup"),
    StepKind.COOLDOWN: (2, "cooldown"),
    StepKind.ACTIVE: (3, "interval"),
    StepKind.RECOVERY: (4, "recovery"),
    StepKind.REST: (5, "rest"),
}
REPEAT_STEP_TYPE = (6, "repeat")

END_CONDITIONS: dict[EndKind, tuple[int, str]] = {
    EndKind.LAP_BUTTON: (1, "lap.button"),
    EndKind.TIME: (2, "time"),
    EndKind.DISTANCE: (3, "distance"),
}
ITERATIONS_CONDITION = (7, "iterations")

NO_TARGET = {"workoutTargetTypeId": 1, "workoutTargetTypeKey": "no.target", "displayOrder": 1}
PACE_ZONE = {"workoutTargetTypeId": 6, "workoutTargetTypeKey": "pace.zone", "displayOrder": 6}

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NAME_SUFFIX_RE = re.compile(rf" (?:{'|'.join(WEEKDAYS)}) \d{{2}} (?:{'|'.join(MONTHS)})$")

MARKER_RE = re.compile(
    r"peakbot session (?P<session_id>\S+) (?P<date>\d{4}-\d{2}-\d{2}) rev (?P<rev>[0-9a-f]{12})"
)


@dataclass(frozen=True)
class Marker:
    """Session id, local date and content hash read from a peakbot workout's description."""

    session_id: str
    date: date
    rev: str  # content hash of the workout when it was written


def garmin_workout_json(session: PlannedSession) -> dict[str, Any]:
    """Build the workout-service JSON for `session`, description marker included."""
    payload = _payload_without_description(session)
    marker = format_marker(session.id, session.date, content_hash(session))
    payload["description"] = _truncate(f"{marker}\n{session.text.strip()}", MAX_DESCRIPTION_CHARS)
    return payload


def content_hash(session: PlannedSession) -> str:
    """Return 12 hex digits that change whenever the pushed workout would change."""
    payload = _payload_without_description(session)
    canonical = json.dumps({"workout": payload, "text": session.text.strip()}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def workout_name(session: PlannedSession) -> str:
    """Return the name shown on the watch: the title and the local date, e.g. "... Tue 04 Apr"."""
    day = session.date
    # Spelt out here rather than with strftime, whose names follow the process locale.
    suffix = f" {WEEKDAYS[day.weekday()]} {day.day:02d} {MONTHS[day.month - 1]}"
    return _truncate(session.title.strip(), MAX_NAME_CHARS - len(suffix)) + suffix


def looks_like_peakbot_name(name: str) -> bool:
    """Tell whether a workout name ends like the names `workout_name` builds."""
    return NAME_SUFFIX_RE.search(name) is not None


def format_marker(session_id: str, day: date, rev: str) -> str:
    return f"peakbot session {session_id} {day.isoformat()} rev {rev}"


def parse_marker(description: object) -> Marker | None:
    """Read the marker from a workout description; None for workouts peakbot did not create."""
    if not isinstance(description, str):
        return None
    match = MARKER_RE.search(description)
    if match is None:
        return None
    try:
        day = date.fromisoformat(match["date"])
    except ValueError:
        return None
    return Marker(match["session_id"], day, match["rev"])


def _payload_without_description(session: PlannedSession) -> dict[str, Any]:
    workout = session.workout
    counter = _Counter()
    steps = [_block_json(block, counter, None) for block in workout.steps]
    return {
        "sportType": dict(RUNNING),
        "workoutName": workout_name(session),
        "estimatedDurationInSecs": round(workout.duration_s(session.easy_pace_s_per_km)),
        "estimatedDistanceInMeters": round(workout.distance_m(session.easy_pace_s_per_km), 1),
        "workoutSegments": [{"segmentOrder": 1, "sportType": dict(RUNNING), "workoutSteps": steps}],
    }


class _Counter:
    """Running numbers for `stepOrder` (every step) and `childStepId` (repeat groups)."""

    def __init__(self) -> None:
        self.step_order = 0
        self.child_step_id = 0


def _block_json(block: Block, counter: _Counter, child_step_id: int | None) -> dict[str, Any]:
    counter.step_order += 1
    if isinstance(block, Step):
        return _step_json(block, counter.step_order, child_step_id)
    return _repeat_json(block, counter, child_step_id)


def _step_json(step: Step, step_order: int, child_step_id: int | None) -> dict[str, Any]:
    type_id, type_key = STEP_TYPES[step.kind]
    condition_id, condition_key = END_CONDITIONS[step.end.kind]
    data: dict[str, Any] = {
        "type": "ExecutableStepDTO",
        "stepOrder": step_order,
        "stepType": {"stepTypeId": type_id, "stepTypeKey": type_key, "displayOrder": type_id},
        "endCondition": {
            "conditionTypeId": condition_id,
            "conditionTypeKey": condition_key,
            "displayOrder": condition_id,
            "displayable": True,
        },
    }
    if child_step_id is not None:
        data["childStepId"] = child_step_id
    if step.end.value is not None:
        data["endConditionValue"] = float(step.end.value)
    if step.target is None:
        data["targetType"] = dict(NO_TARGET)
    else:
        data["targetType"] = dict(PACE_ZONE)
        data["targetValueOne"] = round(step.target.min_speed_mps, 4)
        data["targetValueTwo"] = round(step.target.max_speed_mps, 4)
    return data


def _repeat_json(repeat: Repeat, counter: _Counter, parent_id: int | None) -> dict[str, Any]:
    step_order = counter.step_order
    counter.child_step_id += 1
    own_id = counter.child_step_id
    condition_id, condition_key = ITERATIONS_CONDITION
    type_id, type_key = REPEAT_STEP_TYPE
    data: dict[str, Any] = {
        "type": "RepeatGroupDTO",
        "stepOrder": step_order,
        "stepType": {"stepTypeId": type_id, "stepTypeKey": type_key, "displayOrder": type_id},
        "childStepId": own_id,
        "numberOfIterations": repeat.count,
        "smartRepeat": False,
        "endCondition": {
            "conditionTypeId": condition_id,
            "conditionTypeKey": condition_key,
            "displayOrder": condition_id,
            "displayable": False,
        },
        "endConditionValue": float(repeat.count),
    }
    data["workoutSteps"] = [_block_json(block, counter, own_id) for block in repeat.steps]
    return data


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
