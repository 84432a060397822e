"""Align a run's laps to the steps of a workout by dynamic programming.

Each step takes one or more consecutive laps, a lap can be skipped as extra (a
stray lap press), a step can be missing (an early stop), and one lap can cover two
neighbouring steps (a missed lap press). The alignment with the lowest total cost
wins; the cost of a step is its relative error in distance and duration.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.activities.model import Lap
from bot.analysis.model import AlignedStep
from bot.workouts.model import EndKind, FlatStep, Step, StepKind

# Costs are in units of relative error (0.1 is a 10 % miss).
MISSING_STEP_COST = 1.0
MISSING_EASY_STEP_COST = 0.5
# Leaving the main set early (the rest of its steps missing) costs this once, plus a
# little per step left out, so a long set abandoned is still cheaper than a misfit.
STOP_COST = 1.0
STOP_STEP_COST = 0.05
EXTRA_LAP_BASE_COST = 0.3
SHARED_LAP_COST = 0.6
STEP_INDEX_MISMATCH_COST = 3.0
MAX_ERROR = 2.0
# An open (lap-button) step fits any laps; this small cost still prefers real fits.
OPEN_STEP_COST = 0.05
MAX_LAPS_PER_STEP = 4
EASY_KINDS = (StepKind.WARMUP, StepKind.COOLDOWN)


@dataclass
class LapAlignment:
    steps: list[AlignedStep]
    # Mean cost over the steps that found laps; 0 is a perfect fit.
    mean_cost: float
    matched_fraction: float
    used_step_index: bool


def align_laps(
    flat: list[FlatStep],
    laps: list[Lap],
    fit_indices: list[int] | None = None,
    main_set: tuple[int, int] | None = None,
) -> LapAlignment:
    """Align laps to the flat steps by dynamic programming.

    `main_set` is the [first, last) flat index range of the main repeat block. A runner
    who stops early leaves it in one jump, so the rest of its steps are missing.
    """
    n, m = len(laps), len(flat)
    use_index = (
        bool(laps) and fit_indices is not None and all(lap.step_index is not None for lap in laps)
    )
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0

    def relax(i: int, j: int, value: float, origin: tuple[int, int, str]) -> None:
        if value < cost[i][j]:
            cost[i][j] = value
            back[i][j] = origin

    for i in range(n + 1):
        for j in range(m + 1):
            here = cost[i][j]
            if here == inf:
                continue
            if i < n:
                relax(i + 1, j, here + _extra_cost(laps[i]), (i, j, "extra"))
            if j < m:
                relax(i, j + 1, here + _missing_cost(flat[j].step), (i, j, "missing"))
                if main_set is not None and main_set[0] < j < main_set[1]:
                    for stop in {main_set[1], m}:
                        if stop > j + 1:
                            stop_cost = STOP_COST + STOP_STEP_COST * (stop - j)
                            relax(i, stop, here + stop_cost, (i, j, "stop"))
                limit = n - i if flat[j].step.end.kind is EndKind.LAP_BUTTON else MAX_LAPS_PER_STEP
                distance = duration = 0.0
                for k in range(1, min(limit, n - i) + 1):
                    lap = laps[i + k - 1]
                    distance += lap.distance_m
                    duration += lap.elapsed_time_s
                    step_cost = _step_cost(flat[j].step, distance, duration)
                    if use_index:
                        assert fit_indices is not None
                        step_cost += STEP_INDEX_MISMATCH_COST * sum(
                            lap.step_index != fit_indices[j] for lap in laps[i : i + k]
                        )
                    relax(i + k, j + 1, here + step_cost, (i, j, "take"))
                # A watch that executed the workout starts a lap at every step, so only
                # laps pressed by hand can cover two steps.
                if i < n and j + 1 < m and not use_index:
                    shared = _shared_cost(flat[j].step, flat[j + 1].step, laps[i])
                    relax(i + 1, j + 2, here + shared, (i, j, "shared"))

    aligned = [_empty(f) for f in flat]
    step_costs: list[float] = []
    i, j = n, m
    while (i, j) != (0, 0):
        origin = back[i][j]
        assert origin is not None
        pi, pj, move = origin
        delta = cost[i][j] - cost[pi][pj]
        if move == "take":
            _fill(aligned[pj], laps, list(range(pi, i)))
            step_costs.append(delta)
        elif move == "shared":
            _fill_shared(aligned[pj], aligned[pj + 1], flat[pj].step, flat[pj + 1].step, laps, pi)
            step_costs.extend([delta / 2, delta / 2])
        i, j = pi, pj

    matched = sum(not s.missing for s in aligned)
    return LapAlignment(
        steps=aligned,
        mean_cost=sum(step_costs) / len(step_costs) if step_costs else MAX_ERROR,
        matched_fraction=matched / m if m else 0.0,
        used_step_index=use_index,
    )


def _empty(f: FlatStep) -> AlignedStep:
    step = f.step
    return AlignedStep(
        index=f.index,
        kind=str(step.kind),
        iteration=f.iteration,
        planned_distance_m=step.end.value if step.end.kind is EndKind.DISTANCE else None,
        planned_duration_s=step.end.value if step.end.kind is EndKind.TIME else None,
        target_fast_s_per_km=step.target.fast_s_per_km if step.target else None,
        target_slow_s_per_km=step.target.slow_s_per_km if step.target else None,
        missing=True,
    )


def _fill(aligned: AlignedStep, laps: list[Lap], indices: list[int]) -> None:
    chosen = [laps[k] for k in indices]
    aligned.missing = False
    aligned.laps = indices
    aligned.start_s = chosen[0].start_offset_s
    aligned.duration_s = sum(lap.elapsed_time_s for lap in chosen)
    aligned.end_s = aligned.start_s + aligned.duration_s
    aligned.distance_m = sum(lap.distance_m for lap in chosen)
    with_hr = [(lap.avg_hr, lap.elapsed_time_s) for lap in chosen if lap.avg_hr is not None]
    if with_hr:
        weight = sum(seconds for _, seconds in with_hr) or 1.0
        aligned.avg_hr = sum(hr * seconds for hr, seconds in with_hr) / weight
    maxima = [lap.max_hr for lap in chosen if lap.max_hr is not None]
    aligned.max_hr = max(maxima) if maxima else None


def _fill_shared(
    first: AlignedStep, second: AlignedStep, step_a: Step, step_b: Step, laps: list[Lap], i: int
) -> None:
    """Split one lap between two steps in proportion to their planned durations."""
    lap = laps[i]
    planned_a = step_a.estimated_duration_s()
    planned_b = step_b.estimated_duration_s()
    share = planned_a / (planned_a + planned_b) if planned_a + planned_b > 0 else 0.5
    for aligned, start, fraction in (
        (first, lap.start_offset_s, share),
        (second, lap.start_offset_s + lap.elapsed_time_s * share, 1 - share),
    ):
        aligned.missing = False
        aligned.laps = [i]
        aligned.shared_lap = True
        aligned.start_s = start
        aligned.duration_s = lap.elapsed_time_s * fraction
        aligned.end_s = start + aligned.duration_s
        aligned.avg_hr = lap.avg_hr
        aligned.max_hr = lap.max_hr
    # The rep covers most of the distance, so the recovery gets its planned distance.
    distance_b = min(step_b.estimated_distance_m(), lap.distance_m)
    first.distance_m = lap.distance_m - distance_b
    second.distance_m = distance_b


def _relative(actual: float, planned: float) -> float:
    return abs(actual - planned) / planned if planned > 0 else 0.0


def _step_cost(step: Step, distance_m: float, duration_s: float) -> float:
    end = step.end
    if end.kind is EndKind.LAP_BUTTON:
        return OPEN_STEP_COST
    assert end.value is not None
    if end.kind is EndKind.DISTANCE:
        error = _relative(distance_m, end.value)
        if step.target is not None:
            expected_s = end.value * step.target.mid_s_per_km / 1000.0
            error += 0.25 * min(1.0, _relative(duration_s, expected_s))
    else:
        error = _relative(duration_s, end.value)
        if step.target is not None and step.kind is StepKind.ACTIVE:
            expected_m = end.value / step.target.mid_s_per_km * 1000.0
            error += 0.25 * min(1.0, _relative(distance_m, expected_m))
    weight = 0.3 if step.kind in EASY_KINDS else 1.0
    return weight * min(error, MAX_ERROR)


def _shared_cost(step_a: Step, step_b: Step, lap: Lap) -> float:
    if EndKind.LAP_BUTTON in (step_a.end.kind, step_b.end.kind):
        return SHARED_LAP_COST + OPEN_STEP_COST
    planned_m = step_a.estimated_distance_m() + step_b.estimated_distance_m()
    planned_s = step_a.estimated_duration_s() + step_b.estimated_duration_s()
    error = 0.5 * _relative(lap.distance_m, planned_m) + 0.5 * _relative(
        lap.elapsed_time_s, planned_s
    )
    return SHARED_LAP_COST + min(error, MAX_ERROR)


def _missing_cost(step: Step) -> float:
    return MISSING_EASY_STEP_COST if step.kind in EASY_KINDS else MISSING_STEP_COST


def _extra_cost(lap: Lap) -> float:
    return EXTRA_LAP_BASE_COST + 0.7 * min(1.0, lap.elapsed_time_s / 300.0)
