"""`peakbot analyze` on real files, stored runs and a small calendar."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from bot.activities.files import load_activity_file
from bot.cli.main import cli
from bot.config.settings import load_settings
from bot.store.activities import save_activity
from bot.store.db import Store
from tests.helpers import TRACK_CALENDAR, track_environment

TRACK_FILE = "run-stats/6761214480_ACTIVITY.fit"


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return track_environment(tmp_path)


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> Result:
    base = ["--env-file", str(tmp_path / "no.env")]
    return CliRunner().invoke(cli, base + args, env=env, catch_exceptions=False)


def test_embedded_workout_no_calendar(real_data: Path, tmp_path: Path) -> None:
    env = {
        "PEAKBOT_DATA_DIR": str(tmp_path / "data"),
        "PEAKBOT_CONFIG": str(tmp_path / "none.yaml"),
    }
    result = run(["analyze", str(real_data / TRACK_FILE)], env, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Intervall 6x400m" in result.output
    assert "aligned to the watch's workout steps (sure, fit 0.98 of 1)" in result.output
    assert "79.5" in result.output
    assert "82.9" in result.output
    assert "compliance:" in result.output


def test_calendar_session_and_decision(
    real_data: Path, tmp_path: Path, environment: dict[str, str]
) -> None:
    result = run(["analyze", str(real_data / TRACK_FILE)], environment, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Track 6 x 400 m:")
    assert "next Track 6 x 400 m (2021-05-18):" in result.output
    assert "because" in result.output


def test_json_output(real_data: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    result = run(["analyze", str(real_data / TRACK_FILE), "--json"], environment, tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["session"] == "track-1"
    assert len(data["analysis"]["reps"]) == 6
    assert data["decision"]["session"] == "track-2"
    assert data["decision"]["action"] in ("progress", "hold", "ease", "taper")


def test_session_option(real_data: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    args = ["analyze", str(real_data / TRACK_FILE), "--session", "2021-05-18", "--json"]
    result = run(args, environment, tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["session"] == "track-2"
    assert data["decision"] is None


def test_stored_run_by_date(real_data: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    loaded = load_activity_file(real_data / TRACK_FILE, ZoneInfo("Europe/Berlin"))
    assert loaded.activity is not None
    settings = load_settings(None, environ=environment)
    store = Store(settings.database)
    save_activity(store, loaded.activity)
    store.close()
    result = run(["analyze", "--date", "2021-05-11", "--json"], environment, tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [round(r["time_s"], 1) for r in data["analysis"]["reps"]] == [
        79.5,
        79.1,
        84.7,
        84.9,
        83.8,
        82.9,
    ]


def test_no_stored_run(tmp_path: Path, environment: dict[str, str]) -> None:
    result = run(["analyze", "--date", "2021-05-11"], environment, tmp_path)
    assert result.exit_code == 2
    assert "no stored run on 2021-05-11" in result.output


def test_file_and_date_rejected(tmp_path: Path, environment: dict[str, str]) -> None:
    result = run(["analyze", "x.fit", "--date", "2021-05-11"], environment, tmp_path)
    assert result.exit_code == 2
    assert "give an activity FILE or --date DATE" in result.output


def test_bad_date(tmp_path: Path, environment: dict[str, str]) -> None:
    result = run(["analyze", "--date", "11/05/2021"], environment, tmp_path)
    assert result.exit_code == 2
    assert "--date: invalid date '11/05/2021'" in result.output


def test_missing_file(tmp_path: Path, environment: dict[str, str]) -> None:
    result = run(["analyze", str(tmp_path / "missing.fit")], environment, tmp_path)
    assert result.exit_code == 2
    assert "missing.fit: file not found" in result.output


def test_session_race_relative(
    real_data: Path, tmp_path: Path, environment: dict[str, str]
) -> None:
    args = ["analyze", str(real_data / TRACK_FILE), "--session", "race-54d", "--json"]
    result = run(args, environment, tmp_path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["session"] == "track-2"


def test_date_race_relative(real_data: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    loaded = load_activity_file(real_data / TRACK_FILE, ZoneInfo("Europe/Berlin"))
    assert loaded.activity is not None
    store = Store(load_settings(None, environ=environment).database)
    save_activity(store, loaded.activity)
    store.close()
    result = run(["analyze", "--date", "race-61d", "--json"], environment, tmp_path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["date"] == "2021-05-11"


def test_header_names_file(real_data: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    result = run(["analyze", str(real_data / TRACK_FILE)], environment, tmp_path)
    header = result.output.splitlines()[0]
    assert header.startswith("Track 6 x 400 m: 6761214480_ACTIVITY.fit on 2021-05-11, ")
    assert header.endswith(" km")


def test_no_later_session(real_data: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    args = ["analyze", str(real_data / TRACK_FILE), "--session", "2021-05-18"]
    result = run(args, environment, tmp_path)
    assert result.exit_code == 0, result.output
    assert "next: no later track session in the calendar to tune" in result.output


def test_paces_in_miles(real_data: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    calendar = Path(environment["PEAKBOT_CONFIG"])
    calendar.write_text(TRACK_CALENDAR.replace("units: km", "units: mi"), encoding="utf-8")
    result = run(["analyze", str(real_data / TRACK_FILE)], environment, tmp_path)
    rep_lines = [line for line in result.output.splitlines() if line.strip().startswith("1 ")]
    assert "/mi" in rep_lines[0]
    assert result.output.splitlines()[0].endswith(" mi")


def test_json_keeps_metric(real_data: Path, tmp_path: Path, environment: dict[str, str]) -> None:
    calendar = Path(environment["PEAKBOT_CONFIG"])
    calendar.write_text(TRACK_CALENDAR.replace("units: km", "units: mi"), encoding="utf-8")
    result = run(["analyze", str(real_data / TRACK_FILE), "--json"], environment, tmp_path)
    data = json.loads(result.stdout)
    assert "pace_s_per_km" in data["analysis"]["reps"][0]
    assert data["distance_m"] > 0
