"""Judge a steady run (a long, easy or marathon-pace run) on the whole run.

A workout is steady when it has no repeat block and no recovery or rest step: one
steady step, or a warm-up, steady running and a cool-down. Its laps are the watch's
auto-laps, not reps, so the run is measured as one piece. The measures are the
distance done against the prescribed distance (moving time against the prescribed
time for a timed workout such as "60min @ E"), the average moving pace of the
steady part against its band, and the drift of pace and heart rate from the first
half to the second.

The warm-up takes its planned length from the start of the run and the cool-down
its planned length from the end. The steady part is what lies between.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass

from bot.activities.model import Activity
from bot.analysis.laps import align_laps
from bot.analysis.metrics import colour_for
from bot.analysis.model import AlignedStep, SessionAnalysis, SessionMetrics, band_verdict
from bot.analysis.streams import Series
from bot.workouts.model import EndKind, FlatStep, StepKind, Workout
from bot.workouts.pace import METRES_PER_MILE, Unit, format_duration, format_pace

# Compliance: this many points for the distance done, the rest for the pace.
DISTANCE_POINTS = 60
PACE_POINTS = 40
# Pace outside the band, in percent beyond its nearer edge. An easy run keeps every
# pace point up to EASY_SLOW_FREE_PCT slower and has none left at EASY_SLOW_ZERO_PCT.
# Otherwise the pace points fall after FREE_PCT and are gone at ZERO_PCT.
EASY_SLOW_FREE_PCT = 10.0
EASY_SLOW_ZERO_PCT = 30.0
FREE_PCT = 2.0
ZERO_PCT = 12.0
# Matching forgives the pace more: a run on the day of a steady session is that
# session unless its pace is this far, in percent, beyond the band.
MATCH_ZERO_PCT = 25.0
# A second counts as moving when the runner covers at least this many metres in it.
MOVING_M_PER_S = 0.5
# Labels of easy paces: "E", "E+10s" and the like.
EASY_LABELS = ("e", "easy", "recovery")
CONFIDENCE_TIMELINE = 0.9
CONFIDENCE_TOTALS = 0.6


def is_steady(workout: Workout) -> bool:
    """Return True for a workout with active steps and no repeat, recovery or rest."""
    if any(True for _ in workout.repeats()):
        return False
    kinds = [f.step.kind for f in workout.flat_steps()]
    if StepKind.RECOVERY in kinds or StepKind.REST in kinds:
        return False
    return StepKind.ACTIVE in kinds


@dataclass
class _Timeline:
    """Distance against elapsed time, from the streams' samples or the lap edges."""

    time_s: list[float]
    distance_m: list[float]
    series: Series | None

    def distance_at(self, t: float) -> float:
        return _interpolate(self.time_s, self.distance_m, t)

    def time_at(self, metres: float) -> float:
        return _interpolate(self.distance_m, self.time_s, metres)

    @property
    def end_s(self) -> float:
        return self.time_s[-1]

    def moving_s(self, start_s: float, end_s: float) -> float:
        """Return the moving seconds between two times, or the elapsed time without a stream."""
        if self.series is None:
            return end_s - start_s
        distances = self.series.distance_m
        first, last = max(0, int(start_s)), min(len(distances) - 1, int(end_s))
        moving = sum(
            1 for k in range(first, last) if distances[k + 1] - distances[k] >= MOVING_M_PER_S
        )
        return float(moving)

    def heart_rate(self, start_s: float, end_s: float) -> float | None:
        if self.series is None:
            return None
        return self.series.heart_rate_in(start_s, end_s)[0]


def _interpolate(xs: list[float], ys: list[float], x: float) -> float:
    k = bisect.bisect_left(xs, x)
    if k <= 0:
        return ys[0]
    if k >= len(xs):
        return ys[-1]
    span = xs[k] - xs[k - 1]
    frac = (x - xs[k - 1]) / span if span > 0 else 1.0
    return ys[k - 1] + (ys[k] - ys[k - 1]) * frac


def _timeline(activity: Activity, series: Series | None) -> _Timeline | None:
    if series is not None and series.sample_distance_m[-1] > 0:
        return _Timeline(list(series.sample_time_s), list(series.sample_distance_m), series)
    laps = [lap for lap in activity.laps if lap.elapsed_time_s > 0]
    if not laps:
        return None
    times = [laps[0].start_offset_s]
    distances = [0.0]
    for lap in laps:
        times.append(max(times[-1], lap.start_offset_s + lap.elapsed_time_s))
        distances.append(distances[-1] + lap.distance_m)
    return _Timeline(times, distances, None)


def analyze_steady(workout: Workout, activity: Activity, series: Series | None) -> SessionAnalysis:
    """Measure a steady run as one piece: distance, moving pace and drift."""
    flat = workout.flat_steps()
    steps = align_laps(flat, []).steps
    active = [f for f in flat if f.step.kind is StepKind.ACTIVE]
    first, last = active[0].index, active[-1].index
    timeline = _timeline(activity, series)
    notes: list[str] = []

    start_s = end_s = None
    if timeline is not None:
        start_s = _advance(timeline, flat[:first], 0.0)
        end_s = _retreat(timeline, flat[last + 1 :], timeline.end_s)
        if end_s <= start_s:
            # Shorter than the warm-up and cool-down: all of it counts as the steady part.
            start_s, end_s = timeline.time_s[0], timeline.end_s
        _lay_out(steps, flat, timeline, first, last, start_s, end_s)

    whole = first == 0 and last == len(flat) - 1
    if timeline is None or start_s is None or end_s is None or whole:
        steady_m = activity.distance_m
        steady_s = activity.moving_time_s or activity.elapsed_time_s
    else:
        steady_m = timeline.distance_at(end_s) - timeline.distance_at(start_s)
        steady_s = timeline.moving_s(start_s, end_s)
        if timeline.series is None and 0 < activity.moving_time_s <= activity.elapsed_time_s:
            # Laps give elapsed time only, so the run's share of moving time applies.
            steady_s *= activity.moving_time_s / activity.elapsed_time_s
    pace = steady_s / steady_m * 1000.0 if steady_m > 0 and steady_s > 0 else None

    pace_drift = hr_drift = None
    if timeline is not None and start_s is not None and end_s is not None:
        pace_drift, hr_drift = _drift(timeline, start_s, end_s)
        if hr_drift is None:
            hr_drift = _lap_hr_drift(activity, start_s, end_s)

    fast, slow = _band(active)
    planned = workout.distance_m()
    distance_share = activity.distance_m / planned if planned > 0 else None
    share = distance_share
    planned_time = time_share = None
    if _timed(active):
        # "60min @ E" prescribes time. Its distance is only an estimate from the band.
        planned_time = workout.duration_s()
        done_s = activity.moving_time_s or activity.elapsed_time_s
        time_share = done_s / planned_time if planned_time > 0 and done_s > 0 else None
        share = time_share
    easy = _is_easy(workout, active)
    verdict = None
    if pace is not None and fast is not None and slow is not None:
        verdict = band_verdict(pace, fast, slow)
    score = steady_score(share, pace, fast, slow, easy=easy)
    metrics = SessionMetrics(
        reps_prescribed=0,
        reps_completed=None,
        reps_in_band=None,
        mean_time_per_400m_s=None,
        target_time_per_400m_s=None,
        mean_deviation_s_per_400m=None,
        mean_deviation_pct=_pace_offset_pct(pace, fast, slow),
        fade_pct=None,
        cv_pct=None,
        hr_drift_bpm=_round(hr_drift),
        compliance=score,
        colour=colour_for(score),
        distance_m=round(activity.distance_m, 1),
        duration_s=round(activity.elapsed_time_s or activity.moving_time_s, 1),
        prescribed_distance_m=round(planned, 1) if planned > 0 else None,
        distance_share=_round(distance_share, 4),
        prescribed_time_s=_round(planned_time, 1),
        time_share=_round(time_share, 4),
        steady_distance_m=round(steady_m, 1),
        steady_time_s=round(steady_s, 1),
        pace_s_per_km=_round(pace, 1),
        target_fast_s_per_km=fast,
        target_slow_s_per_km=slow,
        pace_verdict=verdict,
        pace_drift_pct=_round(pace_drift, 1),
        easy=easy,
    )
    notes.extend(steady_lines(metrics))
    if timeline is None:
        notes.append("no laps or streams: distance and pace from the totals, no drift")
    return SessionAnalysis(
        method="steady",
        confidence=CONFIDENCE_TIMELINE if timeline is not None else CONFIDENCE_TOTALS,
        reps=[],
        recoveries=[],
        steps=steps,
        metrics=metrics,
        notes=notes,
        workout_name=workout.name,
        activity_key=activity.key,
        streams_available=series is not None,
    )


def steady_score(
    share: float | None,
    pace_s_per_km: float | None,
    fast_s_per_km: float | None,
    slow_s_per_km: float | None,
    *,
    easy: bool,
) -> int:
    """Score a steady run 0-100: 60 for the distance done, 40 for the pace.

    `share` is the run's distance over the prescribed one, or its moving time over
    the prescribed time for a timed workout. The pace points shrink with it.

    Any pace inside the band (with its margin) scores full. An easy run may run up
    to 10 % slower than its band for free; faster than its band, and either way for
    other steady runs, the pace points fall after 2 % beyond the band and are gone
    at 12 %. Without a band the pace scores full.
    """
    distance = min(1.0, share) if share is not None else 1.0
    pace = pace_fit(pace_s_per_km, fast_s_per_km, slow_s_per_km, easy=easy)
    return round(DISTANCE_POINTS * distance + PACE_POINTS * pace * distance)


def pace_fit(
    pace_s_per_km: float | None,
    fast_s_per_km: float | None,
    slow_s_per_km: float | None,
    *,
    easy: bool,
    zero_pct: float = ZERO_PCT,
) -> float:
    """Return 0..1: how well the average pace keeps to the band (see steady_score)."""
    offset = _pace_offset_pct(pace_s_per_km, fast_s_per_km, slow_s_per_km)
    if offset is None:
        return 1.0
    if offset > 0 and easy:
        free, zero = EASY_SLOW_FREE_PCT, EASY_SLOW_ZERO_PCT
    else:
        free, zero = FREE_PCT, zero_pct
    beyond = max(0.0, abs(offset) - free)
    return max(0.0, 1.0 - beyond / (zero - free))


def match_fit(analysis: SessionAnalysis) -> float:
    """Return 0..1: how likely it is that the run of a steady analysis is its session."""
    m = analysis.metrics
    share = m.time_share if m.time_share is not None else m.distance_share
    distance = max(0.0, 1.0 - abs(1.0 - share)) if share is not None else 1.0
    pace = pace_fit(
        m.pace_s_per_km,
        m.target_fast_s_per_km,
        m.target_slow_s_per_km,
        easy=m.easy,
        zero_pct=MATCH_ZERO_PCT,
    )
    return 0.6 * distance + 0.4 * pace


def describe_steady(metrics: SessionMetrics, units: Unit = "km") -> str:
    """Return one line, such as "steady run: 22.2 of 32.0 km (69 %) at 5:04/km, band ..."."""
    m = metrics
    done = m.distance_m
    if m.prescribed_time_s and m.time_share is not None:
        moving = m.time_share * m.prescribed_time_s
        text = (
            f"steady run: {format_duration(moving)} of {format_duration(m.prescribed_time_s)} "
            f"({round(100 * m.time_share)} %), {_distance(done, units)}"
        )
    elif m.prescribed_distance_m:
        planned = _distance(m.prescribed_distance_m, units)
        text = f"steady run: {_distance(done, units).split()[0]} of {planned}"
        text += f" ({round(100 * done / m.prescribed_distance_m)} %)"
    else:
        text = f"steady run: {_distance(done, units)}"
    if m.pace_s_per_km is not None:
        if m.steady_distance_m is not None and abs(m.steady_distance_m - done) > 50:
            text += f"; the steady {_distance(m.steady_distance_m, units)}"
        text += f" at {format_pace(m.pace_s_per_km, units)}"
    fast, slow = m.target_fast_s_per_km, m.target_slow_s_per_km
    if fast is not None and slow is not None:
        text += f", band {_band_text(fast, slow, units)}"
        offset = m.mean_deviation_pct
        flagged = pace_fit(m.pace_s_per_km, fast, slow, easy=m.easy) < 1.0
        if m.pace_verdict == "in" or offset is None:
            text += ": inside it"
        elif m.pace_verdict == "slow":
            text += f": {_percent(offset)} slower"
            if m.easy and not flagged:
                text += ", fine for an easy run"
        else:
            text += f": {_percent(-offset)} faster"
            if m.easy and flagged:
                text += ", too fast for an easy run"
    return text


def steady_lines(metrics: SessionMetrics, units: Unit = "km") -> list[str]:
    """Return the lines that describe a steady run: the run, then its drift if known.

    A steady analysis starts its notes with these lines in km. A display in miles
    shows steady_lines(metrics, "mi") in their place.
    """
    lines = [describe_steady(metrics, units)]
    if metrics.pace_drift_pct is not None or metrics.hr_drift_bpm is not None:
        lines.append(_describe_drift(metrics))
    return lines


def _percent(value: float) -> str:
    """Format a percentage: whole numbers from 1 % up, one decimal below."""
    return f"{value:.0f} %" if value >= 1 else f"{value:.1f} %"


def _describe_drift(m: SessionMetrics) -> str:
    parts = []
    if m.pace_drift_pct is not None:
        parts.append(f"pace drift {m.pace_drift_pct:+.1f} %")
    if m.hr_drift_bpm is not None:
        parts.append(f"HR drift {m.hr_drift_bpm:+.0f} bpm")
    return ", ".join(parts) + " (second half against the first)"


def _distance(metres: float, units: Unit) -> str:
    if units == "km":
        return f"{metres / 1000:.1f} km"
    return f"{metres / METRES_PER_MILE:.1f} mi"


def _band_text(fast: float, slow: float, units: Unit) -> str:
    low, high = format_pace(fast, units), format_pace(slow, units)
    return high if low == high else f"{low.split('/')[0]}-{high}"


def _pace_offset_pct(pace: float | None, fast: float | None, slow: float | None) -> float | None:
    """Return the percent beyond the nearer edge of the band: positive slower, 0 inside."""
    if pace is None or fast is None or slow is None:
        return None
    if band_verdict(pace, fast, slow) == "in":
        return 0.0
    if pace > slow:
        return round((pace - slow) / slow * 100.0, 2)
    return round((pace - fast) / fast * 100.0, 2)


def _band(active: list[FlatStep]) -> tuple[float | None, float | None]:
    """Return the distance-weighted pace band of the active steps, or (None, None)."""
    weighted = [
        (f.step.target, f.step.estimated_distance_m() or 1.0)
        for f in active
        if f.step.target is not None
    ]
    if not weighted:
        return None, None
    total = sum(weight for _, weight in weighted)
    fast = sum(t.fast_s_per_km * w for t, w in weighted) / total
    slow = sum(t.slow_s_per_km * w for t, w in weighted) / total
    return round(fast, 1), round(slow, 1)


def _timed(active: list[FlatStep]) -> bool:
    """Return True when the steady steps end on time and none on distance."""
    kinds = {f.step.end.kind for f in active}
    return EndKind.TIME in kinds and EndKind.DISTANCE not in kinds


def _is_easy(workout: Workout, active: list[FlatStep]) -> bool:
    labels = [(f.step.target.label or "").lower() for f in active if f.step.target is not None]
    if labels and all(_easy_label(label) for label in labels):
        return True
    if not labels:
        # No pace is prescribed, so the run cannot be too fast.
        return True
    name = workout.name.lower()
    return "easy" in name or "recovery" in name


def _easy_label(label: str) -> bool:
    head = label.split("+")[0].split("-")[0].strip()
    return head in EASY_LABELS


def _advance(timeline: _Timeline, steps: list[FlatStep], start_s: float) -> float:
    """Return the time after the steps, each taking its planned length from `start_s`."""
    t = max(start_s, timeline.time_s[0])
    for f in steps:
        t = min(timeline.end_s, _step_end(timeline, f, t, forward=True))
    return t


def _retreat(timeline: _Timeline, steps: list[FlatStep], end_s: float) -> float:
    t = end_s
    for f in reversed(steps):
        t = max(timeline.time_s[0], _step_end(timeline, f, t, forward=False))
    return t


def _step_end(timeline: _Timeline, f: FlatStep, t: float, *, forward: bool) -> float:
    end = f.step.end
    sign = 1.0 if forward else -1.0
    if end.kind is EndKind.DISTANCE and end.value is not None:
        return timeline.time_at(timeline.distance_at(t) + sign * end.value)
    if end.kind is EndKind.TIME and end.value is not None:
        return t + sign * end.value
    return t


def _lay_out(
    steps: list[AlignedStep],
    flat: list[FlatStep],
    timeline: _Timeline,
    first: int,
    last: int,
    start_s: float,
    end_s: float,
) -> None:
    """Fill the aligned steps: warm-ups and cool-downs by plan and the steady part between."""
    t = timeline.time_s[0]
    for f in flat[:first]:
        following = min(start_s, _step_end(timeline, f, t, forward=True))
        _set(steps[f.index], timeline, t, following)
        t = following
    t = start_s
    for f in flat[first : last + 1]:
        following = (
            end_s if f.index == last else min(end_s, _step_end(timeline, f, t, forward=True))
        )
        _set(steps[f.index], timeline, t, following)
        t = following
    t = end_s
    for f in flat[last + 1 :]:
        following = min(timeline.end_s, _step_end(timeline, f, t, forward=True))
        if f.index == len(flat) - 1:
            following = timeline.end_s
        _set(steps[f.index], timeline, t, following)
        t = following


def _set(step: AlignedStep, timeline: _Timeline, start_s: float, end_s: float) -> None:
    if end_s <= start_s:
        return
    step.missing = False
    step.start_s = round(start_s, 2)
    step.end_s = round(end_s, 2)
    step.duration_s = round(end_s - start_s, 2)
    step.distance_m = round(timeline.distance_at(end_s) - timeline.distance_at(start_s), 1)
    if timeline.series is not None:
        step.avg_hr, step.max_hr = timeline.series.heart_rate_in(start_s, end_s)


def _drift(timeline: _Timeline, start_s: float, end_s: float) -> tuple[float | None, float | None]:
    """Return the pace drift in percent and the HR drift in bpm, second half over first."""
    start_m, end_m = timeline.distance_at(start_s), timeline.distance_at(end_s)
    if end_m - start_m < 1000.0:
        return None, None
    mid_m = (start_m + end_m) / 2
    mid_s = timeline.time_at(mid_m)
    first_s = timeline.moving_s(start_s, mid_s)
    second_s = timeline.moving_s(mid_s, end_s)
    pace_drift = None
    if first_s > 0 and second_s > 0:
        pace_drift = (second_s - first_s) / first_s * 100.0
    first_hr, second_hr = timeline.heart_rate(start_s, mid_s), timeline.heart_rate(mid_s, end_s)
    hr_drift = second_hr - first_hr if first_hr is not None and second_hr is not None else None
    return pace_drift, hr_drift


def _lap_hr_drift(activity: Activity, start_s: float, end_s: float) -> float | None:
    """Return the HR drift from the laps' averages, by the half each lap's middle is in."""
    mid = (start_s + end_s) / 2
    first: list[float] = []
    second: list[float] = []
    for lap in activity.laps:
        centre = lap.start_offset_s + lap.elapsed_time_s / 2
        if lap.avg_hr is None or not start_s <= centre <= end_s:
            continue
        (first if centre < mid else second).append(lap.avg_hr)
    if not first or not second:
        return None
    return statistics.fmean(second) - statistics.fmean(first)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
