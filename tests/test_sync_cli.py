"""`peakbot sync` from the command line, offline and against the fake Strava."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.activities.tokens import StravaTokens, save_tokens
from bot.cli.main import cli
from bot.cli.sync import athlete_timezone
from bot.store.activities import list_activities
from bot.store.db import Store
from tests.conftest import REPO_ROOT
from tests.fakes.http import Fault
from tests.fakes.strava_server import FakeStrava, make_run, save_issued_tokens


@pytest.fixture
def fake() -> Iterator[FakeStrava]:
    server = FakeStrava().start()
    yield server
    server.stop()


def run_sync(tmp_path: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    base = {
        "PEAKBOT_DATA_DIR": str(tmp_path / "data"),
        "PEAKBOT_ACTIVITY_DIR": str(tmp_path / "Activity"),
        "STRAVA_CLIENT_ID": "",
        "STRAVA_CLIENT_SECRET": "",
        "STRAVA_API_URL": "",
    }
    result = CliRunner().invoke(
        cli,
        ["--env-file", str(tmp_path / "absent.env"), "sync", *args],
        env={**base, **env},
    )
    return result.exit_code, result.output


def test_sync_folder_json(tmp_path: Path, real_data: Path) -> None:
    folder = tmp_path / "Activity"
    folder.mkdir()
    shutil.copy(real_data / "run-stats" / "6761214480_ACTIVITY.fit", folder)
    shutil.copy(real_data / "python-fitparse" / "activity-filecrc.fit", folder)
    code, output = run_sync(tmp_path, {}, "--json", "--timezone", "Europe/Berlin")
    report = json.loads(output)
    assert code == 0
    assert report["source"] == "files"
    assert sorted(report["new"]) == ["file:20120409T212226Z", "file:20210511T150512Z"]
    assert any(line.startswith("activity-filecrc.fit") for line in report["warnings"])
    assert report["requests"] == 0


def test_sync_folder_text(tmp_path: Path, real_data: Path) -> None:
    folder = tmp_path / "Activity"
    folder.mkdir()
    shutil.copy(real_data / "muktihari-fit" / "WorkoutRepeatSteps.fit", folder)
    code, output = run_sync(tmp_path, {}, "--timezone", "UTC")
    assert code == 0
    assert "skipped: WorkoutRepeatSteps.fit: it is a FIT workout file" in output
    assert "no new runs" in output


def test_sync_strava(tmp_path: Path, fake: FakeStrava) -> None:
    save_issued_tokens(fake, tmp_path / "data" / "tokens")
    fake.add(make_run(77, datetime.now(UTC) - timedelta(hours=2)))
    env = {"STRAVA_CLIENT_ID": "4242", "STRAVA_CLIENT_SECRET": "s", "STRAVA_API_URL": fake.url}
    code, output = run_sync(tmp_path, env, "--timezone", "Europe/Oslo")
    assert code == 0, output
    assert "source: strava (2 requests)" in output
    assert "new: Morning Run, " in output
    database = Store(tmp_path / "data" / "peakbot.sqlite3")
    assert [a.key for a in list_activities(database)] == ["strava:77"]


def test_sync_deferred_exit_code(tmp_path: Path, fake: FakeStrava) -> None:
    save_issued_tokens(fake, tmp_path / "data" / "tokens")
    fake.inject(Fault(r"GET /api/v3/athlete/activities", status=429, times=5))
    env = {"STRAVA_CLIENT_ID": "4242", "STRAVA_CLIENT_SECRET": "s", "STRAVA_API_URL": fake.url}
    code, output = run_sync(tmp_path, env, "--timezone", "UTC")
    assert code == 3, output
    assert "deferred: " in output
    assert "no new runs" not in output


def test_sync_revoked_message(tmp_path: Path, fake: FakeStrava) -> None:
    save_tokens(
        tmp_path / "data" / "tokens",
        StravaTokens("unknown", "unknown", 2_000_000_000, scope="read,activity:read_all"),
    )
    env = {"STRAVA_CLIENT_ID": "4242", "STRAVA_CLIENT_SECRET": "s", "STRAVA_API_URL": fake.url}
    code, output = run_sync(tmp_path, env, "--timezone", "UTC")
    assert code == 1
    assert "peakbot auth strava" in output


def test_sync_unknown_timezone(tmp_path: Path) -> None:
    code, output = run_sync(tmp_path, {}, "--timezone", "Mars/Olympus")
    assert code == 2
    assert "Mars/Olympus" in output


def test_timezone_from_calendar() -> None:
    zone = athlete_timezone(REPO_ROOT / "config" / "calendar.yaml")
    assert zone.key == "Europe/London"


def test_timezone_without_calendar(tmp_path: Path) -> None:
    assert athlete_timezone(tmp_path / "absent.yaml").key == "UTC"


def test_sync_copy_counted_once(tmp_path: Path, real_data: Path) -> None:
    folder = tmp_path / "Activity"
    folder.mkdir()
    shutil.copy(real_data / "run-stats" / "6761214480_ACTIVITY.fit", folder / "a.fit")
    shutil.copy(real_data / "run-stats" / "6761214480_ACTIVITY.fit", folder / "b.fit")
    code, output = run_sync(tmp_path, {}, "--timezone", "Europe/Berlin")
    assert code == 0, output
    assert output.count("new: ") == 1
    assert "new: a.fit, 2021-05-11, " in output
    assert "skipped: b.fit is the same run as a.fit, skipped" in output


def test_sync_copy_json_once(tmp_path: Path, real_data: Path) -> None:
    folder = tmp_path / "Activity"
    folder.mkdir()
    shutil.copy(real_data / "run-stats" / "6761214480_ACTIVITY.fit", folder / "a.fit")
    shutil.copy(real_data / "run-stats" / "6761214480_ACTIVITY.fit", folder / "b.fit")
    code, output = run_sync(tmp_path, {}, "--json", "--timezone", "Europe/Berlin")
    report = json.loads(output)
    assert code == 0
    assert report["new"] == ["file:20210511T150512Z"]
    assert report["labels"] == {"file:20210511T150512Z": "a.fit"}


def test_sync_locked(tmp_path: Path) -> None:
    from bot.service.lock import ProcessLock

    (tmp_path / "Activity").mkdir()
    with ProcessLock(tmp_path / "data"):
        code, output = run_sync(tmp_path, {})
    assert code == 1
    assert "another peakbot process" in output


def test_sync_recorded_as_job(tmp_path: Path) -> None:
    from bot.store import jobs

    (tmp_path / "Activity").mkdir()
    run_sync(tmp_path, {})
    store = Store(tmp_path / "data" / "peakbot.sqlite3")
    runs = jobs.list_job_runs(store, "sync")
    store.close()
    assert [run.result for run in runs] == ["ok"]
