"""Offline destination: FIT workout files written with garmin-fit-sdk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.garmin.fit_export import (
    MANIFEST_NAME,
    FitFolderDestination,
    decode_workout_steps,
    encode_workout_fit,
)
from bot.plan import PlannedSession
from bot.store.db import Store
from bot.store.pushed import list_pushed
from bot.workouts.model import EndCondition, Repeat, Step, StepKind, Workout
from tests.fakes.garmin_server import planned_session, speed_sharpen

TODAY = date(2023, 4, 2)
DAY = date(2023, 4, 4)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", token_dir=tmp_path / "tokens")


@pytest.fixture
def destination(settings: Settings) -> Iterator[FitFolderDestination]:
    store = Store(settings.database)
    yield FitFolderDestination(settings, store)
    store.close()


def reference(reps: int = 15, day: date = DAY) -> PlannedSession:
    return planned_session("speed-sharpen-2", day, speed_sharpen(reps))


def test_reference_steps_decode() -> None:
    workout, steps = decode_workout_steps(encode_workout_fit(reference()))
    assert workout["sport"] == "running"
    assert workout["num_valid_steps"] == 6
    assert [s["intensity"] for s in steps[:2]] == ["warmup", "active"]
    assert steps[0]["duration_time"] == 300.0
    assert steps[1]["duration_distance"] == 2000.0
    assert steps[2]["duration_distance"] == 400.0
    assert steps[3]["intensity"] == "rest"
    assert steps[3]["duration_time"] == 60.0
    assert steps[5]["intensity"] == "cooldown"


def test_reference_repeat_decodes() -> None:
    _, steps = decode_workout_steps(encode_workout_fit(reference()))
    repeat = steps[4]
    assert repeat["duration_type"] == "repeat_until_steps_cmplt"
    assert repeat["duration_step"] == 2
    assert repeat["repeat_steps"] == 15


def test_reference_pace_band_decodes() -> None:
    _, steps = decode_workout_steps(encode_workout_fit(reference()))
    rep = steps[2]
    assert rep["target_type"] == "speed"
    assert rep["custom_target_speed_low"] == pytest.approx(1000 / 178, abs=0.001)
    assert rep["custom_target_speed_high"] == pytest.approx(1000 / 174, abs=0.001)


@pytest.mark.parametrize(
    ("index", "fast_s_per_km", "slow_s_per_km"),
    [(0, 358, 362), (1, 238, 242), (2, 174, 178), (5, 358, 362)],
)
def test_every_target_decodes(index: int, fast_s_per_km: float, slow_s_per_km: float) -> None:
    _, steps = decode_workout_steps(encode_workout_fit(reference()))
    step = steps[index]
    assert step["target_type"] == "speed"
    assert step["custom_target_speed_low"] == pytest.approx(1000 / slow_s_per_km, abs=0.001)
    assert step["custom_target_speed_high"] == pytest.approx(1000 / fast_s_per_km, abs=0.001)


def test_rest_has_no_target() -> None:
    _, steps = decode_workout_steps(encode_workout_fit(reference()))
    assert steps[3]["target_type"] == "open"


def test_open_steps_decode() -> None:
    inner = Repeat(4, (Step(StepKind.ACTIVE, EndCondition.distance(400)),))
    outer = Repeat(3, (inner, Step(StepKind.RECOVERY, EndCondition.lap_button())))
    session = planned_session("nested-1", DAY, Workout("Nested", (outer,)), key="nested")
    _, steps = decode_workout_steps(encode_workout_fit(session))
    assert [s["duration_type"] for s in steps] == [
        "distance",
        "repeat_until_steps_cmplt",
        "open",
        "repeat_until_steps_cmplt",
    ]
    assert [s.get("repeat_steps") for s in steps] == [None, 4, None, 3]
    assert steps[1]["duration_step"] == 0
    assert steps[3]["duration_step"] == 0
    assert steps[0]["target_type"] == "open"


def test_encoding_is_deterministic() -> None:
    assert encode_workout_fit(reference()) == encode_workout_fit(reference())


def test_file_written_by_date_and_key(
    destination: FitFolderDestination, settings: Settings
) -> None:
    report = destination.push([reference()], today=TODAY, days=7)
    assert [r.action for r in report.results] == ["created"]
    path = settings.workouts_out / "2023-04-04_speed-sharpen.fit"
    assert path.read_bytes() == encode_workout_fit(reference())


def test_unchanged_file_not_rewritten(
    destination: FitFolderDestination, settings: Settings
) -> None:
    destination.push([reference()], today=TODAY, days=7)
    path = settings.workouts_out / "2023-04-04_speed-sharpen.fit"
    before = path.stat()
    report = destination.push([reference()], today=TODAY, days=7)
    after = path.stat()
    assert [r.action for r in report.results] == ["unchanged"]
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_changed_file_rewritten(destination: FitFolderDestination, settings: Settings) -> None:
    destination.push([reference(15)], today=TODAY, days=7)
    report = destination.push([reference(18)], today=TODAY, days=7)
    assert [r.action for r in report.results] == ["updated"]
    data = (settings.workouts_out / "2023-04-04_speed-sharpen.fit").read_bytes()
    _, steps = decode_workout_steps(data)
    assert steps[4]["repeat_steps"] == 18


def test_removed_session_file_deleted(
    destination: FitFolderDestination, settings: Settings
) -> None:
    destination.push([reference()], today=TODAY, days=7)
    report = destination.push([], today=TODAY, days=7)
    assert [r.action for r in report.results] == ["removed"]
    assert not (settings.workouts_out / "2023-04-04_speed-sharpen.fit").exists()
    assert list_pushed(destination.store, "fit") == {}


def test_moved_session_file_renamed(destination: FitFolderDestination, settings: Settings) -> None:
    destination.push([reference()], today=TODAY, days=7)
    report = destination.push([reference(day=date(2023, 4, 6))], today=TODAY, days=7)
    assert [r.action for r in report.results] == ["rescheduled"]
    names = sorted(p.name for p in settings.workouts_out.glob("*.fit"))
    assert names == ["2023-04-06_speed-sharpen.fit"]


def test_foreign_files_kept(destination: FitFolderDestination, settings: Settings) -> None:
    settings.workouts_out.mkdir(parents=True)
    mine = settings.workouts_out / "my-own-workout.fit"
    mine.write_bytes(b"not ours")
    destination.push([reference()], today=TODAY, days=7)
    destination.push([], today=TODAY, days=7)
    assert mine.read_bytes() == b"not ours"


def test_past_files_kept(destination: FitFolderDestination, settings: Settings) -> None:
    destination.push([reference()], today=TODAY, days=7)
    destination.push([], today=date(2023, 4, 5), days=7)
    assert (settings.workouts_out / "2023-04-04_speed-sharpen.fit").exists()


def test_lost_manifest_still_cleans(destination: FitFolderDestination, settings: Settings) -> None:
    destination.push([reference()], today=TODAY, days=7)
    (settings.workouts_out / MANIFEST_NAME).unlink()
    destination.push([], today=TODAY, days=7)
    assert list(settings.workouts_out.glob("*.fit")) == []


def test_dry_run_writes_nothing(destination: FitFolderDestination, settings: Settings) -> None:
    report = destination.push([reference()], today=TODAY, days=7, dry_run=True)
    assert [r.action for r in report.results] == ["created"]
    assert not settings.workouts_out.exists()


def test_same_key_same_day_named_by_id(
    destination: FitFolderDestination, settings: Settings
) -> None:
    first = planned_session("easy-1", DAY, speed_sharpen(), key="easy")
    second = planned_session("easy-2", DAY, speed_sharpen(), key="easy")
    destination.push([first, second], today=TODAY, days=7)
    names = sorted(p.name for p in settings.workouts_out.glob("*.fit"))
    assert names == ["2023-04-04_easy-1.fit", "2023-04-04_easy-2.fit"]


def test_no_temporary_files_left(destination: FitFolderDestination, settings: Settings) -> None:
    destination.push([reference()], today=TODAY, days=7)
    assert [p.name for p in settings.workouts_out.iterdir() if p.name.endswith(".tmp")] == []


def test_removed_row_shows_title(destination: FitFolderDestination) -> None:
    destination.push([reference()], today=TODAY, days=7)
    report = destination.push([], today=TODAY, days=7)
    assert [r.title for r in report.results] == [reference().title]


def test_removed_row_old_manifest_key(
    destination: FitFolderDestination, settings: Settings
) -> None:
    destination.push([reference()], today=TODAY, days=7)
    (settings.workouts_out / MANIFEST_NAME).unlink()
    report = destination.push([], today=TODAY, days=7)
    assert [r.title for r in report.results] == ["speed-sharpen"]


def test_moved_session_detail_flat(destination: FitFolderDestination) -> None:
    destination.push([reference()], today=TODAY, days=7)
    report = destination.push([reference(day=date(2023, 4, 6))], today=TODAY, days=7)
    assert [r.detail for r in report.results] == [
        "2023-04-06_speed-sharpen.fit, was 2023-04-04_speed-sharpen.fit"
    ]
