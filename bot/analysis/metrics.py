"""Rep, recovery and session metrics from aligned steps, and the compliance score."""

from __future__ import annotations

import statistics

from bot.analysis.model import (
    AlignedStep,
    Colour,
    RecoveryMetrics,
    RepMetrics,
    SessionMetrics,
    band_verdict,
)
from bot.analysis.streams import Series

GREEN_FROM = 80
AMBER_FROM = 60


def rep_metrics(steps: list[AlignedStep], rep_indices: list[int]) -> list[RepMetrics]:
    reps: list[RepMetrics] = []
    for number, index in enumerate(rep_indices, start=1):
        step = steps[index]
        if step.missing or not step.distance_m or not step.duration_s:
            continue
        pace = step.duration_s / step.distance_m * 1000.0
        in_band: bool | None = None
        deviation: float | None = None
        if step.target_fast_s_per_km is not None and step.target_slow_s_per_km is not None:
            # Judged on the rounded pace the rep shows, so `verdict` agrees with it.
            verdict = band_verdict(
                round(pace, 2), step.target_fast_s_per_km, step.target_slow_s_per_km
            )
            in_band = verdict == "in"
            mid = (step.target_fast_s_per_km + step.target_slow_s_per_km) / 2
            deviation = round((pace - mid) * 0.4, 2)
        reps.append(
            RepMetrics(
                number=number,
                step_index=index,
                distance_m=round(step.distance_m, 1),
                time_s=round(step.duration_s, 2),
                pace_s_per_km=round(pace, 2),
                time_per_400m_s=round(pace * 0.4, 2),
                avg_hr=_round(step.avg_hr),
                max_hr=_round(step.max_hr),
                target_fast_s_per_km=step.target_fast_s_per_km,
                target_slow_s_per_km=step.target_slow_s_per_km,
                in_band=in_band,
                deviation_s_per_400m=deviation,
            )
        )
    return reps


def recovery_metrics(
    steps: list[AlignedStep], recovery_indices: list[int], series: Series | None
) -> list[RecoveryMetrics]:
    recoveries: list[RecoveryMetrics] = []
    for number, index in enumerate(recovery_indices, start=1):
        step = steps[index]
        if step.missing or step.duration_s is None or step.start_s is None:
            continue
        hr_start = hr_end = None
        if series is not None and step.end_s is not None:
            hr_start = _hr_near(series, step.start_s)
            hr_end = _hr_near(series, step.end_s)
        drop = hr_start - hr_end if hr_start is not None and hr_end is not None else None
        recoveries.append(
            RecoveryMetrics(
                number=number,
                step_index=index,
                duration_s=round(step.duration_s, 2),
                distance_m=round(step.distance_m or 0.0, 1),
                hr_start=_round(hr_start),
                hr_end=_round(hr_end),
                hr_drop=_round(drop),
            )
        )
    return recoveries


def _hr_near(series: Series, t: float) -> float | None:
    """Heart rate at `t`, from the nearest sample within 3 s."""
    for delta in (0, -1, 1, -2, 2, -3, 3):
        k = round(t) + delta
        if 0 <= k <= series.end_s and series.heart_rate[k] is not None:
            return series.heart_rate[k]
    return None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _thirds(values: list[float]) -> tuple[list[float], list[float]]:
    size = max(1, len(values) // 3)
    return values[:size], values[-size:]


def session_metrics(
    reps: list[RepMetrics], reps_prescribed: int, distance_m: float, duration_s: float
) -> SessionMetrics:
    times = [r.time_per_400m_s for r in reps]
    completed = len(reps)
    with_target = [r for r in reps if r.deviation_s_per_400m is not None]
    in_band = sum(1 for r in with_target if r.in_band) if with_target else None
    mean_time = statistics.fmean(times) if times else None
    target_time = deviation = deviation_pct = None
    if with_target:
        mids = [
            (r.target_fast_s_per_km + r.target_slow_s_per_km) / 2 * 0.4  # type: ignore[operator]
            for r in with_target
        ]
        target_time = statistics.fmean(mids)
        deviation = statistics.fmean(r.deviation_s_per_400m for r in with_target)  # type: ignore[misc]
        deviation_pct = deviation / target_time * 100.0
    fade = cv = drift = None
    if completed >= 3:
        first, last = _thirds(times)
        fade = (statistics.fmean(last) - statistics.fmean(first)) / statistics.fmean(first) * 100
        cv = statistics.pstdev(times) / statistics.fmean(times) * 100
        hrs = [r.avg_hr for r in reps]
        if all(h is not None for h in hrs):
            first_hr, last_hr = _thirds([h for h in hrs if h is not None])
            drift = statistics.fmean(last_hr) - statistics.fmean(first_hr)
    score = compliance_score(completed, reps_prescribed, in_band, deviation_pct, fade, cv)
    return SessionMetrics(
        reps_prescribed=reps_prescribed,
        reps_completed=completed,
        reps_in_band=in_band,
        mean_time_per_400m_s=_round(mean_time, 2),
        target_time_per_400m_s=_round(target_time, 2),
        mean_deviation_s_per_400m=_round(deviation, 2),
        mean_deviation_pct=_round(deviation_pct, 2),
        fade_pct=_round(fade, 2),
        cv_pct=_round(cv, 2),
        hr_drift_bpm=_round(drift),
        compliance=score,
        colour=colour_for(score),
        distance_m=round(distance_m, 1),
        duration_s=round(duration_s, 1),
    )


def compliance_score(
    completed: int,
    prescribed: int,
    in_band: int | None,
    deviation_pct: float | None,
    fade_pct: float | None,
    cv_pct: float | None,
) -> int:
    """Score a session 0-100: 40 for reps done, 30 for reps in the band, 20 for the
    average pace and 10 for steady reps. Parts with no data score as the reps done."""
    if prescribed <= 0:
        return 0
    done = min(1.0, completed / prescribed)
    band = in_band / completed if in_band is not None and completed else done
    accuracy = max(0.0, 1.0 - abs(deviation_pct) / 5.0) if deviation_pct is not None else done
    steady = done
    if fade_pct is not None and cv_pct is not None:
        steady = max(0.0, 1.0 - max(0.0, fade_pct) / 5.0 - cv_pct / 5.0)
    # Reps never run cannot be in the band or steady: scale those parts by the share done.
    score = 40 * done + 30 * band * done + 20 * accuracy * done + 10 * steady * done
    return round(score)


def colour_for(score: int) -> Colour:
    if score >= GREEN_FROM:
        return "green"
    if score >= AMBER_FROM:
        return "amber"
    return "red"
