"""Stored analyses and tuned prescriptions, and build_plan reading them back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.analysis import analyze
from bot.coach import decide_next
from bot.plan import TunedPrescription
from bot.simulator import SimulatedRunner, make_sessions
from bot.store.analyses import get_analysis, list_analyses, load_tuned, save_analysis, save_tuned
from bot.store.db import Store
from bot.workouts.text import parse_workout

TEXT = "1km warmup; 6x(400m @ 2:55-2:57/km, 60s rest); 1km cooldown"


def test_analysis_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "peakbot.db")
    workout = parse_workout(TEXT, name="Reps")
    plan = make_sessions(workout, [date(2026, 3, 1), date(2026, 3, 8)], date(2026, 4, 26))
    activity = SimulatedRunner(170.0).run(workout, plan[0].date)
    analysis = analyze(workout, activity)
    decision = decide_next("speed", [(plan[0], analysis)], plan[1], plan[1].bounds, days_to_race=49)
    save_analysis(
        store,
        plan[0].id,
        activity.key,
        analysis,
        decision,
        family="speed",
        session_date=plan[0].date,
    )
    stored = get_analysis(store, plan[0].id)
    assert stored is not None
    assert stored.analysis == analysis
    assert stored.decision is not None
    assert stored.decision["action"] == decision.action
    assert stored.decision["session_id"] == plan[1].id


def test_missed_session_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "peakbot.db")
    save_analysis(store, "speed-1", None, None, None, family="speed", session_date=date(2026, 3, 1))
    stored = get_analysis(store, "speed-1")
    assert stored is not None
    assert stored.analysis is None


def test_list_by_family(tmp_path: Path) -> None:
    store = Store(tmp_path / "peakbot.db")
    save_analysis(store, "speed-2", None, None, None, family="speed", session_date=date(2026, 3, 8))
    save_analysis(store, "speed-1", None, None, None, family="speed", session_date=date(2026, 3, 1))
    save_analysis(store, "long-1", None, None, None, family="long", session_date=date(2026, 3, 2))
    assert [s.session_id for s in list_analyses(store, "speed")] == ["speed-1", "speed-2"]
    assert len(list_analyses(store)) == 3


def test_stored_history_drives_decision(tmp_path: Path) -> None:
    store = Store(tmp_path / "peakbot.db")
    workout = parse_workout(TEXT, name="Reps")
    plan = make_sessions(workout, [date(2026, 3, 1), date(2026, 3, 8)], date(2026, 4, 26))
    analysis = analyze(workout, SimulatedRunner(168.0).run(workout, plan[0].date))
    save_analysis(store, plan[0].id, "x", analysis, None, family="speed", session_date=plan[0].date)
    history = list_analyses(store, "speed")
    decision = decide_next("speed", history, plan[1], plan[1].bounds, days_to_race=49)
    assert decision.action == "progress"


def test_tuned_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "peakbot.db")
    tuned = TunedPrescription("speed-2", "6x(400m @ 2:54-2:56/km, 60s rest)", TEXT, "fast")
    save_tuned(store, tuned)
    save_tuned(store, tuned)
    assert load_tuned(store) == {"speed-2": tuned}


def test_tuned_prescription_in_plan(tmp_path: Path) -> None:
    from bot.coach import tuned_prescription

    store = Store(tmp_path / "peakbot.db")
    workout = parse_workout(TEXT, name="Reps")
    plan = make_sessions(
        workout, [date(2026, 3, 1), date(2026, 3, 8)], date(2026, 4, 26), text=TEXT
    )
    analysis = analyze(workout, SimulatedRunner(168.0).run(workout, plan[0].date))
    decision = decide_next("speed", [(plan[0], analysis)], plan[1], plan[1].bounds, days_to_race=49)
    save_tuned(store, tuned_prescription(decision, plan[1]))
    stored = load_tuned(store)["speed-2"]
    assert stored.text == decision.text
    assert stored.calendar_text == TEXT
    assert parse_workout(stored.text, name="Reps") == decision.workout


CALENDAR = """\
athlete:
  name: Test
  timezone: Europe/Berlin
race:
  name: Summer Marathon
  date: 2026-04-26
workouts:
  reps:
    title: Reps
    text: "{text}"
sessions:
  - {{date: 2026-03-01, workout: reps}}
  - {{date: 2026-03-08, workout: reps}}
"""


def test_build_plan_uses_tuned(tmp_path: Path) -> None:
    from bot.coach import tuned_prescription
    from bot.config.load import load_calendar
    from bot.plan import build_plan

    path = tmp_path / "calendar.yaml"
    path.write_text(CALENDAR.format(text=TEXT), encoding="utf-8")
    store = Store(tmp_path / "peakbot.db")
    plan = build_plan(load_calendar(path))
    analysis = analyze(plan[0].workout, SimulatedRunner(168.0).run(plan[0].workout, plan[0].date))
    decision = decide_next("reps", [(plan[0], analysis)], plan[1], plan[1].bounds, days_to_race=49)
    save_tuned(store, tuned_prescription(decision, plan[1]))

    tuned_plan = build_plan(load_calendar(path), load_tuned(store))
    assert tuned_plan[1].workout == decision.workout
    assert tuned_plan[0].workout == plan[0].workout

    path.write_text(CALENDAR.format(text=TEXT.replace("6x", "8x")), encoding="utf-8")
    edited = build_plan(load_calendar(path), load_tuned(store))
    assert edited[1].tuned is None


def test_tuned_keeps_date_and_workout(tmp_path: Path) -> None:
    store = Store(tmp_path / "peakbot.db")
    tuned = TunedPrescription(
        "speed-2",
        "6x(400m @ 2:54-2:56/km, 60s rest)",
        TEXT,
        "fast",
        session_date=date(2026, 3, 8),
        workout_key="speed",
    )
    save_tuned(store, tuned)
    assert load_tuned(store)["speed-2"] == tuned


def test_migration_drops_undated_tuned(tmp_path: Path) -> None:
    path = tmp_path / "peakbot.db"
    store = Store(path)
    # Put the table back as it was before the date and workout columns.
    with store.transaction() as conn:
        conn.execute("ALTER TABLE prescriptions DROP COLUMN session_date")
        conn.execute("ALTER TABLE prescriptions DROP COLUMN workout_key")
        conn.execute("DELETE FROM migrations WHERE name = 'analyses_2'")
        conn.execute(
            "INSERT INTO prescriptions (session_id, text, calendar_text, reason)"
            " VALUES ('speed-sharpen-4', '16x400m', 'calendar text', 'reps on target')"
        )
    store.close()
    reopened = Store(path)
    assert load_tuned(reopened) == {}
