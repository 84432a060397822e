"""A simulated runner who executes prescribed workouts.

The runner has a hidden capability: the rep pace (s/km) they can hold for the main
set of the reference session. Asked for a faster pace than that, they start on
target and fade, and far over it they stop before the last reps. Under it, they run
the target with per-rep noise, and the closer the target is to capability the
more the last reps fade. Between sessions the capability improves or tires by
a fixed share. Everything random comes from one seeded generator.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.activities.model import Activity, Lap, Streams
from bot.analysis.structure import fit_step_indices, rep_flat_indices
from bot.workouts.model import EndKind, FlatStep, StepKind, Workout

# Fade over the set, in percent of pace, per percent the target is over capability.
FADE_PER_OVERREACH = 3.0
# Even under capability the last reps are this much slower than the first, in percent.
BASE_FADE_PCT = 0.3
# Extra fade at capability, shrinking to none STRAIN_MARGIN_PCT under it.
STRAIN_FADE_PCT = 2.0
STRAIN_MARGIN_PCT = 1.5
# The runner stops once the accumulated overreach (percent times share of the set done)
# passes this.
DROP_OUT_LOAD = 2.5
HR_DRIFT_BPM_PER_WORK_MIN = 0.6
# Time constants of heart rate rising to and falling from a new effort, in seconds.
# They make the runner drop 30-40 bpm in a minute of standing rest after a rep: an
# assumed figure, not fitted to recorded data.
HR_RISE_S = 25.0
HR_FALL_S = 70.0
JOG_SPEED_MPS = 2.6
REST_SPEED_MPS = 0.9
# Capability cost of each rep beyond the reference count, and gain per second of
# recovery beyond the reference recovery, as fractions of pace.
COST_PER_EXTRA_REP = 0.0015
GAIN_PER_RECOVERY_S = 0.0002


@dataclass
class SimulatedRunner:
    capability_s_per_km: float
    reference_reps: int = 15
    reference_recovery_s: float = 60.0
    # Capability change per session, percent of pace: negative improves, positive tires.
    trend_pct_per_session: float = -0.1
    rep_noise_pct: float = 0.5
    easy_pace_s_per_km: float = 330.0
    rest_hr: float = 52.0
    max_hr: float = 188.0
    seed: int = 1
    sessions_run: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def capability_for(self, reps: int, recovery_s: float | None) -> float:
        """Return the rep pace (s/km) this runner can hold for that many reps and recovery."""
        factor = 1.0 + COST_PER_EXTRA_REP * (reps - self.reference_reps)
        if recovery_s is not None:
            factor -= GAIN_PER_RECOVERY_S * (recovery_s - self.reference_recovery_s)
        return self.capability_s_per_km * factor

    def advance(self) -> None:
        """Move to the next session: the capability improves or tires."""
        self.capability_s_per_km *= 1.0 + self.trend_pct_per_session / 100.0
        self.sessions_run += 1

    def run(
        self,
        workout: Workout,
        day: date,
        *,
        timezone: ZoneInfo | None = None,
        start: time = time(7, 0),
    ) -> Activity:
        """Execute the workout on `day` and return the recorded activity, 1 Hz streams."""
        zone = timezone or ZoneInfo("UTC")
        flat = workout.flat_steps()
        rep_indices, recovery_indices = rep_flat_indices(workout)
        recovery = _recovery_s(flat, recovery_indices)
        capability = self.capability_for(len(rep_indices), recovery)
        plan = self._step_speeds(flat, rep_indices, capability)
        fit_indices = fit_step_indices(workout)
        builder = _Recorder(self, capability)
        for flat_step, speed in plan:
            builder.step(flat_step, speed, fit_indices[flat_step.index])
        start_local = datetime.combine(day, start, tzinfo=zone)
        return builder.activity(start_local.astimezone(UTC), day, workout)

    def _step_speeds(
        self, flat: list[FlatStep], rep_indices: list[int], capability: float
    ) -> list[tuple[FlatStep, float]]:
        """Return the steps the runner runs, each with its speed in m/s."""
        plan: list[tuple[FlatStep, float]] = []
        count = len(rep_indices)
        dropped = False
        for f in flat:
            if dropped and f.step.kind is not StepKind.COOLDOWN:
                continue
            target = f.step.target
            if f.index in rep_indices and target is not None:
                number = rep_indices.index(f.index)
                share = number / max(1, count - 1)
                margin = (target.mid_s_per_km - capability) / capability * 100
                overreach = max(0.0, -margin)
                # Within STRAIN_MARGIN_PCT of capability the last reps already get harder.
                strain = min(1.0, max(0.0, 1.0 - margin / STRAIN_MARGIN_PCT))
                if overreach * (number + 1) / count > DROP_OUT_LOAD and number >= 2:
                    dropped = True
                    continue
                fade = BASE_FADE_PCT + STRAIN_FADE_PCT * strain + FADE_PER_OVERREACH * overreach
                noise = self._random.gauss(0.0, self.rep_noise_pct)
                # Over capability even the first reps miss the target by a little.
                pace = target.mid_s_per_km * (1 + (overreach / 3 + fade * share + noise) / 100)
                plan.append((f, 1000.0 / pace))
            elif target is not None:
                pace = target.mid_s_per_km * (1 + self._random.gauss(0.0, 0.5) / 100)
                plan.append((f, 1000.0 / pace))
            elif f.step.kind is StepKind.REST:
                plan.append((f, REST_SPEED_MPS))
            elif f.step.kind is StepKind.RECOVERY:
                plan.append((f, JOG_SPEED_MPS))
            else:
                plan.append((f, 1000.0 / self.easy_pace_s_per_km))
        return plan


def _recovery_s(flat: list[FlatStep], recovery_indices: list[int]) -> float | None:
    if not recovery_indices:
        return None
    end = flat[recovery_indices[0]].step.end
    return end.value if end.kind is EndKind.TIME else None


class _Recorder:
    """Builds the 1 Hz streams and one lap per step as the runner goes."""

    def __init__(self, runner: SimulatedRunner, capability: float) -> None:
        self.runner = runner
        self.capability_speed = 1000.0 / capability
        self.time: list[float] = [0.0]
        self.distance: list[float] = [0.0]
        self.speed: list[float] = [0.0]
        self.hr: list[float | None] = [runner.rest_hr + 20]
        self.cadence: list[float | None] = [0.0]
        self.laps: list[Lap] = []
        self._speed = 0.0
        self.work_s = 0.0

    def step(self, flat_step: FlatStep, speed: float, fit_index: int) -> None:
        end = flat_step.step.end
        start_t, start_d = self.time[-1], self.distance[-1]
        if end.kind is EndKind.DISTANCE and end.value is not None:
            limit_d, limit_t = start_d + end.value, math.inf
        elif end.kind is EndKind.TIME and end.value is not None:
            limit_d, limit_t = math.inf, start_t + end.value
        else:
            limit_d, limit_t = math.inf, start_t + (5 * 60 if flat_step.index == 0 else 8 * 60)
        rng = self.runner._random
        first = len(self.time)
        while True:
            # Speed changes within the first second, then wobbles a little.
            self._speed = speed
            v = max(0.0, self._speed * (1 + rng.gauss(0.0, 0.01)))
            t = self.time[-1] + 1.0
            d = self.distance[-1] + v
            if d >= limit_d:
                # Cut the last second where the distance is reached.
                frac = (limit_d - self.distance[-1]) / v if v > 0 else 1.0
                t = self.time[-1] + frac
                d = limit_d
            elif t >= limit_t:
                t = limit_t
                d = self.distance[-1] + v * (limit_t - self.time[-1])
            self._append(t, d, v)
            if d >= limit_d or t >= limit_t:
                break
        samples = range(first, len(self.time))
        hrs = [self.hr[k] for k in samples if self.hr[k] is not None]
        duration = self.time[-1] - start_t
        distance = self.distance[-1] - start_d
        self.laps.append(
            Lap(
                start_offset_s=start_t,
                distance_m=round(distance, 2),
                moving_time_s=round(duration, 3),
                elapsed_time_s=round(duration, 3),
                avg_speed_mps=round(distance / duration, 3) if duration else None,
                avg_hr=round(sum(h for h in hrs if h is not None) / len(hrs)) if hrs else None,
                max_hr=max(h for h in hrs if h is not None) if hrs else None,
                avg_cadence=170.0,
                step_index=fit_index,
            )
        )

    def _append(self, t: float, d: float, v: float) -> None:
        runner = self.runner
        dt = t - self.time[-1]
        intensity = min(1.15, v / self.capability_speed)
        if intensity > 0.8:
            self.work_s += dt
        # Cardiac drift: the same speed costs more beats the longer the hard work lasts.
        drift = HR_DRIFT_BPM_PER_WORK_MIN * self.work_s / 60
        steady = runner.rest_hr + (runner.max_hr - runner.rest_hr) * (0.35 + 0.6 * intensity**2)
        steady += drift * intensity
        previous = self.hr[-1] or runner.rest_hr
        tau = HR_RISE_S if steady > previous else HR_FALL_S
        hr = previous + (steady - previous) * (1 - math.exp(-dt / tau))
        self.time.append(round(t, 3))
        self.distance.append(round(d, 2))
        self.speed.append(round(v, 3))
        self.hr.append(round(min(runner.max_hr, hr)))
        self.cadence.append(round(150 + 6 * v) if v > 1.5 else 0.0)

    def activity(self, start_utc: datetime, day: date, workout: Workout) -> Activity:
        duration = self.time[-1]
        hrs = [h for h in self.hr if h is not None]
        streams = Streams(
            time_s=self.time,
            distance_m=self.distance,
            speed_mps=self.speed,
            heart_rate=self.hr,
            cadence=self.cadence,
        )
        return Activity(
            source="simulator",
            source_id=f"{day.isoformat()}-{self.runner.seed}",
            start_utc=start_utc,
            local_date=day,
            sport="running",
            sub_sport="track",
            device="peakbot simulator",
            name=workout.name or "Simulated run",
            distance_m=round(self.distance[-1], 1),
            moving_time_s=round(duration, 1),
            elapsed_time_s=round(duration, 1),
            avg_hr=round(sum(hrs) / len(hrs)) if hrs else None,
            max_hr=max(hrs) if hrs else None,
            laps=self.laps,
            streams=streams,
            embedded_workout=workout,
        )
