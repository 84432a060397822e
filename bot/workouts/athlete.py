"""Runner's paces: VDOT (Daniels-Gilbert), race-time prediction and training paces."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def vdot_from_race(distance_m: float, time_s: float) -> float:
    raise NotImplementedError


def race_time_s(vdot: float, distance_m: float) -> float:
    raise NotImplementedError


def riegel_time_s(
    known_distance_m: float,
    known_time_s: float,
    target_distance_m: float,
    exponent: float = 1.06,
) -> float:
    raise NotImplementedError


def training_paces(vdot: float) -> dict[str, float]:
    raise NotImplementedError


@dataclass(frozen=True)
class AthletePaces:
    """Paces in s/km by label: "5k", "10k", "HM", "MP", "E", "M", "T", "I", "R"."""

    paces: Mapping[str, float] = field(default_factory=dict)
    vdot: float | None = None

    @classmethod
    def from_race(
        cls,
        distance_m: float,
        time_s: float,
        overrides: Mapping[str, float] | None = None,
    ) -> AthletePaces:
        raise NotImplementedError

    @classmethod
    def from_explicit(cls, paces: Mapping[str, float]) -> AthletePaces:
        raise NotImplementedError

    def pace_s_per_km(self, label: str) -> float:
        raise NotImplementedError
