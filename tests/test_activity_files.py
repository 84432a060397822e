"""Real FIT, TCX and GPX files load into the activity model with their laps and totals."""

from __future__ import annotations

import gzip
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activities.files import load_activity_file
from bot.activities.folder import FolderSource
from bot.activities.sync import open_source
from bot.config.settings import Settings
from bot.store.activities import get_activity, list_activities, save_activity
from bot.store.db import Store
from bot.workouts.model import EndCondition, Repeat, Step, StepKind, Workout

UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Expected:
    """Figures from the file's description: start, distance (m), timer and elapsed time (s)."""

    path: str
    start: str | None
    distance_m: float
    moving_s: float | None
    elapsed_s: float | None
    lap_distances_m: list[float]
    lap_times_s: list[float | None] | None = None
    avg_hr: float | None = None
    sub_sport: str | None = None


EXPECTED = [
    Expected(
        "python-fitparse/activity-small-fenix2-run.fit",
        "2015-08-15T14:45:08",
        9008,
        2832,
        None,
        [849, 2988, 2979, 2193],
        [270, 836, 758, 966],
    ),
    Expected(
        "python-fitparse/2013-02-06-12-11-14.fit",
        "2013-02-06T12:11:14",
        4835,
        2625,
        None,
        [1000, 1000, 1000, 1000, 835],
        [579, 622, 704, 344, 376],
        avg_hr=147,
    ),
    Expected(
        "python-fitparse/compressed-speed-distance.fit",
        None,
        10249,
        3773,
        3883,
        [1000] * 10 + [247],
        [540, 669, 317, 307, 335, 381, 257, 278, 268, 291, None],
        avg_hr=170,
    ),
    Expected(
        "tormoder-fit/mornindew-broken.fit",
        "2019-05-18T14:11:39",
        16773,
        6856,
        8629,
        [1609.35] * 10 + [680],
        [625.5, 662.5, 625.5, 635.9, 709.4, 661.1, 691.0, 677.9, 680.9, 647.3, 239],
        avg_hr=147,
    ),
    Expected(
        "goldencheetah/IpBike-HRV-Data.fit",
        "2017-03-02T16:03:04",
        9326,
        2762,
        None,
        [708, 1637, 399, 1617, 434, 1422, 486, 1419, 461, 739],
        [300, 360, 180, 360, 180, 360, 180, 360, 180, 302],
        avg_hr=164,
    ),
    Expected(
        "run-stats/6761214480_ACTIVITY.fit",
        "2021-05-11T15:05:12",
        8611,
        2461,
        None,
        [1000, 1000, 1000, 836] + [400, 200] * 6 + [1000, 176],
        avg_hr=164,
    ),
    Expected(
        "runalyze/FR920xt-with-runscribe-plus.fit",
        "2018-01-28T01:39:07",
        5006,
        1271,
        None,
        [1000] * 5 + [6],
        [270, 238, 224, 235, 302, None],
        avg_hr=169,
        sub_sport="treadmill",
    ),
    Expected(
        "sports-lib/20171011_run_2088390344.fit",
        "2017-10-11T16:48:25",
        3231,
        1763,
        None,
        [1609.34, 1609.34, 12],
        [757, 996, None],
        avg_hr=152,
    ),
    Expected(
        "sports-lib/OutdoorRun20200314145229.fit",
        "2020-03-14T13:52:29",
        10744,
        2922,
        None,
        [10744],
        avg_hr=160,
    ),
    Expected(
        "runalyze/Standard.tcx",
        "2011-07-10T09:47:00",
        22224,
        6523.8,
        None,
        [1000] * 22 + [224],
    ),
    Expected(
        "runalyze/Treadmill-doubled-cadence.tcx",
        "2016-01-07T17:39:11",
        498,
        261,
        None,
        [498],
        sub_sport="treadmill",
    ),
    Expected(
        "sports-lib/20181021_run_3106033902.tcx",
        "2018-10-21T13:50:14",
        2854,
        1679,
        None,
        [1000, 1000, 854],
        [565, 546, 568],
    ),
    Expected(
        "strava-ruby-client/17611540601.tcx",
        "2018-10-05T00:14:28",
        2999,
        976,
        None,
        [2999],
    ),
    Expected("runalyze/strava-export.gpx", "2015-12-01T20:11:32", 3700, None, 1156, [3700]),
    Expected(
        "sports-lib/20171008_run_2067489619.gpx",
        "2017-10-08T14:54:11",
        4400,
        None,
        2818,
        [4400],
    ),
    Expected(
        "sports-lib/20170319_run_906581465.gpx",
        "2017-03-19T16:49:30",
        4600,
        None,
        1958,
        [4600],
    ),
]

DAMAGED = [
    "python-fitparse/activity-unexpected-eof.fit",
    "python-fitparse/activity-filecrc.fit",
    "python-fitparse/strava-android-app-201.10-b1218918.fit",
    "muktihari-fit/activity_truncated.fit",
]


def _close(actual: float, expected: float, path: str) -> bool:
    # GPX distances are sums of point distances, given rounded to 0.1 km.
    tolerance = 0.05 * expected if path.endswith(".gpx") else max(1.0, 0.001 * expected)
    return abs(actual - expected) <= tolerance


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: Path(e.path).name)
def test_real_file_loads(real_data: Path, expected: Expected) -> None:
    result = load_activity_file(real_data / expected.path, UTC_ZONE)
    activity = result.activity
    assert result.error is None
    assert activity is not None
    assert activity.sport == "running"
    if expected.start is not None:
        assert activity.start_utc == datetime.fromisoformat(expected.start).replace(tzinfo=UTC)
    assert _close(activity.distance_m, expected.distance_m, expected.path)
    if expected.moving_s is not None:
        assert abs(activity.moving_time_s - expected.moving_s) <= 1.0
    if expected.elapsed_s is not None:
        assert abs(activity.elapsed_time_s - expected.elapsed_s) <= 1.0
    assert len(activity.laps) == len(expected.lap_distances_m)
    for lap, distance in zip(activity.laps, expected.lap_distances_m, strict=True):
        assert _close(lap.distance_m, distance, expected.path)
    for lap, seconds in zip(activity.laps, expected.lap_times_s or [], strict=False):
        if seconds is not None:
            assert abs(lap.moving_time_s - seconds) <= 1.0
    if expected.avg_hr is not None:
        assert activity.avg_hr == expected.avg_hr
    assert activity.sub_sport == expected.sub_sport
    assert activity.streams is not None
    assert len(activity.streams) > 0


@pytest.mark.parametrize("path", DAMAGED, ids=lambda p: Path(p).name)
def test_damaged_file_names_itself(real_data: Path, path: str) -> None:
    result = load_activity_file(real_data / path, UTC_ZONE)
    name = Path(path).name
    messages = [*result.warnings, *([result.error] if result.error else [])]
    assert messages
    assert all(message.startswith(name) for message in messages)
    assert (result.activity is None) == (result.error is not None)


def test_strava_app_partial(real_data: Path) -> None:
    path = real_data / "python-fitparse" / "strava-android-app-201.10-b1218918.fit"
    result = load_activity_file(path, UTC_ZONE)
    assert result.activity is not None
    assert round(result.activity.distance_m) == 11274
    assert result.activity.streams is not None
    assert len(result.activity.streams) == 473
    assert "local message" in result.warnings[0].lower()


def test_compressed_timestamps(real_data: Path) -> None:
    result = load_activity_file(
        real_data / "python-fitparse/compressed-speed-distance.fit", UTC_ZONE
    )
    assert result.activity is not None
    assert result.activity.streams is not None
    assert len(result.activity.streams) == 755
    assert "power-on" in result.warnings[0]


def test_workout_file_rejected(real_data: Path) -> None:
    result = load_activity_file(real_data / "muktihari-fit/WorkoutRepeatSteps.fit", UTC_ZONE)
    assert result.activity is None
    assert result.error == "WorkoutRepeatSteps.fit: it is a FIT workout file, not an activity"


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("easy run")
    result = load_activity_file(path, UTC_ZONE)
    assert result.error is not None
    assert result.error.startswith("notes.txt")


def test_invalid_xml(tmp_path: Path) -> None:
    path = tmp_path / "broken.tcx"
    path.write_text("<TrainingCenterDatabase><Activities>")
    result = load_activity_file(path, UTC_ZONE)
    assert result.error is not None
    assert result.error.startswith("broken.tcx: invalid XML")


def test_gzip_file(real_data: Path, tmp_path: Path) -> None:
    source = real_data / "sports-lib" / "20171011_run_2088390344.fit"
    packed = tmp_path / "run.fit.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    result = load_activity_file(packed, UTC_ZONE)
    assert result.activity is not None
    assert round(result.activity.distance_m) == 3231


def test_local_date_in_zone(real_data: Path) -> None:
    # Started 01:39 UTC on 28 January: still 27 January in New York.
    path = real_data / "runalyze" / "FR920xt-with-runscribe-plus.fit"
    result = load_activity_file(path, ZoneInfo("America/New_York"))
    assert result.activity is not None
    assert result.activity.local_date == date(2018, 1, 27)


# --- embedded workout ---------------------------------------------------------------------


def test_run_stats_step_indexes(real_data: Path) -> None:
    result = load_activity_file(real_data / "run-stats" / "6761214480_ACTIVITY.fit", UTC_ZONE)
    assert result.activity is not None
    indexes = [lap.step_index for lap in result.activity.laps]
    assert indexes == [0, 0, 0, 0] + [1, 2] * 6 + [4, 4]


def test_run_stats_rep_times(real_data: Path) -> None:
    result = load_activity_file(real_data / "run-stats" / "6761214480_ACTIVITY.fit", UTC_ZONE)
    assert result.activity is not None
    reps = [round(lap.moving_time_s, 1) for lap in result.activity.laps if lap.step_index == 1]
    assert reps == [79.5, 79.1, 84.7, 84.9, 83.8, 82.9]


def test_run_stats_embedded_workout(real_data: Path) -> None:
    result = load_activity_file(real_data / "run-stats" / "6761214480_ACTIVITY.fit", UTC_ZONE)
    assert result.activity is not None
    expected = Workout(
        name="Intervall 6x400m",
        steps=(
            Step(StepKind.WARMUP, EndCondition.lap_button()),
            Repeat(
                6,
                (
                    Step(StepKind.ACTIVE, EndCondition.distance(400)),
                    Step(StepKind.RECOVERY, EndCondition.distance(200)),
                ),
            ),
            Step(StepKind.COOLDOWN, EndCondition.lap_button()),
        ),
    )
    assert result.activity.embedded_workout == expected


# --- store and folder source ----------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "peakbot.sqlite3")


def test_store_roundtrip(real_data: Path, store: Store) -> None:
    result = load_activity_file(real_data / "run-stats" / "6761214480_ACTIVITY.fit", UTC_ZONE)
    assert result.activity is not None
    key = save_activity(store, result.activity)
    reopened = Store(store.path)
    loaded = get_activity(reopened, key)
    assert loaded == result.activity


def copy_files(real_data: Path, folder: Path, paths: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.copy(real_data / path, folder / Path(path).name)


def test_folder_damaged_and_good(real_data: Path, tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "Activity"
    good = ["sports-lib/20171011_run_2088390344.fit", "runalyze/Standard.tcx"]
    copy_files(real_data, folder, [*DAMAGED, *good, "muktihari-fit/WorkoutRepeatSteps.fit"])
    report = FolderSource(folder, store).sync(timezone=UTC_ZONE, now=NOW)
    stored = {a.start_utc.date() for a in list_activities(store)}
    assert date(2017, 10, 11) in stored
    assert date(2011, 7, 10) in stored
    for path in DAMAGED:
        name = Path(path).name
        assert any(line.startswith(name) for line in [*report.warnings, *report.skipped])
    assert any(line.startswith("WorkoutRepeatSteps.fit") for line in report.skipped)


def test_folder_unchanged_not_reread(real_data: Path, tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "Activity"
    copy_files(real_data, folder, ["sports-lib/20171011_run_2088390344.fit"])
    source = FolderSource(folder, store)
    first = source.sync(timezone=UTC_ZONE, now=NOW)
    second = source.sync(timezone=UTC_ZONE, now=NOW)
    assert len(first.new) == 1
    assert second.new == []
    assert second.updated == []


def test_folder_changed_file_reread(real_data: Path, tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "Activity"
    copy_files(real_data, folder, ["sports-lib/20171011_run_2088390344.fit"])
    source = FolderSource(folder, store)
    source.sync(timezone=UTC_ZONE, now=NOW)
    path = folder / "20171011_run_2088390344.fit"
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))
    report = source.sync(timezone=UTC_ZONE, now=NOW)
    assert len(report.updated) == 1


def test_folder_missing(tmp_path: Path, store: Store) -> None:
    report = FolderSource(tmp_path / "absent", store).sync(timezone=UTC_ZONE, now=NOW)
    assert report.new == []
    assert "does not exist" in report.warnings[0]


def test_open_source_folder(tmp_path: Path, store: Store) -> None:
    settings = Settings(data_dir=tmp_path, activity_dir=tmp_path / "in")
    source = open_source(settings, store)
    assert isinstance(source, FolderSource)
    assert source.folder == tmp_path / "in"


def test_same_run_two_sources(real_data: Path, tmp_path: Path, store: Store) -> None:
    from bot.activities.model import Activity

    folder = tmp_path / "Activity"
    copy_files(real_data, folder, ["sports-lib/OutdoorRun20200314145229.fit"])
    FolderSource(folder, store).sync(timezone=UTC_ZONE, now=NOW)
    # Strava's copy of the same COROS run: 10743 m, started within the minute.
    strava_copy = Activity(
        source="strava",
        source_id="3183465494",
        start_utc=datetime(2020, 3, 14, 13, 52, 30, tzinfo=UTC),
        local_date=date(2020, 3, 14),
        distance_m=10743.0,
        moving_time_s=2922,
        elapsed_time_s=2922,
    )
    key = save_activity(store, strava_copy)
    assert key.startswith("file:")
    assert len(list_activities(store)) == 1


def test_different_runs_both_kept(store: Store) -> None:
    from bot.activities.model import Activity

    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    first = Activity("file", "a", start, start.date(), distance_m=10_000)
    second = Activity("strava", "b", start, start.date(), distance_m=5_000)
    save_activity(store, first)
    save_activity(store, second)
    assert len(list_activities(store)) == 2
