"""A runner's paces: VDOT from a race, equivalent race times and training paces.

VDOT follows Daniels and Gilbert (Oxygen Power, 1979; Daniels' Running Formula):

- oxygen cost of running at v metres per minute, in ml/kg/min:
  cost(v) = -4.60 + 0.182258 v + 0.000104 v^2
- fraction of VO2max a runner can hold for t minutes:
  fraction(t) = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)
- VDOT = cost(distance / t) / fraction(t).

Training paces are the speeds whose oxygen cost is a fixed fraction of VDOT (see
TRAINING_FRACTIONS). Marathon pace (M) is the marathon race pace from the same
equations. Repetition pace (R) is 6 s per 400 m faster than interval pace (I).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.errors import UserInputError

MARATHON_M = 42195.0
HALF_MARATHON_M = 21097.5

# Race distance of each race-pace label, in metres.
RACE_DISTANCES_M: dict[str, float] = {
    "5k": 5000.0,
    "10k": 10000.0,
    "HM": HALF_MARATHON_M,
    "MP": MARATHON_M,
}

# Fraction of VDOT each Daniels intensity runs at. E uses 70 %, inside Daniels'
# 59-74 % easy band. T (88 %) and I (97.5 %) reproduce the 4:15/km and 3:55/km of
# the VDOT 50 row of Daniels' training-intensity table.
TRAINING_FRACTIONS: dict[str, float] = {"E": 0.70, "T": 0.88, "I": 0.975}

# R pace is this many seconds per 400 m faster than I pace.
R_FASTER_THAN_I_S_PER_400M = 6.0

# Faster than every world-record race pace from 1500 m up (about 2:17/km), in s/km.
FASTEST_RACE_PACE_S_PER_KM = 120.0

LABELS: tuple[str, ...] = ("5k", "10k", "HM", "MP", "E", "M", "T", "I", "R")

_ALIASES: dict[str, str] = {
    "5k": "5k",
    "10k": "10k",
    "hm": "HM",
    "half": "HM",
    "half-marathon": "HM",
    "halfmarathon": "HM",
    "mp": "MP",
    "marathon": "MP",
    "e": "E",
    "m": "M",
    "t": "T",
    "i": "I",
    "r": "R",
}

# A race whose distance is within this fraction of a label's distance sets that
# label's pace directly (a 21.1 km half marathon counts as "HM").
_SAME_DISTANCE_FRACTION = 0.01


class UnknownPaceLabelError(UserInputError, KeyError):
    """A pace label that is not an alias of a known label, or has no pace for this runner."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def oxygen_cost(speed_m_per_min: float) -> float:
    """Return the oxygen cost in ml/kg/min of running at `speed_m_per_min`."""
    v = speed_m_per_min
    return -4.60 + 0.182258 * v + 0.000104 * v * v


def vo2max_fraction(minutes: float) -> float:
    """Return the fraction of VO2max a runner can hold for a race of `minutes`."""
    return (
        0.8 + 0.1894393 * math.exp(-0.012778 * minutes) + 0.2989558 * math.exp(-0.1932605 * minutes)
    )


def speed_for_oxygen_cost(cost: float) -> float:
    """Return the speed in m/min whose oxygen cost is `cost` (inverse of oxygen_cost)."""
    a, b, c = 0.000104, 0.182258, -4.60 - cost
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def vdot_from_race(distance_m: float, time_s: float) -> float:
    """Return the VDOT of a race result (distance in metres, time in seconds)."""
    _check_race(distance_m, time_s)
    minutes = time_s / 60.0
    return oxygen_cost(distance_m / minutes) / vo2max_fraction(minutes)


def race_time_s(vdot: float, distance_m: float) -> float:
    """Return the race time in seconds over `distance_m` that has this VDOT.

    VDOT falls as the time grows, so bisection between 1 second and 2 days finds
    the single root to well under a millisecond.
    """
    if not (vdot > 0 and math.isfinite(vdot)):
        raise ValueError(f"VDOT must be a positive number, got {vdot}")
    if not (distance_m > 0 and math.isfinite(distance_m)):
        raise ValueError(f"race distance must be positive metres, got {distance_m}")
    low, high = 1.0, 2 * 86400.0
    for _ in range(200):
        middle = (low + high) / 2
        if vdot_from_race(distance_m, middle) > vdot:
            low = middle
        else:
            high = middle
        if high - low < 1e-6:
            break
    return (low + high) / 2


def riegel_time_s(
    known_distance_m: float,
    known_time_s: float,
    target_distance_m: float,
    exponent: float = 1.06,
) -> float:
    """Predict a race time with Riegel's formula t2 = t1 (d2 / d1) ^ exponent.

    An alternative to the VDOT equations; it drifts for very short or very long
    targets, and 1.06 is Riegel's published exponent for running.
    """
    _check_race(known_distance_m, known_time_s)
    if not target_distance_m > 0:
        raise ValueError(f"target distance must be positive metres, got {target_distance_m}")
    ratio: float = (target_distance_m / known_distance_m) ** exponent
    return known_time_s * ratio


def training_paces(vdot: float) -> dict[str, float]:
    """Return the Daniels training paces "E", "M", "T", "I", "R" for a VDOT, in s/km."""
    paces = {
        label: 60000.0 / speed_for_oxygen_cost(fraction * vdot)
        for label, fraction in TRAINING_FRACTIONS.items()
    }
    paces["M"] = race_time_s(vdot, MARATHON_M) * 1000.0 / MARATHON_M
    paces["R"] = paces["I"] - R_FASTER_THAN_I_S_PER_400M * 1000.0 / 400.0
    return {label: paces[label] for label in ("E", "M", "T", "I", "R")}


def canonical_label(label: str) -> str:
    """Return the canonical pace label for an alias ("half" -> "HM"), or raise."""
    canonical = _ALIASES.get(label.strip().lower())
    if canonical is None:
        raise UnknownPaceLabelError(
            f"unknown pace label '{label}'; known labels: {', '.join(LABELS)} "
            "(aliases: 5K, half, half-marathon, marathon)"
        )
    return canonical


@dataclass(frozen=True)
class AthletePaces:
    """A runner's paces in s/km by canonical label, and the VDOT they came from, if any."""

    paces: Mapping[str, float] = field(default_factory=dict, hash=False)
    vdot: float | None = None

    @classmethod
    def from_race(
        cls,
        distance_m: float,
        time_s: float,
        overrides: Mapping[str, float] | None = None,
    ) -> AthletePaces:
        """Derive every pace from one race result; `overrides` (s/km by label) win.

        The label matching the race distance gets the race's own pace; the other race
        paces come from the VDOT equations, the training paces from training_paces.
        Daniels' M is marathon pace, so "M" and "MP" stay equal unless one is overridden
        alone.
        """
        vdot = vdot_from_race(distance_m, time_s)
        if time_s * 1000.0 / distance_m < FASTEST_RACE_PACE_S_PER_KM:
            raise ValueError(
                f"a race of {distance_m:g} m in {time_s:g} s is faster than 2:00/km, "
                "quicker than any runner's race pace; check the distance and the time"
            )
        if not vdot > 0:
            raise ValueError(
                f"a race of {distance_m:g} m in {time_s:g} s is too slow to give a VDOT"
            )
        paces: dict[str, float] = {}
        for label, label_distance_m in RACE_DISTANCES_M.items():
            if abs(distance_m - label_distance_m) <= _SAME_DISTANCE_FRACTION * label_distance_m:
                paces[label] = time_s * 1000.0 / distance_m
            else:
                paces[label] = race_time_s(vdot, label_distance_m) * 1000.0 / label_distance_m
        paces.update(training_paces(vdot))
        paces["M"] = paces["MP"]
        paces.update(_canonical_paces(overrides or {}))
        return cls(paces, vdot)

    @classmethod
    def from_explicit(cls, paces: Mapping[str, float]) -> AthletePaces:
        """Use only the given paces (s/km by label or alias); no VDOT."""
        return cls(_canonical_paces(paces), None)

    def pace_s_per_km(self, label: str) -> float:
        """Return the pace in s/km for a label or alias; raise UnknownPaceLabelError."""
        canonical = canonical_label(label)
        if canonical not in self.paces:
            known = ", ".join(name for name in LABELS if name in self.paces) or "none"
            raise UnknownPaceLabelError(
                f"no '{canonical}' pace for this runner; known paces: {known}; "
                "add it to the athlete's paces or give a race result"
            )
        return self.paces[canonical]


def _canonical_paces(paces: Mapping[str, float]) -> dict[str, float]:
    """Key paces by canonical label; a marathon pace given as only "M" or "MP" sets both."""
    result: dict[str, float] = {}
    for label, value in paces.items():
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"pace '{label}' must be positive seconds per km, got {value}")
        result[canonical_label(label)] = float(value)
    if "MP" in result and "M" not in result:
        result["M"] = result["MP"]
    elif "M" in result and "MP" not in result:
        result["MP"] = result["M"]
    return result


def _check_race(distance_m: float, time_s: float) -> None:
    if not (distance_m > 0 and math.isfinite(distance_m)):
        raise ValueError(f"race distance must be positive metres, got {distance_m}")
    if not (time_s > 0 and math.isfinite(time_s)):
        raise ValueError(f"race time must be positive seconds, got {time_s}")
