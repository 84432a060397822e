"""Time parse_workout and render_workout on the reference session and a long workout.

Usage: /work/venv/bin/python bench/workout_text.py [repeats]
Prints the median time per call in microseconds over `repeats` runs (default 200).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from bot.workouts.athlete import AthletePaces
from bot.workouts.text import parse_workout, render_workout

REFERENCE = """\
- 5min @ 6'00''/km
- 2.0km @ 4'00''/km
- 15 lots of:
- 400m @ 2'56''/km
- 1min rest
- 5min @ 6'00''/km
"""

COMPACT = (
    "5min easy; 2km @ 10k; 3x(4x400m @ I / 200m jog, 3min rest); "
    "20x400m @ 70-71s / 60s jog; 5min easy"
)

LONG = "\n".join(f"- 400m @ {170 + index % 20}s" for index in range(200))


def median_us(function: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1e6


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    paces = AthletePaces.from_race(10000.0, 33 * 60 + 45)
    workout = parse_workout(REFERENCE)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("parse reference (6 lines)", lambda: parse_workout(REFERENCE)),
        ("parse compact with labels", lambda: parse_workout(COMPACT, paces=paces)),
        ("parse 200 lap-time steps", lambda: parse_workout(LONG)),
        ("render reference", lambda: render_workout(workout)),
        ("AthletePaces.from_race", lambda: AthletePaces.from_race(10000.0, 2025.0)),
    ]
    for name, function in cases:
        print(f"{name:32} {median_us(function, repeats):10.1f} us")


if __name__ == "__main__":
    main()
