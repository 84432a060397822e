"""Find the run that executed a planned session."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from bot.activities.model import Activity
from bot.analysis.analyze import analyze, needs_streams
from bot.analysis.model import SessionAnalysis
from bot.analysis.steady import match_fit
from bot.plan import PlannedSession
from bot.workouts.model import Workout

# Below this score a run on the session's date is taken as some other run.
MIN_MATCH_SCORE = 0.4
# Reps found in a run are the session's reps only when their median speed is within
# these shares of the target speed and their median distance or duration within
# REP_SIZE_TOLERANCE of the prescribed one. A slow session is still the session, so
# the speed floor leaves room for reps 25 % slower than the target.
MIN_REP_SPEED_SHARE = 0.8
MAX_REP_SPEED_SHARE = 1.25
REP_SIZE_TOLERANCE = 0.5
# Reps guessed from the speed stream must also number at least this share of the
# prescribed reps. Laps from a watch that executed the workout show an early stop
# as it is, so the count is checked only for reps found in the stream.
MIN_STREAM_REP_SHARE = 1 / 3


@dataclass
class MatchResult:
    activity: Activity | None
    score: float
    reason: str
    analysis: SessionAnalysis | None = None
    # When no run matched but the best one's laps cannot show its structure and its
    # streams are not loaded: load the candidate's streams and match again.
    needs_streams: bool = False
    candidate: Activity | None = None


def is_run(activity: Activity) -> bool:
    return "run" in activity.sport.lower()


def match_score(session: PlannedSession, activity: Activity) -> tuple[float, SessionAnalysis]:
    """Score 0..1 how well the run fits the session's structure and distance.

    A steady session (no repeats) has no structure to fit: its score comes from the
    distance and the average pace against the band.
    """
    analysis = analyze(session.workout, activity)
    if analysis.method == "steady":
        return match_fit(analysis), analysis
    planned = session.workout.distance_m()
    ratio = activity.distance_m / planned if planned > 0 else 1.0
    distance_fit = max(0.0, 1.0 - abs(1.0 - ratio))
    if analysis.method == "totals":
        if activity.laps and needs_streams(analysis):
            # One lap hides the reps: this run is the session only once its streams show them.
            return 0.2 * distance_fit, analysis
        return 0.5 * distance_fit, analysis
    if rep_mismatch(analysis) is not None:
        # The run's structure is not this session's, however well its steps line up.
        return 0.2 * distance_fit, analysis
    return 0.8 * analysis.confidence + 0.2 * distance_fit, analysis


def rep_mismatch(analysis: SessionAnalysis) -> str | None:
    """Return why the measured reps cannot be the prescribed ones, or None when they can.

    The reps must be near the prescribed pace and distance or duration, and reps
    found in the speed stream near the prescribed count.
    """
    metrics = analysis.metrics
    if metrics.reps_prescribed == 0:
        return None
    if not analysis.reps:
        if analysis.method == "streams":
            return "no interval structure found in the speed stream"
        return "no reps found"
    if analysis.method == "streams":
        needed = MIN_STREAM_REP_SHARE * metrics.reps_prescribed
        if len(analysis.reps) < needed:
            return f"only {len(analysis.reps)} of {metrics.reps_prescribed} reps found"
    shares = [
        (r.target_fast_s_per_km + r.target_slow_s_per_km) / 2 / r.pace_s_per_km
        for r in analysis.reps
        if r.target_fast_s_per_km is not None and r.target_slow_s_per_km is not None
    ]
    if shares:
        share = statistics.median(shares)
        if not MIN_REP_SPEED_SHARE <= share <= MAX_REP_SPEED_SHARE:
            return f"the reps run at {share:.0%} of the target speed"
    errors: list[float] = []
    for rep in analysis.reps:
        step = analysis.steps[rep.step_index]
        if step.planned_distance_m:
            errors.append(abs(rep.distance_m - step.planned_distance_m) / step.planned_distance_m)
        elif step.planned_duration_s:
            errors.append(abs(rep.time_s - step.planned_duration_s) / step.planned_duration_s)
    if errors and statistics.median(errors) > REP_SIZE_TOLERANCE:
        return f"the reps are {statistics.median(errors):.0%} off the prescribed size"
    return None


def match_session(session: PlannedSession, candidates: list[Activity]) -> MatchResult:
    """Return the run on the session's local date whose structure fits it best."""
    runs = [a for a in candidates if a.local_date == session.date and is_run(a)]
    if not runs:
        return MatchResult(None, 0.0, "not done")
    scored = [(*match_score(session, run), run) for run in runs]
    score, analysis, best = max(scored, key=lambda item: item[0])
    if score < MIN_MATCH_SCORE:
        reason = (
            f"not done: {len(runs)} run(s) on {session.date}, best fit {score:.2f} "
            f"({best.key}) is below {MIN_MATCH_SCORE}"
        )
        mismatch = rep_mismatch(analysis) if analysis.method != "totals" else None
        if mismatch is not None:
            reason = f"{reason}: {mismatch}"
        if needs_streams(analysis):
            return MatchResult(
                None,
                round(score, 2),
                f"{reason}; its laps do not show the reps, and its streams are not loaded",
                needs_streams=True,
                candidate=best,
            )
        return MatchResult(None, round(score, 2), reason)
    return MatchResult(best, round(score, 2), f"matched {best.key} (fit {score:.2f})", analysis)


# Attach an activity's streams and return whether it now has them. The flag is True
# when nothing can be matched without them, so a caller may raise instead.
StreamLoader = Callable[[Activity, bool], bool]


def match_with_streams(
    session: PlannedSession, candidates: list[Activity], load_streams: StreamLoader
) -> MatchResult:
    """Match the session, loading the best run's streams once when its laps hide the reps.

    A run with one lap or 1 km auto-laps cannot show an interval session's structure,
    but its speed stream may, so the match is tried again once the stream is loaded.
    """
    match = match_session(session, candidates)
    candidate = match.candidate
    if match.activity is not None or not match.needs_streams or candidate is None:
        return match
    if not load_streams(candidate, True):
        return match
    return match_session(session, candidates)


def analyze_with_streams(
    workout: Workout,
    activity: Activity,
    load_streams: StreamLoader,
    analysis: SessionAnalysis | None = None,
) -> SessionAnalysis:
    """Analyse the run, again from its streams when its laps did not fit the workout."""
    result = analysis or analyze(workout, activity)
    if needs_streams(result) and load_streams(activity, False):
        result = analyze(workout, activity)
    return result
