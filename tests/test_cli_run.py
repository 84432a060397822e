"""`peakbot run --once`, `summary` and `status` on the example calendar, offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from tests.conftest import REPO_ROOT

SESSION_DAY = "2023-03-28"
EXAMPLE_ACTIVITIES = REPO_ROOT / "examples" / "activities"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh folder with the example calendar and no .env, set up as `make try` does."""
    shutil.copytree(REPO_ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("PEAKBOT_", "GARMIN_", "STRAVA_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PEAKBOT_ACTIVITY_DIR", str(EXAMPLE_ACTIVITIES))
    yield tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", "config/calendar.yaml", *args])


def test_first_run_subprocess(workdir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEAKBOT_", "STRAVA_"))}
    env["PEAKBOT_ACTIVITY_DIR"] = str(EXAMPLE_ACTIVITIES)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--config",
            "config/calendar.yaml",
            "run",
            "--once",
            "--today",
            SESSION_DAY,
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Today: Speed Sharpen (Tue 28 Mar 2023)" in done.stdout
    assert "15 x (400 m at 2:54-2:58/km (" in done.stdout
    assert "15 of 15 done" in done.stdout
    assert "Why:" in done.stdout
    assert (workdir / "data" / "workouts" / "2023-03-28_speed-sharpen.fit").is_file()
    assert (workdir / "data" / "summaries" / "2023-03-28-post-run-speed-sharpen-3.png").is_file()


def test_run_once_twice_sends_once(workdir: Path) -> None:
    first = invoke("run", "--once", "--today", SESSION_DAY)
    second = invoke("run", "--once", "--today", SESSION_DAY)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "Today: Speed Sharpen" in first.stdout
    assert "Today: Speed Sharpen" not in second.stdout


def test_today_needs_once(workdir: Path) -> None:
    result = invoke("run", "--today", SESSION_DAY)
    assert result.exit_code == 2
    assert "--today works only with --once" in result.output


def test_invalid_calendar_exit_2(workdir: Path) -> None:
    (workdir / "config" / "calendar.yaml").write_text("athlete: {name: Alex}\n")
    result = invoke("run", "--once")
    assert result.exit_code == 2
    assert "calendar.yaml" in result.output


def test_summary_shows_stored(workdir: Path) -> None:
    invoke("run", "--once", "--today", SESSION_DAY)
    result = invoke("summary", "--date", SESSION_DAY, "--kind", "post-run")
    assert result.exit_code == 0, result.output
    assert "95% compliance, green" in result.stdout


def test_summary_send_again(workdir: Path) -> None:
    invoke("run", "--once", "--today", SESSION_DAY)
    result = invoke("summary", "--date", SESSION_DAY, "--kind", "morning", "--send")
    assert result.exit_code == 0, result.output
    assert "Today: Speed Sharpen" in result.stdout


def test_summary_preview_not_stored(workdir: Path) -> None:
    result = invoke("summary", "--date", "2023-03-30", "--kind", "morning")
    assert result.exit_code == 0, result.output
    assert "Today: Threshold 4 x 2 km" in result.stdout
    assert "not stored or sent" in result.stdout


def test_summary_post_run_missing(workdir: Path) -> None:
    result = invoke("summary", "--date", "2023-03-30", "--kind", "post-run")
    assert result.exit_code == 1
    assert "no post-run summary for 2023-03-30" in result.output


def test_status_json(workdir: Path) -> None:
    invoke("run", "--once", "--today", SESSION_DAY)
    result = invoke("status", "--json")
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    jobs = {job["job"]: job for job in status["jobs"]}
    assert jobs["push"]["last_run"]["result"] == "ok"
    assert jobs["sync"]["last_run"]["result"] == "ok"
    assert status["service"]["running"] is False
    assert status["tokens"]["garmin"]["present"] is False


def test_status_text(workdir: Path) -> None:
    invoke("run", "--once", "--today", SESSION_DAY)
    result = invoke("status")
    assert result.exit_code == 0, result.output
    assert "garmin: not logged in (run `peakbot auth garmin`)" in result.stdout


def test_status_token_expiry_no_secret(workdir: Path) -> None:
    from tests.fakes.garmin_server import write_fake_tokens

    token = write_fake_tokens(workdir / "data" / "tokens")
    result = invoke("status")
    assert "refresh token expires" in result.stdout
    assert "access token expires 2100-01-01T00:00:00+00:00" in result.stdout
    assert token not in result.stdout
    assert "fake-refresh-token" not in result.stdout


def test_morning_reports_once_tuning(workdir: Path) -> None:
    invoke("run", "--once", "--today", SESSION_DAY)
    second = invoke("run", "--once", "--today", "2023-03-29")
    third = invoke("run", "--once", "--today", "2023-03-30")
    assert "Speed Sharpen on Tue 04 Apr" in second.stdout
    assert "Speed Sharpen on Tue 04 Apr" not in third.stdout


def test_summary_stored_invalid_calendar(workdir: Path) -> None:
    invoke("run", "--once", "--today", SESSION_DAY)
    calendar = workdir / "config" / "calendar.yaml"
    calendar.write_text(calendar.read_text().replace("units: km", "units: furlongs"))
    result = invoke("summary", "--date", SESSION_DAY, "--kind", "morning")
    assert result.exit_code == 0, result.output
    assert "Today: Speed Sharpen" in result.stdout


def test_summary_compose_invalid_calendar(workdir: Path) -> None:
    calendar = workdir / "config" / "calendar.yaml"
    calendar.write_text(calendar.read_text().replace("units: km", "units: furlongs"))
    result = invoke("summary", "--date", "2023-03-30", "--kind", "morning")
    assert result.exit_code == 2
    assert "invalid unit 'furlongs'" in result.output


def test_deleted_database_not_sent_again(workdir: Path) -> None:
    invoke("run", "--once", "--today", SESSION_DAY)
    (workdir / "data" / "peakbot.sqlite3").unlink()
    again = invoke("run", "--once", "--today", SESSION_DAY)
    assert again.exit_code == 0, again.output
    assert "Today: Speed Sharpen" not in again.stdout
    assert "95% compliance" not in again.stdout


def test_run_help_schedule(workdir: Path) -> None:
    result = invoke("run", "-h")
    for name in (
        "PEAKBOT_PUSH_TIME",
        "PEAKBOT_SYNC_MINUTES",
        "PEAKBOT_WAKING_HOURS",
        "PEAKBOT_MORNING_TIME",
    ):
        assert name in result.stdout


def test_second_run_hint_data_dir(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEAKBOT_DATA_DIR", ".try-data")
    invoke("run", "--once", "--today", SESSION_DAY)
    second = invoke("run", "--once", "--today", SESSION_DAY)
    assert second.exit_code == 0, second.output
    assert f"`PEAKBOT_DATA_DIR=.try-data peakbot summary --date {SESSION_DAY}`" in second.stderr


def test_second_run_hint_config(workdir: Path) -> None:
    shutil.copy(workdir / "config" / "calendar.yaml", workdir / "mine.yaml")
    args = ("--config", "mine.yaml", "run", "--once", "--today", SESSION_DAY)
    CliRunner().invoke(cli, args)
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert f"`peakbot --config mine.yaml summary --date {SESSION_DAY}`" in second.stderr


def test_summary_other_day_rest(workdir: Path) -> None:
    result = invoke("summary", "--date", "2020-01-01", "--kind", "morning")
    assert result.exit_code == 0, result.output
    assert "No session on Wed 01 Jan 2020." in result.stdout
