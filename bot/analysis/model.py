"""Results of analysing one run against one workout.

Times are seconds, distances metres, paces seconds per km, heart rates beats per
minute. Offsets count elapsed seconds from the start of the activity.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Method = Literal["laps", "step_index", "streams", "totals"]
Colour = Literal["green", "amber", "red"]


@dataclass
class AlignedStep:
    """One prescribed step and the part of the run that executed it."""

    index: int  # flat step index in the workout
    kind: str
    iteration: int | None
    planned_distance_m: float | None
    planned_duration_s: float | None
    target_fast_s_per_km: float | None = None
    target_slow_s_per_km: float | None = None
    missing: bool = False
    start_s: float | None = None
    end_s: float | None = None
    distance_m: float | None = None
    duration_s: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    laps: list[int] = field(default_factory=list)
    # True when one lap covered this step and its neighbour, so the split is estimated.
    shared_lap: bool = False

    @property
    def pace_s_per_km(self) -> float | None:
        if not self.distance_m or self.duration_s is None:
            return None
        return self.duration_s / self.distance_m * 1000.0


@dataclass
class RepMetrics:
    number: int  # 1-based rep number in the main set
    step_index: int
    distance_m: float
    time_s: float
    pace_s_per_km: float
    time_per_400m_s: float
    avg_hr: float | None
    max_hr: float | None
    target_fast_s_per_km: float | None
    target_slow_s_per_km: float | None
    in_band: bool | None
    # Signed: positive is slower than the middle of the target band.
    deviation_s_per_400m: float | None


@dataclass
class RecoveryMetrics:
    number: int
    step_index: int
    duration_s: float
    distance_m: float
    hr_start: float | None
    hr_end: float | None
    hr_drop: float | None  # beats per minute lost during the recovery


@dataclass
class SessionMetrics:
    reps_prescribed: int
    reps_completed: int | None
    reps_in_band: int | None
    mean_time_per_400m_s: float | None
    target_time_per_400m_s: float | None
    mean_deviation_s_per_400m: float | None
    mean_deviation_pct: float | None
    fade_pct: float | None  # last third of the reps against the first third; positive is slower
    cv_pct: float | None  # rep-to-rep variation of the rep pace
    hr_drift_bpm: float | None  # average HR of the last third of the reps minus the first third
    compliance: int  # 0-100
    colour: Colour
    distance_m: float = 0.0
    duration_s: float = 0.0


@dataclass
class SessionAnalysis:
    method: Method
    confidence: float
    reps: list[RepMetrics]
    recoveries: list[RecoveryMetrics]
    steps: list[AlignedStep]
    metrics: SessionMetrics
    notes: list[str] = field(default_factory=list)
    workout_name: str = ""
    activity_key: str = ""
    streams_available: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionAnalysis:
        return cls(
            method=data["method"],
            confidence=float(data["confidence"]),
            reps=[RepMetrics(**r) for r in data["reps"]],
            recoveries=[RecoveryMetrics(**r) for r in data["recoveries"]],
            steps=[AlignedStep(**s) for s in data["steps"]],
            metrics=SessionMetrics(**_known(SessionMetrics, data["metrics"])),
            notes=list(data.get("notes", [])),
            workout_name=data.get("workout_name", ""),
            activity_key=data.get("activity_key", ""),
            streams_available=bool(data.get("streams_available", False)),
        )


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}
