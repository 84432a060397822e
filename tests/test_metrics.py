"""Rep and session metrics, compliance and the notes on degraded data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.activities.model import Activity, Lap
from bot.analysis import analyze, needs_streams
from bot.analysis.metrics import colour_for, compliance_score
from bot.workouts.text import parse_workout

TEXT = "1km warmup; 6x(400m @ 2:55-2:57/km, 60s rest); 1km cooldown"


def run(rep_times: list[float], *, hr: bool = True) -> Activity:
    parts = [(1000.0, 360.0)]
    for time_s in rep_times:
        parts += [(400.0, time_s), (50.0, 60.0)]
    parts.append((1000.0, 360.0))
    laps = []
    offset = 0.0
    for number, (distance, duration) in enumerate(parts):
        heart = 150.0 + number if hr else None
        laps.append(Lap(offset, distance, duration, duration, avg_hr=heart, max_hr=heart))
        offset += duration
    return Activity(
        source="file",
        source_id="metrics",
        start_utc=datetime(2026, 3, 3, 7, tzinfo=UTC),
        local_date=date(2026, 3, 3),
        distance_m=sum(p[0] for p in parts),
        moving_time_s=offset,
        elapsed_time_s=offset,
        avg_hr=150.0 if hr else None,
        laps=laps,
    )


def test_rep_metrics() -> None:
    analysis = analyze(parse_workout(TEXT), run([70.0, 70.4, 70.8, 71.2, 71.6, 72.0]))
    first = analysis.reps[0]
    assert first.pace_s_per_km == 175.0
    assert first.time_per_400m_s == 70.0
    assert first.in_band is True
    assert first.deviation_s_per_400m == pytest.approx(-0.4)
    assert analysis.reps[-1].in_band is False


def test_session_metrics() -> None:
    analysis = analyze(parse_workout(TEXT), run([70.0, 70.4, 70.8, 71.2, 71.6, 72.0]))
    m = analysis.metrics
    assert m.reps_completed == 6
    assert m.reps_in_band == 3
    assert m.target_time_per_400m_s == pytest.approx(70.4)
    assert m.mean_deviation_s_per_400m == pytest.approx(0.6)
    # Last two reps average 71.8 s, first two 70.2 s.
    assert m.fade_pct == pytest.approx((71.8 - 70.2) / 70.2 * 100, abs=0.01)
    assert m.cv_pct is not None and m.cv_pct > 0
    assert m.hr_drift_bpm == 8.0


def test_perfect_session_is_green() -> None:
    analysis = analyze(parse_workout(TEXT), run([70.4] * 6))
    assert analysis.metrics.compliance == 100
    assert analysis.metrics.colour == "green"


def test_half_done_is_red() -> None:
    analysis = analyze(parse_workout(TEXT), run([70.4] * 3))
    assert analysis.metrics.reps_completed == 3
    assert analysis.metrics.colour == "red"


@pytest.mark.parametrize(
    ("score", "colour"), [(100, "green"), (80, "green"), (79, "amber"), (60, "amber"), (59, "red")]
)
def test_colour_thresholds(score: int, colour: str) -> None:
    assert colour_for(score) == colour


def test_compliance_slow_reps() -> None:
    assert compliance_score(15, 15, 0, 4.0, 3.0, 2.0) < compliance_score(15, 15, 15, 0.2, 0.5, 0.5)


def test_no_heart_rate_note() -> None:
    analysis = analyze(parse_workout(TEXT), run([70.4] * 6, hr=False))
    assert analysis.reps[0].avg_hr is None
    assert analysis.metrics.hr_drift_bpm is None
    assert any("no heart rate" in note for note in analysis.notes)


def test_treadmill_note() -> None:
    activity = replace(run([70.4] * 6), sub_sport="treadmill")
    analysis = analyze(parse_workout(TEXT), activity)
    assert any("treadmill" in note for note in analysis.notes)
    assert analysis.confidence < 0.9


def test_manual_activity_totals() -> None:
    activity = replace(run([70.4] * 6), manual=True, laps=[])
    analysis = analyze(parse_workout(TEXT), activity)
    assert analysis.method == "totals"
    assert analysis.reps == []
    assert analysis.metrics.reps_completed is None
    assert any("manual activity" in note for note in analysis.notes)
    assert not needs_streams(analysis)


def test_single_lap_needs_streams() -> None:
    activity = run([70.4] * 6)
    total = sum(lap.elapsed_time_s for lap in activity.laps)
    activity.laps = [Lap(0.0, activity.distance_m, total, total)]
    analysis = analyze(parse_workout(TEXT), activity)
    assert needs_streams(analysis)


def test_to_dict_round_trip() -> None:
    from bot.analysis.model import SessionAnalysis

    analysis = analyze(parse_workout(TEXT), run([70.0, 70.4, 70.8, 71.2, 71.6, 72.0]))
    assert SessionAnalysis.from_dict(analysis.to_dict()) == analysis


def test_real_treadmill_run(real_data: Path) -> None:
    from zoneinfo import ZoneInfo

    from bot.activities.files import load_activity_file

    loaded = load_activity_file(
        real_data / "runalyze" / "FR920xt-with-runscribe-plus.fit", ZoneInfo("UTC")
    )
    assert loaded.activity is not None
    assert loaded.activity.sub_sport == "treadmill"
    analysis = analyze(parse_workout("5x(1km @ 3:50-4:00/km)"), loaded.activity)
    assert len(analysis.reps) == 5
    assert any("treadmill" in note for note in analysis.notes)
