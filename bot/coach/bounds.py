"""Tuning bounds for one workout family, as set in the calendar's workout library."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TuningBounds:
    """Limits the coach keeps to when it changes a prescription.

    Paces are seconds per km; `max_pace_change_s_per_km` is the largest change of the
    main rep pace allowed from one session of the family to the next.
    """

    min_reps: int | None = None
    max_reps: int | None = None
    max_pace_change_s_per_km: float = 2.0
    fastest_pace_s_per_km: float | None = None
    slowest_pace_s_per_km: float | None = None
    min_recovery_s: float | None = None
    max_recovery_s: float | None = None
    # False keeps the family exactly as written (long runs, easy days).
    tune: bool = True
