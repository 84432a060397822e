"""Regenerate examples/activities/speed-sharpen-2023-03-28.fit with peakbot's simulator.

The file is the example calendar's Speed Sharpen session of Tuesday 28 March 2023
(race-26d), run by a simulated runner who can run the reps at about 2:55/km, written
with garmin-fit-sdk's Encoder. Run from the repository root:

    python examples/make_activity.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.config.load import load_calendar
from bot.plan import build_plan
from bot.simulator import SimulatedRunner, write_activity_fit

ROOT = Path(__file__).resolve().parents[1]
SESSION_DATE = date(2023, 3, 28)
OUTPUT = ROOT / "examples" / "activities" / "speed-sharpen-2023-03-28.fit"


def main() -> None:
    calendar = load_calendar(ROOT / "config" / "calendar.yaml")
    session = next(
        s
        for s in build_plan(calendar)
        if s.date == SESSION_DATE and s.workout_key == "speed-sharpen"
    )
    runner = SimulatedRunner(capability_s_per_km=173.0, seed=2023)
    activity = runner.run(session.workout, session.date, timezone=calendar.athlete.timezone)
    activity.name = "Track: Speed Sharpen"
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    write_activity_fit(activity, OUTPUT, workout=session.workout)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size} bytes, session {session.id}")


if __name__ == "__main__":
    main()
