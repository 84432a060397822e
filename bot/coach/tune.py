"""Decide the next prescription of a workout family from how the last sessions went.

Rules, in order:

- The last 14 days before the race are a taper. The main set is cut to half of the
  family's peak reps before the taper (never below `min_reps`) and the pace is
  held. A meta-analysis of 27
  taper studies found a two-week taper best, with volume cut by 41-60 % and
  intensity kept (Bosquet et al., Med Sci Sports Exerc 2007, 39(8):1358-65).
- A missed session holds the prescription, and two missed in a row take off two reps.
- A session far off (more than 2 % slower on average, or fewer than 80 % of the reps)
  eases: slower by the deviation (at most the bound), down to the reps done, and a
  longer recovery when the reps faded.
- A clean session (every rep done, at least 80 % in the band or faster, fade and
  variation small) progresses: faster by the bound's maximum step, by half of it
  when the last reps faded a little, the average was a little slow or the session
  before was missed or far off, or one more rep once the pace is at its bound.
- A nearly clean session (every rep done, fade and variation small, the average at
  most 0.8 % slow, but fewer reps in the band) progresses by half a step. Holding
  there would leave a runner who is 1 % under capability at that pace for good.
- Anything else holds.
- A steady family (no repeats and no recoveries: long, easy and marathon-pace runs)
  holds: the reason says how the last run went against its distance and band.
- A family with `tuning: {tune: false}` in the calendar holds as written.

A missed or slow session never leads to a faster prescription.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal, Protocol

from bot.analysis.model import SessionAnalysis
from bot.analysis.steady import describe_steady, is_steady
from bot.coach.bounds import TuningBounds
from bot.coach.explain import describe_next, describe_result
from bot.coach.prescription import (
    Prescription,
    apply_prescription,
    prescription_from_analysis,
    read_prescription,
)
from bot.plan import PlannedSession, TunedPrescription
from bot.workouts.model import Workout
from bot.workouts.pace import Unit

logger = logging.getLogger(__name__)

Action = Literal["progress", "hold", "ease", "taper"]

TAPER_DAYS = 14
TAPER_VOLUME_SHARE = 0.5
MIN_CONFIDENCE = 0.5
# Signals, in percent.
MUCH_SLOWER_PCT = 2.0
SLOWER_PCT = 1.0
NEARLY_CLEAN_SLOWER_PCT = 0.8
COMPLETION_EASE = 0.8
FADE_EASE_PCT = 3.0
FADE_SMALL_PCT = 1.0
FADE_PROGRESS_PCT = 2.0
CV_PROGRESS_PCT = 2.5
IN_BAND_PROGRESS = 0.8
RECOVERY_STEP_S = 15.0


@dataclass(frozen=True)
class SessionAnalysisRecord:
    """A past session of a family: what was prescribed and what the analysis found."""

    session_id: str
    date: date
    family: str
    analysis: SessionAnalysis | None
    workout: Workout | None = None


@dataclass(frozen=True)
class TuningDecision:
    action: Action
    workout: Workout
    text: str
    reason: str
    session_id: str = ""


@dataclass(frozen=True)
class _Entry:
    date: date
    prescription: Prescription | None
    analysis: SessionAnalysis | None


class AnalysisRecord(Protocol):
    """Anything with a session date, its analysis and optionally its workout."""

    @property
    def date(self) -> date: ...

    @property
    def analysis(self) -> SessionAnalysis | None: ...

    @property
    def workout(self) -> Workout | None: ...


HistoryItem = AnalysisRecord | tuple[PlannedSession, SessionAnalysis | None]


def decide_next(
    family: str,
    history: Sequence[HistoryItem],
    next_session: PlannedSession,
    bounds: TuningBounds,
    *,
    days_to_race: int,
    units: Unit = "km",
) -> TuningDecision:
    """Return the next session's prescription and a one-sentence reason with numbers.

    `units` only sets how the reason shows paces ("/km" or "/mi"), so the decision is
    the same in either units.
    """
    entries = sorted((_entry(item) for item in history), key=lambda e: e.date)
    base = next_session.calendar_workout
    calendar_numbers = read_prescription(base)
    if not bounds.tune:
        why = "not tuned, as the calendar's tuning sets tune: false; no change"
        return _decision("hold", next_session, next_session.workout, f"{family}: {why}")
    if is_steady(base):
        return _decision("hold", next_session, next_session.workout, _steady_reason(entries, units))
    if calendar_numbers is None:
        why = "no main set with a pace target; no change"
        return _decision("hold", next_session, next_session.workout, f"{family}: {why}")

    current = next(
        (e.prescription for e in reversed(entries) if e.prescription is not None),
        read_prescription(next_session.workout) or calendar_numbers,
    )
    current = replace(
        current,
        rep_distance_m=calendar_numbers.rep_distance_m,
        rep_duration_s=calendar_numbers.rep_duration_s,
    )
    if not entries:
        return _build(
            "hold",
            next_session,
            current,
            bounds,
            f"first {family} session: prescription kept",
            units,
        )
    last = entries[-1]

    if days_to_race <= TAPER_DAYS:
        return _taper(next_session, entries, current, bounds, days_to_race, units)

    analysis = last.analysis
    if analysis is None or not analysis.metrics.reps_completed:
        missed = 0
        for entry in reversed(entries):
            if entry.analysis is not None and entry.analysis.metrics.reps_completed:
                break
            missed += 1
        if missed >= 2:
            eased = replace(current, reps=current.reps - 2)
            reason = f"{missed} sessions missed in a row"
            return _build("ease", next_session, eased, bounds, reason, units)
        return _build("hold", next_session, current, bounds, "last session not done", units)

    result = describe_result(analysis, current, units)
    if analysis.confidence < MIN_CONFIDENCE:
        return _build(
            "hold",
            next_session,
            current,
            bounds,
            f"{result} (alignment uncertain, fit {analysis.confidence:.2f})",
            units,
        )
    previous = entries[-2] if len(entries) > 1 else None
    # A clean session right after a missed or far-off one only earns half a step.
    cautious = previous is not None and (previous.analysis is None or _far_off(previous.analysis))
    return _judge(next_session, analysis, current, bounds, result, cautious=cautious, units=units)


def _steady_reason(entries: list[_Entry], units: Unit = "km") -> str:
    """Say how the last steady run went; steady runs are kept as written."""
    last = entries[-1].analysis if entries else None
    if not entries:
        return "steady run: first session of the family; no change"
    if last is None:
        return "steady run: last session not done; no change"
    if last.method != "steady":
        return "steady run: last session not measured as a steady run; no change"
    return f"{describe_steady(last.metrics, units)}; no change"


def _completion(analysis: SessionAnalysis) -> float:
    m = analysis.metrics
    return (m.reps_completed or 0) / m.reps_prescribed if m.reps_prescribed else 0.0


def _far_off(analysis: SessionAnalysis) -> bool:
    """Return True for a session more than 2 % slow or with under 80 % of its reps."""
    deviation = analysis.metrics.mean_deviation_pct or 0.0
    return deviation > MUCH_SLOWER_PCT or _completion(analysis) < COMPLETION_EASE


def _judge(
    next_session: PlannedSession,
    analysis: SessionAnalysis,
    current: Prescription,
    bounds: TuningBounds,
    result: str,
    *,
    cautious: bool = False,
    units: Unit = "km",
) -> TuningDecision:
    m = analysis.metrics
    completed = m.reps_completed or 0
    completion = _completion(analysis)
    deviation = m.mean_deviation_pct or 0.0
    fade = m.fade_pct or 0.0
    cv = m.cv_pct or 0.0
    in_band_share = (m.reps_in_band or 0) / completed if completed else 0.0

    if _far_off(analysis):
        eased = current
        if deviation > MUCH_SLOWER_PCT:
            slower = min(bounds.max_pace_change_s_per_km, current.mid_s_per_km * deviation / 100)
            eased = _shift(eased, slower)
        if completion < COMPLETION_EASE:
            eased = replace(eased, reps=max(1, completed))
        if fade > FADE_EASE_PCT and eased.recovery_s is not None:
            eased = replace(eased, recovery_s=eased.recovery_s + RECOVERY_STEP_S)
        return _build("ease", next_session, eased, bounds, result, units)

    steady = completion >= 1.0 and fade <= FADE_PROGRESS_PCT and cv <= CV_PROGRESS_PCT
    clean = (
        steady
        and (in_band_share >= IN_BAND_PROGRESS or deviation < 0)
        and deviation <= SLOWER_PCT / 2
    )
    nearly_clean = steady and deviation <= NEARLY_CLEAN_SLOWER_PCT
    if not (clean or nearly_clean):
        return _build("hold", next_session, current, bounds, result, units)

    step = bounds.max_pace_change_s_per_km
    if not clean or fade > FADE_SMALL_PCT or deviation > SLOWER_PCT / 3 or cautious:
        step /= 2
    fastest = bounds.fastest_pace_s_per_km
    room = current.fast_s_per_km - fastest if fastest is not None else step
    if room > 0.05:
        faster = _shift(current, -min(step, room))
        return _build("progress", next_session, faster, bounds, result, units)
    if not clean:
        # Extra volume only after a session that met the pace.
        return _build(
            "hold", next_session, current, bounds, f"{result}, at the fastest bound", units
        )
    if bounds.max_reps is None or current.reps < bounds.max_reps:
        return _build(
            "progress",
            next_session,
            replace(current, reps=current.reps + 1),
            bounds,
            result,
            units,
        )
    return _build("hold", next_session, current, bounds, f"{result}, at the fastest bound", units)


def tuned_prescription(decision: TuningDecision, next_session: PlannedSession) -> TunedPrescription:
    """Return the decision as the prescription to store for the next session.

    It keeps the calendar's text of that session at decision time, so build_plan drops
    the prescription once the runner edits that session in the calendar.
    """
    return TunedPrescription(
        session_id=next_session.id,
        text=decision.text,
        calendar_text=next_session.calendar_text,
        reason=decision.reason,
    )


def _taper(
    next_session: PlannedSession,
    entries: list[_Entry],
    current: Prescription,
    bounds: TuningBounds,
    days_to_race: int,
    units: Unit = "km",
) -> TuningDecision:
    race_day = next_session.date + timedelta(days=days_to_race)
    taper_start = race_day - timedelta(days=TAPER_DAYS)
    before = [e.prescription.reps for e in entries if e.prescription and e.date < taper_start]
    peak = max(before, default=current.reps)
    half = max(1, round(peak * TAPER_VOLUME_SHARE))
    reps = min(current.reps, half)
    tapered = replace(current, reps=reps)
    last = entries[-1].analysis
    reason = f"taper, {days_to_race} days to race: " + _taper_reps_reason(
        peak, half, current.reps, bounds
    )
    if last is not None and (last.metrics.mean_deviation_pct or 0.0) > MUCH_SLOWER_PCT:
        tapered = _shift(tapered, bounds.max_pace_change_s_per_km)
        reason += ", pace eased after a slow session"
    else:
        reason += ", pace held"
    return _build("taper", next_session, tapered, bounds, reason, units)


def _taper_reps_reason(peak: int, half: int, current: int, bounds: TuningBounds) -> str:
    """Say how the taper set the reps, naming the bound that decided when one did."""
    if current < half:
        text = f"half of the peak {peak} is {half}; the current {current} reps are kept"
        reps = current
    else:
        text = f"reps cut to {half}, half of the peak {peak}"
        reps = half
    if bounds.min_reps is not None and reps < bounds.min_reps:
        text = (
            f"half of the peak {peak} is {half}; "
            f"the calendar's min_reps {bounds.min_reps} keeps {bounds.min_reps}"
        )
    elif bounds.max_reps is not None and reps > bounds.max_reps:
        text = (
            f"half of the peak {peak} is {half}; "
            f"the calendar's max_reps {bounds.max_reps} caps it at {bounds.max_reps}"
        )
    return text


def _shift(p: Prescription, delta_s_per_km: float) -> Prescription:
    return replace(
        p,
        fast_s_per_km=p.fast_s_per_km + delta_s_per_km,
        slow_s_per_km=p.slow_s_per_km + delta_s_per_km,
    )


def clamp(p: Prescription, bounds: TuningBounds) -> Prescription:
    """Return the prescription moved inside the family's bounds."""
    reps = p.reps
    if bounds.min_reps is not None:
        reps = max(reps, bounds.min_reps)
    if bounds.max_reps is not None:
        reps = min(reps, bounds.max_reps)
    shift = 0.0
    if bounds.fastest_pace_s_per_km is not None and p.fast_s_per_km < bounds.fastest_pace_s_per_km:
        shift = bounds.fastest_pace_s_per_km - p.fast_s_per_km
    if bounds.slowest_pace_s_per_km is not None and p.slow_s_per_km > bounds.slowest_pace_s_per_km:
        shift = bounds.slowest_pace_s_per_km - p.slow_s_per_km
    recovery = p.recovery_s
    if recovery is not None:
        if bounds.min_recovery_s is not None:
            recovery = max(recovery, bounds.min_recovery_s)
        if bounds.max_recovery_s is not None:
            recovery = min(recovery, bounds.max_recovery_s)
    return replace(_shift(p, shift), reps=max(1, reps), recovery_s=recovery)


def _build(
    action: Action,
    next_session: PlannedSession,
    new: Prescription,
    bounds: TuningBounds,
    result: str,
    units: Unit = "km",
) -> TuningDecision:
    new = clamp(new, bounds)
    workout = apply_prescription(next_session.calendar_workout, new)
    reason = f"{result}: {describe_next(next_session.date, new, units)}"
    logger.info("tuned %s: %s (%s)", next_session.id, action, reason)
    return _decision(action, next_session, workout, reason)


def _decision(
    action: Action, next_session: PlannedSession, workout: Workout, reason: str
) -> TuningDecision:
    from bot.workouts.text import render_workout

    return TuningDecision(
        action=action,
        workout=workout,
        text=render_workout(workout),
        reason=reason,
        session_id=next_session.id,
    )


def _entry(item: HistoryItem) -> _Entry:
    if isinstance(item, tuple):
        session, analysis = item
        return _Entry(session.date, read_prescription(session.workout), analysis)
    prescription = read_prescription(item.workout) if item.workout is not None else None
    if prescription is None and item.analysis is not None:
        prescription = prescription_from_analysis(item.analysis)
    return _Entry(item.date, prescription, item.analysis)
