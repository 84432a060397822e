"""Results of analysing one run against one workout.

Times are seconds, distances metres, paces seconds per km, heart rates beats per
minute. Offsets count elapsed seconds from the start of the activity.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Method = Literal["laps", "step_index", "streams", "totals", "steady"]
Colour = Literal["green", "amber", "red"]
Verdict = Literal["in", "fast", "slow"]

# A rep counts as inside the band when its pace is within this margin of it, in s/km,
# so that a rep timed 0.1 s outside by rounding still counts. For a 400 m rep the
# margin is 0.2 s.
BAND_MARGIN_S_PER_KM = 0.5


def band_verdict(pace_s_per_km: float, fast_s_per_km: float, slow_s_per_km: float) -> Verdict:
    """Judge a pace against a band: the one rule for "in", "fast" and "slow".

    "in" when fast - BAND_MARGIN_S_PER_KM <= pace <= slow + BAND_MARGIN_S_PER_KM,
    "fast" below that range and "slow" above it. Paces are s/km.
    """
    if pace_s_per_km < fast_s_per_km - BAND_MARGIN_S_PER_KM:
        return "fast"
    if pace_s_per_km > slow_s_per_km + BAND_MARGIN_S_PER_KM:
        return "slow"
    return "in"


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

    @property
    def verdict(self) -> Verdict | None:
        """Return "in", "fast" or "slow" by band_verdict, or None without a target.

        `in_band` is True exactly when the verdict is "in"; tables, charts and counts
        read this so that they agree.
        """
        if self.target_fast_s_per_km is None or self.target_slow_s_per_km is None:
            return None
        return band_verdict(
            self.pace_s_per_km, self.target_fast_s_per_km, self.target_slow_s_per_km
        )

    @property
    def band_time_s(self) -> tuple[float, float] | None:
        """Return the fastest and slowest rep time in seconds that count as "in".

        It is the target band over this rep's distance, widened by BAND_MARGIN_S_PER_KM,
        so a chart that shades it puts every "in" rep inside the shading.
        """
        if self.target_fast_s_per_km is None or self.target_slow_s_per_km is None:
            return None
        km = self.distance_m / 1000.0
        return (
            (self.target_fast_s_per_km - BAND_MARGIN_S_PER_KM) * km,
            (self.target_slow_s_per_km + BAND_MARGIN_S_PER_KM) * km,
        )


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
    # For a steady run: percent beyond the band's nearer edge, positive slower, 0 inside.
    mean_deviation_pct: float | None
    fade_pct: float | None  # last third of the reps against the first third; positive is slower
    cv_pct: float | None  # rep-to-rep variation of the rep pace
    # Average HR of the last third of the reps minus the first third; for a steady run,
    # of the second half minus the first half.
    hr_drift_bpm: float | None
    compliance: int  # 0-100
    colour: Colour
    distance_m: float = 0.0
    duration_s: float = 0.0
    # Steady runs (no repeats): the run against the prescribed distance and pace band.
    prescribed_distance_m: float | None = None
    distance_share: float | None = None  # run distance over prescribed distance
    # A timed workout (its steady steps end on time): moving time against the plan.
    prescribed_time_s: float | None = None
    time_share: float | None = None
    steady_distance_m: float | None = None  # the steady part, without warm-up and cool-down
    steady_time_s: float | None = None  # moving time of the steady part
    pace_s_per_km: float | None = None  # average moving pace of the steady part
    target_fast_s_per_km: float | None = None
    target_slow_s_per_km: float | None = None
    pace_verdict: Verdict | None = None
    # Second half of the steady part against the first half; positive is slower.
    pace_drift_pct: float | None = None
    easy: bool = False  # an easy run: slower than the band is fine


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
