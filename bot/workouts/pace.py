"""Exact conversions between pace, speed, time and distance, and their display.

Every pace in peakbot is seconds per kilometre; miles appear only when text is shown
to a runner who uses them. One mile is exactly 1609.344 m (international yard).
"""

from __future__ import annotations

from typing import Literal

METRES_PER_MILE = 1609.344

Unit = Literal["km", "mi"]


def speed_mps(pace_s_per_km: float) -> float:
    """Convert a pace in s/km to a speed in m/s."""
    return 1000.0 / pace_s_per_km


def pace_s_per_km(speed_mps: float) -> float:
    """Convert a speed in m/s to a pace in s/km."""
    return 1000.0 / speed_mps


def s_per_km_to_s_per_mile(p: float) -> float:
    return p * METRES_PER_MILE / 1000.0


def s_per_mile_to_s_per_km(p: float) -> float:
    return p * 1000.0 / METRES_PER_MILE


def time_for_distance_s(pace_s_per_km: float, metres: float) -> float:
    """Return the time in seconds to cover `metres` at a pace, for example one 400 m rep."""
    return pace_s_per_km * metres / 1000.0


def pace_from_time_s(seconds: float, metres: float) -> float:
    """Return the pace in s/km of `metres` covered in `seconds`."""
    return seconds * 1000.0 / metres


def format_pace(pace_s_per_km: float, unit: Unit = "km", decimals: int = 0) -> str:
    """Format a pace as minutes and seconds per km or per mile: "2:56/km", "4:42/mi".

    The total is rounded once to `decimals` places before it is split into minutes
    and seconds, so 179.96 s/km shows as "3:00/km", never "2:60/km".
    """
    seconds = pace_s_per_km if unit == "km" else s_per_km_to_s_per_mile(pace_s_per_km)
    return f"{_minutes_seconds(seconds, decimals)}/{unit}"


def format_duration(seconds: float, decimals: int = 0) -> str:
    """Format a duration as "m:ss" below an hour and "h:mm:ss" from an hour on.

    Examples: 300 -> "5:00", 45 -> "0:45", 5495 -> "1:31:35", and 70.44 with
    decimals=1 -> "1:10.4". The value is rounded once to `decimals` places.
    """
    sign = "-" if seconds < 0 else ""
    total = round(abs(seconds), decimals)
    hours = int(total // 3600)
    if hours == 0:
        return sign + _minutes_seconds(total, decimals)
    rest = total - hours * 3600
    minutes = int(rest // 60)
    return f"{sign}{hours}:{minutes:02d}:{_seconds_field(rest - minutes * 60, decimals)}"


def format_distance(metres: float, unit: Unit = "km") -> str:
    """Format a distance: "400 m" below 1 km, "2.0 km" or "42.195 km" above, "1.24 mi".

    Kilometres keep up to three decimals (whole metres) and at least one; miles
    always show two.
    """
    if unit == "mi":
        return f"{metres / METRES_PER_MILE:.2f} mi"
    if abs(metres) < 1000:
        return f"{metres:.0f} m" if metres == round(metres) else f"{metres:.1f} m"
    text = f"{metres / 1000.0:.3f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    return f"{text} km"


def _minutes_seconds(seconds: float, decimals: int) -> str:
    total = round(seconds, decimals)
    sign = "-" if total < 0 else ""
    total = abs(total)
    minutes = int(total // 60)
    return f"{sign}{minutes}:{_seconds_field(total - minutes * 60, decimals)}"


def _seconds_field(seconds: float, decimals: int) -> str:
    width = 2 if decimals <= 0 else 3 + decimals
    return f"{seconds:0{width}.{max(decimals, 0)}f}"
