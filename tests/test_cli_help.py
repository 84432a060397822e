"""Option help: one style for defaults, and --env-file before a subcommand still applies."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from tests.helpers import example_workdir


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return example_workdir(tmp_path, monkeypatch)


def help_text(*args: str) -> str:
    return " ".join(CliRunner().invoke(cli, [*args, "--help"]).output.split())


def test_env_file_default_same_style() -> None:
    assert "[default: .env]" in help_text("plan")


def test_top_env_file_default() -> None:
    assert "[default: .env]" in help_text()


def test_sync_timezone_metavar() -> None:
    assert "--timezone ZONE" in help_text("sync")


def test_env_file_before_subcommand(workdir: Path) -> None:
    (workdir / "other.env").write_text("PEAKBOT_CONFIG=cal.yaml\n")
    result = CliRunner().invoke(cli, ["--env-file", "other.env", "plan"])
    assert result.exit_code == 0, result.output
    assert "Speed Sharpen" in result.output


def test_top_help_data_folders() -> None:
    text = help_text()
    for name in ("PEAKBOT_DATA_DIR", "PEAKBOT_WORKOUT_DIR", "PEAKBOT_ACTIVITY_DIR"):
        assert name in text
