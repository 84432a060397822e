"""The plan: sessions resolved to absolute workouts, tuned prescriptions, paces and summaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config.calendar import Athlete, Race, RaceResult
from bot.config.load import load_calendar
from bot.plan import (
    TunedPrescription,
    athlete_paces,
    build_plan,
    describe_workout,
    load_stored_prescriptions,
    same_text,
)
from bot.store.db import Store
from bot.workouts.model import EndKind, Repeat, Step, StepKind

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = REPO_ROOT / "config" / "calendar.yaml"
REFERENCE_ID = "speed-sharpen-4"  # race-19d, Tuesday 4 April 2023

TUNED_TEXT = (
    "- 5min @ 6'00''/km\n- 2.0km @ 4'00''/km\n- 16 lots of:\n- 400m @ 2'55''/km\n- 1min rest\n"
    "- 5min @ 6'00''/km\n"
)


def test_plan_covers_every_session() -> None:
    calendar = load_calendar(EXAMPLE)
    plan = build_plan(calendar)
    assert [s.id for s in plan] == [s.id for s in calendar.sessions]


def test_days_to_race() -> None:
    plan = build_plan(load_calendar(EXAMPLE))
    by_id = {s.id: s for s in plan}
    assert by_id[REFERENCE_ID].days_to_race == 19
    assert plan[-1].days_to_race == 0
    assert plan[0].days_to_race == 41


def test_reference_session_steps() -> None:
    session = next(s for s in build_plan(load_calendar(EXAMPLE)) if s.id == REFERENCE_ID)
    warmup, block, repeat, cooldown = session.workout.steps
    assert isinstance(warmup, Step) and warmup.kind is StepKind.WARMUP
    assert warmup.end.kind is EndKind.TIME
    assert warmup.end.value == 300
    assert isinstance(block, Step) and block.end.value == 2000
    assert block.target is not None and block.target.mid_s_per_km == 240
    assert isinstance(repeat, Repeat) and repeat.count == 15
    assert isinstance(cooldown, Step) and cooldown.kind is StepKind.COOLDOWN


def test_reference_rep_pace() -> None:
    session = next(s for s in build_plan(load_calendar(EXAMPLE)) if s.id == REFERENCE_ID)
    repeat = session.workout.steps[2]
    assert isinstance(repeat, Repeat)
    rep, rest = repeat.steps
    assert isinstance(rep, Step) and rep.target is not None
    assert rep.target.mid_s_per_km == 176
    assert (rep.target.fast_s_per_km, rep.target.slow_s_per_km) == (174, 178)
    assert isinstance(rest, Step)
    assert rest.kind is StepKind.REST
    assert rest.end.value == 60


def test_reference_totals() -> None:
    session = next(s for s in build_plan(load_calendar(EXAMPLE)) if s.id == REFERENCE_ID)
    # 2 x 5 min at 6:00/km, 2 km, 15 x 400 m; rests add no distance.
    assert session.workout.distance_m() == pytest.approx(2 * 5000 / 6 + 2000 + 6000)
    assert session.workout.duration_s() == pytest.approx(600 + 480 + 15 * (70.4 + 60))


def test_reference_summary() -> None:
    session = next(s for s in build_plan(load_calendar(EXAMPLE)) if s.id == REFERENCE_ID)
    assert describe_workout(session.workout) == (
        "5:00 warm-up @ 6:00/km, 2.0 km @ 4:00/km, 15 x (400 m @ 2:56/km, 60 s rest), "
        "5:00 cool-down @ 6:00/km"
    )


def test_summary_in_miles() -> None:
    session = next(s for s in build_plan(load_calendar(EXAMPLE)) if s.id == REFERENCE_ID)
    assert describe_workout(session.workout, "mi") == (
        "5:00 warm-up @ 9:39/mi, 1.24 mi @ 6:26/mi, 15 x (400 m @ 4:43/mi, 60 s rest), "
        "5:00 cool-down @ 9:39/mi"
    )


def test_one_step_summary() -> None:
    plan = build_plan(load_calendar(EXAMPLE))
    race = plan[-1]
    assert describe_workout(race.workout) == "42.195 km @ 4:02/km"


def test_untuned_plan_uses_calendar() -> None:
    session = next(s for s in build_plan(load_calendar(EXAMPLE)) if s.id == REFERENCE_ID)
    assert session.tuned is None
    assert session.text == session.calendar_text
    assert session.workout == session.calendar_workout


def test_tuned_prescription_applies() -> None:
    calendar = load_calendar(EXAMPLE)
    text = calendar.workouts["speed-sharpen"].text
    tuned = TunedPrescription(REFERENCE_ID, TUNED_TEXT, text, "All reps on target.")
    session = next(s for s in build_plan(calendar, {REFERENCE_ID: tuned}) if s.id == REFERENCE_ID)
    assert session.tuned == tuned
    assert session.text == TUNED_TEXT
    repeat = session.workout.steps[2]
    assert isinstance(repeat, Repeat) and repeat.count == 16


def test_tuned_keeps_calendar_workout() -> None:
    calendar = load_calendar(EXAMPLE)
    text = calendar.workouts["speed-sharpen"].text
    tuned = TunedPrescription(REFERENCE_ID, TUNED_TEXT, text, "All reps on target.")
    session = next(s for s in build_plan(calendar, {REFERENCE_ID: tuned}) if s.id == REFERENCE_ID)
    repeat = session.calendar_workout.steps[2]
    assert isinstance(repeat, Repeat) and repeat.count == 15


def test_tuned_ignores_whitespace() -> None:
    calendar = load_calendar(EXAMPLE)
    text = calendar.workouts["speed-sharpen"].text.rstrip("\n") + "   \n\n"
    tuned = TunedPrescription(REFERENCE_ID, TUNED_TEXT, text, "All reps on target.")
    session = next(s for s in build_plan(calendar, {REFERENCE_ID: tuned}) if s.id == REFERENCE_ID)
    assert session.tuned == tuned


def test_calendar_change_wins() -> None:
    calendar = load_calendar(EXAMPLE)
    old_text = calendar.workouts["speed-sharpen"].text.replace("15 lots", "18 lots")
    tuned = TunedPrescription(REFERENCE_ID, TUNED_TEXT, old_text, "All reps on target.")
    session = next(s for s in build_plan(calendar, {REFERENCE_ID: tuned}) if s.id == REFERENCE_ID)
    assert session.tuned is None
    assert session.text == calendar.workouts["speed-sharpen"].text


def test_tuned_other_session_untouched() -> None:
    calendar = load_calendar(EXAMPLE)
    text = calendar.workouts["speed-sharpen"].text
    tuned = TunedPrescription(REFERENCE_ID, TUNED_TEXT, text, "All reps on target.")
    plan = build_plan(calendar, {REFERENCE_ID: tuned})
    others = [s for s in plan if s.workout_key == "speed-sharpen" and s.id != REFERENCE_ID]
    assert all(s.tuned is None for s in others)


def test_unparsable_tuned_text_ignored() -> None:
    calendar = load_calendar(EXAMPLE)
    text = calendar.workouts["speed-sharpen"].text
    tuned = TunedPrescription(REFERENCE_ID, "- 0 lots of:\n- 400m @ 2:56/km", text, "x")
    session = next(s for s in build_plan(calendar, {REFERENCE_ID: tuned}) if s.id == REFERENCE_ID)
    assert session.tuned is None
    assert session.text == text


def test_same_text() -> None:
    assert same_text("a\nb\n", "a  \nb")
    assert not same_text("a\nb", "a\nc")


def test_stored_prescriptions_none() -> None:
    assert load_stored_prescriptions(None) == {}


def test_stored_prescriptions_round_trip(tmp_path: Path) -> None:
    analyses = pytest.importorskip("bot.store.analyses")
    store = Store(tmp_path / "peakbot.sqlite3")
    tuned = TunedPrescription(REFERENCE_ID, TUNED_TEXT, "calendar text", "All reps on target.")
    analyses.save_tuned(store, tuned)
    assert load_stored_prescriptions(store) == {REFERENCE_ID: tuned}


# Athlete paces

ATHLETE = Athlete(name="Sam", timezone=ZoneInfo("Europe/London"))
MARATHON = Race(name="Test Marathon", date=date(2023, 4, 23))


def test_paces_none_without_input() -> None:
    assert athlete_paces(ATHLETE, MARATHON) is None


def test_goal_sets_marathon_pace() -> None:
    paces = athlete_paces(ATHLETE, replace(MARATHON, goal_time_s=2 * 3600 + 50 * 60))
    assert paces is not None
    assert paces.pace_s_per_km("MP") == pytest.approx(10200 / 42.195)


def test_explicit_mp_beats_goal() -> None:
    athlete = replace(ATHLETE, paces_s_per_km={"MP": 238.0})
    paces = athlete_paces(athlete, replace(MARATHON, goal_time_s=10200))
    assert paces is not None
    assert paces.pace_s_per_km("MP") == 238.0


def test_goal_beats_race_result() -> None:
    athlete = replace(ATHLETE, race_result=RaceResult(10000, 36 * 60))
    paces = athlete_paces(athlete, replace(MARATHON, goal_time_s=10200))
    assert paces is not None
    assert paces.pace_s_per_km("MP") == pytest.approx(10200 / 42.195)
    assert paces.pace_s_per_km("10k") == pytest.approx(216.0)


def test_half_goal_sets_hm() -> None:
    half = replace(MARATHON, distance_m=21097.5, goal_time_s=80 * 60)
    paces = athlete_paces(ATHLETE, half)
    assert paces is not None
    assert paces.pace_s_per_km("HM") == pytest.approx(4800 / 21.0975)


def reference_tuned(calendar_text: str, **fields: object) -> TunedPrescription:
    tuned = TunedPrescription(
        REFERENCE_ID,
        TUNED_TEXT,
        calendar_text,
        "All reps on target.",
        session_date=date(2023, 4, 4),
        workout_key="speed-sharpen",
    )
    return replace(tuned, **fields)  # type: ignore[arg-type]


def test_tuned_same_date_and_workout() -> None:
    calendar = load_calendar(EXAMPLE)
    tuned = reference_tuned(calendar.workouts["speed-sharpen"].text)
    session = next(s for s in build_plan(calendar, {REFERENCE_ID: tuned}) if s.id == REFERENCE_ID)
    assert session.tuned == tuned


def test_tuned_other_date_ignored() -> None:
    calendar = load_calendar(EXAMPLE)
    tuned = reference_tuned(calendar.workouts["speed-sharpen"].text, session_date=date(2026, 9, 28))
    session = next(s for s in build_plan(calendar, {REFERENCE_ID: tuned}) if s.id == REFERENCE_ID)
    assert session.tuned is None
    assert session.text == calendar.workouts["speed-sharpen"].text


def test_tuned_other_workout_ignored() -> None:
    calendar = load_calendar(EXAMPLE)
    tuned = reference_tuned(calendar.workouts["speed-sharpen"].text, workout_key="track-400s")
    session = next(s for s in build_plan(calendar, {REFERENCE_ID: tuned}) if s.id == REFERENCE_ID)
    assert session.tuned is None
