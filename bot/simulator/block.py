"""Closed loop over a peaking block: run each session, analyse it, tune the next one."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.analysis.analyze import analyze
from bot.analysis.model import SessionAnalysis
from bot.coach.bounds import TuningBounds
from bot.coach.prescription import read_prescription
from bot.coach.tune import TuningDecision, decide_next
from bot.plan import PlannedSession
from bot.simulator.runner import SimulatedRunner
from bot.workouts.model import Workout


@dataclass
class SimulatedSession:
    session_id: str
    date: date
    reps: int
    prescribed_s_per_km: float  # middle of the rep target band
    capability_s_per_km: float  # rep pace the runner could hold for this prescription
    analysis: SessionAnalysis
    decision: TuningDecision | None

    @property
    def overreach_pct(self) -> float:
        """How much faster than capability the prescription was, in percent (negative: slower)."""
        return (
            (self.capability_s_per_km - self.prescribed_s_per_km) / self.capability_s_per_km * 100
        )


@dataclass
class BlockResult:
    sessions: list[SimulatedSession]

    def gaps_pct(self) -> list[float]:
        return [round(s.overreach_pct, 2) for s in self.sessions]


def make_sessions(
    workout: Workout,
    dates: list[date],
    race_date: date,
    *,
    bounds: TuningBounds | None = None,
    family: str = "speed",
    text: str = "",
) -> list[PlannedSession]:
    """Return one planned session of `workout` per date, as build_plan would."""
    return [
        PlannedSession(
            id=f"{family}-{number}",
            date=day,
            workout_key=family,
            title=workout.name,
            calendar_text=text,
            text=text,
            workout=workout,
            calendar_workout=workout,
            bounds=bounds or TuningBounds(),
            days_to_race=(race_date - day).days,
        )
        for number, day in enumerate(dates, start=1)
    ]


def simulate_block(
    runner: SimulatedRunner, sessions: list[PlannedSession], *, adapt: bool = True
) -> BlockResult:
    """Run the sessions in order; with `adapt`, each decision sets the next workout."""
    results: list[SimulatedSession] = []
    history: list[tuple[PlannedSession, SessionAnalysis | None]] = []
    current = sessions[0] if sessions else None
    for position, session in enumerate(sessions):
        assert current is not None
        workout = current.workout
        numbers = read_prescription(workout)
        if numbers is None:
            raise ValueError(f"session {session.id} has no main set with a pace target")
        capability = runner.capability_for(numbers.reps, numbers.recovery_s)
        activity = runner.run(workout, session.date)
        analysis = analyze(workout, activity)
        history.append((current, analysis))
        decision = None
        following = sessions[position + 1] if position + 1 < len(sessions) else None
        if following is not None:
            if adapt:
                decision = decide_next(
                    following.workout_key,
                    history,
                    following,
                    following.bounds,
                    days_to_race=following.days_to_race,
                )
                current = replace(following, workout=decision.workout, text=decision.text)
            else:
                current = following
        results.append(
            SimulatedSession(
                session_id=session.id,
                date=session.date,
                reps=numbers.reps,
                prescribed_s_per_km=numbers.mid_s_per_km,
                capability_s_per_km=capability,
                analysis=analysis,
                decision=decision,
            )
        )
        runner.advance()
    return BlockResult(results)
