"""Exact pace, speed, time and distance conversions; 1 mile = 1609.344 m."""

from __future__ import annotations

from typing import Literal

METRES_PER_MILE = 1609.344


def speed_mps(pace_s_per_km: float) -> float:
    raise NotImplementedError


def pace_s_per_km(speed_mps: float) -> float:
    raise NotImplementedError


def s_per_km_to_s_per_mile(p: float) -> float:
    raise NotImplementedError


def s_per_mile_to_s_per_km(p: float) -> float:
    raise NotImplementedError


def time_for_distance_s(pace_s_per_km: float, metres: float) -> float:
    raise NotImplementedError


def pace_from_time_s(seconds: float, metres: float) -> float:
    raise NotImplementedError


def format_pace(pace_s_per_km: float, unit: Literal["km", "mi"] = "km", decimals: int = 0) -> str:
    raise NotImplementedError


def format_duration(seconds: float, decimals: int = 0) -> str:
    raise NotImplementedError


def format_distance(metres: float, unit: Literal["km", "mi"] = "km") -> str:
    raise NotImplementedError
