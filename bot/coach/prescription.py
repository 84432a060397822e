"""The tunable numbers of a workout's main set, read from and written back to a Workout."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.analysis.model import SessionAnalysis
from bot.analysis.structure import main_repeat, recovery_step, rep_step
from bot.workouts.model import Block, EndCondition, EndKind, PaceRange, Repeat, Step, Workout


@dataclass(frozen=True)
class Prescription:
    """Reps, rep pace band (s/km) and recovery (s) of a main set."""

    reps: int
    fast_s_per_km: float
    slow_s_per_km: float
    recovery_s: float | None
    rep_distance_m: float | None
    rep_duration_s: float | None

    @property
    def mid_s_per_km(self) -> float:
        return (self.fast_s_per_km + self.slow_s_per_km) / 2


def read_prescription(workout: Workout) -> Prescription | None:
    """Return the main set's numbers, or None when it has no repeat with a pace target."""
    repeat = main_repeat(workout)
    if repeat is None:
        return None
    rep = rep_step(repeat)
    if rep.target is None:
        return None
    recovery = recovery_step(repeat)
    return Prescription(
        reps=repeat.count,
        fast_s_per_km=rep.target.fast_s_per_km,
        slow_s_per_km=rep.target.slow_s_per_km,
        recovery_s=_time_value(recovery),
        rep_distance_m=rep.end.value if rep.end.kind is EndKind.DISTANCE else None,
        rep_duration_s=rep.end.value if rep.end.kind is EndKind.TIME else None,
    )


def prescription_from_analysis(analysis: SessionAnalysis) -> Prescription | None:
    """Return what a past session prescribed, as recorded in its aligned steps."""
    reps = [s for s in analysis.steps if s.kind == "active" and s.iteration is not None]
    if not reps:
        return None
    first = reps[0]
    if first.target_fast_s_per_km is None or first.target_slow_s_per_km is None:
        return None
    recoveries = [s for s in analysis.steps if s.kind in ("recovery", "rest") and s.iteration]
    return Prescription(
        reps=analysis.metrics.reps_prescribed,
        fast_s_per_km=first.target_fast_s_per_km,
        slow_s_per_km=first.target_slow_s_per_km,
        recovery_s=recoveries[0].planned_duration_s if recoveries else None,
        rep_distance_m=first.planned_distance_m,
        rep_duration_s=first.planned_duration_s,
    )


def apply_prescription(workout: Workout, new: Prescription) -> Workout:
    """Return the workout with its main set's reps, pace band and recovery replaced."""
    repeat = main_repeat(workout)
    if repeat is None:
        return workout
    rep = rep_step(repeat)
    recovery = recovery_step(repeat)

    def rewrite(block: Block) -> Block:
        if block is rep:
            assert isinstance(block, Step) and block.target is not None
            fast, slow = round(new.fast_s_per_km, 2), round(new.slow_s_per_km, 2)
            # A label such as "10k" no longer describes a pace the coach has moved.
            same = (fast, slow) == (block.target.fast_s_per_km, block.target.slow_s_per_km)
            target = PaceRange(fast, slow, block.target.label if same else None)
            return replace(block, target=target)
        if block is recovery and new.recovery_s is not None:
            assert isinstance(block, Step)
            if block.end.kind is EndKind.TIME:
                return replace(block, end=EndCondition.time(new.recovery_s))
            return block
        if isinstance(block, Repeat):
            count = new.reps if block is repeat else block.count
            return Repeat(count, tuple(rewrite(b) for b in block.steps))
        return block

    return Workout(workout.name, tuple(rewrite(b) for b in workout.steps))


def _time_value(step: Step | None) -> float | None:
    if step is None or step.end.kind is not EndKind.TIME:
        return None
    return step.end.value
