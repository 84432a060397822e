"""Options shared by every subcommand: --config, --env-file, dates, logging and first runs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli, configure_logging
from tests.conftest import REPO_ROOT
from tests.helpers import example_workdir

EXAMPLE_ACTIVITIES = REPO_ROOT / "examples" / "activities"
SESSION_DAY = "2023-03-28"
# The example race is on 2023-04-23, so its Speed Sharpen of 2023-03-28 is race-26d.
SESSION_RELATIVE = "race-26d"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder with the example calendar as cal.yaml and no .env."""
    return example_workdir(tmp_path, monkeypatch)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_config_after_subcommand(workdir: Path) -> None:
    result = invoke("plan", "--config", "cal.yaml")
    assert result.exit_code == 0, result.output
    assert "Speed Sharpen" in result.output


def test_config_before_subcommand(workdir: Path) -> None:
    result = invoke("--config", "cal.yaml", "plan")
    assert result.exit_code == 0, result.output
    assert "Speed Sharpen" in result.output


def test_config_after_overrides(workdir: Path) -> None:
    result = invoke("--config", "missing.yaml", "plan", "--config", "cal.yaml")
    assert result.exit_code == 0, result.output


def test_config_missing_after(workdir: Path) -> None:
    result = invoke("plan", "--config", "missing.yaml")
    assert result.exit_code == 2
    assert "missing.yaml" in result.output


def test_env_file_after_subcommand(workdir: Path) -> None:
    (workdir / "other.env").write_text("PEAKBOT_CONFIG=cal.yaml\n")
    result = invoke("plan", "--env-file", "other.env")
    assert result.exit_code == 0, result.output
    assert "Speed Sharpen" in result.output


def test_env_file_keeps_config(workdir: Path) -> None:
    (workdir / "other.env").write_text("PEAKBOT_CONFIG=missing.yaml\n")
    result = invoke("--config", "cal.yaml", "plan", "--env-file", "other.env")
    assert result.exit_code == 0, result.output


def test_nested_subcommand_options(workdir: Path) -> None:
    result = invoke("auth", "garmin", "--help")
    assert "--config FILE" in result.output
    assert "--env-file FILE" in result.output


def test_run_today_race_relative(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEAKBOT_ACTIVITY_DIR", str(EXAMPLE_ACTIVITIES))
    result = invoke("run", "--config", "cal.yaml", "--once", "--today", SESSION_RELATIVE)
    assert result.exit_code == 0, result.output
    assert "Today: Speed Sharpen (Tue 28 Mar 2023)" in result.stdout


def test_summary_date_race_relative(workdir: Path) -> None:
    result = invoke("summary", "--config", "cal.yaml", "--date", "race-24d", "--kind", "morning")
    assert result.exit_code == 0, result.output
    assert "Today: Threshold 4 x 2 km" in result.stdout


def test_summary_date_invalid(workdir: Path) -> None:
    result = invoke("summary", "--config", "cal.yaml", "--date", "28/03/2023")
    assert result.exit_code == 2
    assert "--date: invalid date '28/03/2023'" in result.output


def test_no_example_copied_for_user(workdir: Path) -> None:
    result = invoke("run", "--config", "cal.yaml", "--once", "--today", SESSION_DAY)
    assert result.exit_code == 0, result.output
    assert not (workdir / "data" / "activities").exists()


def test_no_copy_before_calendar_check(workdir: Path) -> None:
    result = invoke("--config", "nope.yaml", "run", "--once")
    assert result.exit_code == 2
    assert not (workdir / "data" / "activities").exists()


def test_old_post_run_shown_and_sent(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEAKBOT_ACTIVITY_DIR", str(EXAMPLE_ACTIVITIES))
    first = invoke("run", "--config", "cal.yaml", "--once", "--today", "2023-04-02")
    shown = invoke("summary", "--config", "cal.yaml", "--date", SESSION_DAY, "--kind", "post-run")
    sent = invoke(
        "summary", "--config", "cal.yaml", "--date", SESSION_DAY, "--kind", "post-run", "--send"
    )
    assert "post-run summary for speed-sharpen-3 stored, not sent: the run is 5 days old" in (
        first.output
    )
    assert "95% compliance" not in first.stdout
    assert shown.exit_code == 0, shown.output
    assert "(stored, not sent; --send sends it)" in shown.stdout
    assert sent.exit_code == 0, sent.output
    assert "95% compliance, green" in sent.stdout
    assert "sent 1, failed 0" in sent.output


def test_status_times_athlete_zone(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calendar = workdir / "cal.yaml"
    text = calendar.read_text().replace("timezone: Europe/London", "timezone: Asia/Tokyo")
    calendar.write_text(text)
    monkeypatch.setenv("PEAKBOT_ACTIVITY_DIR", str(EXAMPLE_ACTIVITIES))
    invoke("run", "--config", "cal.yaml", "--once", "--today", SESSION_DAY)
    result = invoke("status", "--config", "cal.yaml", "--json")
    status = json.loads(result.stdout)
    push = next(job for job in status["jobs"] if job["job"] == "push")
    assert status["timezone"] == "Asia/Tokyo"
    assert push["last_run"]["started"].endswith("+09:00")
    assert not push["last_run"]["started"].startswith("2023-03-28")


def test_auth_garmin_no_terminal(workdir: Path) -> None:
    result = invoke("auth", "garmin", "--env-file", "absent.env")
    assert result.exit_code == 2
    assert "GARMIN_EMAIL and GARMIN_PASSWORD are not set" in result.output
    assert "run `peakbot auth garmin` in a terminal" in result.output


def test_apscheduler_quiet_by_default() -> None:
    configure_logging(1)
    level = logging.getLogger("apscheduler").level
    logging.getLogger("apscheduler").setLevel(logging.NOTSET)
    assert level == logging.WARNING


def test_apscheduler_debug_with_vv() -> None:
    configure_logging(2)
    level = logging.getLogger("apscheduler").level
    logging.getLogger("apscheduler").setLevel(logging.NOTSET)
    assert level == logging.DEBUG


def test_push_today_race_relative(workdir: Path) -> None:
    result = invoke("push", "--config", "cal.yaml", "--dry-run", "--json", "--today", "race-26d")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["today"] == SESSION_DAY


def test_verbose_after_subcommand(workdir: Path) -> None:
    result = invoke("-v", "plan", "--config", "cal.yaml", "-v")
    level = logging.getLogger("apscheduler").level
    logging.getLogger("apscheduler").setLevel(logging.NOTSET)
    assert result.exit_code == 0, result.output
    assert level == logging.DEBUG


def test_verbose_nested_subcommand(workdir: Path) -> None:
    result = invoke("auth", "garmin", "--help", "-v")
    assert result.exit_code == 0, result.output
    assert "--verbose" in result.output
