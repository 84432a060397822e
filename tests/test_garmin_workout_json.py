"""Garmin Connect workout JSON built from the workout model."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.garmin.workout_json import (
    content_hash,
    garmin_workout_json,
    parse_marker,
    workout_name,
)
from bot.workouts.model import EndCondition, Repeat, Step, StepKind, Workout
from tests.fakes.garmin_server import planned_session, speed_sharpen, validate_workout

DAY = date(2023, 4, 4)


def steps_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = payload["workoutSegments"][0]["workoutSteps"]
    return steps


def flatten(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for step in steps:
        flat.append(step)
        flat.extend(flatten(step.get("workoutSteps", [])))
    return flat


def test_reference_top_level_steps() -> None:
    payload = garmin_workout_json(planned_session("speed-sharpen-2", DAY, speed_sharpen()))
    kinds = [s["stepType"]["stepTypeKey"] for s in steps_of(payload)]
    assert kinds == ["warmup", "interval", "repeat", "cooldown"]


def test_reference_repeat_group() -> None:
    payload = garmin_workout_json(planned_session("speed-sharpen-2", DAY, speed_sharpen()))
    repeat = steps_of(payload)[2]
    assert repeat["type"] == "RepeatGroupDTO"
    assert repeat["numberOfIterations"] == 15
    assert repeat["smartRepeat"] is False
    assert repeat["endCondition"]["conditionTypeKey"] == "iterations"
    assert [s["stepType"]["stepTypeKey"] for s in repeat["workoutSteps"]] == ["interval", "rest"]


def test_reference_rep_pace_band() -> None:
    payload = garmin_workout_json(planned_session("speed-sharpen-2", DAY, speed_sharpen()))
    rep = steps_of(payload)[2]["workoutSteps"][0]
    assert rep["targetType"]["workoutTargetTypeKey"] == "pace.zone"
    assert rep["targetType"]["workoutTargetTypeId"] == 6
    # The slower speed is targetValueOne: 2:58/km; the faster is targetValueTwo: 2:54/km.
    assert rep["targetValueOne"] == pytest.approx(1000 / 178, abs=1e-4)
    assert rep["targetValueTwo"] == pytest.approx(1000 / 174, abs=1e-4)
    assert rep["targetValueOne"] < 1000 / 176 < rep["targetValueTwo"]


def test_reference_end_conditions() -> None:
    payload = garmin_workout_json(planned_session("speed-sharpen-2", DAY, speed_sharpen()))
    flat = flatten(steps_of(payload))
    conditions = [(s["endCondition"]["conditionTypeKey"], s.get("endConditionValue")) for s in flat]
    assert conditions == [
        ("time", 300.0),
        ("distance", 2000.0),
        ("iterations", 15.0),
        ("distance", 400.0),
        ("time", 60.0),
        ("time", 300.0),
    ]


def test_step_order_depth_first() -> None:
    payload = garmin_workout_json(planned_session("speed-sharpen-2", DAY, speed_sharpen()))
    assert [s["stepOrder"] for s in flatten(steps_of(payload))] == [1, 2, 3, 4, 5, 6]


def test_nested_repeats_order_and_child_ids() -> None:
    inner = Repeat(4, (Step(StepKind.ACTIVE, EndCondition.distance(400)),))
    outer = Repeat(3, (inner, Step(StepKind.RECOVERY, EndCondition.lap_button())))
    workout = Workout("Nested", (outer, Step(StepKind.COOLDOWN, EndCondition.lap_button())))
    payload = garmin_workout_json(planned_session("nested-1", DAY, workout, key="nested"))
    flat = flatten(steps_of(payload))
    assert [s["stepOrder"] for s in flat] == [1, 2, 3, 4, 5]
    assert [s.get("childStepId") for s in flat] == [1, 2, 2, 1, None]
    assert flat[3]["endCondition"]["conditionTypeKey"] == "lap.button"
    assert "endConditionValue" not in flat[3]


def test_estimates() -> None:
    session = planned_session("speed-sharpen-2", DAY, speed_sharpen())
    payload = garmin_workout_json(session)
    assert payload["estimatedDurationInSecs"] == round(session.workout.duration_s())
    assert payload["estimatedDistanceInMeters"] == pytest.approx(
        session.workout.distance_m(), abs=0.1
    )


def test_name_has_title_and_date() -> None:
    session = planned_session("speed-sharpen-2", DAY, speed_sharpen())
    assert workout_name(session) == "Speed Sharpen Tue 04 Apr"


def test_marker_round_trip() -> None:
    session = planned_session("speed-sharpen-2", DAY, speed_sharpen())
    marker = parse_marker(garmin_workout_json(session)["description"])
    assert marker is not None
    assert (marker.session_id, marker.date, marker.rev) == (
        "speed-sharpen-2",
        DAY,
        content_hash(session),
    )


def test_marker_absent_in_other_descriptions() -> None:
    assert parse_marker("Tempo run from my coach") is None


def test_hash_changes_with_reps() -> None:
    first = planned_session("speed-sharpen-2", DAY, speed_sharpen(15))
    second = planned_session("speed-sharpen-2", DAY, speed_sharpen(16))
    assert content_hash(first) != content_hash(second)


def test_fake_accepts_payload() -> None:
    payload = garmin_workout_json(planned_session("speed-sharpen-2", DAY, speed_sharpen()))
    assert validate_workout(payload) is None


def test_payload_is_json() -> None:
    payload = garmin_workout_json(planned_session("speed-sharpen-2", DAY, speed_sharpen()))
    assert json.loads(json.dumps(payload)) == payload


def test_step_shapes_match_real_workout(real_data: Path) -> None:
    real = json.loads((real_data / "python-garminconnect" / "sample_workout.json").read_text())
    real_steps = flatten(real["workoutSegments"][0]["workoutSteps"])
    ours = flatten(steps_of(garmin_workout_json(planned_session("s-1", DAY, speed_sharpen()))))
    real_types = {s["stepType"]["stepTypeKey"]: s["stepType"]["stepTypeId"] for s in real_steps}
    our_types = {s["stepType"]["stepTypeKey"]: s["stepType"]["stepTypeId"] for s in ours}
    for key in set(real_types) & set(our_types):
        assert our_types[key] == real_types[key], key
    real_repeat = next(s for s in real_steps if s["type"] == "RepeatGroupDTO")
    our_repeat = next(s for s in ours if s["type"] == "RepeatGroupDTO")
    assert (
        real_repeat["endCondition"]["conditionTypeId"]
        == our_repeat["endCondition"]["conditionTypeId"]
    )
    assert set(real_repeat) - {"stepId", "workoutSteps"} <= set(our_repeat)


def test_pace_bounds_order_matches_real(real_data: Path) -> None:
    real = json.loads((real_data / "kaiord" / "WorkoutRunningNestedRepeatsOutput.gcn").read_text())
    paced = [
        s
        for s in flatten(real["workoutSegments"][0]["workoutSteps"])
        if (s.get("targetType") or {}).get("workoutTargetTypeKey") == "pace.zone"
    ]
    assert paced
    for step in paced:
        assert step["targetValueOne"] < step["targetValueTwo"]
    ours = garmin_workout_json(planned_session("s-1", DAY, speed_sharpen()))
    rep = steps_of(ours)[2]["workoutSteps"][0]
    assert rep["targetValueOne"] < rep["targetValueTwo"]
