"""Compare the coach with a plan that never adapts, on simulated runners.

Run by hand, not by the tests:

    /work/venv/bin/python bench/simulator.py [SEEDS]

Each scenario is a runner with a hidden capability: the 400 m rep pace they can hold
for 15 x 400 m with 60 s rest. It starts some percent away from the first
prescription (2:56/km, 70.4 s per 400 m) and changes by a fixed percent per session. Eight weekly
sessions end on race day, so the last two fall in the taper, where the coach halves
the reps and holds the pace on purpose; the gap figures cover the six sessions
before it. For each of those the script records the gap between prescription and
capability (positive: the prescription is faster than the runner can hold) and
prints, per scenario and plan, the median absolute gap, the share of sessions
within 1 %, the share more than 0.5 % and more than 2 % over capability, the first
session within 1 %, the share of prescribed reps run, and the time to simulate,
analyse and tune one session.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from datetime import date, timedelta

from bot.coach.bounds import TuningBounds
from bot.simulator import SimulatedRunner, make_sessions, simulate_block
from bot.workouts.text import parse_workout

TEXT = "5min warmup; 2km @ 3:58-4:02/km; 15x(400m @ 2:55-2:57/km, 60s rest); 5min cooldown"
PRESCRIBED_S_PER_KM = 176.0
RACE = date(2026, 4, 26)
SESSIONS = 8
BEFORE_TAPER = 6
BOUNDS = TuningBounds(
    min_reps=8,
    max_reps=20,
    max_pace_change_s_per_km=2.0,
    min_recovery_s=45,
    max_recovery_s=90,
)
# Runner name: (capability in percent faster than the first prescription, capability
# change in percent of pace per session). A negative change is an improving runner.
SCENARIOS = {
    "2 % faster, improving": (2.0, -0.1),
    "4 % faster, improving": (4.0, -0.2),
    "at capability, steady": (0.0, 0.0),
    "2 % slower, steady": (-2.0, 0.0),
    "1 % slower, tiring": (-1.0, 0.5),
}


def run(scenario: tuple[float, float], seed: int, adapt: bool) -> tuple[list[float], float, float]:
    faster_pct, trend = scenario
    workout = parse_workout(TEXT, name="Speed Sharpen")
    days = [RACE - timedelta(days=7 * (SESSIONS - k)) for k in range(SESSIONS)]
    sessions = make_sessions(workout, days, RACE, bounds=BOUNDS, text=TEXT)
    runner = SimulatedRunner(
        PRESCRIBED_S_PER_KM * (1 - faster_pct / 100), trend_pct_per_session=trend, seed=seed
    )
    started = time.perf_counter()
    result = simulate_block(runner, sessions, adapt=adapt)
    elapsed = time.perf_counter() - started
    done = sum(s.analysis.metrics.reps_completed or 0 for s in result.sessions)
    prescribed = sum(s.reps for s in result.sessions)
    return result.gaps_pct()[:BEFORE_TAPER], done / prescribed, elapsed / len(result.sessions)


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"Python {platform.python_version()} on {platform.machine()}, {seeds} seeds")
    print(
        "| runner | plan | median abs gap % | within 1 % | over 0.5 % | over 2 % "
        "| first within 1 % (median session) | reps run | ms per session |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, scenario in SCENARIOS.items():
        for adapt in (True, False):
            gaps: list[float] = []
            firsts: list[int] = []
            done: list[float] = []
            times: list[float] = []
            for seed in range(1, seeds + 1):
                block, share, seconds = run(scenario, seed, adapt)
                gaps.extend(block)
                within = [k + 1 for k, g in enumerate(block) if abs(g) <= 1.0]
                firsts.append(within[0] if within else BEFORE_TAPER + 1)
                done.append(share)
                times.append(seconds)
            count = len(gaps)
            first = statistics.median(firsts)
            print(
                f"| {name} | {'coach' if adapt else 'fixed'} "
                f"| {statistics.median(abs(g) for g in gaps):.2f} "
                f"| {sum(abs(g) <= 1.0 for g in gaps) / count:.0%} "
                f"| {sum(g > 0.5 for g in gaps) / count:.0%} "
                f"| {sum(g > 2.0 for g in gaps) / count:.0%} "
                f"| {first if first <= BEFORE_TAPER else 'never'} "
                f"| {statistics.fmean(done):.0%} "
                f"| {statistics.median(times) * 1000:.0f} |"
            )


if __name__ == "__main__":
    main()
