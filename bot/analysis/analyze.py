"""Analyse one run against one workout: align its steps, then measure the reps."""

from __future__ import annotations

import logging

from bot.activities.model import Activity
from bot.analysis.laps import align_laps
from bot.analysis.metrics import recovery_metrics, rep_metrics, session_metrics
from bot.analysis.model import AlignedStep, Method, SessionAnalysis
from bot.analysis.steady import analyze_steady, is_steady
from bot.analysis.streams import Series, align_streams, fastest_distance, resample, set_span
from bot.analysis.structure import fit_step_indices, rep_flat_indices
from bot.workouts.model import EndKind, FlatStep, Workout

logger = logging.getLogger(__name__)

# Below this confidence the laps do not describe the workout and streams are tried.
LAPS_FIT_CONFIDENCE = 0.6


def analyze(workout: Workout, activity: Activity) -> SessionAnalysis:
    """Split the run into the workout's steps and measure every rep and recovery.

    A steady workout (no repeats, no recoveries) is measured as one piece instead:
    its laps are auto-laps, not reps.
    """
    flat = workout.flat_steps()
    series = resample(activity.streams) if activity.streams is not None else None
    if is_steady(workout):
        steady = analyze_steady(workout, activity, series)
        steady.notes.extend(_data_notes(activity))
        return steady
    rep_indices, recovery_indices = rep_flat_indices(workout)
    notes: list[str] = []

    steps: list[AlignedStep] | None = None
    method: Method = "totals"
    confidence = 0.0
    # One lap (or none) says nothing about the steps of a workout with several: the
    # reps are then looked for in the speed stream.
    laps_usable = len(activity.laps) > 1 or (len(flat) == 1 and bool(activity.laps))
    if laps_usable and not activity.manual:
        main_set = (
            (rep_indices[0], max(rep_indices + recovery_indices) + 1) if rep_indices else None
        )
        lap_fit = align_laps(flat, activity.laps, fit_step_indices(workout), main_set)
        confidence = _lap_confidence(lap_fit.mean_cost, lap_fit.matched_fraction)
        if lap_fit.used_step_index and confidence < LAPS_FIT_CONFIDENCE:
            # The watch may have executed another workout than this one, so its step
            # indices say nothing about this workout's steps: align on the laps alone.
            plain = align_laps(flat, activity.laps, None, main_set)
            plain_confidence = _lap_confidence(plain.mean_cost, plain.matched_fraction)
            if plain_confidence > confidence:
                lap_fit, confidence = plain, plain_confidence
        steps = lap_fit.steps
        method = "step_index" if lap_fit.used_step_index else "laps"
        if confidence < LAPS_FIT_CONFIDENCE:
            notes.append(
                f"the {len(activity.laps)} laps do not fit the {len(flat)} steps "
                f"(fit {confidence:.2f})"
            )
    if series is not None and (steps is None or confidence < LAPS_FIT_CONFIDENCE):
        empty = align_laps(flat, []).steps
        fit = align_streams(flat, series, rep_indices, recovery_indices, empty)
        if steps is None or fit.confidence > confidence:
            steps, method, confidence = fit.steps, "streams", fit.confidence
            if any(not steps[i].missing for i in rep_indices):
                notes.append("reps found in the speed stream")
            else:
                notes.append("not done: no interval structure found in the speed stream")
            notes.extend(fit.notes)
    elif series is None and method in ("laps", "step_index") and confidence < LAPS_FIT_CONFIDENCE:
        notes.append("no streams loaded: fetch them to find the reps")

    if steps is None:
        steps = align_laps(flat, []).steps
        method, confidence = "totals", 0.0
        if activity.manual:
            reason = "a manual activity"
        elif activity.laps:
            reason = "one lap and no streams"
        else:
            reason = "no laps or streams"
        notes.append(f"{reason}: only the totals are known, reps not measured")

    if series is not None:
        if method in ("laps", "step_index"):
            _split_shared_laps(steps, flat, series)
        _fill_heart_rate(steps, series)
    reps = rep_metrics(steps, rep_indices) if method != "totals" else []
    recoveries = recovery_metrics(steps, recovery_indices, series) if method != "totals" else []
    if any(s.shared_lap for s in steps):
        notes.append("a missed lap press: one lap split between a rep and its recovery")
    metrics = session_metrics(
        reps,
        len(rep_indices),
        activity.distance_m,
        activity.elapsed_time_s or activity.moving_time_s,
    )
    if method == "totals":
        metrics.compliance = _totals_score(workout, activity)
        from bot.analysis.metrics import colour_for

        metrics.colour = colour_for(metrics.compliance)
        metrics.reps_completed = None
        notes.append("compliance from the total distance against the plan")
    notes.extend(_data_notes(activity))
    if activity.sub_sport == "treadmill":
        confidence *= 0.8
    analysis = SessionAnalysis(
        method=method,
        confidence=round(confidence, 2),
        reps=reps,
        recoveries=recoveries,
        steps=steps,
        metrics=metrics,
        notes=notes,
        workout_name=workout.name,
        activity_key=activity.key,
        streams_available=series is not None,
    )
    logger.debug(
        "analysed %s against %r: %s, confidence %.2f",
        activity.key,
        workout.name,
        method,
        analysis.confidence,
    )
    return analysis


def needs_streams(analysis: SessionAnalysis) -> bool:
    """Return True when the laps did not fit and the streams were not loaded."""
    return (
        not analysis.streams_available
        and analysis.method in ("laps", "step_index", "totals")
        and analysis.confidence < LAPS_FIT_CONFIDENCE
        and not any(note.startswith("a manual activity") for note in analysis.notes)
    )


def _lap_confidence(mean_cost: float, matched_fraction: float) -> float:
    return max(0.0, 1.0 - 2.5 * mean_cost) * (0.5 + 0.5 * matched_fraction)


def _split_shared_laps(steps: list[AlignedStep], flat: list[FlatStep], series: Series) -> None:
    """Cut a rep out of a lap it shares with its recovery, using the stream."""
    for index, step in enumerate(steps[:-1]):
        rep = flat[index].step
        following = steps[index + 1]
        if not (step.shared_lap and following.shared_lap and step.laps == following.laps):
            continue
        if rep.end.kind is not EndKind.DISTANCE or rep.end.value is None:
            continue
        if step.start_s is None or following.end_s is None:
            continue
        lap = (int(step.start_s), int(following.end_s))
        start, end = fastest_distance(series, lap, rep.end.value, margin_s=0)
        set_span(step, series, start, end)
        set_span(following, series, end, following.end_s)


def _fill_heart_rate(steps: list[AlignedStep], series: Series) -> None:
    """Take max HR from the stream where the laps carried only the average."""
    for step in steps:
        if step.missing or step.start_s is None or step.end_s is None:
            continue
        average, maximum = series.heart_rate_in(step.start_s, step.end_s)
        if step.avg_hr is None:
            step.avg_hr = average
        if step.max_hr is None:
            step.max_hr = maximum


def _totals_score(workout: Workout, activity: Activity) -> int:
    planned = workout.distance_m()
    if planned <= 0:
        return 0
    return round(100 * min(1.0, activity.distance_m / planned))


def _data_notes(activity: Activity) -> list[str]:
    notes = []
    if activity.sub_sport == "treadmill":
        notes.append("treadmill run: paces come from the treadmill's or the watch's distance")
    if not activity.has_heart_rate:
        notes.append("no heart rate: HR metrics left out")
    return notes
