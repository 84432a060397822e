"""Find the reps of a run in its distance or speed stream when the laps do not fit.

The stream is resampled to 1 Hz, speed is smoothed over 5 s, and work segments are
the stretches above a threshold between recovery and rep speed. Each rep starts
where the speed crosses halfway from the jog before it to the rep speed, and ends at
the prescribed distance or time from there.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass

from bot.activities.model import Streams
from bot.analysis.model import AlignedStep
from bot.workouts.model import EndKind, FlatStep, Step

SMOOTH_HALF_WIDTH_S = 2
MERGE_GAP_S = 4
# With a target pace, work is anything faster than this share of the target speed.
TARGET_SPEED_SHARE = 0.85
# A stretch is a rep only when it is a real work bout: its mean speed is at least
# this share of the target speed (a rep 25 % slower than the target still counts) and
# at least this many times the speed of the running around it. A steady easy run
# wobbles by well under 10 %, and even a jogged recovery is 25 % slower than a rep.
MIN_REP_SPEED_SHARE = 0.8
MIN_WORK_CONTRAST = 1.15
# The running around a stretch: this many seconds each side, leaving out the
# seconds next to its edges, where the runner speeds up or slows down.
CONTEXT_S = 30
EDGE_S = 5


@dataclass
class Series:
    """A run resampled to one sample per second from its first sample.

    Distances at a given time, and times at a given distance, are interpolated from
    the recorded samples (`sample_time_s`, `sample_distance_m`), which are exact at
    each sample; the 1 Hz series serve to detect reps.
    """

    distance_m: list[float]
    speed_mps: list[float]
    heart_rate: list[float | None]
    sample_time_s: list[float]
    sample_distance_m: list[float]

    @property
    def end_s(self) -> int:
        return len(self.distance_m) - 1

    def distance_at(self, t: float) -> float:
        times, distances = self.sample_time_s, self.sample_distance_m
        k = bisect.bisect_right(times, t)
        if k == 0:
            return distances[0]
        if k >= len(times):
            return distances[-1]
        span = times[k] - times[k - 1]
        frac = (t - times[k - 1]) / span if span > 0 else 0.0
        return distances[k - 1] + (distances[k] - distances[k - 1]) * frac

    def time_at_distance(self, metres: float, after_s: float) -> float | None:
        """Return the first time at or after `after_s` when the run reaches `metres`."""
        times, distances = self.sample_time_s, self.sample_distance_m
        lo = max(0, bisect.bisect_right(times, after_s) - 1)
        k = bisect.bisect_left(distances, metres, lo=lo)
        if k >= len(distances):
            return None
        if k == 0:
            return times[0]
        low, high = distances[k - 1], distances[k]
        frac = (metres - low) / (high - low) if high > low else 0.0
        return max(after_s, times[k - 1] + (times[k] - times[k - 1]) * frac)

    def heart_rate_in(self, start_s: float, end_s: float) -> tuple[float | None, float | None]:
        values = [
            v for v in self.heart_rate[max(0, int(start_s)) : int(end_s) + 1] if v is not None
        ]
        if not values:
            return None, None
        return sum(values) / len(values), max(values)


def resample(streams: Streams) -> Series | None:
    """Return the run at 1 Hz, or None when it has no distance or speed."""
    times = streams.time_s
    if len(times) < 10:
        return None
    t0 = times[0]
    rel = [t - t0 for t in times]
    if streams.distance_m is not None:
        dist_raw = [d if d is not None else 0.0 for d in streams.distance_m]
    elif streams.speed_mps is not None:
        dist_raw = [0.0]
        for k in range(1, len(rel)):
            dist_raw.append(dist_raw[-1] + (streams.speed_mps[k] or 0.0) * (rel[k] - rel[k - 1]))
    else:
        return None
    # Distance never decreases; a GPS glitch that steps back is held flat.
    for k in range(1, len(dist_raw)):
        dist_raw[k] = max(dist_raw[k], dist_raw[k - 1])
    end = int(rel[-1])
    distance: list[float] = []
    heart: list[float | None] = []
    hr_raw = streams.heart_rate
    k = 0
    for second in range(end + 1):
        while k + 1 < len(rel) and rel[k + 1] <= second:
            k += 1
        if k + 1 < len(rel) and rel[k + 1] > rel[k]:
            frac = (second - rel[k]) / (rel[k + 1] - rel[k])
            distance.append(dist_raw[k] + (dist_raw[k + 1] - dist_raw[k]) * frac)
        else:
            distance.append(dist_raw[k])
        heart.append(hr_raw[k] if hr_raw is not None else None)
    speed = []
    h = SMOOTH_HALF_WIDTH_S
    for second in range(end + 1):
        lo, hi = max(0, second - h), min(end, second + h)
        speed.append((distance[hi] - distance[lo]) / (hi - lo) if hi > lo else 0.0)
    return Series(distance, speed, heart, rel, dist_raw)


def work_thresholds(series: Series, rep: Step) -> list[float]:
    """Return speeds in m/s that may separate work from recovery, most likely first.

    With a target pace, work is faster than a share of the target speed. A runner
    well off the target is still found by the split of the run's own speeds.
    """
    thresholds = (
        [] if rep.target is None else [TARGET_SPEED_SHARE * 1000.0 / rep.target.mid_s_per_km]
    )
    split = speed_split(series)
    if split is not None and (not thresholds or split < thresholds[0]):
        thresholds.append(split)
    return thresholds


def speed_split(series: Series) -> float | None:
    """Return the two-means split of the moving speeds: between the jog and the reps."""
    moving = sorted(v for v in series.speed_mps if v > 0.8)
    if not moving:
        return None
    low = moving[len(moving) // 5]
    high = moving[len(moving) * 19 // 20]
    for _ in range(20):
        threshold = (low + high) / 2
        slow = [v for v in moving if v < threshold]
        fast = [v for v in moving if v >= threshold]
        if not slow or not fast:
            break
        low, high = statistics.fmean(slow), statistics.fmean(fast)
    return (low + high) / 2


def smooth(values: list[float], half_width: int) -> list[float]:
    """Return the centred moving average of `values` over 2 * half_width + 1 samples."""
    prefix = [0.0]
    for v in values:
        prefix.append(prefix[-1] + v)
    last = len(values) - 1
    result = []
    for k in range(len(values)):
        lo, hi = max(0, k - half_width), min(last, k + half_width)
        result.append((prefix[hi + 1] - prefix[lo]) / (hi - lo + 1))
    return result


def find_segments(
    speeds: list[float], threshold: float, min_length_s: float, merge_gap_s: float = MERGE_GAP_S
) -> list[tuple[int, int]]:
    segments: list[tuple[int, int]] = []
    start: int | None = None
    end = len(speeds) - 1
    for second, v in enumerate(speeds):
        if v >= threshold and start is None:
            start = second
        elif v < threshold and start is not None:
            segments.append((start, second))
            start = None
    if start is not None:
        segments.append((start, end))
    merged: list[tuple[int, int]] = []
    for seg in segments:
        if merged and seg[0] - merged[-1][1] <= merge_gap_s:
            merged[-1] = (merged[-1][0], seg[1])
        else:
            merged.append(seg)
    return [s for s in merged if s[1] - s[0] >= min_length_s]


def is_work_bout(series: Series, segment: tuple[int, int], rep: Step, edge_s: int) -> bool:
    """Return True when the stretch is faster than its surroundings and near the target.

    `edge_s` is how many seconds next to each edge are left out of the surroundings.
    """
    start, end = segment
    if end <= start:
        return False
    work_speed = (series.distance_m[end] - series.distance_m[start]) / (end - start)
    target = rep.target
    if target is not None and work_speed < MIN_REP_SPEED_SHARE * 1000.0 / target.mid_s_per_km:
        return False
    before = series.speed_mps[max(0, start - edge_s - CONTEXT_S) : max(0, start - edge_s)]
    after = series.speed_mps[end + edge_s : end + edge_s + CONTEXT_S]
    around = before + after
    if not around:
        # The stretch fills the whole run: nothing to compare it with.
        return True
    return work_speed >= MIN_WORK_CONTRAST * statistics.median(around)


def refine_start(series: Series, segment: tuple[int, int]) -> float:
    """Return the second where the speed crosses halfway from the jog to the rep speed."""
    start, end = segment
    inside = series.speed_mps[start:end] or [series.speed_mps[start]]
    rep_speed = statistics.median(inside)
    before = series.speed_mps[max(0, start - 20) : start] or [0.0]
    jog_speed = statistics.median(before)
    half = (jog_speed + rep_speed) / 2
    # Raw speed from one-second distance differences, searched around the smoothed edge.
    lo = max(1, start - 2 * SMOOTH_HALF_WIDTH_S - 3)
    hi = min(series.end_s, start + 2 * SMOOTH_HALF_WIDTH_S + 3)
    for second in range(lo, hi + 1):
        raw = series.distance_m[second] - series.distance_m[second - 1]
        if raw >= half:
            # Interpolate inside the second where the crossing happened.
            prev = series.distance_m[second - 1] - series.distance_m[max(0, second - 2)]
            if raw > prev:
                return second - 1 + max(0.0, min(1.0, (half - prev) / (raw - prev)))
            return float(second - 1)
    return float(start)


# How far around a detected segment the fastest rep distance is searched, in seconds,
# and the step of that search.
SEARCH_MARGIN_S = 10
SEARCH_STEP_S = 0.1


def fastest_distance(
    series: Series, segment: tuple[int, int], metres: float, margin_s: float = SEARCH_MARGIN_S
) -> tuple[float, float]:
    """Return (start, end) of the fastest `metres` in and around the segment.

    Cutting the rep at a fixed distance from an estimated start goes wrong when the
    start is late and the runner walks after the rep: the missing metres are added at
    walking pace. The fastest window of the rep distance has no such error.
    """
    low = max(0.0, segment[0] - margin_s)
    high = min(float(series.end_s), segment[1] + margin_s)
    best = (low, high)
    best_time = float("inf")
    steps = int((high - low) / SEARCH_STEP_S)
    for number in range(steps + 1):
        start = low + number * SEARCH_STEP_S
        end = series.time_at_distance(series.distance_at(start) + metres, start)
        if end is None or end > high:
            break
        if end - start < best_time:
            best, best_time = (start, end), end - start
    return best


@dataclass
class StreamAlignment:
    steps: list[AlignedStep]
    confidence: float
    notes: list[str]


def align_streams(
    flat: list[FlatStep],
    series: Series,
    rep_indices: list[int],
    recovery_indices: list[int],
    empty: list[AlignedStep],
) -> StreamAlignment:
    """Cut reps, recoveries and the steps around them out of the 1 Hz series."""
    notes: list[str] = []
    if not rep_indices:
        return StreamAlignment(empty, 0.0, ["the workout has no reps to find in the stream"])
    rep = flat[rep_indices[0]].step
    planned_s = rep.estimated_duration_s()
    # GPS noise breaks long reps into pieces: smooth over 3 % of a rep and bridge dips
    # of up to 5 % of it.
    speeds = series.speed_mps
    half_width = round(0.03 * planned_s)
    if half_width > SMOOTH_HALF_WIDTH_S:
        speeds = smooth(speeds, half_width)
    edge_s = max(EDGE_S, half_width)
    gap = max(MERGE_GAP_S, 0.05 * planned_s)
    if rep.end.kind is EndKind.DISTANCE:
        assert rep.end.value is not None
        length = rep.end.value

        def fit(seg: tuple[int, int]) -> float:
            covered = series.distance_m[seg[1]] - series.distance_m[seg[0]]
            return abs(covered - length) / length

    else:
        assert rep.end.value is not None
        length = rep.end.value

        def fit(seg: tuple[int, int]) -> float:
            return abs((seg[1] - seg[0]) - length) / length

    wanted = len(rep_indices)
    candidates: list[tuple[int, int]] = []
    for threshold in work_thresholds(series, rep):
        segments = find_segments(speeds, threshold, max(15.0, 0.5 * planned_s), gap)
        fitting = [s for s in segments if fit(s) < 1.0 and is_work_bout(series, s, rep, edge_s)]
        if len(fitting) > len(candidates):
            candidates = fitting
        if len(candidates) >= wanted:
            break
    if len(candidates) > wanted:
        best = sorted(candidates, key=fit)[:wanted]
        candidates = sorted(best)
    steps = [_copy(s) for s in empty]

    spans: list[tuple[float, float]] = []
    for seg in candidates:
        if rep.end.kind is EndKind.DISTANCE:
            spans.append(fastest_distance(series, seg, length))
        else:
            start = refine_start(series, seg)
            spans.append((start, min(float(series.end_s), start + length)))

    if len(spans) < wanted:
        grid = _timed_grid(flat, series, rep_indices, recovery_indices)
        if grid is not None:
            spans = grid
            notes.append("reps placed on the workout's time grid")

    for number, flat_index in enumerate(rep_indices):
        if number < len(spans):
            set_span(steps[flat_index], series, *spans[number])
    for number, flat_index in enumerate(recovery_indices):
        if number >= len(spans):
            break
        start = spans[number][1]
        if number + 1 < len(spans):
            end = spans[number + 1][0]
        else:
            end = _forward_end(series, flat[flat_index].step, start)
        if end > start:
            set_span(steps[flat_index], series, start, end)

    if spans:
        _layout_before(steps, flat, series, rep_indices[0], spans[0][0])
        last = max(i for i in rep_indices + recovery_indices if not steps[i].missing)
        after = max(rep_indices + recovery_indices) + 1
        _layout_after(steps, flat, series, after, steps[last].end_s or 0.0)

    found = len(spans)
    if found < wanted:
        notes.append(f"the speed stream shows {found} of {wanted} reps")
    speeds = [
        distance / duration
        for i in rep_indices
        if (distance := steps[i].distance_m) and (duration := steps[i].duration_s)
    ]
    spread = statistics.pstdev(speeds) / statistics.fmean(speeds) if len(speeds) > 1 else 0.2
    confidence = 0.85 * (found / wanted) * max(0.0, 1.0 - 3.0 * spread)
    return StreamAlignment(steps, round(confidence, 2), notes)


def _timed_grid(
    flat: list[FlatStep], series: Series, rep_indices: list[int], recovery_indices: list[int]
) -> list[tuple[float, float]] | None:
    """Place every rep by the clock when reps and recoveries are all timed.

    A watch executing such a workout keeps to its timing, so the reps sit on a fixed
    grid; the grid start with the largest speed gap between reps and recoveries wins.
    Returns None unless every rep and recovery has a time end condition and the best
    grid's reps are clearly faster than its recoveries.
    """
    ends = [flat[i].step.end for i in rep_indices + recovery_indices]
    if any(end.kind is not EndKind.TIME or end.value is None for end in ends):
        return None
    work_s = [flat[i].step.end.value or 0.0 for i in rep_indices]
    rest_s = [flat[i].step.end.value or 0.0 for i in recovery_indices]
    total = sum(work_s) + sum(rest_s)
    if total >= series.end_s:
        return None
    prefix = [0.0]
    for v in series.speed_mps:
        prefix.append(prefix[-1] + v)

    def mean_speed(start: float, length: float) -> float:
        lo, hi = int(start), min(series.end_s, int(start + length))
        return (prefix[hi + 1] - prefix[lo]) / max(1, hi + 1 - lo)

    best_start, best_gap, best_work, best_rest = 0, -float("inf"), 0.0, 0.0
    for start in range(0, int(series.end_s - total) + 1):
        cursor = float(start)
        work = rest = 0.0
        for number, length in enumerate(work_s):
            work += mean_speed(cursor, length)
            cursor += length
            if number < len(rest_s):
                rest += mean_speed(cursor, rest_s[number])
                cursor += rest_s[number]
        gap = work / len(work_s) - (rest / len(rest_s) if rest_s else 0.0)
        if gap > best_gap:
            best_start, best_gap, best_work, best_rest = start, gap, work, rest
    # A run without work bouts, such as a steady easy run, has no grid to find.
    if rest_s and best_work / len(work_s) < MIN_WORK_CONTRAST * best_rest / len(rest_s):
        return None
    spans = []
    cursor = float(best_start)
    for number, length in enumerate(work_s):
        spans.append((cursor, cursor + length))
        cursor += length + (rest_s[number] if number < len(rest_s) else 0.0)
    return spans


def _copy(step: AlignedStep) -> AlignedStep:
    return AlignedStep(**{**step.__dict__, "laps": []})


def set_span(aligned: AlignedStep, series: Series, start: float, end: float) -> None:
    """Set the step to the part of the run between `start` and `end`, in seconds."""
    aligned.missing = False
    aligned.start_s = round(start, 2)
    aligned.end_s = round(end, 2)
    aligned.duration_s = round(end - start, 2)
    aligned.distance_m = round(series.distance_at(end) - series.distance_at(start), 1)
    aligned.avg_hr, aligned.max_hr = series.heart_rate_in(start, end)


def _forward_end(series: Series, step: Step, start: float) -> float:
    if step.end.kind is EndKind.DISTANCE and step.end.value is not None:
        found = series.time_at_distance(series.distance_at(start) + step.end.value, start)
        return found if found is not None else float(series.end_s)
    if step.end.kind is EndKind.TIME and step.end.value is not None:
        return min(float(series.end_s), start + step.end.value)
    return float(series.end_s)


def _backward_start(series: Series, step: Step, end: float) -> float:
    if step.end.kind is EndKind.DISTANCE and step.end.value is not None:
        target = series.distance_at(end) - step.end.value
        if target <= 0:
            return 0.0
        found = series.time_at_distance(target, 0.0)
        return found if found is not None else 0.0
    if step.end.kind is EndKind.TIME and step.end.value is not None:
        return max(0.0, end - step.end.value)
    return 0.0


def _layout_before(
    steps: list[AlignedStep], flat: list[FlatStep], series: Series, first: int, end: float
) -> None:
    """Place the steps before the first rep backwards from it; the first takes the rest."""
    for index in range(first - 1, -1, -1):
        if not steps[index].missing:
            break
        start = 0.0 if index == 0 else _backward_start(series, flat[index].step, end)
        if end > start:
            set_span(steps[index], series, start, end)
        end = start


def _layout_after(
    steps: list[AlignedStep], flat: list[FlatStep], series: Series, first: int, start: float
) -> None:
    """Place the steps after the main set forwards; the last takes the rest of the run."""
    for index in range(first, len(steps)):
        if not steps[index].missing:
            continue
        last = index == len(steps) - 1
        end = float(series.end_s) if last else _forward_end(series, flat[index].step, start)
        if end > start:
            set_span(steps[index], series, start, end)
        start = end
