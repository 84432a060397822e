"""One-sentence explanations of a tuning decision, with the numbers behind it.

Every number carries its unit: a rep of up to 1000 m is given as its time in
seconds ("70-71 s"), a longer rep or a timed rep as a pace band in the runner's
units ("5:49-5:55/mi"), and a rep distance as written ("400 m", "1 mi", "2 km").
"""

from __future__ import annotations

from datetime import date

from bot.analysis.model import SessionAnalysis
from bot.coach.prescription import Prescription
from bot.workouts.pace import METRES_PER_MILE, Unit, format_pace

# Reps up to this distance are judged by their time on the watch, longer ones by pace.
REP_TIME_MAX_M = 1000.0


def format_seconds(seconds: float) -> str:
    """Return "70.4 s" under two minutes, else "m:ss"."""
    if seconds < 120:
        text = f"{seconds:.1f}".removesuffix(".0")
        return f"{text} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def rep_band(p: Prescription, units: Unit = "km") -> str:
    """Return the rep target as rep times ("70-71 s") or as a pace band ("5:49-5:55/mi")."""
    if p.rep_distance_m and p.rep_distance_m <= REP_TIME_MAX_M:
        fast = format_seconds(p.fast_s_per_km * p.rep_distance_m / 1000).removesuffix(" s")
        slow = format_seconds(p.slow_s_per_km * p.rep_distance_m / 1000)
        return f"{fast}-{slow}" if fast != slow.removesuffix(" s") else slow
    fast_pace = format_pace(p.fast_s_per_km, units).removesuffix(f"/{units}")
    slow_pace = format_pace(p.slow_s_per_km, units)
    return (
        slow_pace
        if fast_pace == slow_pace.removesuffix(f"/{units}")
        else f"{fast_pace}-{slow_pace}"
    )


def rep_label(p: Prescription) -> str:
    """Name the rep length as a calendar writes it: "400 m", "1 mi", "2 km" or "3 min"."""
    if p.rep_distance_m:
        return distance_label(p.rep_distance_m)
    if p.rep_duration_s:
        return f"{p.rep_duration_s / 60:g} min"
    return "rep"


def distance_label(metres: float) -> str:
    """Format a rep distance in the unit it was most likely written in.

    A whole number of quarter miles (1609.344 m a mile) reads "1 mi" or "0.5 mi", and
    other distances read in metres below 1 km and in km from 1 km on.
    """
    miles = metres / METRES_PER_MILE
    quarters = round(miles * 4)
    if quarters > 0 and abs(miles * 4 - quarters) < 1e-6:
        return f"{quarters / 4:g} mi"
    if metres < 1000:
        return f"{metres:.0f} m"
    return f"{metres / 1000:g} km"


def describe_result(analysis: SessionAnalysis, prescribed: Prescription, units: Unit = "km") -> str:
    """Describe the last session: reps in band, average rep, fade."""
    m = analysis.metrics
    done = m.reps_completed or 0
    parts: list[str] = []
    if m.reps_in_band is not None:
        band = rep_band(prescribed, units)
        parts.append(f"{m.reps_in_band} of {m.reps_prescribed} reps inside {band}")
    else:
        parts.append(f"{done} of {m.reps_prescribed} reps done")
    if m.mean_time_per_400m_s is not None:
        rep_m = prescribed.rep_distance_m
        if rep_m and rep_m <= REP_TIME_MAX_M:
            parts.append(f"average {format_seconds(m.mean_time_per_400m_s / 400 * rep_m)}")
        else:
            parts.append(f"average {format_pace(m.mean_time_per_400m_s * 2.5, units)}")
    if m.fade_pct is not None:
        parts.append(f"fade {m.fade_pct:.1f} %")
    if m.reps_in_band is not None and done < m.reps_prescribed:
        parts.insert(1, f"{done} done")
    return ", ".join(parts)


def describe_next(day: date, p: Prescription, units: Unit = "km") -> str:
    """Describe the next prescription: "next Thursday 6 x 1 mi at 5:49-5:55/mi, 2:00 recovery"."""
    recovery = f", {format_seconds(p.recovery_s)} recovery" if p.recovery_s else ""
    return f"next {day:%A} {p.reps} x {rep_label(p)} at {rep_band(p, units)}{recovery}"
