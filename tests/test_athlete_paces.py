"""VDOT, equivalent race times and training paces.

Reference figures come from the VDOT tables of Daniels' Running Formula (Jack
Daniels). The VDOT 50 row of race times is 5 km 19:57, 10 km 41:21, half marathon
1:31:35 and marathon 3:10:49. Its training intensities are M 4:31/km, T 4:15/km
and I 3:55/km.
"""

from __future__ import annotations

import pytest

from bot.workouts.athlete import (
    AthletePaces,
    UnknownPaceLabelError,
    race_time_s,
    riegel_time_s,
    training_paces,
    vdot_from_race,
)
from bot.workouts.text import parse_pace_target

# (distance in metres, published time in seconds, allowed difference in seconds)
VDOT_50_RACES = [
    (5000.0, 19 * 60 + 57, 3.0),
    (10000.0, 41 * 60 + 21, 5.0),
    (21097.5, 3600 + 31 * 60 + 35, 10.0),
    (42195.0, 3 * 3600 + 10 * 60 + 49, 20.0),
]


@pytest.mark.parametrize(("distance_m", "published_s", "allowed_s"), VDOT_50_RACES)
def test_vdot_50_race_times(distance_m: float, published_s: float, allowed_s: float) -> None:
    assert race_time_s(50.0, distance_m) == pytest.approx(published_s, abs=allowed_s)


@pytest.mark.parametrize(("distance_m", "published_s", "allowed_s"), VDOT_50_RACES)
def test_vdot_from_table_race(distance_m: float, published_s: float, allowed_s: float) -> None:
    assert vdot_from_race(distance_m, published_s) == pytest.approx(50.0, abs=0.1)


def test_race_time_inverts_vdot() -> None:
    vdot = vdot_from_race(10000.0, 2025.0)
    assert race_time_s(vdot, 10000.0) == pytest.approx(2025.0, abs=0.001)


@pytest.mark.parametrize(("label", "published_s_per_km"), [("M", 271), ("T", 255), ("I", 235)])
def test_vdot_50_training_paces(label: str, published_s_per_km: float) -> None:
    assert training_paces(50.0)[label] == pytest.approx(published_s_per_km, abs=2.0)


def test_easy_pace_inside_easy_band() -> None:
    paces = training_paces(50.0)
    assert paces["M"] < paces["E"] < 360.0


def test_repetition_faster_than_interval() -> None:
    paces = training_paces(50.0)
    assert paces["I"] - paces["R"] == pytest.approx(15.0)


def test_riegel_doubles_distance() -> None:
    assert riegel_time_s(10000.0, 2400.0, 20000.0) == pytest.approx(2400.0 * 2**1.06)


def test_race_pace_is_own_pace() -> None:
    athlete = AthletePaces.from_race(10000.0, 33 * 60 + 45)
    assert athlete.pace_s_per_km("10k") == 202.5


def test_other_race_paces_from_vdot() -> None:
    athlete = AthletePaces.from_race(10000.0, 33 * 60 + 45)
    assert athlete.vdot is not None
    expected = race_time_s(athlete.vdot, 42195.0) / 42.195
    assert athlete.pace_s_per_km("MP") == pytest.approx(expected)


def test_marathon_alias_matches_m() -> None:
    athlete = AthletePaces.from_race(10000.0, 33 * 60 + 45)
    assert athlete.pace_s_per_km("marathon") == athlete.pace_s_per_km("M")


def test_targets_resolve_to_athlete_paces() -> None:
    athlete = AthletePaces.from_race(10000.0, 33 * 60 + 45)
    for label in ("10k", "MP", "I"):
        target = parse_pace_target(label, paces=athlete, tolerance_s_per_km=0.0)
        assert target.fast_s_per_km == round(athlete.pace_s_per_km(label), 1)


def test_ten_k_target_band() -> None:
    athlete = AthletePaces.from_race(10000.0, 33 * 60 + 45)
    target = parse_pace_target("10k", paces=athlete)
    assert (target.fast_s_per_km, target.slow_s_per_km) == (200.5, 204.5)


def test_half_marathon_race_sets_hm() -> None:
    athlete = AthletePaces.from_race(21100.0, 5400.0)
    assert athlete.pace_s_per_km("half") == pytest.approx(5400.0 / 21.1)


def test_override_wins() -> None:
    athlete = AthletePaces.from_race(10000.0, 2025.0, overrides={"marathon": 230.0})
    assert athlete.pace_s_per_km("MP") == 230.0


def test_explicit_paces_only() -> None:
    athlete = AthletePaces.from_explicit({"5K": 200.0, "half-marathon": 215.0})
    assert athlete.pace_s_per_km("5k") == 200.0
    assert athlete.pace_s_per_km("HM") == 215.0
    assert athlete.vdot is None


def test_missing_pace_lists_known() -> None:
    athlete = AthletePaces.from_explicit({"5k": 200.0})
    with pytest.raises(UnknownPaceLabelError) as caught:
        athlete.pace_s_per_km("T")
    assert str(caught.value) == (
        "no 'T' pace for this runner; known paces: 5k; "
        "add it to the athlete's paces or give a race result"
    )


def test_unknown_label_lists_labels() -> None:
    athlete = AthletePaces.from_race(10000.0, 2025.0)
    with pytest.raises(KeyError) as caught:
        athlete.pace_s_per_km("fast")
    assert str(caught.value) == (
        "unknown pace label 'fast'; known labels: 5k, 10k, HM, MP, E, M, T, I, R "
        "(aliases: 5K, half, half-marathon, marathon)"
    )


def test_invalid_race_rejected() -> None:
    with pytest.raises(ValueError, match="race time must be positive"):
        vdot_from_race(10000.0, 0.0)


def test_impossible_race_rejected() -> None:
    with pytest.raises(ValueError, match="faster than 2:00/km"):
        AthletePaces.from_race(10000.0, 600.0)


def test_too_slow_race_rejected() -> None:
    with pytest.raises(ValueError, match="too slow to give a VDOT"):
        AthletePaces.from_race(10000.0, 72000.0)
