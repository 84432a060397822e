"""Parsers for the values a runner writes in the calendar: paces, times, distances, dates.

Each parser takes the text as written and returns peakbot's internal unit (seconds,
metres, seconds per km). On bad input it raises ValueError with a message that states
what is wrong and shows an accepted value. The caller prefixes the file, line and key.
"""

from __future__ import annotations

import re
from calendar import month_name, monthrange
from dataclasses import dataclass
from datetime import date
from typing import Literal

METRES_PER_MILE = 1609.344
MARATHON_M = 42195.0

# Named race distances, in metres; lower case, spaces and hyphens removed.
NAMED_DISTANCES_M = {
    "marathon": MARATHON_M,
    "half": MARATHON_M / 2,
    "halfmarathon": MARATHON_M / 2,
    "hm": MARATHON_M / 2,
}

_NUMBER = r"(\d+(?:\.\d+)?)"
# "3:58/km", "3'58''/km", "3'58\"/km", "6:20/mi", "6:20/mile".
_PACE = re.compile(r"^(\d+)\s*(?::|')\s*(\d{1,2}(?:\.\d+)?)\s*(?:''|\")?\s*/\s*(km|mi|mile)$")
# "2s/km", "3 s/mi", "2".
_PACE_CHANGE = re.compile(rf"^{_NUMBER}\s*(?:s|sec)?\s*(?:/\s*(km|mi|mile))?$")
# "45s", "90 sec", "1min", "1.5 min".
_DURATION_UNIT = re.compile(rf"^{_NUMBER}\s*(s|sec|secs|seconds|min|mins|minutes)?$")
# "33:45", "2:48:00", "1:23:45.5".
_CLOCK = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$|^(\d+):(\d{1,2}\.\d+)$")
# "10km", "10 k", "10000m", "6.2mi", "26.2 miles".
_DISTANCE = re.compile(rf"^{_NUMBER}\s*(km|k|m|mi|mile|miles)$")
# "race", "race-19d", "race - 3w", "race+1d".
_RELATIVE_DATE = re.compile(r"^race(?:\s*([+-])\s*(\d+)\s*([dw]))?$")

PACE_EXAMPLE = "3:58/km (or 6:24/mi)"
DURATION_EXAMPLE = "45s, 1min or 1:30"
TIME_EXAMPLE = '"36:00" or "2:48:00" (quoted, so YAML keeps it as text)'
DISTANCE_EXAMPLE = "10km, 10000m, 6.2mi, half or marathon"
# Date-neutral, so the example is valid whatever the runner's race day is.
DATE_EXAMPLE = "YYYY-MM-DD or race-19d (19 days before race day)"


@dataclass(frozen=True)
class RaceRelative:
    """A date written relative to race day: `days` is negative before the race."""

    days: int


def parse_pace(text: str) -> float:
    """Parse a pace such as "3:58/km" or "6:24/mi" into seconds per km."""
    match = _PACE.match(text.strip())
    if match is None:
        raise ValueError(
            f"invalid pace {text!r}; write minutes:seconds per unit, for example {PACE_EXAMPLE}"
        )
    minutes, seconds, unit = int(match[1]), float(match[2]), match[3]
    if seconds >= 60:
        raise ValueError(
            f"invalid pace {text!r}: seconds must be below 60, for example {PACE_EXAMPLE}"
        )
    per_unit_s = minutes * 60 + seconds
    if per_unit_s <= 0:
        raise ValueError(f"pace {text!r} must be slower than 0:00, for example {PACE_EXAMPLE}")
    if unit == "km":
        return per_unit_s
    return per_unit_s * 1000.0 / METRES_PER_MILE


def parse_pace_change(text: str) -> float:
    """Parse a pace difference such as "2s/km" or "3s/mi" into seconds per km."""
    match = _PACE_CHANGE.match(text.strip())
    if match is None:
        raise ValueError(
            f"invalid pace change {text!r}; write seconds per km or mile, for example 2s/km"
        )
    seconds = float(match[1])
    if match[2] in ("mi", "mile"):
        return seconds * 1000.0 / METRES_PER_MILE
    return seconds


def parse_duration(text: str) -> float:
    """Parse a short duration such as "45s", "1min" or "1:30" into seconds."""
    stripped = text.strip()
    clock = _CLOCK.match(stripped)
    if clock is not None:
        return parse_clock_time(stripped)
    match = _DURATION_UNIT.match(stripped)
    if match is None:
        raise ValueError(f"invalid duration {text!r}; for example {DURATION_EXAMPLE}")
    value = float(match[1])
    if match[2] is not None and match[2].startswith("m"):
        value *= 60
    return value


def parse_clock_time(text: str) -> float:
    """Parse a race time "M:SS" or "H:MM:SS" into seconds."""
    stripped = text.strip()
    match = _CLOCK.match(stripped)
    if match is None:
        raise ValueError(f"invalid time {text!r}; for example {TIME_EXAMPLE}")
    if match[4] is not None:
        first, second, third = int(match[4]), float(match[5]), None
    else:
        first, second = int(match[1]), float(match[2])
        third = float(match[3]) if match[3] is not None else None
    if third is None:
        if second >= 60:
            raise ValueError(f"invalid time {text!r}: seconds must be below 60")
        total = first * 60 + second
    else:
        if second >= 60 or third >= 60:
            raise ValueError(f"invalid time {text!r}: minutes and seconds must be below 60")
        total = first * 3600 + second * 60 + third
    if total <= 0:
        raise ValueError(f"time {text!r} must be longer than zero, for example {TIME_EXAMPLE}")
    return total


def parse_distance(text: str) -> float:
    """Parse a distance such as "10km", "5k", "6.2mi" or "half" into metres."""
    stripped = text.strip()
    named = NAMED_DISTANCES_M.get(re.sub(r"[\s-]", "", stripped.lower()))
    if named is not None:
        return named
    match = _DISTANCE.match(stripped.lower())
    if match is None:
        raise ValueError(f"invalid distance {text!r}; for example {DISTANCE_EXAMPLE}")
    value, unit = float(match[1]), match[2]
    if unit in ("km", "k"):
        metres = value * 1000
    elif unit == "m":
        metres = value
    else:
        metres = value * METRES_PER_MILE
    if metres <= 0:
        raise ValueError(f"distance {text!r} must be longer than zero")
    return metres


def parse_date_spec(text: str) -> date | RaceRelative:
    """Parse "YYYY-MM-DD" or a date relative to race day ("race", "race-19d", "race-3w")."""
    stripped = text.strip()
    relative = _RELATIVE_DATE.match(stripped)
    if relative is not None:
        if relative[1] is None:
            return RaceRelative(0)
        days = int(relative[2]) * (7 if relative[3] == "w" else 1)
        return RaceRelative(-days if relative[1] == "-" else days)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", stripped):
        raise ValueError(f"invalid date {text!r}; write {DATE_EXAMPLE}")
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        raise ValueError(
            f"invalid date {text!r}: {no_such_day_reason(stripped)}; write {DATE_EXAMPLE}"
        ) from None


def parse_iso_date(text: str) -> date:
    """Parse "YYYY-MM-DD"; race-relative dates are not accepted."""
    stripped = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", stripped):
        raise ValueError(f"invalid date {text!r}; write YYYY-MM-DD, for example 2023-04-23")
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        raise ValueError(
            f"invalid date {text!r}: {no_such_day_reason(stripped)}; write YYYY-MM-DD, "
            "for example 2023-04-23"
        ) from None


def no_such_day_reason(text: str) -> str:
    """Explain why "YYYY-MM-DD" `text` names no day, e.g. "February has 28 days in 2023"."""
    year, month, day = (int(part) for part in text.split("-"))
    if year < 1:
        return "the year must be 0001 or later"
    if not 1 <= month <= 12:
        return "the month must be 01 to 12"
    if day < 1:
        return "the day must be 01 or later"
    return f"{month_name[month]} has {monthrange(year, month)[1]} days in {year}"


def parse_units(text: str) -> Literal["km", "mi"]:
    """Parse the runner's distance unit."""
    stripped = text.strip().lower()
    if stripped == "km":
        return "km"
    if stripped in ("mi", "mile", "miles"):
        return "mi"
    raise ValueError(f"invalid unit {text!r}; write km or mi")


def parse_bool(text: str) -> bool:
    """Parse true/false (also yes/no and on/off, as YAML 1.1 reads them)."""
    stripped = text.strip().lower()
    if stripped in ("true", "yes", "on"):
        return True
    if stripped in ("false", "no", "off"):
        return False
    raise ValueError(f"invalid value {text!r}; write true or false")


def parse_count(text: str) -> int:
    """Parse a whole number of at least 1."""
    stripped = text.strip()
    if not re.fullmatch(r"[+-]?\d+", stripped):
        raise ValueError(f"invalid count {text!r}; write a whole number, for example 12")
    value = int(stripped)
    if value < 1:
        raise ValueError(f"count {value} must be at least 1, for example 12")
    return value
