"""Tuning decisions: progress, hold, ease and taper inside the family's bounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.analysis import analyze
from bot.analysis.model import SessionAnalysis
from bot.coach import SessionAnalysisRecord, TuningBounds, decide_next
from bot.coach.prescription import read_prescription
from bot.plan import PlannedSession
from bot.simulator import SimulatedRunner, make_sessions
from bot.workouts.text import parse_workout

TEXT = "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 2:55-2:57/km, 60s rest); 5min cooldown"
RACE = date(2026, 4, 26)
BOUNDS = TuningBounds(
    min_reps=10, max_reps=18, max_pace_change_s_per_km=2.0, min_recovery_s=45, max_recovery_s=90
)


def sessions(first_day: date, bounds: TuningBounds = BOUNDS) -> list[PlannedSession]:
    workout = parse_workout(TEXT, name="Speed Sharpen")
    days = [first_day + timedelta(days=7 * k) for k in range(3)]
    return make_sessions(workout, days, RACE, bounds=bounds, family="speed", text=TEXT)


def executed(session: PlannedSession, capability: float, seed: int = 1) -> SessionAnalysis:
    runner = SimulatedRunner(capability, trend_pct_per_session=0.0, seed=seed)
    return analyze(session.workout, runner.run(session.workout, session.date))


def decide(capability: float, first_day: date = date(2026, 3, 1), bounds: TuningBounds = BOUNDS):  # type: ignore[no-untyped-def]
    plan = sessions(first_day, bounds)
    history = [(plan[0], executed(plan[0], capability))]
    nxt = plan[1]
    return decide_next("speed", history, nxt, bounds, days_to_race=nxt.days_to_race)


def rep_pace(decision) -> float:  # type: ignore[no-untyped-def]
    numbers = read_prescription(decision.workout)
    assert numbers is not None
    return numbers.mid_s_per_km


def test_progress_when_easy() -> None:
    decision = decide(168.0)
    assert decision.action == "progress"
    assert rep_pace(decision) == pytest.approx(174.0)


def test_progress_reason_numbers() -> None:
    decision = decide(168.0)
    assert decision.reason.startswith("15 of 15 reps inside 70-70.8 s, average 70.")
    assert decision.reason.endswith("next Sunday 15 x 400 m at 69.2-70 s, 60 s recovery")


def test_progress_text_parses() -> None:
    decision = decide(168.0)
    assert parse_workout(decision.text, name="Speed Sharpen") == decision.workout


def test_hold_at_capability() -> None:
    decision = decide(176.0)
    assert decision.action == "hold"
    assert rep_pace(decision) == 176.0


def test_ease_when_much_slower() -> None:
    decision = decide(183.0)
    assert decision.action == "ease"
    assert rep_pace(decision) == pytest.approx(178.0)


def test_ease_fewer_reps() -> None:
    decision = decide(186.0)
    numbers = read_prescription(decision.workout)
    assert numbers is not None
    assert numbers.reps < 15
    assert numbers.reps >= BOUNDS.min_reps  # type: ignore[operator]


def test_ease_longer_recovery() -> None:
    decision = decide(181.0)
    numbers = read_prescription(decision.workout)
    assert numbers is not None
    assert numbers.recovery_s == 75.0


def test_missed_session_holds() -> None:
    plan = sessions(date(2026, 3, 1))
    decision = decide_next(
        "speed", [(plan[0], None)], plan[1], BOUNDS, days_to_race=plan[1].days_to_race
    )
    assert decision.action == "hold"
    assert rep_pace(decision) == 176.0


def test_two_missed_ease() -> None:
    plan = sessions(date(2026, 3, 1))
    history = [(plan[0], None), (plan[1], None)]
    decision = decide_next("speed", history, plan[2], BOUNDS, days_to_race=plan[2].days_to_race)
    assert decision.action == "ease"
    assert rep_pace(decision) == 176.0


def test_fastest_bound_adds_rep() -> None:
    bounds = TuningBounds(min_reps=10, max_reps=18, fastest_pace_s_per_km=175.0)
    decision = decide(168.0, bounds=bounds)
    numbers = read_prescription(decision.workout)
    assert numbers is not None
    assert numbers.reps == 16
    assert numbers.fast_s_per_km == 175.0


def test_max_reps_bound_holds() -> None:
    bounds = TuningBounds(max_reps=15, fastest_pace_s_per_km=175.0)
    decision = decide(168.0, bounds=bounds)
    assert decision.action == "hold"


def test_not_tuned_family() -> None:
    bounds = TuningBounds(tune=False)
    decision = decide(168.0, bounds=bounds)
    assert decision.action == "hold"
    assert decision.workout == parse_workout(TEXT, name="Speed Sharpen")


def test_taper_halves_reps() -> None:
    plan = sessions(RACE - timedelta(days=21))
    history = [(plan[0], executed(plan[0], 168.0))]
    nxt = plan[1]
    assert nxt.days_to_race == 14
    decision = decide_next("speed", history, nxt, TuningBounds(), days_to_race=nxt.days_to_race)
    numbers = read_prescription(decision.workout)
    assert decision.action == "taper"
    assert numbers is not None
    assert numbers.reps == 8
    assert numbers.mid_s_per_km == 176.0
    assert "14 days to race" in decision.reason


def test_taper_keeps_min_reps() -> None:
    plan = sessions(RACE - timedelta(days=21))
    history = [(plan[0], executed(plan[0], 168.0))]
    decision = decide_next("speed", history, plan[1], BOUNDS, days_to_race=14)
    numbers = read_prescription(decision.workout)
    assert numbers is not None
    assert numbers.reps == BOUNDS.min_reps


def test_taper_min_reps_reason() -> None:
    plan = sessions(RACE - timedelta(days=21))
    history = [(plan[0], executed(plan[0], 168.0))]
    decision = decide_next("speed", history, plan[1], BOUNDS, days_to_race=14)
    assert "half of the peak 15 is 8; the calendar's min_reps 10 keeps 10" in decision.reason


def test_taper_halves_reason() -> None:
    plan = sessions(RACE - timedelta(days=21))
    history = [(plan[0], executed(plan[0], 168.0))]
    decision = decide_next("speed", history, plan[1], TuningBounds(), days_to_race=14)
    assert "reps cut to 8, half of the peak 15" in decision.reason


def test_slow_never_faster() -> None:
    for capability in (178.0, 180.0, 183.0, 190.0):
        for seed in (1, 2, 3):
            plan = sessions(date(2026, 3, 1))
            history = [(plan[0], executed(plan[0], capability, seed))]
            decision = decide_next("speed", history, plan[1], BOUNDS, days_to_race=50)
            assert rep_pace(decision) >= 176.0, (capability, seed, decision.reason)


def test_record_history() -> None:
    plan = sessions(date(2026, 3, 1))
    analysis = executed(plan[0], 168.0)
    record = SessionAnalysisRecord("speed-1", plan[0].date, "speed", analysis)
    decision = decide_next("speed", [record], plan[1], BOUNDS, days_to_race=50)
    assert decision.action == "progress"
    assert rep_pace(decision) == pytest.approx(174.0)


def test_first_session_holds() -> None:
    plan = sessions(date(2026, 3, 1))
    decision = decide_next("speed", [], plan[0], BOUNDS, days_to_race=56)
    assert decision.action == "hold"
    assert decision.reason.startswith("first speed session")


def test_half_step_after_hard_session() -> None:
    plan = sessions(date(2026, 3, 1))
    history = [(plan[0], executed(plan[0], 186.0)), (plan[1], executed(plan[1], 168.0))]
    decision = decide_next("speed", history, plan[2], BOUNDS, days_to_race=42)
    assert decision.action == "progress"
    assert rep_pace(decision) == pytest.approx(175.0)


def test_half_step_after_missed() -> None:
    plan = sessions(date(2026, 3, 1))
    history = [(plan[0], None), (plan[1], executed(plan[1], 168.0))]
    decision = decide_next("speed", history, plan[2], BOUNDS, days_to_race=42)
    assert rep_pace(decision) == pytest.approx(175.0)
