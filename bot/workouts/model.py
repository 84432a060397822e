"""Structured workout model: steps, repeat blocks and pace targets.

Units inside the model are metres, seconds and seconds per kilometre. A pace range
keeps its fast end (fewer seconds per km) and its slow end separately so that no
caller has to guess which bound is which.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# Pace assumed for steps that have no pace target (warm-up, jog, cool-down) when a
# distance or a duration must be estimated from the other, in seconds per km.
DEFAULT_EASY_PACE_S_PER_KM = 360.0


def easy_pace_s_per_km(paces_s_per_km: Mapping[str, float] | None) -> float:
    """Return the runner's E pace from paces keyed by canonical label, else the default.

    Pass AthletePaces.paces: E is there when the calendar sets it or gives a race
    result to derive it from.
    """
    if paces_s_per_km and "E" in paces_s_per_km:
        return paces_s_per_km["E"]
    return DEFAULT_EASY_PACE_S_PER_KM


class StepKind(StrEnum):
    WARMUP = "warmup"
    ACTIVE = "active"
    RECOVERY = "recovery"
    REST = "rest"
    COOLDOWN = "cooldown"


class EndKind(StrEnum):
    TIME = "time"
    DISTANCE = "distance"
    LAP_BUTTON = "lap_button"


@dataclass(frozen=True)
class EndCondition:
    """When a step ends: after `value` seconds, after `value` metres, or at a lap press."""

    kind: EndKind
    value: float | None = None

    def __post_init__(self) -> None:
        if self.kind is EndKind.LAP_BUTTON:
            if self.value is not None:
                raise ValueError("a lap-button end condition takes no value")
        elif self.value is None or not self.value > 0:
            raise ValueError(
                f"a {self.kind} end condition needs a positive value, got {self.value}"
            )

    @classmethod
    def time(cls, seconds: float) -> EndCondition:
        return cls(EndKind.TIME, float(seconds))

    @classmethod
    def distance(cls, metres: float) -> EndCondition:
        return cls(EndKind.DISTANCE, float(metres))

    @classmethod
    def lap_button(cls) -> EndCondition:
        return cls(EndKind.LAP_BUTTON)


@dataclass(frozen=True)
class PaceRange:
    """Target pace band in seconds per km; `fast` <= `slow`.

    `label` records where the target came from (for example "10k" or "MP-5s") so
    summaries can show it; it takes no part in equality.
    """

    fast_s_per_km: float
    slow_s_per_km: float
    label: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not (self.fast_s_per_km > 0 and self.slow_s_per_km > 0):
            raise ValueError("pace bounds must be positive seconds per km")
        if self.fast_s_per_km > self.slow_s_per_km:
            raise ValueError(
                f"fast pace {self.fast_s_per_km} s/km is slower than slow pace "
                f"{self.slow_s_per_km} s/km"
            )

    @property
    def mid_s_per_km(self) -> float:
        return (self.fast_s_per_km + self.slow_s_per_km) / 2

    @property
    def min_speed_mps(self) -> float:
        return 1000.0 / self.slow_s_per_km

    @property
    def max_speed_mps(self) -> float:
        return 1000.0 / self.fast_s_per_km

    def contains(self, pace_s_per_km: float) -> bool:
        return self.fast_s_per_km <= pace_s_per_km <= self.slow_s_per_km


@dataclass(frozen=True)
class Step:
    kind: StepKind
    end: EndCondition
    target: PaceRange | None = None

    def estimated_distance_m(self, easy_pace_s_per_km: float = DEFAULT_EASY_PACE_S_PER_KM) -> float:
        if self.end.kind is EndKind.DISTANCE:
            assert self.end.value is not None
            return self.end.value
        if self.end.kind is EndKind.TIME:
            assert self.end.value is not None
            if self.kind is StepKind.REST:
                return 0.0
            return self.end.value / self._pace(easy_pace_s_per_km) * 1000.0
        return 0.0

    def estimated_duration_s(self, easy_pace_s_per_km: float = DEFAULT_EASY_PACE_S_PER_KM) -> float:
        if self.end.kind is EndKind.TIME:
            assert self.end.value is not None
            return self.end.value
        if self.end.kind is EndKind.DISTANCE:
            assert self.end.value is not None
            return self.end.value / 1000.0 * self._pace(easy_pace_s_per_km)
        return 0.0

    def _pace(self, easy_pace_s_per_km: float) -> float:
        return self.target.mid_s_per_km if self.target else easy_pace_s_per_km


@dataclass(frozen=True)
class Repeat:
    count: int
    steps: tuple[Step | Repeat, ...]

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"a repeat count must be at least 1, got {self.count}")
        if not self.steps:
            raise ValueError("a repeat block needs at least one step")


Block = Step | Repeat


@dataclass(frozen=True)
class FlatStep:
    """One step of a workout with its repeats unrolled, in execution order.

    `index` counts from 0 over the unrolled workout; `iteration` is the 1-based pass
    of the innermost repeat block containing the step, or None outside repeats.
    """

    index: int
    step: Step
    iteration: int | None


@dataclass(frozen=True)
class Workout:
    name: str
    steps: tuple[Block, ...]

    def flat_steps(self) -> list[FlatStep]:
        """Unroll every repeat block, depth first, into the order the runner executes."""
        flat: list[FlatStep] = []
        for step, iteration in _unroll(self.steps, None):
            flat.append(FlatStep(len(flat), step, iteration))
        return flat

    def distance_m(self, easy_pace_s_per_km: float = DEFAULT_EASY_PACE_S_PER_KM) -> float:
        """Total distance in metres; time steps are converted at their target or easy pace."""
        return sum(f.step.estimated_distance_m(easy_pace_s_per_km) for f in self.flat_steps())

    def duration_s(self, easy_pace_s_per_km: float = DEFAULT_EASY_PACE_S_PER_KM) -> float:
        """Estimated duration in seconds; lap-button steps count as zero."""
        return sum(f.step.estimated_duration_s(easy_pace_s_per_km) for f in self.flat_steps())

    def repeats(self) -> Iterator[Repeat]:
        """Yield every repeat block, outermost first."""
        yield from _repeats(self.steps)


def _unroll(blocks: tuple[Block, ...], iteration: int | None) -> Iterator[tuple[Step, int | None]]:
    for block in blocks:
        if isinstance(block, Step):
            yield block, iteration
        else:
            for number in range(1, block.count + 1):
                yield from _unroll(block.steps, number)


def _repeats(blocks: tuple[Block, ...]) -> Iterator[Repeat]:
    for block in blocks:
        if isinstance(block, Repeat):
            yield block
            yield from _repeats(block.steps)
