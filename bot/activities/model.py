"""Normalised activity model shared by every activity source.

Units: metres, seconds, metres per second, beats per minute, steps per minute
(both feet). Start times are timezone-aware UTC datetimes; `local_date` is the
calendar date in the athlete's time zone, which is what sessions are matched on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class Lap:
    start_offset_s: float
    distance_m: float
    moving_time_s: float
    elapsed_time_s: float
    avg_speed_mps: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence: float | None = None
    # Index of the workout step the watch was executing, when the file records it.
    step_index: int | None = None


@dataclass
class Streams:
    """Per-sample series, all the same length; a missing series is None."""

    time_s: list[float]
    distance_m: list[float] | None = None
    speed_mps: list[float] | None = None
    heart_rate: list[float | None] | None = None
    cadence: list[float | None] | None = None
    moving: list[bool] | None = None
    latlng: list[tuple[float, float] | None] | None = None

    def __len__(self) -> int:
        return len(self.time_s)


@dataclass
class Activity:
    source: str  # "strava" or "file"
    source_id: str
    start_utc: datetime
    local_date: date
    sport: str = "running"
    sub_sport: str | None = None  # "treadmill", "track", "trail", ...
    manual: bool = False
    device: str | None = None
    name: str | None = None
    distance_m: float = 0.0
    moving_time_s: float = 0.0
    elapsed_time_s: float = 0.0
    avg_hr: float | None = None
    max_hr: float | None = None
    laps: list[Lap] = field(default_factory=list)
    streams: Streams | None = None
    # Structured workout embedded in the activity file, as a bot.workouts.model.Workout.
    embedded_workout: object | None = None

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_id}"

    @property
    def has_heart_rate(self) -> bool:
        if self.avg_hr is not None:
            return True
        return bool(self.streams and self.streams.heart_rate and any(self.streams.heart_rate))
