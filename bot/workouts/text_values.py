"""Read the values inside workout text: durations, distances and pace targets.

Numbers are read as decimals and converted to float once, after the unit arithmetic,
so "2:57.5/km" is exactly 177.5 s/km and a lap time of 70 s over 400 m is exactly
175.0 s/km. Pace bounds are then rounded to 0.1 s/km. Problems raise
ValueTextError with the offset of the bad part.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from bot.workouts.athlete import AthletePaces, UnknownPaceLabelError
from bot.workouts.model import PaceRange
from bot.workouts.pace import METRES_PER_MILE, format_pace

# Accepted pace bounds in s/km (1:30/km to 20:00/km), applied to both ends of a band.
PACE_MIN_S_PER_KM = 90.0
PACE_MAX_S_PER_KM = 1200.0
MAX_DURATION_S = 24 * 3600.0

# Pace bounds are rounded to this many decimals of a second per km (0.1 s/km is
# 0.04 s per 400 m), so a rendered workout with one decimal reads back unchanged.
PACE_DECIMALS = 1
MAX_DISTANCE_M = 1_000_000.0

PACE_EXAMPLES = "for example 4:00/km or 70-71s per rep"
PACE_VALUE_EXAMPLES = "for example 2'56''/km or 2:56/km"
LAP_TIME_EXAMPLES = "for example 70s, 70-71s or 1:10 per rep"
TARGET_EXAMPLES = "for example 4:00/km, 2:55-2:57/km, 70-71s per rep, 10k or MP-5s"

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_MINUTES_SECONDS = r"[0-9]+(?::|'|’|′)[0-9]{2}(?:\.[0-9]+)?(?:''|\"|’’|″|”)?"

_SECONDS_UNIT = re.compile(rf"^({_NUMBER})(?:s|sec|secs|second|seconds)$", re.IGNORECASE)
_MINUTES_UNIT = re.compile(rf"^({_NUMBER})(?:min|mins|minute|minutes)$", re.IGNORECASE)
_HOURS_UNIT = re.compile(rf"^({_NUMBER})(?:h|hr|hrs|hour|hours)$", re.IGNORECASE)
_CLOCK = re.compile(r"^([0-9]+):([0-9]{2}(?:\.[0-9]+)?)$")
_CLOCK_HOURS = re.compile(r"^([0-9]+):([0-9]{2}):([0-9]{2}(?:\.[0-9]+)?)$")

_METRES = re.compile(rf"^({_NUMBER})(?:m|metre|metres|meter|meters)$", re.IGNORECASE)
_KILOMETRES = re.compile(rf"^({_NUMBER})(?:km|k)$", re.IGNORECASE)
_MILES = re.compile(rf"^({_NUMBER})(?:mi|mile|miles)$", re.IGNORECASE)
_BARE = re.compile(rf"^({_NUMBER})$")
# Race distances a step may name; render_workout writes them back as metres.
_NAMED_DISTANCES_M = {
    "marathon": Decimal(42195),
    "half": Decimal("21097.5"),
    "halfmarathon": Decimal("21097.5"),
    "half-marathon": Decimal("21097.5"),
}

_PACE_VALUE = rf"(?:{_MINUTES_SECONDS}|{_NUMBER}s)"
_ABSOLUTE_PACE = re.compile(rf"^({_PACE_VALUE})(?:-({_PACE_VALUE}))?/(km|mi|mile)$", re.IGNORECASE)
_LAP_TIME = re.compile(
    rf"^({_MINUTES_SECONDS}|{_NUMBER}s?)(?:-({_MINUTES_SECONDS}|{_NUMBER}s))?$", re.IGNORECASE
)
_LABELS = "half-marathon|halfmarathon|marathon|half|10k|5k|hm|mp|e|m|t|i|r"
# An offset is seconds per km ("MP+30s", "MP+30s/km"), seconds per mile ("MP+30s/mi")
# or a percentage of the pace ("10k+2%").
_RELATIVE = re.compile(
    rf"^({_LABELS})(?:([+-])({_NUMBER})(?:(?:s|sec)(?:/(km|mi|mile))?|(%)))?$", re.IGNORECASE
)


class ValueTextError(Exception):
    """A value that cannot be read; `offset` counts from 0 within the value's text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def parse_duration_s(word: str) -> float | None:
    """Return the seconds of "5min", "90s", "1:30", "1:05:00" or "1h"; None if not a duration."""
    seconds: Decimal | None = None
    if match := _SECONDS_UNIT.match(word):
        seconds = Decimal(match[1])
    elif match := _MINUTES_UNIT.match(word):
        seconds = Decimal(match[1]) * 60
    elif match := _HOURS_UNIT.match(word):
        seconds = Decimal(match[1]) * 3600
    elif match := _CLOCK.match(word):
        seconds = _clock_seconds(word, None, match[1], match[2])
    elif match := _CLOCK_HOURS.match(word):
        seconds = _clock_seconds(word, match[1], match[2], match[3])
    if seconds is None:
        return None
    value = float(seconds)
    if not 0 < value <= MAX_DURATION_S:
        raise ValueTextError(
            f"invalid duration '{word}': a duration must be more than 0 s and at most 24 h; "
            "for example 5min, 90s or 1:30"
        )
    return value


def parse_distance_m(word: str, *, bare_metres: bool = False) -> float | None:
    """Return the metres of "400m", "2.0km", "2k", "1mi" or "marathon"; None if not a distance.

    "half", "halfmarathon" and "half-marathon" are 21097.5 m. With `bare_metres`, a plain
    number counts as metres ("20x400").
    """
    metres: Decimal | None = None
    if word.lower() in _NAMED_DISTANCES_M:
        metres = _NAMED_DISTANCES_M[word.lower()]
    elif match := _METRES.match(word):
        metres = Decimal(match[1])
    elif match := _KILOMETRES.match(word):
        metres = Decimal(match[1]) * 1000
    elif match := _MILES.match(word):
        metres = Decimal(match[1]) * Decimal(repr(METRES_PER_MILE))
    elif bare_metres and (match := _BARE.match(word)):
        metres = Decimal(match[1])
    if metres is None:
        return None
    value = float(metres)
    if not 0 < value <= MAX_DISTANCE_M:
        raise ValueTextError(
            f"invalid distance '{word}': a distance must be more than 0 m and at most "
            "1000 km; for example 400m, 2km or 1mi"
        )
    return value


def parse_target(
    expr: str,
    *,
    paces: AthletePaces | None,
    tolerance_s_per_km: float,
    rep_distance_m: float | None,
) -> PaceRange:
    """Read a pace target into a band in s/km; its label is `expr` as written.

    A single pace becomes pace ± `tolerance_s_per_km`; a range stays as written.
    Both bounds are rounded to PACE_DECIMALS places.
    """
    if match := _RELATIVE.match(expr):
        fast, slow = _relative_band(expr, match, paces, tolerance_s_per_km)
    elif match := _ABSOLUTE_PACE.match(expr):
        fast, slow = _absolute_band(expr, match, tolerance_s_per_km)
    elif match := _LAP_TIME.match(expr):
        fast, slow = _lap_time_band(expr, match, tolerance_s_per_km, rep_distance_m)
    else:
        raise ValueTextError(f"invalid pace target '{expr}'; {TARGET_EXAMPLES}")

    fast, slow = round(min(fast, slow), PACE_DECIMALS), round(max(fast, slow), PACE_DECIMALS)
    if not (fast >= PACE_MIN_S_PER_KM and slow <= PACE_MAX_S_PER_KM):
        resolved = ""
        if not _ABSOLUTE_PACE.match(expr):
            resolved = f" (it gives {_band_text(fast, slow)})"
        raise ValueTextError(
            f"invalid pace '{expr}'{resolved}: a pace must be between "
            f"{format_pace(PACE_MIN_S_PER_KM)} and {format_pace(PACE_MAX_S_PER_KM)}; "
            f"{PACE_EXAMPLES}"
        )
    return PaceRange(fast, slow, label=expr)


def _relative_band(
    expr: str,
    match: re.Match[str],
    paces: AthletePaces | None,
    tolerance_s_per_km: float,
) -> tuple[float, float]:
    if paces is None:
        raise ValueTextError(
            f"the target '{expr}' is relative to the runner's paces, and the athlete's "
            "paces are needed: give the athlete a race result or explicit paces, or write "
            "an absolute pace such as 4:00/km"
        )
    try:
        pace = paces.pace_s_per_km(match[1])
    except UnknownPaceLabelError as error:
        raise ValueTextError(str(error)) from None
    if match[2] is not None:
        amount = Decimal(match[3])
        if match[4] is not None and match[4].lower() != "km":
            amount = amount * 1000 / Decimal(repr(METRES_PER_MILE))
        sign = 1.0 if match[2] == "+" else -1.0
        if match[5] == "%":
            pace = pace * (1.0 + sign * float(amount) / 100.0)
        else:
            pace = pace + sign * float(amount)
    return pace - tolerance_s_per_km, pace + tolerance_s_per_km


def _absolute_band(
    expr: str, match: re.Match[str], tolerance_s_per_km: float
) -> tuple[float, float]:
    per_km = (
        Decimal(1) if match[3].lower() == "km" else Decimal(1000) / Decimal(repr(METRES_PER_MILE))
    )
    first = float(_pace_value_seconds(match[1], expr, lap_time=False) * per_km)
    if match[2] is None:
        return first - tolerance_s_per_km, first + tolerance_s_per_km
    return first, float(_pace_value_seconds(match[2], expr, lap_time=False) * per_km)


def _lap_time_band(
    expr: str,
    match: re.Match[str],
    tolerance_s_per_km: float,
    rep_distance_m: float | None,
) -> tuple[float, float]:
    if rep_distance_m is None:
        raise ValueTextError(
            f"invalid pace target '{expr}': a lap time needs a distance step, for example "
            "400m @ 70-71s; for a pace per km write 2:55/km"
        )
    per_km = Decimal(1000) / Decimal(repr(rep_distance_m))
    first = float(_pace_value_seconds(match[1], expr, lap_time=True) * per_km)
    if match[2] is None:
        return first - tolerance_s_per_km, first + tolerance_s_per_km
    return first, float(_pace_value_seconds(match[2], expr, lap_time=True) * per_km)


def _pace_value_seconds(text: str, expr: str, *, lap_time: bool) -> Decimal:
    """Return the seconds of "2:55", "2'55''", "2:55.5", "70s" or "70" as a decimal.

    `expr` is the whole target, named in the error with `lap_time` saying which kind it is.
    """
    text = text.rstrip("'\"’″”").rstrip("sS")
    parts = re.split(r"[:'’′]", text)
    if len(parts) == 1:
        return Decimal(parts[0])
    seconds = Decimal(parts[1])
    if seconds >= 60:
        noun, examples = (
            ("lap time", LAP_TIME_EXAMPLES) if lap_time else ("pace", PACE_VALUE_EXAMPLES)
        )
        raise ValueTextError(f"invalid {noun} '{expr}': seconds must be below 60; {examples}")
    return Decimal(parts[0]) * 60 + seconds


def _clock_seconds(word: str, hours: str | None, minutes: str, seconds: str) -> Decimal:
    if Decimal(seconds) >= 60 or (hours is not None and Decimal(minutes) >= 60):
        raise ValueTextError(
            f"invalid duration '{word}': minutes and seconds must be below 60; "
            "for example 1:30 or 1:05:00"
        )
    total = Decimal(minutes) * 60 + Decimal(seconds)
    if hours is not None:
        total += Decimal(hours) * 3600
    return total


def _band_text(fast: float, slow: float) -> str:
    if not (math.isfinite(fast) and math.isfinite(slow)):
        return "no finite pace"
    return f"{format_pace(fast)[:-3]}-{format_pace(slow)}"


def decimal_of(value: float) -> Decimal:
    """Return the shortest decimal that reads back as exactly `value`."""
    try:
        return Decimal(repr(value))
    except InvalidOperation:  # pragma: no cover - repr of a finite float is always valid
        return Decimal(value)
