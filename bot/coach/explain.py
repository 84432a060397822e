"""One-sentence explanations of a tuning decision, with the numbers behind it."""

from __future__ import annotations

from datetime import date

from bot.analysis.model import SessionAnalysis
from bot.coach.prescription import Prescription


def format_seconds(seconds: float) -> str:
    """Return "70.4 s" under two minutes, else "m:ss"."""
    if seconds < 120:
        text = f"{seconds:.1f}".removesuffix(".0")
        return f"{text} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def format_pace(s_per_km: float) -> str:
    minutes, rest = divmod(round(s_per_km), 60)
    return f"{minutes}:{rest:02d}/km"


def rep_band(p: Prescription) -> str:
    """Return the rep target as rep times ("70-71 s") or as a pace band ("4:05-4:10/km")."""
    if p.rep_distance_m:
        fast = format_seconds(p.fast_s_per_km * p.rep_distance_m / 1000).removesuffix(" s")
        slow = format_seconds(p.slow_s_per_km * p.rep_distance_m / 1000)
        return f"{fast}-{slow}" if fast != slow.removesuffix(" s") else slow
    fast_pace = format_pace(p.fast_s_per_km).removesuffix("/km")
    return f"{fast_pace}-{format_pace(p.slow_s_per_km)}"


def rep_label(p: Prescription) -> str:
    if p.rep_distance_m:
        metres = p.rep_distance_m
        return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    if p.rep_duration_s:
        return f"{p.rep_duration_s / 60:g} min"
    return "rep"


def describe_result(analysis: SessionAnalysis, prescribed: Prescription) -> str:
    """Describe the last session: reps in band, average rep, fade."""
    m = analysis.metrics
    done = m.reps_completed or 0
    parts: list[str] = []
    if m.reps_in_band is not None:
        parts.append(f"{m.reps_in_band} of {m.reps_prescribed} reps inside {rep_band(prescribed)}")
    else:
        parts.append(f"{done} of {m.reps_prescribed} reps done")
    if m.mean_time_per_400m_s is not None:
        if prescribed.rep_distance_m:
            average = m.mean_time_per_400m_s / 400 * prescribed.rep_distance_m
            parts.append(f"average {format_seconds(average)}")
        else:
            parts.append(f"average {format_pace(m.mean_time_per_400m_s * 2.5)}")
    if m.fade_pct is not None:
        parts.append(f"fade {m.fade_pct:.1f} %")
    if m.reps_in_band is not None and done < m.reps_prescribed:
        parts.insert(1, f"{done} done")
    return ", ".join(parts)


def describe_next(day: date, p: Prescription) -> str:
    recovery = f", {format_seconds(p.recovery_s)} recovery" if p.recovery_s else ""
    return f"next {day:%A} {p.reps} x {rep_label(p)} at {rep_band(p)}{recovery}"
